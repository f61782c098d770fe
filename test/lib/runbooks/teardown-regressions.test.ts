import {describe, expect, it} from 'vitest'

import {stepsOf} from '../../helpers/plan.js'
import {DeleteStackStep} from '../../../src/lib/runbooks/stack-delete-step.js'
import {planTeardown, type TeardownRequest} from '../../../src/lib/runbooks/teardown.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {clusterArnOf, FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {globalView, healthyTopology, member, testConfig} from '../../fakes/topology.js'
import {stepContext as ctx} from './step-context.js'

const request: TeardownRequest = {
  finalSnapshot: true,
  disableDeletionProtection: false,
  only: [],
  stamp: '202611220300',
}

describe('teardown: a binlog replica with deletion protection', () => {
  // Regression: replicas' deletion protection was not read nor gated, so the teardown deleted the global clusters'
  // secondaries and then failed at DeleteDBCluster of the replica, half-way (exit 5), instead of stopping at the gate.
  it('is read by observe and named at the gate with the others', async () => {
    const config = testConfig()
    config.aurora.replicas = [{cluster: 'reports-usw2', region: 'us-west-2'}]
    const state = twoRegionState()
    const source = state.clusters.find((cluster) => cluster.id === 'orders-use1')!
    state.clusters.push({
      ...structuredClone(source),
      id: 'reports-usw2',
      arn: clusterArnOf('us-west-2', 'reports-usw2'),
      region: 'us-west-2',
      globalClusterId: undefined,
      replicationSourceArn: source.arn,
      deletionProtection: true,
      members: [{instanceId: 'reports-usw2-a', isWriter: true}],
    })
    const topology = await observe(config, new FakeAws(state))
    expect(topology.replicas[0]).toMatchObject({clusterId: 'reports-usw2', deletionProtection: true})

    topology.aurora[0]!.members[0]!.deletionProtection = true
    const plan = planTeardown(config, topology, request)
    expect(plan.gates.find((gate) => gate.id === 'gate.deletion-protection')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        'deletion protection is on for: cluster orders-use1 (us-east-1), cluster reports-usw2 (us-west-2);',
      ),
    })
    const allowed = planTeardown(config, topology, {...request, disableDeletionProtection: true})
    expect(stepsOf(allowed.items).map((step) => step.id)).toContain('protection.cluster.reports-usw2.us-west-2')
  })
})

describe('teardown after a detach', () => {
  // Regression: the Region order came from the orphaned global cluster's old primary, so the Region now taking
  // writes (the promoted survivor's) lost its stacks and its DynamoDB replica first.
  it('treats the detached survivor’s Region as the writer’s: its stacks go last, its table replica stays last', () => {
    const topology = healthyTopology()
    topology.aurora[0] = globalView({members: [member('us-east-1', 'orders-use1', 'writer')]})
    topology.aurora[0].detachedSurvivor = {
      clusterId: 'orders-usw2',
      clusterArn: clusterArnOf('us-west-2', 'orders-usw2'),
      region: 'us-west-2',
      found: true,
      status: 'available',
      instances: [{id: 'orders-usw2-a', status: 'available', isWriter: true, instanceClass: 'db.r6g.large'}],
      runId: 'run-1',
    }
    const plan = planTeardown(testConfig(), topology, request)
    const planned = stepsOf(plan.items).flatMap((step) =>
      step.describe().map((call) => `${call.operation} ${call.region} ${call.detail}`),
    )
    expect(planned.filter((call) => call.startsWith('DeleteStack'))).toEqual([
      'DeleteStack us-east-1 app-use1',
      'DeleteStack us-west-2 app-usw2',
    ])
    expect(planned).toContain('UpdateTable us-west-2 carts: ReplicaUpdates Delete us-east-1')
    expect(planned).toContain('DeleteTable us-west-2 carts')
  })
})

describe('deleting a stack that failed to delete', () => {
  const failed = () => {
    const aws = new FakeAws(twoRegionState())
    Object.assign(aws.state.stacks[1]!, {status: 'DELETE_FAILED', statusReason: 'AppBucket failed to delete'})
    return aws
  }

  // Regression: a stack left DELETE_FAILED by this run was a failure at the first check of a resume, so
  // `drctl runs resume` could never retry the DeleteStack after the operator fixed the resource.
  it('retries DeleteStack when found DELETE_FAILED (a resume after the cause was fixed)', async () => {
    const aws = failed()
    const step = new DeleteStackStep('app-usw2', 'us-west-2')
    const context = ctx(aws)
    context.record(`stackDeleteRequested.${step.id}`, true)
    expect(await step.check(context)).toMatchObject({state: 'pending'})
    await step.run(context)
    expect(aws.mutatingCalls()).toEqual([expect.objectContaining({operation: 'DeleteStack', args: ['app-usw2']})])
    aws.state.stacks.splice(1, 1)
    await step.wait(context)
    await step.verify(context)
  })

  it('fails at once, naming the reason, when the deletion it asked for ends DELETE_FAILED', async () => {
    const aws = failed()
    const step = new DeleteStackStep('app-usw2', 'us-west-2')
    await expect(step.wait(ctx(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_ERROR',
      message: expect.stringContaining('stack app-usw2 in us-west-2 failed to delete (AppBucket failed to delete)'),
    })
  })
})
