import {
  GetRoutingControlStateCommand,
  ListRoutingControlsCommand as ListStatesCommand,
  UpdateRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster'
import {
  DescribeClusterCommand,
  ListClustersCommand,
  ListControlPanelsCommand,
  ListRoutingControlsCommand,
  ListSafetyRulesCommand,
} from '@aws-sdk/client-route53-recovery-control-config'
import {afterEach, describe, expect, it} from 'vitest'

import {mutateWorld, readCallLog, readWorld, setFault} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

async function arcIds(home: string) {
  const world = await readWorld(home)
  if (!world) throw new Error('no world')
  const panel = world.arc.controlPanels.find((p) => !p.isDefault)
  const control = (region: string) =>
    world.arc.routingControls.find((c) => c.name === `retail-${region}`)?.arn as string
  return {
    cluster: world.arc.clusters[0]?.arn as string,
    panel: panel?.arn as string,
    east: control('us-east-1'),
    west: control('us-west-2'),
    rule: world.arc.safetyRules[0]?.arn as string,
  }
}

describe('ARC control plane', () => {
  it('describes the cluster, panels, routing controls and safety rules (percent-encoded ARNs in paths)', async () => {
    sandbox = await startTestSandbox()
    const ids = await arcIds(sandbox.home)
    const control = sandbox.arcControl()
    const cluster = (await control.send(new DescribeClusterCommand({ClusterArn: ids.cluster}))).Cluster
    expect(cluster).toMatchObject({ClusterArn: ids.cluster, Name: 'retail-arc', Status: 'DEPLOYED'})
    expect(cluster?.ClusterEndpoints?.map((e) => [e.Region, e.Endpoint])).toEqual([
      ['us-east-1', 'https://arc1.us-east-1.sandbox.drctl.invalid/v1'],
      ['us-west-2', 'https://arc2.us-west-2.sandbox.drctl.invalid/v1'],
      ['eu-west-1', 'https://arc3.eu-west-1.sandbox.drctl.invalid/v1'],
      ['ap-northeast-1', 'https://arc4.ap-northeast-1.sandbox.drctl.invalid/v1'],
      ['ap-southeast-2', 'https://arc5.ap-southeast-2.sandbox.drctl.invalid/v1'],
    ])
    expect(sandbox.server.arcEndpointUrl('https://arc3.eu-west-1.sandbox.drctl.invalid/v1')).toBe(
      sandbox.server.arcEndpoints()[2]?.url,
    )
    expect(sandbox.server.arcEndpointUrl('https://example.com/v1')).toBe('https://example.com/v1')
    expect((await control.send(new ListClustersCommand({}))).Clusters).toHaveLength(1)
    const panels = (await control.send(new ListControlPanelsCommand({ClusterArn: ids.cluster}))).ControlPanels
    expect(panels?.map((p) => [p.Name, p.DefaultControlPanel, p.RoutingControlCount])).toEqual([
      ['DefaultControlPanel', true, 0],
      ['retail-panel', false, 2],
    ])
    const controls = (await control.send(new ListRoutingControlsCommand({ControlPanelArn: ids.panel}))).RoutingControls
    expect(controls?.map((c) => c.Name)).toEqual(['retail-us-east-1', 'retail-us-west-2'])
    const rules = (await control.send(new ListSafetyRulesCommand({ControlPanelArn: ids.panel}))).SafetyRules
    expect(rules).toEqual([
      {
        ASSERTION: expect.objectContaining({
          Name: 'at-least-one-on',
          AssertedControls: [ids.east, ids.west],
          RuleConfig: {Type: 'ATLEAST', Threshold: 1, Inverted: false},
          SafetyRuleArn: ids.rule,
          WaitPeriodMs: 5000,
        }),
      },
    ])
    await expect(control.send(new DescribeClusterCommand({ClusterArn: `${ids.cluster}0`}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: {httpStatusCode: 404},
    })
  })

  it('pages lists on both planes with MaxResults and NextToken, and refuses a MaxResults out of range', async () => {
    sandbox = await startTestSandbox()
    const ids = await arcIds(sandbox.home)
    const control = sandbox.arcControl()
    const first = await control.send(new ListRoutingControlsCommand({ControlPanelArn: ids.panel, MaxResults: 1}))
    expect(first.RoutingControls?.map((c) => c.Name)).toEqual(['retail-us-east-1'])
    expect(first.NextToken).toBeDefined()
    const second = await control.send(
      new ListRoutingControlsCommand({ControlPanelArn: ids.panel, MaxResults: 1, NextToken: first.NextToken}),
    )
    expect(second.RoutingControls?.map((c) => c.Name)).toEqual(['retail-us-west-2'])
    expect(second.NextToken).toBeUndefined()
    await expect(
      control.send(new ListControlPanelsCommand({ClusterArn: ids.cluster, MaxResults: 1001})),
    ).rejects.toMatchObject({name: 'ValidationException', message: 'MaxResults must be between 1 and 1000'})

    const data = sandbox.arcData(2)
    const page1 = await data.send(new ListStatesCommand({ControlPanelArn: ids.panel, MaxResults: 1}))
    expect(page1.RoutingControls?.map((c) => c.RoutingControlName)).toEqual(['retail-us-east-1'])
    const page2 = await data.send(
      new ListStatesCommand({ControlPanelArn: ids.panel, MaxResults: 1, NextToken: page1.NextToken}),
    )
    expect(page2.RoutingControls?.map((c) => c.RoutingControlName)).toEqual(['retail-us-west-2'])
    expect(page2.NextToken).toBeUndefined()
    await expect(data.send(new ListStatesCommand({MaxResults: 0}))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'MaxResults must be between 1 and 1000',
    })
    await expect(data.send(new ListStatesCommand({NextToken: 'not-a-token'}))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'NextToken is invalid',
    })
  })

  it('hands out live endpoint URLs when serving stand-alone, and exists only in us-west-2', async () => {
    sandbox = await startTestSandbox({externalArcUrls: true})
    const ids = await arcIds(sandbox.home)
    const cluster = (await sandbox.arcControl().send(new DescribeClusterCommand({ClusterArn: ids.cluster}))).Cluster
    expect(cluster?.ClusterEndpoints?.map((e) => e.Endpoint)).toEqual(sandbox.server.arcEndpoints().map((e) => e.url))
    await expect(
      sandbox.arcControl('us-east-1').send(new DescribeClusterCommand({ClusterArn: ids.cluster})),
    ).rejects.toThrow(/socket hang up|ECONNRESET/)
  })

  it('fails at once when signed for another Region, even while that Region hangs', async () => {
    sandbox = await startTestSandbox({clock: 'real', timeScale: 0.01, maxAttempts: 3, requestTimeoutMs: 5000})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1', mode: 'hang'})
    for (const region of ['us-east-1', 'eu-west-1']) {
      const started = Date.now()
      await expect(sandbox.arcControl(region).send(new ListClustersCommand({}))).rejects.toThrow(
        /socket hang up|ECONNRESET/,
      )
      // Every attempt fails at once; with the SDK's short backoff, far below one request timeout.
      expect(Date.now() - started).toBeLessThan(2500)
    }
    const log = await readCallLog(sandbox.home)
    const dropped = log.filter((entry) => entry.service === 'route53-recovery-control-config')
    expect(new Set(dropped.map((entry) => entry.region))).toEqual(new Set(['us-east-1', 'eu-west-1']))
    expect(dropped.every((entry) => entry.fault === 'no-such-endpoint' && entry.status === 0)).toBe(true)
  })
})

