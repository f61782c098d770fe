import {describe, expect, it} from 'vitest'

import {AwsCallError} from '../../../src/lib/aws/errors.js'
import {DetachStep} from '../../../src/lib/runbooks/aurora-steps.js'
import {
  DeleteClusterStep,
  DeleteGlobalClusterStep,
  RemoveMemberStep,
} from '../../../src/lib/runbooks/aurora-delete-steps.js'
import {ClusterSnapshotStep} from '../../../src/lib/runbooks/snapshot-steps.js'
import {StopExperimentStep} from '../../../src/lib/runbooks/stop-experiment-step.js'
import {clusterArnOf, FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {stepContext, tickingClock} from './step-context.js'

const secondaryArn = clusterArnOf('us-west-2', 'orders-usw2')

describe('a detached survivor is tagged, so drctl without the run journal finds it', () => {
  const move = {
    globalClusterId: 'orders-global',
    targetRegion: 'us-west-2',
    targetClusterArn: secondaryArn,
    targetClusterId: 'orders-usw2',
    fromRegion: 'us-east-1',
  }
  const detached = () => {
    const state = twoRegionState()
    state.clusters[1]!.globalClusterId = undefined
    state.clusters[1]!.members = [{instanceId: 'orders-usw2-a', isWriter: true}]
    return state
  }

  it('verify tags it once (with the run id), also when the detach itself was done before a crash', async () => {
    const aws = new FakeAws(detached())
    const step = new DetachStep(move)
    const ctx = stepContext(aws)
    expect((await step.check(ctx)).state).toBe('done')
    await step.verify(ctx)
    await step.verify(ctx)
    expect(aws.mutatingCalls()).toEqual([
      expect.objectContaining({
        operation: 'AddTagsToResource',
        region: 'us-west-2',
        args: [secondaryArn, {'drctl:detached-from': 'orders-global', 'drctl:detached-by-run': 'test-run'}],
      }),
    ])
    expect(step.describe().map((call) => call.operation)).toEqual(['RemoveFromGlobalCluster', 'AddTagsToResource'])
  })

  it('a refused tag is said, not fatal: writes already moved', async () => {
    const aws = new FakeAws(detached())
    aws.fail('RDS', 'us-west-2', {kind: 'access', operation: 'AddTagsToResource', message: 'not allowed'})
    const progress: string[] = []
    const followUps: string[] = []
    await new DetachStep(move).verify({
      ...stepContext(aws),
      progress: (message) => progress.push(message),
      followUp: (message) => followUps.push(message),
    })
    expect(progress.join(' ')).toMatch(
      /could not tag orders-usw2 \(missing permission rds:AddTagsToResource.*will not know it left orders-global/,
    )
    // The report lists it, with the permission that was missing.
    expect(followUps).toEqual([
      expect.stringMatching(
        /^tag orders-usw2 drctl:detached-from=orders-global by hand.*missing permission rds:AddTagsToResource/,
      ),
    ])
  })
})

describe('removing a cluster from its global cluster', () => {
  // An earlier, interrupted attempt may have removed it already: RDS then answers "is not found in global cluster".
  it('takes "not found in global cluster" for done, in a teardown and in a detach', async () => {
    const steps = [
      new RemoveMemberStep('orders-global', secondaryArn, 'us-west-2'),
      new DetachStep({
        globalClusterId: 'orders-global',
        targetRegion: 'us-west-2',
        targetClusterArn: secondaryArn,
        targetClusterId: 'orders-usw2',
        fromRegion: 'us-east-1',
      }),
    ]
    for (const step of steps) {
      const aws = new FakeAws(twoRegionState())
      aws.fail('RDS', 'us-west-2', {
        kind: 'invalid',
        message: `The cluster ${secondaryArn} is not found in global cluster orders-global`,
      })
      await expect(step.run(stepContext(aws))).resolves.toBeUndefined()
      expect(aws.mutatingCalls()).toEqual([expect.objectContaining({operation: 'RemoveFromGlobalCluster'})])
    }
  })

  it('stops at any other refusal', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.fail('RDS', 'us-west-2', {kind: 'invalid', message: 'Global cluster orders-global is modifying'})
    await expect(
      new RemoveMemberStep('orders-global', secondaryArn, 'us-west-2').run(stepContext(aws)),
    ).rejects.toMatchObject({code: 'DRCTL_AWS_INVALID_STATE'})
  })
})

describe('deleting a global cluster', () => {
  it('asks again while RDS still says "not empty" after the last member left', async () => {
    const aws = new FakeAws(twoRegionState())
    const rds = aws.rds.bind(aws)
    let attempts = 0
    aws.rds = (region) => ({
      ...rds(region),
      deleteGlobalCluster: async (id) => {
        if (++attempts <= 2) {
          throw new AwsCallError(
            {service: 'RDS', operation: 'DeleteGlobalCluster', region},
            {
              name: 'InvalidGlobalClusterStateFault',
              message: `Global Cluster ${id} is not empty`,
              $metadata: {httpStatusCode: 400},
            },
          )
        }
        return rds(region).deleteGlobalCluster(id)
      },
    })
    const ctx = stepContext(aws)
    await new DeleteGlobalClusterStep('orders-global', 'us-east-1').run(ctx)
    expect(attempts).toBe(3)
    expect(ctx.recorded('deleted')).toEqual(['global cluster orders-global'])
  })
})

describe('deleting a cluster with a final snapshot', () => {
  it('is in progress while the snapshot is taken; waits and verifies by its check', async () => {
    const state = twoRegionState()
    const aws = new FakeAws(state)
    const step = new DeleteClusterStep('orders-use1', 'us-east-1', 'final-1')
    const ctx = stepContext(aws, {}, tickingClock(60_000))
    expect(await step.check(ctx)).toEqual({state: 'pending', note: 'cluster available'})
    await expect(step.verify(ctx)).rejects.toMatchObject({
      code: 'DRCTL_VERIFY_FAILED',
      message: 'Delete cluster orders-use1 (us-east-1), final snapshot final-1: not done (cluster available)',
    })
    state.snapshots.push({
      id: 'final-1',
      arn: 'arn:final-1',
      clusterId: 'orders-use1',
      status: 'creating',
      type: 'manual',
      region: 'us-east-1',
    })
    expect(await step.check(ctx)).toEqual({state: 'in-progress', note: 'final snapshot creating'})
    await expect(step.wait(ctx)).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringContaining(
        'waiting for cluster orders-use1 to be deleted (last seen: final snapshot creating)',
      ),
    })
    state.clusters = state.clusters.filter((cluster) => cluster.id !== 'orders-use1')
    await step.wait(ctx)
    await step.verify(ctx)
  })

  it('records the cluster and its snapshot for the report once, however often it runs (a resume)', async () => {
    const ctx = stepContext(new FakeAws(twoRegionState()))
    const step = new DeleteClusterStep('orders-use1', 'us-east-1', 'final-1')
    await step.run(ctx)
    await step.run(ctx)
    expect(ctx.recorded('deleted')).toEqual(['cluster orders-use1 (us-east-1)'])
    expect(ctx.recorded('snapshots')).toEqual(['final-1 (us-east-1)'])
  })
})

