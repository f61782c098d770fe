import {DescribeServicesCommand, ECSClient, type Service, UpdateServiceCommand} from '@aws-sdk/client-ecs'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {clearFaults, mutateWorld, readCallLog, setFault} from '../../src/lib/sandbox/index.js'
import {seedEcsServices} from '../../src/lib/sandbox/services/ecs.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
let ecs: ECSClient
beforeEach(async () => {
  sandbox = await startTestSandbox()
  await mutateWorld(
    sandbox.home,
    (world) =>
      seedEcsServices(
        world,
        {
          region: 'us-west-2',
          cluster: 'app',
          services: [
            {name: 'api', desiredCount: 2},
            {name: 'worker', desiredCount: 1},
          ],
        },
        sandbox.now(),
      ),
    {now: sandbox.now},
  )
  ecs = sandbox.client((config) => new ECSClient(config), 'us-west-2')
})
afterEach(async () => sandbox.close())

async function describeOne(name: string): Promise<Service> {
  const out = await ecs.send(new DescribeServicesCommand({cluster: 'app', services: [name]}))
  return out.services?.[0] as Service
}

/** What a rollout looks like at a glance: each deployment's status, rollout state and counts. */
const deployments = (service: Service) =>
  service.deployments?.map((d) => `${d.status} ${d.rolloutState} ${d.runningCount}/${d.desiredCount}`)

describe('ECS DescribeServices', () => {
  it('describes services by name or ARN, and lists a missing one as a MISSING failure, not an error', async () => {
    const out = await ecs.send(
      new DescribeServicesCommand({
        cluster: 'arn:aws:ecs:us-west-2:111122223333:cluster/app',
        services: ['api', 'arn:aws:ecs:us-west-2:111122223333:service/app/worker', 'ghost'],
      }),
    )
    expect(out.services?.map((service) => service.serviceName)).toEqual(['api', 'worker'])
    const api = out.services?.[0] as Service
    expect(api).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-west-2:111122223333:service/app/api',
      clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/app',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      pendingCount: 0,
      launchType: 'FARGATE',
      deploymentController: {type: 'ECS'},
    })
    expect(api.createdAt).toBeInstanceOf(Date)
    expect(api.deployments).toHaveLength(1)
    expect(api.deployments?.[0]).toMatchObject({
      id: expect.stringMatching(/^ecs-svc\/\d{19}$/),
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      desiredCount: 2,
      runningCount: 2,
      failedTasks: 0,
    })
    expect(api.deployments?.[0]?.createdAt).toBeInstanceOf(Date)
    expect(api.events?.[0]?.message).toBe('(service api) has reached a steady state.')
    expect(out.failures).toEqual([{arn: 'arn:aws:ecs:us-west-2:111122223333:service/app/ghost', reason: 'MISSING'}])
  })

  it('answers ClusterNotFoundException for a cluster the Region does not have', async () => {
    await expect(ecs.send(new DescribeServicesCommand({cluster: 'nope', services: ['api']}))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
      $metadata: {httpStatusCode: 400},
    })
    // Clusters are Regional: us-east-1 has no `app` cluster, and no `default` one.
    const east = sandbox.client((config) => new ECSClient(config), 'us-east-1')
    await expect(east.send(new DescribeServicesCommand({cluster: 'app', services: ['api']}))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    })
    await expect(east.send(new DescribeServicesCommand({services: ['api']}))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    })
    await expect(
      ecs.send(new DescribeServicesCommand({cluster: 'app', services: Array.from({length: 11}, (_, i) => `s${i}`)})),
    ).rejects.toMatchObject({name: 'InvalidParameterException'})
  })
})