describe('ARC data plane', () => {
  it('reads and lists states on every endpoint, signed for that endpoint’s Region', async () => {
    sandbox = await startTestSandbox()
    const ids = await arcIds(sandbox.home)
    for (let index = 1; index <= 5; index++) {
      const state = await sandbox.arcData(index).send(new GetRoutingControlStateCommand({RoutingControlArn: ids.east}))
      expect(state).toMatchObject({
        RoutingControlArn: ids.east,
        RoutingControlState: 'On',
        RoutingControlName: 'retail-us-east-1',
      })
    }
    const listed = await sandbox.arcData(3).send(new ListStatesCommand({ControlPanelArn: ids.panel}))
    expect(
      listed.RoutingControls?.map((c) => [c.RoutingControlName, c.RoutingControlState, c.ControlPanelName]),
    ).toEqual([
      ['retail-us-east-1', 'On', 'retail-panel'],
      ['retail-us-west-2', 'Off', 'retail-panel'],
    ])
    await expect(
      sandbox.arcData(1, 'us-west-2').send(new GetRoutingControlStateCommand({RoutingControlArn: ids.east})),
    ).rejects.toMatchObject({name: 'InvalidSignatureException', $metadata: {httpStatusCode: 403}})
    await expect(
      sandbox.arcData(2).send(new GetRoutingControlStateCommand({RoutingControlArn: `${ids.east}ff`})),
    ).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}})
    await expect(
      sandbox.arcData(2).send(new GetRoutingControlStateCommand({RoutingControlArn: 'arn with spaces'})),
    ).rejects.toMatchObject({name: 'ValidationException', $metadata: {httpStatusCode: 400}})
  })

  it('evaluates the assertion rule on the whole batch: a paired flip passes, the same flips one by one do not', async () => {
    sandbox = await startTestSandbox()
    const ids = await arcIds(sandbox.home)
    const client = sandbox.arcData(2)
    const blocked = client.send(
      new UpdateRoutingControlStateCommand({RoutingControlArn: ids.east, RoutingControlState: 'Off'}),
    )
    await expect(blocked).rejects.toMatchObject({
      name: 'ConflictException',
      $metadata: {httpStatusCode: 409},
      message: expect.stringContaining(ids.rule),
    })
    await client.send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          {RoutingControlArn: ids.east, RoutingControlState: 'Off'},
          {RoutingControlArn: ids.west, RoutingControlState: 'On'},
        ],
      }),
    )
    const states = await client.send(new ListStatesCommand({ControlPanelArn: ids.panel}))
    expect(states.RoutingControls?.map((c) => c.RoutingControlState)).toEqual(['Off', 'On'])
    await expect(
      client.send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: [{RoutingControlArn: ids.west, RoutingControlState: 'Off'}],
        }),
      ),
    ).rejects.toMatchObject({name: 'ConflictException'})
    await client.send(
      new UpdateRoutingControlStateCommand({
        RoutingControlArn: ids.west,
        RoutingControlState: 'Off',
        SafetyRulesToOverride: [ids.rule],
      }),
    )
    expect(
      (await client.send(new GetRoutingControlStateCommand({RoutingControlArn: ids.west}))).RoutingControlState,
    ).toBe('Off')
    await expect(
      client.send(
        new UpdateRoutingControlStateCommand({RoutingControlArn: ids.west, RoutingControlState: 'on' as 'On'}),
      ),
    ).rejects.toMatchObject({name: 'ValidationException'})
  })

  it('enforces gating rules: targets change only while the gate is On', async () => {
    sandbox = await startTestSandbox()
    const ids = await arcIds(sandbox.home)
    const gate = `${ids.panel}/routingcontrol/0000000000000gate`
    const gatingRule = `${ids.panel}/safetyrule/00000000000gating`
    await mutateWorld(sandbox.home, (world) => {
      world.arc.routingControls.push({
        arn: gate,
        name: 'automation-gate',
        controlPanelArn: ids.panel,
        state: 'Off',
        status: 'DEPLOYED',
        updatedAt: 0,
      })
      world.arc.safetyRules.push({
        arn: gatingRule,
        name: 'gate-automation',
        controlPanelArn: ids.panel,
        type: 'GATING',
        assertedControls: [],
        gatingControls: [gate],
        targetControls: [ids.east, ids.west],
        ruleConfig: {Type: 'ATLEAST', Threshold: 1, Inverted: false},
        waitPeriodMs: 5000,
        status: 'DEPLOYED',
      })
    })
    const client = sandbox.arcData(4)
    const flip = (overrides: string[] = []) =>
      client.send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: [
            {RoutingControlArn: ids.east, RoutingControlState: 'Off'},
            {RoutingControlArn: ids.west, RoutingControlState: 'On'},
          ],
          SafetyRulesToOverride: overrides,
        }),
      )
    await expect(flip()).rejects.toMatchObject({
      name: 'ConflictException',
      message: expect.stringContaining(gatingRule),
    })
    await client.send(new UpdateRoutingControlStateCommand({RoutingControlArn: gate, RoutingControlState: 'On'}))
    await flip()
    await client.send(new UpdateRoutingControlStateCommand({RoutingControlArn: gate, RoutingControlState: 'Off'}))
    await client.send(new UpdateRoutingControlStateCommand({RoutingControlArn: ids.west, RoutingControlState: 'On'}))
    await expect(
      client.send(new UpdateRoutingControlStateCommand({RoutingControlArn: ids.east, RoutingControlState: 'On'})),
    ).rejects.toMatchObject({name: 'ConflictException'})
    await client.send(
      new UpdateRoutingControlStateCommand({
        RoutingControlArn: ids.east,
        RoutingControlState: 'On',
        SafetyRulesToOverride: [gatingRule],
      }),
    )
    expect(
      (await client.send(new GetRoutingControlStateCommand({RoutingControlArn: ids.east}))).RoutingControlState,
    ).toBe('On')
  })
})
