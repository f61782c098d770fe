import {
  ListRoutingControlsCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {RotatingArcDataPlane} from '../../../src/lib/aws/arc-data.js'
import {ArcEndpointHealth} from '../../../src/lib/aws/arc-endpoint-health.js'
import type {AwsCallRecord} from '../../../src/lib/aws/invoke.js'
import type {ArcEndpoint} from '../../../src/lib/aws/ports.js'
import {manualClock, settle} from './arc-timing.js'
import {awsError, callerFor} from './harness.js'

const clusterMock = mockClient(Route53RecoveryClusterClient)
afterEach(() => clusterMock.reset())

const endpoints: ArcEndpoint[] = [
  {region: 'us-east-1', url: 'https://e1.example/v1'},
  {region: 'us-west-2', url: 'https://e2.example/v1'},
  {region: 'eu-west-1', url: 'https://e3.example/v1'},
]
const panelArn = 'arn:aws:route53-recovery-control::111122223333:controlpanel/p1'
const rc = (name: string) => `${panelArn}/routingcontrol/${name}`

/**
 * A data plane over the real SDK client and `invoke`, one client per endpoint, starting at the first endpoint. Its
 * clock moves only when the test says so (the mocked endpoints answer at once: no hedge delay passes otherwise).
 */
function dataPlane(options: {readOnly?: boolean; avoidRegions?: string[]; records?: AwsCallRecord[]} = {}) {
  const clock = manualClock()
  const data = new RotatingArcDataPlane(
    endpoints,
    (endpoint) => ({
      client: new Route53RecoveryClusterClient({region: endpoint.region, endpoint: endpoint.url}),
      call: callerFor('ARC cluster', endpoint.region, {
        endpoint: endpoint.url,
        readOnly: options.readOnly,
        records: options.records,
      }),
    }),
    {
      avoidRegions: options.avoidRegions ?? [],
      random: () => 0,
      rounds: 2,
      roundBackoffMs: 500,
      hedgeDelayMs: 400,
      health: new ArcEndpointHealth(),
      clock,
    },
  )
  return {data, clock}
}

/** The Region of the client each call was sent with, in order (each endpoint's client signs with its Region). */
async function regionsCalled(): Promise<string[]> {
  return Promise.all(
    clusterMock.calls().map(async (call) => {
      const client = call.thisValue as Route53RecoveryClusterClient
      return client.config.region()
    }),
  )
}

describe('ARC data plane over the SDK client', () => {
  it('lists routing controls of a panel, following NextToken to the end on the endpoint that answered', async () => {
    clusterMock
      .on(ListRoutingControlsCommand)
      .resolvesOnce({
        RoutingControls: [
          {
            RoutingControlArn: rc('use1'),
            RoutingControlName: 'retail-us-east-1',
            RoutingControlState: 'On',
            ControlPanelArn: panelArn,
            ControlPanelName: 'retail',
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        RoutingControls: [
          {RoutingControlArn: rc('usw2'), RoutingControlName: 'retail-us-west-2', RoutingControlState: 'Off'},
        ],
      })
    const answer = await dataPlane().data.listRoutingControls(panelArn)
    expect(answer.value).toEqual([
      {arn: rc('use1'), name: 'retail-us-east-1', state: 'On', controlPanelArn: panelArn, controlPanelName: 'retail'},
      {
        arn: rc('usw2'),
        name: 'retail-us-west-2',
        state: 'Off',
        controlPanelArn: undefined,
        controlPanelName: undefined,
      },
    ])
    expect(answer.endpoint).toEqual(endpoints[0])
    expect(clusterMock.commandCalls(ListRoutingControlsCommand).map((call) => call.args[0].input)).toEqual([
      {ControlPanelArn: panelArn, NextToken: undefined},
      {ControlPanelArn: panelArn, NextToken: 'page-2'},
    ])
    expect(await regionsCalled()).toEqual(['us-east-1', 'us-east-1'])
  })

  it('sends a batch update as one call, with safety-rule overrides only when asked', async () => {
    clusterMock.on(UpdateRoutingControlStatesCommand).resolves({$metadata: {requestId: 'req-up'}})
    const {data} = dataPlane()
    const entries = [
      {arn: rc('use1'), state: 'Off' as const},
      {arn: rc('usw2'), state: 'On' as const},
    ]
    const answer = await data.updateRoutingControlStates(entries, [])
    expect(answer.value).toEqual({requestId: 'req-up'})
    await data.updateRoutingControlStates(entries, [`${panelArn}/safetyrule/one-on`])
    expect(clusterMock.commandCalls(UpdateRoutingControlStatesCommand).map((call) => call.args[0].input)).toEqual([
      {
        UpdateRoutingControlStateEntries: [
          {RoutingControlArn: rc('use1'), RoutingControlState: 'Off'},
          {RoutingControlArn: rc('usw2'), RoutingControlState: 'On'},
        ],
        SafetyRulesToOverride: undefined,
      },
      {
        UpdateRoutingControlStateEntries: [
          {RoutingControlArn: rc('use1'), RoutingControlState: 'Off'},
          {RoutingControlArn: rc('usw2'), RoutingControlState: 'On'},
        ],
        SafetyRulesToOverride: [`${panelArn}/safetyrule/one-on`],
      },
    ])
  })

  it('moves to the next endpoint after a 503 or a dropped connection, each client signed with its Region', async () => {
    clusterMock.on(UpdateRoutingControlStatesCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region()
      if (region === 'us-east-1') {
        throw Object.assign(new Error(), awsError('EndpointTemporarilyUnavailableException', 'try another', 503))
      }
      if (region === 'us-west-2') throw Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'})
      return {$metadata: {requestId: `req-${region}`}}
    })
    const answer = await dataPlane().data.updateRoutingControlStates([{arn: rc('use1'), state: 'Off'}], [])
    expect(answer.endpoint).toEqual(endpoints[2])
    expect(answer.value).toEqual({requestId: 'req-eu-west-1'})
    expect(answer.attempts).toEqual([
      {endpoint: endpoints[0], ok: false, error: 'EndpointTemporarilyUnavailableException: try another'},
      {endpoint: endpoints[1], ok: false, error: 'Error: socket hang up'},
      {endpoint: endpoints[2], ok: true},
    ])
    expect(await regionsCalled()).toEqual(['us-east-1', 'us-west-2', 'eu-west-1'])
  })

  it('starts a listing afresh on the next endpoint when a later page fails there', async () => {
    clusterMock
      .on(ListRoutingControlsCommand)
      .resolvesOnce({
        RoutingControls: [{RoutingControlArn: rc('use1'), RoutingControlName: 'a', RoutingControlState: 'On'}],
        NextToken: 'page-2',
      })
      .rejectsOnce(awsError('InternalServerException', 'boom', 500))
      .resolves({
        RoutingControls: [
          {RoutingControlArn: rc('use1'), RoutingControlName: 'a', RoutingControlState: 'On'},
          {RoutingControlArn: rc('usw2'), RoutingControlName: 'b', RoutingControlState: 'Off'},
        ],
      })
    const answer = await dataPlane().data.listRoutingControls()
    expect(answer.value.map((control) => control.name)).toEqual(['a', 'b'])
    expect(answer.endpoint).toEqual(endpoints[1])
    expect(clusterMock.commandCalls(ListRoutingControlsCommand).map((call) => call.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
      undefined,
    ])
  })

  it('stops at a safety-rule conflict: an answer, not an endpoint failure', async () => {
    clusterMock
      .on(UpdateRoutingControlStatesCommand)
      .rejects(awsError('ConflictException', 'blocked by safety rule one-on', 409))
    await expect(
      dataPlane().data.updateRoutingControlStates([{arn: rc('use1'), state: 'Off'}], []),
    ).rejects.toMatchObject({kind: 'invalid-state', code: 'DRCTL_AWS_INVALID_STATE', awsCode: 'ConflictException'})
    expect(clusterMock).toHaveReceivedCommandTimes(UpdateRoutingControlStatesCommand, 1)
  })

  it('gives up after two rounds over every endpoint, naming each one and why, with one backoff in between', async () => {
    clusterMock.on(UpdateRoutingControlStatesCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 429))
    const {data, clock} = dataPlane({avoidRegions: ['us-east-1']})
    const outcome = await settle(data.updateRoutingControlStates([{arn: rc('use1'), state: 'Off'}], []), clock)
    expect(outcome.elapsedMs).toBe(500)
    const failure = outcome.ok ? expect.fail('the update went through') : outcome.error
    expect(failure).toMatchObject({
      code: 'DRCTL_ARC_ENDPOINTS_FAILED',
      exit: 5,
      hints: expect.arrayContaining([expect.stringContaining('may still have applied')]),
    })
    for (const endpoint of endpoints) {
      expect((failure as Error).message).toContain(
        `${endpoint.region} ${endpoint.url} (ThrottlingException: Rate exceeded)`,
      )
    }
    expect(await regionsCalled()).toEqual([
      'us-west-2',
      'eu-west-1',
      'us-east-1',
      'us-west-2',
      'eu-west-1',
      'us-east-1',
    ])
  })

  it('abandons the request to an endpoint that has not answered once a hedged read gets its answer elsewhere', async () => {
    clusterMock.on(ListRoutingControlsCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region()
      if (region === 'us-east-1') return new Promise(() => {})
      return {RoutingControls: [{RoutingControlArn: rc('use1'), RoutingControlName: 'a', RoutingControlState: 'On'}]}
    })
    const records: AwsCallRecord[] = []
    const {data, clock} = dataPlane({records})
    const outcome = await settle(data.listRoutingControls(), clock)
    expect(outcome).toMatchObject({ok: true, elapsedMs: 400, value: {endpoint: endpoints[1]}})
    expect(records.map((record) => [record.region, record.error?.message])).toEqual([
      ['us-west-2', undefined],
      ['us-east-1', 'no answer within 400ms; the us-west-2 endpoint answered first'],
    ])
  })

  it('refuses an update in a read-only run before sending anything, on any endpoint', async () => {
    await expect(
      dataPlane({readOnly: true}).data.updateRoutingControlStates([{arn: rc('use1'), state: 'Off'}], []),
    ).rejects.toThrow(/read-only/)
    expect(clusterMock).not.toHaveReceivedAnyCommand()
  })
})
