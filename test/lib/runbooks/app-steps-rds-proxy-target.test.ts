import {describe, expect, it} from 'vitest'

import type {StepOfKind} from '../../../src/lib/config/steps.js'
import {appStep} from '../../../src/lib/runbooks/app-steps/kinds.js'
import {DETACHED_FROM_TAG} from '../../../src/lib/topology/views.js'
import {FakeAws, type FakeProxy} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {driveStep, stepContext, stepMove} from './step-context.js'

const regions = ['us-east-1', 'us-west-2']
const config: StepOfKind<'rds-proxy-target'> = {
  id: 'orders-proxy',
  kind: 'rds-proxy-target',
  globalCluster: 'orders-global',
  targetGroup: 'default',
  required: false,
  regions: {'us-east-1': {proxy: 'orders-proxy-use1'}, 'us-west-2': {proxy: 'orders-proxy-usw2'}},
}

/** The world after the databases moved: orders-usw2 writes; its proxy still targets `targets` (healthy). */
function world(targets: string[] = ['orders-restored'], proxy: Partial<FakeProxy> = {}): FakeAws {
  const state = twoRegionState()
  for (const member of state.globals[0]!.members) member.isWriter = member.region === 'us-west-2'
  for (const cluster of state.clusters) cluster.members = [{instanceId: `${cluster.id}-a`, isWriter: true}]
  state.clusters.push({...state.clusters[1]!, id: 'orders-restored', globalClusterId: undefined})
  const available = {state: 'AVAILABLE'}
  state.proxies = {
    'us-west-2': {
      'orders-proxy-usw2': {
        targetGroups: {
          default: targets.flatMap((clusterId) => [
            {type: 'TRACKED_CLUSTER', clusterId, health: available},
            {type: 'RDS_INSTANCE', clusterId, instanceId: `${clusterId}-a`, health: available},
          ]),
        },
        ...proxy,
      },
    },
  }
  return new FakeAws(state)
}

const mutations = (aws: FakeAws) => aws.mutatingCalls().map(({region, operation, args}) => ({region, operation, args}))

