import {describe, expect, it} from 'vitest'

import {DetachStep, ManagedFailoverStep, SwitchoverStep} from '../../../src/lib/runbooks/aurora-steps.js'
import {TrafficChangeStep} from '../../../src/lib/runbooks/routing-control-step.js'
import {clusterArnOf, FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {CONTROL} from '../../fakes/topology.js'
import {stepContext as ctx} from './step-context.js'

const move = {
  globalClusterId: 'orders-global',
  targetRegion: 'us-west-2',
  targetClusterArn: clusterArnOf('us-west-2', 'orders-usw2'),
  targetClusterId: 'orders-usw2',
  fromRegion: 'us-east-1',
}

describe('switchover step', () => {
  it('is pending on a healthy topology and sends the switchover to the primary’s Region', async () => {
    const aws = new FakeAws(twoRegionState())
    const step = new SwitchoverStep(move)
    expect(await step.check(ctx(aws))).toEqual({state: 'pending'})
    await step.run(ctx(aws))
    expect(aws.mutatingCalls()).toEqual([
      expect.objectContaining({
        operation: 'SwitchoverGlobalCluster',
        region: 'us-east-1',
        args: ['orders-global', move.targetClusterArn],
      }),
    ])
  })

  it('is in progress while FailoverState points at the target, and never concludes early', async () => {
    const state = twoRegionState()
    state.globals[0]!.status = 'switching-over'
    state.globals[0]!.failoverState = {
      status: 'pending',
      toClusterArn: move.targetClusterArn,
      fromClusterArn: clusterArnOf('us-east-1', 'orders-use1'),
      isDataLossAllowed: false,
    }
    const aws = new FakeAws(state)
    const step = new SwitchoverStep(move)
    expect((await step.check(ctx(aws))).state).toBe('in-progress')
    // The writer flag already moved but FailoverState is still there: not done yet.
    state.globals[0]!.members[0]!.isWriter = false
    state.globals[0]!.members[1]!.isWriter = true
    await expect(step.verify(ctx(aws))).rejects.toMatchObject({code: 'DRCTL_VERIFY_FAILED'})
  })

  it('is done when the target writes, FailoverState is gone and the status is available', async () => {
    const state = twoRegionState()
    state.globals[0]!.members[0]!.isWriter = false
    state.globals[0]!.members[1]!.isWriter = true
    state.clusters[1]!.members[0]!.isWriter = true
    const aws = new FakeAws(state)
    expect((await new SwitchoverStep(move).check(ctx(aws))).state).toBe('done')
    await expect(new SwitchoverStep(move).verify(ctx(aws))).resolves.toBeUndefined()
  })

  it('refuses to start over another switchover in progress', async () => {
    const state = twoRegionState()
    state.globals[0]!.failoverState = {status: 'pending', toClusterArn: 'arn:other', isDataLossAllowed: false}
    await expect(new SwitchoverStep(move).check(ctx(new FakeAws(state)))).rejects.toMatchObject({
      code: 'DRCTL_AWS_INVALID_STATE',
    })
  })
})

describe('managed failover step', () => {
  it('calls only the target Region, with AllowDataLoss, and records when', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.fail('*', 'us-east-1', {kind: 'network'})
    const step = new ManagedFailoverStep(move)
    const context = ctx(aws)
    expect((await step.check(context)).state).toBe('pending')
    await step.run(context)
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(aws.mutatingCalls()[0]).toMatchObject({
      operation: 'FailoverGlobalCluster',
      region: 'us-west-2',
      args: ['orders-global', move.targetClusterArn, true],
    })
    expect(context.recorded('failoverAt.orders-global')).toEqual(expect.any(String))
  })
})

describe('detach step', () => {
  it('is done once the cluster is standalone, available and has a writer', async () => {
    const state = twoRegionState()
    const aws = new FakeAws(state)
    const step = new DetachStep(move)
    expect((await step.check(ctx(aws))).state).toBe('pending')
    state.clusters[1]!.status = 'promoting'
    expect((await step.check(ctx(aws))).state).toBe('in-progress')
    Object.assign(state.clusters[1]!, {status: 'available', globalClusterId: undefined})
    state.clusters[1]!.members[0]!.isWriter = true
    expect((await step.check(ctx(aws))).state).toBe('done')
  })
})

describe('traffic step', () => {
  const change = {
    desired: [
      {arn: CONTROL.east, name: 'retail-us-east-1', region: 'us-east-1', state: 'Off' as const},
      {arn: CONTROL.west, name: 'retail-us-west-2', region: 'us-west-2', state: 'On' as const},
    ],
    endpoints: [{region: 'eu-west-1', url: 'https://e3/v1'}],
    avoidRegions: [],
    safetyRulesToOverride: [],
    safetyRules: [],
  }

  it('changes both controls in one batch and reads them back', async () => {
    const aws = new FakeAws(twoRegionState())
    const step = new TrafficChangeStep(change)
    expect((await step.check(ctx(aws))).state).toBe('pending')
    await step.run(ctx(aws))
    await step.verify(ctx(aws))
    const updates = aws.mutatingCalls()
    expect(updates).toHaveLength(1)
    expect(updates[0]?.args[0]).toEqual([
      {arn: CONTROL.east, state: 'Off'},
      {arn: CONTROL.west, state: 'On'},
    ])
    expect((await step.check(ctx(aws))).state).toBe('done')
  })

  it('a read-back that disagrees is an error, not a shrug', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.routingUpdatesLost = true
    const step = new TrafficChangeStep(change)
    await step.run(ctx(aws))
    await expect(step.verify(ctx(aws))).rejects.toMatchObject({
      code: 'DRCTL_VERIFY_FAILED',
      message: expect.stringContaining('retail-us-east-1 is not Off, retail-us-west-2 is not On'),
    })
  })
})
