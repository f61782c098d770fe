import {describe, expect, it} from 'vitest'

import {CreateInstanceStep, EnableDataApiStep, RestoreClusterStep} from '../../../src/lib/runbooks/reconcile-steps.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {stepContext} from './step-context.js'

const ID = 'drctl-reconcile-20261206-080000-ab12'

function world() {
  const state = twoRegionState()
  const aws = new FakeAws(state)
  const base = state.clusters.find((cluster) => cluster.id === 'orders-use1')!
  const temporary = (status: string, httpEndpointEnabled = false) =>
    state.clusters.push({...structuredClone(base), id: ID, status, httpEndpointEnabled, globalClusterId: undefined})
  return {state, aws, temporary}
}

describe('reconcile restore steps', () => {
  it('restores once: pending without the cluster, waiting while it is created, done when available', async () => {
    const {aws, state, temporary} = world()
    const step = new RestoreClusterStep({
      clusterId: ID,
      region: 'us-east-1',
      snapshotId: 'rds:unplanned-global-failover-orders-use1-2026-12-06-08-05',
      engine: 'aurora-postgresql',
      tags: {'drctl:purpose': 'reconcile'},
    })
    const ctx = stepContext(aws)
    expect(await step.check(ctx)).toEqual({state: 'pending'})
    await step.run(ctx)
    expect(aws.calls.filter((call) => call.mutating)).toMatchObject([
      {
        operation: 'RestoreDBClusterFromSnapshot',
        region: 'us-east-1',
        args: [{id: ID, tags: {'drctl:purpose': 'reconcile'}}],
      },
    ])
    temporary('creating')
    expect(await step.check(ctx)).toEqual({state: 'in-progress', note: 'cluster creating'})
    state.clusters.at(-1)!.status = 'available'
    expect((await step.check(ctx)).state).toBe('done')
  })

  it('creates the one instance, and enables the Data API until DescribeDBClusters says it is on', async () => {
    const {aws, state, temporary} = world()
    temporary('available')
    const ctx = stepContext(aws)
    const instance = new CreateInstanceStep({
      instanceId: `${ID}-1`,
      clusterId: ID,
      region: 'us-east-1',
      instanceClass: 'db.r6g.large',
      engine: 'aurora-postgresql',
    })
    expect(await instance.check(ctx)).toEqual({state: 'pending'})
    state.instances.push({...structuredClone(state.instances[0]!), id: `${ID}-1`, clusterId: ID, status: 'available'})
    expect((await instance.check(ctx)).state).toBe('done')

    const dataApi = new EnableDataApiStep(`arn:aws:rds:us-east-1:111122223333:cluster:${ID}`, ID, 'us-east-1')
    expect(await dataApi.check(ctx)).toEqual({state: 'pending'})
    await dataApi.run(ctx)
    expect(aws.calls.filter((call) => call.mutating).map((call) => call.operation)).toEqual(['EnableHttpEndpoint'])
    state.clusters.at(-1)!.httpEndpointEnabled = true
    expect((await dataApi.check(ctx)).state).toBe('done')
  })
})