describe('ECS UpdateService', () => {
  it('forceNewDeployment: a new PRIMARY starts its tasks, the old one turns ACTIVE and drains, then COMPLETED', async () => {
    const before = await describeOne('api')
    const out = await ecs.send(new UpdateServiceCommand({cluster: 'app', service: 'api', forceNewDeployment: true}))
    const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY')
    expect(primary?.id).not.toBe(before.deployments?.[0]?.id)
    expect(primary?.rolloutStateReason).toBe('ECS deployment in progress.')
    expect(deployments(out.service as Service)).toEqual(['PRIMARY IN_PROGRESS 0/2', 'ACTIVE COMPLETED 2/2'])
    expect(out.service).toMatchObject({desiredCount: 2, runningCount: 2, pendingCount: 2})

    sandbox.clock.advanceWorldSeconds(59)
    expect(deployments(await describeOne('api'))).toEqual(['PRIMARY IN_PROGRESS 0/2', 'ACTIVE COMPLETED 2/2'])
    sandbox.clock.advanceWorldSeconds(2)
    const started = await describeOne('api')
    // The new tasks are up; the old ones drain.
    expect(deployments(started)).toEqual(['PRIMARY IN_PROGRESS 2/2', 'ACTIVE COMPLETED 2/0'])
    expect(started).toMatchObject({desiredCount: 2, runningCount: 4, pendingCount: 0})

    sandbox.clock.advanceWorldSeconds(46)
    const done = await describeOne('api')
    expect(deployments(done)).toEqual(['PRIMARY COMPLETED 2/2'])
    expect(done.deployments?.[0]).toMatchObject({
      id: primary?.id,
      rolloutStateReason: `ECS deployment ${primary?.id} completed.`,
    })
    expect(done.runningCount).toBe(2)
    expect(done.events?.slice(0, 4).map((event) => event.message)).toEqual([
      '(service api) has reached a steady state.',
      `(service api) (deployment ${primary?.id}) deployment completed.`,
      '(service api) has stopped 2 running tasks.',
      '(service api) has started 2 tasks.',
    ])
    // The other service was left alone.
    expect(deployments(await describeOne('worker'))).toEqual(['PRIMARY COMPLETED 1/1'])
  })

  it('desiredCount: the running count converges without a new deployment', async () => {
    const out = await ecs.send(new UpdateServiceCommand({cluster: 'app', service: 'worker', desiredCount: 3}))
    expect(out.service).toMatchObject({desiredCount: 3, runningCount: 1, pendingCount: 2})
    expect(deployments(out.service as Service)).toEqual(['PRIMARY COMPLETED 1/3'])
    sandbox.clock.advanceWorldSeconds(61)
    expect(await describeOne('worker')).toMatchObject({desiredCount: 3, runningCount: 3, pendingCount: 0})

    await ecs.send(new UpdateServiceCommand({cluster: 'app', service: 'worker', desiredCount: 0}))
    expect(await describeOne('worker')).toMatchObject({desiredCount: 0, runningCount: 3})
    sandbox.clock.advanceWorldSeconds(21)
    const stopped = await describeOne('worker')
    expect(stopped).toMatchObject({desiredCount: 0, runningCount: 0})
    expect(deployments(stopped)).toEqual(['PRIMARY COMPLETED 0/0'])
  })

  it('a desiredCount given with forceNewDeployment is the new deployment’s', async () => {
    const out = await ecs.send(
      new UpdateServiceCommand({cluster: 'app', service: 'worker', forceNewDeployment: true, desiredCount: 2}),
    )
    expect(deployments(out.service as Service)).toEqual(['PRIMARY IN_PROGRESS 0/2', 'ACTIVE COMPLETED 1/1'])
    sandbox.clock.advanceWorldSeconds(61 + 46)
    expect(await describeOne('worker')).toMatchObject({
      desiredCount: 2,
      runningCount: 2,
      deployments: [{status: 'PRIMARY', rolloutState: 'COMPLETED'}],
    })
  })

  it('answers ServiceNotFoundException, ClusterNotFoundException and InvalidParameterException', async () => {
    await expect(
      ecs.send(new UpdateServiceCommand({cluster: 'app', service: 'ghost', forceNewDeployment: true})),
    ).rejects.toMatchObject({name: 'ServiceNotFoundException', message: 'Service not found.'})
    await expect(
      ecs.send(new UpdateServiceCommand({cluster: 'nope', service: 'api', forceNewDeployment: true})),
    ).rejects.toMatchObject({name: 'ClusterNotFoundException'})
    await expect(
      ecs.send(new UpdateServiceCommand({cluster: 'app', service: 'api', desiredCount: -1})),
    ).rejects.toMatchObject({name: 'InvalidParameterException'})
    // Nothing changed, and the failed calls are logged as mutating.
    expect(deployments(await describeOne('api'))).toEqual(['PRIMARY COMPLETED 2/2'])
    const updates = (await readCallLog(sandbox.home)).filter((entry) => entry.operation === 'UpdateService')
    expect(updates.map((entry) => [entry.service, entry.mutating, entry.status])).toEqual([
      ['ecs', true, 400],
      ['ecs', true, 400],
      ['ecs', true, 400],
    ])
  })

  it('is Regional: an outage of its Region refuses the calls', async () => {
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2'}, {now: sandbox.now})
    await expect(describeOne('api')).rejects.toThrow(/socket hang up|ECONNRESET/)
    await clearFaults(sandbox.home, undefined, {now: sandbox.now})
    expect((await describeOne('api')).runningCount).toBe(2)
  })
})
