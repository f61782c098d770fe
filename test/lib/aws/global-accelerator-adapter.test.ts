import {
  DescribeAcceleratorCommand,
  DescribeEndpointGroupCommand,
  GlobalAcceleratorClient,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {GlobalAcceleratorAdapter} from '../../../src/lib/aws/global-accelerator.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const gaMock = mockClient(GlobalAcceleratorClient)
afterEach(() => gaMock.reset())

const accelerator = (options: CallerOptions = {}) =>
  new GlobalAcceleratorAdapter(
    (sdk) => new sdk.GlobalAcceleratorClient({region: 'us-west-2'}),
    callerFor('Global Accelerator', 'us-west-2', options),
  )

const acceleratorArn = 'arn:aws:globalaccelerator::111122223333:accelerator/a1'
const groupArn = `${acceleratorArn}/listener/l1/endpoint-group/g1`

describe('Global Accelerator adapter', () => {
  it('reads an accelerator’s status, and one that does not exist as absent', async () => {
    gaMock
      .on(DescribeAcceleratorCommand)
      .resolvesOnce({Accelerator: {AcceleratorArn: acceleratorArn, Name: 'api', Enabled: true, Status: 'IN_PROGRESS'}})
      .rejectsOnce(awsError('AcceleratorNotFoundException', 'not found', 400))
    expect(await accelerator().describeAccelerator(acceleratorArn)).toEqual({
      arn: acceleratorArn,
      name: 'api',
      enabled: true,
      status: 'IN_PROGRESS',
    })
    expect(await accelerator().describeAccelerator(acceleratorArn)).toBeUndefined()
  })

  it('reads an endpoint group’s dial and endpoints, and one that does not exist as absent', async () => {
    gaMock
      .on(DescribeEndpointGroupCommand)
      .resolvesOnce({
        EndpointGroup: {
          EndpointGroupArn: groupArn,
          EndpointGroupRegion: 'us-east-1',
          TrafficDialPercentage: 0,
          EndpointDescriptions: [{EndpointId: 'alb-1', Weight: 128, HealthState: 'HEALTHY'}],
        },
      })
      .rejectsOnce(awsError('EndpointGroupNotFoundException', 'not found', 400))
    expect(await accelerator().describeEndpointGroup(groupArn)).toEqual({
      arn: groupArn,
      region: 'us-east-1',
      trafficDialPercentage: 0,
      endpoints: [{id: 'alb-1', weight: 128, healthState: 'HEALTHY'}],
    })
    expect(await accelerator().describeEndpointGroup(groupArn)).toBeUndefined()
  })

  it('changes the dial alone: no EndpointConfigurations, which would replace the group’s endpoints', async () => {
    gaMock.on(UpdateEndpointGroupCommand).resolves({
      EndpointGroup: {EndpointGroupArn: groupArn, EndpointGroupRegion: 'us-west-2', TrafficDialPercentage: 100},
      $metadata: {requestId: 'req-g'},
    })
    const result = await accelerator().setTrafficDial(groupArn, 100)
    expect(result).toEqual({
      requestId: 'req-g',
      group: {arn: groupArn, region: 'us-west-2', trafficDialPercentage: 100, endpoints: []},
    })
    const sent = gaMock.commandCalls(UpdateEndpointGroupCommand)[0]?.args[0].input
    expect(sent).toEqual({EndpointGroupArn: groupArn, TrafficDialPercentage: 100})
  })

  it('reports another update in progress as throttling, so it is retried', async () => {
    gaMock
      .on(UpdateEndpointGroupCommand)
      .rejects(awsError('TransactionInProgressException', 'There is already a transaction in progress.', 400))
    await expect(accelerator().setTrafficDial(groupArn, 0)).rejects.toMatchObject({kind: 'throttling'})
  })
})
