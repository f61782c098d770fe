import {DescribeServicesCommand, ECSClient, UpdateServiceCommand} from '@aws-sdk/client-ecs'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {EcsAdapter} from '../../../src/lib/aws/ecs.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const ecsMock = mockClient(ECSClient)
afterEach(() => ecsMock.reset())

const ecs = (options: CallerOptions = {}) =>
  new EcsAdapter('us-west-2', (sdk) => new sdk.ECSClient({region: 'us-west-2'}), callerFor('ECS', 'us-west-2', options))

const arn = (name: string) => `arn:aws:ecs:us-west-2:111122223333:service/app/${name}`

describe('ECS adapter', () => {
  it('reads services with their deployments; a missing service is listed, not thrown', async () => {
    // A deployment with every field set reads back as it is.
    const rolling = {
      id: 'ecs-svc/2',
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment ecs-svc/2 in progress.',
      desiredCount: 4,
      runningCount: 1,
      failedTasks: 0,
    } as const
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'api',
          serviceArn: arn('api'),
          status: 'ACTIVE',
          desiredCount: 4,
          runningCount: 3,
          deployments: [
            rolling,
            {id: 'ecs-svc/1', status: 'ACTIVE', rolloutState: 'COMPLETED', desiredCount: 4, runningCount: 2},
          ],
        },
      ],
      failures: [{arn: arn('worker'), reason: 'MISSING'}],
    })
    await expect(ecs().describeServices('app', ['api', 'worker'])).resolves.toEqual({
      services: [
        {
          name: 'api',
          arn: arn('api'),
          status: 'ACTIVE',
          desiredCount: 4,
          runningCount: 3,
          deployments: [
            rolling,
            {
              id: 'ecs-svc/1',
              status: 'ACTIVE',
              rolloutState: 'COMPLETED',
              rolloutStateReason: undefined,
              desiredCount: 4,
              runningCount: 2,
              failedTasks: 0,
            },
          ],
        },
      ],
      missing: ['worker'],
    })
    expect(ecsMock).toHaveReceivedCommandWith(DescribeServicesCommand, {cluster: 'app', services: ['api', 'worker']})
  })

  it('asks for at most 10 services per call', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({services: []})
    const names = Array.from({length: 12}, (_, index) => `svc-${index}`)
    await ecs().describeServices('app', names)
    const batches = ecsMock.commandCalls(DescribeServicesCommand).map((call) => call.args[0].input.services)
    expect(batches).toEqual([names.slice(0, 10), names.slice(10)])
  })

  it('throws a missing cluster as not-found', async () => {
    ecsMock.on(DescribeServicesCommand).rejects(awsError('ClusterNotFoundException', 'Cluster not found.', 400))
    await expect(ecs().describeServices('app', ['api'])).rejects.toMatchObject({
      kind: 'not-found',
      code: 'DRCTL_AWS_NOT_FOUND',
    })
  })

  it('forces a new deployment and returns the new PRIMARY deployment id', async () => {
    ecsMock.on(UpdateServiceCommand).resolves({
      $metadata: {requestId: 'req-upd'},
      service: {
        serviceName: 'api',
        deployments: [
          {id: 'ecs-svc/3', status: 'PRIMARY', rolloutState: 'IN_PROGRESS'},
          {id: 'ecs-svc/2', status: 'ACTIVE', rolloutState: 'COMPLETED'},
        ],
      },
    })
    await expect(ecs().forceNewDeployment('app', 'api')).resolves.toEqual({
      requestId: 'req-upd',
      deploymentId: 'ecs-svc/3',
    })
    expect(ecsMock).toHaveReceivedCommandExactlyOnceWith(UpdateServiceCommand, {
      cluster: 'app',
      service: 'api',
      forceNewDeployment: true,
    })
  })

  it('sets a desired count without forcing a deployment', async () => {
    ecsMock.on(UpdateServiceCommand).resolves({$metadata: {requestId: 'req-scale'}, service: {}})
    await expect(ecs().setDesiredCount('app', 'api', 6)).resolves.toEqual({requestId: 'req-scale'})
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: 'app',
      service: 'api',
      desiredCount: 6,
    })
  })

  it('passes on an inactive service and throttling with their kinds', async () => {
    ecsMock
      .on(UpdateServiceCommand)
      .rejectsOnce(awsError('ServiceNotActiveException', 'Service was not ACTIVE.', 400))
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded', 400))
    await expect(ecs().forceNewDeployment('app', 'api')).rejects.toMatchObject({
      awsCode: 'ServiceNotActiveException',
      code: 'DRCTL_AWS_ERROR',
    })
    await expect(ecs().forceNewDeployment('app', 'api')).rejects.toMatchObject({kind: 'throttling'})
  })

  it('refuses UpdateService in a read-only run without sending it', async () => {
    await expect(ecs({readOnly: true}).setDesiredCount('app', 'api', 2)).rejects.toThrow(/read-only/)
    await expect(ecs({readOnly: true}).forceNewDeployment('app', 'api')).rejects.toThrow(/read-only/)
    expect(ecsMock).not.toHaveReceivedCommand(UpdateServiceCommand)
  })
})
