import {afterAll, describe, expect, it} from 'vitest'

import {DrctlError} from '../../../src/lib/core/errors.js'
import {startRun} from '../../../src/lib/runbook/engine.js'
import {CreateInstanceStep, EnableDataApiStep, RestoreClusterStep} from '../../../src/lib/runbooks/reconcile-steps.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {tempHome} from '../../helpers/cli.js'
import {engineContext, stepContext, stepsPlan} from './step-context.js'

const {home, cleanup} = tempHome('drctl-reconcile-steps-')
afterAll(cleanup)

const ID = 'drctl-reconcile-20261206-080000-ab12'
const SNAPSHOT = 'rds:unplanned-global-failover-orders-use1-2026-12-06-08-05'
const restore = () =>
  new RestoreClusterStep({
    clusterId: ID,
    region: 'us-east-1',
    snapshotId: SNAPSHOT,
    engine: 'aurora-postgresql',
    tags: {'drctl:purpose': 'reconcile'},
  })
const createInstance = () =>
  new CreateInstanceStep({
    instanceId: `${ID}-1`,
    clusterId: ID,
    region: 'us-east-1',
    instanceClass: 'db.r6g.large',
    engine: 'aurora-postgresql',
  })

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
    const step = restore()
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
    const instance = createInstance()
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

  it('a failed instance creation names the temporary cluster it leaves and the ways to delete it', async () => {
    const {aws, temporary} = world()
    temporary('available')
    aws.fail('RDS', 'us-east-1', {kind: 'access', operation: 'CreateDBInstance', message: 'not authorized'})
    const plan = {...stepsPlan('Reconcile', [restore(), createInstance()]), kind: 'reconcile'}
    const identity = {topology: 'retail', topologyKey: 'test:retail', configPath: '/x', sandbox: true, flags: {}}
    const error = (await startRun(plan, identity, engineContext(home, aws)).catch(
      (failure: unknown) => failure,
    )) as DrctlError
    expect(error).toBeInstanceOf(DrctlError)
    expect(error).toMatchObject({code: 'DRCTL_AWS_ACCESS_DENIED', exit: 5})
    const {runId} = error.result as {runId: string}
    expect(error.hints).toEqual([
      expect.stringContaining('may call rds:CreateDBInstance in us-east-1'),
      expect.stringContaining(`${ID} (us-east-1) may be left behind: fix the cause and resume the run`),
      expect.stringMatching(
        new RegExp(
          `drctl runs abandon ${runId}, then .*aws rds delete-db-cluster --db-cluster-identifier ${ID} --skip-final-snapshot --region us-east-1.*drctl teardown`,
        ),
      ),
      expect.stringContaining(`drctl runs resume ${runId} --sandbox`),
    ])
    // The restore (done before) and the Data API (after) leave the same cluster behind when they fail.
    const ctx = {...stepContext(aws), runId}
    expect(restore().leftBehind(ctx)).toEqual(error.hints.slice(1, 3))
    const dataApi = new EnableDataApiStep(`arn:aws:rds:us-east-1:111122223333:cluster:${ID}`, ID, 'us-east-1')
    expect(dataApi.leftBehind(ctx)).toEqual(error.hints.slice(1, 3))
  })
})