describe('a rebuild step', () => {
  it('waits for what its check awaits, named by its title', async () => {
    const state = twoRegionState()
    const step = new ClusterSnapshotStep('orders-use1', 'us-east-1', 'reconcile-1')
    const ctx = stepContext(new FakeAws(state), {}, tickingClock(60_000))
    state.snapshots.push({
      id: 'reconcile-1',
      arn: 'arn:reconcile-1',
      clusterId: 'orders-use1',
      status: 'creating',
      type: 'manual',
      region: 'us-east-1',
    })
    await expect(step.wait(ctx)).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringContaining(
        'waiting for "Snapshot orders-use1 (us-east-1) as reconcile-1" to complete (last seen: snapshot creating)',
      ),
    })
    state.snapshots[0]!.status = 'available'
    await step.wait(ctx)
    await step.verify(ctx)
  })
})

describe('stopping an experiment', () => {
  it('is done when FIS ended it or it is gone, in progress while stopping, pending while it runs', async () => {
    const state = twoRegionState()
    const ctx = stepContext(new FakeAws(state))
    const step = new StopExperimentStep('EXP1', 'us-east-1')
    expect(await step.check(ctx)).toEqual({state: 'done', note: 'gone'})
    const experiment = {id: 'EXP1', templateId: 'T1', status: 'running', actions: [], tags: {}, region: 'us-east-1'}
    state.experiments.push(experiment)
    expect(await step.check(ctx)).toEqual({state: 'pending', note: 'running'})
    experiment.status = 'stopping'
    expect(await step.check(ctx)).toEqual({state: 'in-progress', note: 'stopping'})
    for (const status of ['completed', 'stopped', 'failed', 'cancelled']) {
      experiment.status = status
      expect(await step.check(ctx)).toEqual({state: 'done', note: status})
    }
  })

  // The experiment may end between the step's check and its StopExperiment call; FIS then refuses the stop.
  it('takes a refused stop for done when the experiment ended meanwhile, and fails when it still runs', async () => {
    for (const [endsMeanwhile, outcome] of [
      [true, 'done'],
      [false, 'refused'],
    ] as const) {
      const state = twoRegionState()
      const experiment = {id: 'EXP1', templateId: 'T1', status: 'running', actions: [], tags: {}, region: 'us-east-1'}
      state.experiments.push(experiment)
      const aws = new FakeAws(state)
      const fis = aws.fis.bind(aws)
      aws.fis = (region) => ({
        ...fis(region),
        stopExperiment: async () => {
          if (endsMeanwhile) experiment.status = 'completed'
          throw new AwsCallError(
            {service: 'FIS', operation: 'StopExperiment', region},
            {name: 'ConflictException', message: 'Experiment EXP1 is not running', $metadata: {httpStatusCode: 409}},
          )
        },
      })
      const run = new StopExperimentStep('EXP1', 'us-east-1').run(stepContext(aws))
      await (outcome === 'done' ? expect(run).resolves.toBeUndefined() : expect(run).rejects.toThrow(/not running/))
    }
  })
})
