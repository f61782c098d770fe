import {
  DescribeAcceleratorCommand,
  DescribeEndpointGroupCommand,
  GlobalAcceleratorClient,
  ListAcceleratorsCommand,
  ListEndpointGroupsCommand,
  ListListenersCommand,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator'
import {afterEach, describe, expect, it} from 'vitest'

import {clearFaults, readCallLog, setFault} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'
import {seedTraffic, type TrafficWorld} from './traffic-world.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

const USE1_LB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/orders/1'

async function seeded(region = 'us-west-2') {
  sandbox = await startTestSandbox()
  const {accelerator} = await seedTraffic(sandbox)
  const ga = sandbox.client((config) => new GlobalAcceleratorClient(config), region)
  return {accelerator, ga}
}

const groupOf = (accelerator: TrafficWorld['accelerator'], region: string) =>
  accelerator.endpointGroupArns[region] as string

describe('Global Accelerator', () => {
  it('describes and lists a seeded accelerator, its listener and an endpoint group per Region', async () => {
    const {accelerator, ga} = await seeded()
    expect(accelerator.arn).toMatch(/^arn:aws:globalaccelerator::111122223333:accelerator\/[0-9a-f-]{36}$/)
    const described = (await ga.send(new DescribeAcceleratorCommand({AcceleratorArn: accelerator.arn}))).Accelerator
    expect(described).toMatchObject({
      AcceleratorArn: accelerator.arn,
      Name: 'orders',
      Enabled: true,
      Status: 'DEPLOYED',
      DnsName: expect.stringMatching(/^a[0-9a-f]{16}\.awsglobalaccelerator\.com$/),
      IpSets: [
        {IpAddressFamily: 'IPv4', IpAddresses: [expect.stringMatching(/^75\.2\./), expect.stringMatching(/^99\.83\./)]},
      ],
    })
    expect(described?.CreatedTime).toBeInstanceOf(Date)
    expect((await ga.send(new ListAcceleratorsCommand({}))).Accelerators?.map((a) => a.Name)).toEqual(['orders'])
    const listeners = (await ga.send(new ListListenersCommand({AcceleratorArn: accelerator.arn}))).Listeners
    expect(listeners).toEqual([
      {
        ListenerArn: accelerator.listenerArn,
        Protocol: 'TCP',
        PortRanges: [{FromPort: 443, ToPort: 443}],
        ClientAffinity: 'NONE',
      },
    ])
    const groups = (await ga.send(new ListEndpointGroupsCommand({ListenerArn: accelerator.listenerArn}))).EndpointGroups
    expect(groups?.map((group) => [group.EndpointGroupRegion, group.TrafficDialPercentage])).toEqual([
      ['us-east-1', 100],
      ['us-west-2', 0],
    ])
    expect(groups?.[0]?.EndpointDescriptions).toEqual([
      {EndpointId: USE1_LB, Weight: 128, HealthState: 'HEALTHY', ClientIPPreservationEnabled: false},
    ])
  })

  it('changes only the dial with UpdateEndpointGroup; the accelerator is IN_PROGRESS, then DEPLOYED', async () => {
    const {accelerator, ga} = await seeded()
    const east = groupOf(accelerator, 'us-east-1')
    const before = (await ga.send(new DescribeEndpointGroupCommand({EndpointGroupArn: east}))).EndpointGroup
    const updated = await ga.send(new UpdateEndpointGroupCommand({EndpointGroupArn: east, TrafficDialPercentage: 0}))
    expect(updated.EndpointGroup).toEqual({...before, TrafficDialPercentage: 0})
    const status = async () =>
      (await ga.send(new DescribeAcceleratorCommand({AcceleratorArn: accelerator.arn}))).Accelerator?.Status
    expect(await status()).toBe('IN_PROGRESS')
    sandbox.clock.advanceWorldSeconds(61)
    expect(await status()).toBe('DEPLOYED')
    expect((await readCallLog(sandbox.home)).filter((call) => call.mutating).map((call) => call.operation)).toEqual([
      'UpdateEndpointGroup',
    ])
  })

  it('replaces the endpoints when EndpointConfigurations is given: a new endpoint is INITIAL until deployed', async () => {
    const {accelerator, ga} = await seeded()
    const east = groupOf(accelerator, 'us-east-1')
    const added = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/orders/3'
    const {EndpointGroup} = await ga.send(
      new UpdateEndpointGroupCommand({
        EndpointGroupArn: east,
        EndpointConfigurations: [{EndpointId: added, Weight: 50}],
        HealthCheckProtocol: 'HTTPS',
        HealthCheckPath: '/health',
      }),
    )
    expect(EndpointGroup).toMatchObject({
      TrafficDialPercentage: 100,
      HealthCheckProtocol: 'HTTPS',
      HealthCheckPath: '/health',
      EndpointDescriptions: [{EndpointId: added, Weight: 50, HealthState: 'INITIAL'}],
    })
    sandbox.clock.advanceWorldSeconds(61)
    const later = (await ga.send(new DescribeEndpointGroupCommand({EndpointGroupArn: east}))).EndpointGroup
    expect(later?.EndpointDescriptions?.[0]?.HealthState).toBe('HEALTHY')
  })

  it('refuses a dial outside 0–100 and names what it cannot find', async () => {
    const {accelerator, ga} = await seeded()
    await expect(
      ga.send(
        new UpdateEndpointGroupCommand({
          EndpointGroupArn: groupOf(accelerator, 'us-east-1'),
          TrafficDialPercentage: 101,
        }),
      ),
    ).rejects.toMatchObject({name: 'InvalidArgumentException', $metadata: {httpStatusCode: 400}})
    await expect(
      ga.send(new DescribeEndpointGroupCommand({EndpointGroupArn: `${accelerator.listenerArn}/endpoint-group/nope`})),
    ).rejects.toMatchObject({name: 'EndpointGroupNotFoundException'})
    await expect(
      ga.send(new UpdateEndpointGroupCommand({EndpointGroupArn: `${accelerator.listenerArn}/endpoint-group/nope`})),
    ).rejects.toMatchObject({name: 'EndpointGroupNotFoundException'})
    await expect(
      ga.send(new DescribeAcceleratorCommand({AcceleratorArn: `${accelerator.arn}0`})),
    ).rejects.toMatchObject({name: 'AcceleratorNotFoundException'})
    await expect(ga.send(new ListEndpointGroupsCommand({ListenerArn: 'nope'}))).rejects.toMatchObject({
      name: 'ListenerNotFoundException',
    })
  })

  it('answers only in us-west-2; an endpoint Region that is down fails health checks; its outage takes the control plane down', async () => {
    const {accelerator, ga} = await seeded()
    const east = sandbox.client((config) => new GlobalAcceleratorClient(config), 'us-east-1')
    await expect(east.send(new ListAcceleratorsCommand({}))).rejects.toMatchObject({code: 'ECONNRESET'})

    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    const group = (
      await ga.send(new DescribeEndpointGroupCommand({EndpointGroupArn: groupOf(accelerator, 'us-east-1')}))
    ).EndpointGroup
    expect(group?.EndpointDescriptions?.[0]).toMatchObject({HealthState: 'UNHEALTHY', HealthReason: 'Timeout'})
    await clearFaults(sandbox.home, undefined, {now: sandbox.now})

    await setFault(sandbox.home, {kind: 'control-plane-outage', service: 'globalaccelerator'}, {now: sandbox.now})
    await expect(ga.send(new ListAcceleratorsCommand({}))).rejects.toMatchObject({code: 'ECONNRESET'})
    await clearFaults(sandbox.home, undefined, {now: sandbox.now})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2'}, {now: sandbox.now})
    await expect(ga.send(new ListAcceleratorsCommand({}))).rejects.toMatchObject({code: 'ECONNRESET'})
  })
})