describe('rds-proxy-target step', () => {
  it('retargets the proxy from the cluster it holds to the target Region’s member, and waits until it can write', async () => {
    const aws = world()
    const step = appStep({step: config, move: stepMove()}, regions)
    const ctx = stepContext(aws)
    expect(await step.check(ctx)).toEqual({
      state: 'pending',
      note: 'orders-proxy-usw2 targets orders-restored; to target orders-usw2',
    })
    await step.run(ctx)
    await step.wait!(ctx)
    await step.verify(ctx)
    expect(mutations(aws)).toEqual([
      {
        region: 'us-west-2',
        operation: 'DeregisterDBProxyTargets',
        args: ['orders-proxy-usw2', 'default', ['orders-restored']],
      },
      {region: 'us-west-2', operation: 'RegisterDBProxyTargets', args: ['orders-proxy-usw2', 'default', 'orders-usw2']},
    ])
    // Idempotent: the next run finds it done and changes nothing.
    expect(await driveStep(step, stepContext(aws))).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(2)
    expect(aws.calls.filter((call) => call.region !== 'us-west-2')).toEqual([])
  })

  it('is done without a call when the proxy already follows its own cluster (one proxy per Region)', async () => {
    const aws = world(['orders-usw2'])
    const step = appStep({step: config, move: stepMove()}, regions)
    expect(await driveStep(step, stepContext(aws))).toEqual({
      state: 'done',
      note: 'orders-proxy-usw2 already targets orders-usw2 (AVAILABLE)',
    })
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('resumed after the deregistration, only registers', async () => {
    const aws = world([])
    const step = appStep({step: config, move: stepMove()}, regions)
    expect(await driveStep(step, stepContext(aws))).toMatchObject({state: 'pending'})
    expect(mutations(aws).map((call) => call.operation)).toEqual(['RegisterDBProxyTargets'])
  })

  it('resumed after the registration, only waits for it', async () => {
    const aws = world([])
    await aws.rdsProxy('us-west-2').registerCluster('orders-proxy-usw2', 'default', 'orders-usw2')
    const before = aws.mutatingCalls().length
    const step = appStep({step: config, move: stepMove()}, regions)
    expect(await driveStep(step, stepContext(aws))).toEqual({
      state: 'in-progress',
      note: 'orders-proxy-usw2 targets orders-usw2: orders-usw2-a REGISTERING',
    })
    expect(aws.mutatingCalls()).toHaveLength(before)
  })

  it('keeps waiting while a target is UNAVAILABLE, and at the timeout fails naming AWS’s reason', async () => {
    const aws = world(['orders-restored'], {
      settlesAs: {state: 'UNAVAILABLE', reason: 'AUTH_FAILURE', description: 'Proxy failed to authenticate'},
    })
    const step = appStep({step: {...config, timeoutMs: 120_000}, move: stepMove()}, regions)
    const ctx = stepContext(aws)
    await step.run(ctx)
    await expect(step.wait!(ctx)).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringMatching(
        /orders-usw2-a UNAVAILABLE \(AUTH_FAILURE: Proxy failed to authenticate\).*reason AUTH_FAILURE/,
      ),
      hints: [expect.stringContaining('secret'), expect.stringContaining('runs resume')],
    })
    await expect(step.verify(ctx)).rejects.toMatchObject({code: 'DRCTL_VERIFY_FAILED'})
  })

  it('waits for a READ_WRITE instance: a proxy on a cluster that is not the writer cannot take writes', async () => {
    const aws = world(['orders-usw2'])
    aws.state.clusters.find((cluster) => cluster.id === 'orders-usw2')!.members[0]!.isWriter = false
    const step = appStep({step: {...config, timeoutMs: 60_000}, move: stepMove()}, regions)
    expect(await step.check(stepContext(aws))).toMatchObject({
      state: 'in-progress',
      note: expect.stringContaining('no READ_WRITE instance'),
    })
    await expect(step.wait!(stepContext(aws))).rejects.toMatchObject({code: 'DRCTL_TIMEOUT'})
  })

  it('after a detach, targets the standalone cluster drctl detached in the target Region; never calls the failed one', async () => {
    const aws = world()
    const global = aws.state.globals[0]!
    global.members = global.members.filter((member) => member.region !== 'us-west-2')
    const survivor = aws.state.clusters.find((cluster) => cluster.id === 'orders-usw2')!
    survivor.globalClusterId = undefined
    survivor.tags = {[DETACHED_FROM_TAG]: 'orders-global'}
    const step = appStep({step: config, move: stepMove({failedRegions: ['us-east-1']})}, regions)
    await driveStep(step, stepContext(aws))
    expect(aws.state.proxies?.['us-west-2']?.['orders-proxy-usw2']?.targetGroups.default).toEqual([
      expect.objectContaining({type: 'TRACKED_CLUSTER', clusterId: 'orders-usw2'}),
      expect.objectContaining({type: 'RDS_INSTANCE', instanceId: 'orders-usw2-a'}),
    ])
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(step.deadline).toBeUndefined()
  })

  it('fails before any change, naming the step, when the proxy, its target group or the cluster is missing', async () => {
    const noProxy = world()
    delete noProxy.state.proxies?.['us-west-2']?.['orders-proxy-usw2']
    const step = appStep({step: config, move: stepMove()}, regions)
    await expect(step.check(stepContext(noProxy))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step orders-proxy: RDS Proxy orders-proxy-usw2 does not exist in us-west-2',
    })
    const otherGroup = appStep({step: {...config, targetGroup: 'blue'}, move: stepMove()}, regions)
    await expect(otherGroup.check(stepContext(world()))).rejects.toMatchObject({
      message: 'step orders-proxy: RDS Proxy orders-proxy-usw2 has no target group blue in us-west-2',
    })
    const noMember = world()
    noMember.state.globals[0]!.members.pop()
    await expect(step.check(stepContext(noMember))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step orders-proxy: orders-global has no cluster in us-west-2 for orders-proxy-usw2 to target',
    })
    expect([...noProxy.mutatingCalls(), ...noMember.mutatingCalls()]).toEqual([])
  })

  it('lists its calls in the target Region for --dry-run', () => {
    const step = appStep({step: config, move: stepMove()}, regions)
    expect(step.describe()).toEqual([
      expect.objectContaining({service: 'RDS', operation: 'DeregisterDBProxyTargets', region: 'us-west-2'}),
      {
        service: 'RDS',
        operation: 'RegisterDBProxyTargets',
        region: 'us-west-2',
        detail: "orders-proxy-usw2 (target group default) → orders-global's cluster in us-west-2",
      },
    ])
  })
})
