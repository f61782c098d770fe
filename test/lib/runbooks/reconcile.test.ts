import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {DbCluster, DbClusterSnapshot} from '../../../src/lib/aws/ports.js'
import {isGroup} from '../../../src/lib/runbook/types.js'
import {planReconcile, temporaryClusterId} from '../../../src/lib/runbooks/reconcile.js'
import {rebuildPlan} from '../../../src/lib/runbooks/rebuild-plan.js'
import {secretIn} from '../../../src/lib/reconcile/data-api-source.js'
import {
  COMPARE_FAILED,
  type CompareSpec,
  CompareStep,
  tableKey,
} from '../../../src/lib/runbooks/reconcile-compare-step.js'
import {type ReconcileFacts, reconcileLeftovers} from '../../../src/lib/runbooks/reconcile-facts.js'
import {reconcileFailure, ReconcileReportStep} from '../../../src/lib/runbooks/reconcile-report.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {ACCOUNT, testConfig} from '../../fakes/topology.js'
import {stepContext} from './step-context.js'

const RUN = '20261206-080000-failover-unplanned-retail-ab12'
const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:orders-db-AbCdEf`
const config = testConfig(
  `reconcile: {secretArn: "${secret}", tables: [{name: orders, key: [id], updatedAt: updated_at}, {name: lines, key: [order_id, line]}]}`,
)
const snapshot: DbClusterSnapshot = {
  id: 'rds:unplanned-global-failover-orders-use1-2026-12-06-08-05',
  arn: 'arn',
  clusterId: 'orders-use1',
  status: 'available',
  type: 'automated',
  engine: 'aurora-postgresql',
  engineVersion: '16.4',
}

function facts(overrides: Partial<ReconcileFacts> = {}, mode: 'unplanned' | 'detach' = 'unplanned'): ReconcileFacts {
  return {
    run: {
      id: RUN,
      dir: '/home/runs/x',
      mode,
      move: {
        globalClusterId: 'orders-global',
        targetRegion: 'us-west-2',
        targetClusterArn: `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:orders-usw2`,
        targetClusterId: 'orders-usw2',
        fromRegion: 'us-east-1',
      },
      oldPrimary: {clusterId: 'orders-use1', region: 'us-east-1'},
      failoverAt: '2026-12-06T08:00:00.000Z',
      lossMs: 4000,
    },
    snapshot,
    oldInstances: [],
    newPrimary: {id: 'orders-usw2', httpEndpointEnabled: true} as DbCluster,
    ...overrides,
  }
}

const request = {marginMs: 60_000, wholeTables: false, stamp: '202612060900'}
const stepIds = (plan: ReturnType<typeof planReconcile>) => plan.items.map((item) => item.id)

describe('reconcile plan', () => {
  it('restores the snapshot, compares, deletes the temporary cluster, then reports; the window ends at the failover less lag and margin', () => {
    const plan = planReconcile(config, facts(), request)
    const id = temporaryClusterId(RUN)
    expect(id).toBe('drctl-reconcile-20261206-080000-ab12')
    expect(plan.gates.map((gate) => gate.status)).toEqual(['ok', 'ok'])
    expect(stepIds(plan)).toEqual([
      `restore.${id}`,
      `instance.${id}-1`,
      `data-api.${id}`,
      'reconcile.compare',
      `instances.${id}`,
      `cluster.${id}`,
      'reconcile.report',
    ])
    const compare = (plan.params.specs as {kind: string; compare?: CompareSpec}[]).find(
      (spec) => spec.kind === 'reconcile-compare',
    )?.compare
    expect(compare).toMatchObject({
      since: '2026-12-06T07:58:56.000Z',
      old: {clusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:${id}`, region: 'us-east-1'},
      current: {clusterId: 'orders-usw2', region: 'us-west-2'},
      dir: join('/home/runs/x', 'reconcile-202612060900'),
    })
    expect(plan.items.flatMap((item) => (isGroup(item) ? [] : item.describe())).map((call) => call.operation)).toEqual([
      'RestoreDBClusterFromSnapshot',
      'CreateDBInstance',
      'EnableHttpEndpoint',
      'ExecuteStatement',
      'ExecuteStatement',
      'DeleteDBInstance',
      'DeleteDBCluster',
    ])
  })

  it('is rebuilt step for step from its journal by drctl runs resume', () => {
    const plan = planReconcile(config, facts(), request)
    const start = {kind: plan.kind, title: plan.title, params: plan.params, gates: [], notes: [], followUps: []}
    const rebuilt = rebuildPlan({...start, evidence: {}, excludedRegions: []} as never, config)
    expect(rebuilt.items.map((item) => item.id)).toEqual(stepIds(plan))
  })

  it('compares whole tables on request or without a lag estimate', () => {
    const whole = (plan: ReturnType<typeof planReconcile>) =>
      (plan.params.specs as {kind: string; compare?: CompareSpec}[]).find((spec) => spec.compare)?.compare?.since
    expect(whole(planReconcile(config, facts(), {...request, wholeTables: true}))).toBeUndefined()
    const unknownLoss = facts()
    unknownLoss.run.lossMs = null
    expect(whole(planReconcile(config, unknownLoss, request))).toBeUndefined()
  })

  it('stops at a gate saying what to wait for when Aurora has not taken the snapshot yet', () => {
    const plan = planReconcile(config, facts({snapshot: undefined}), request)
    expect(plan.gates).toMatchObject([
      {
        status: 'fail',
        message: expect.stringMatching(
          /no rds:unplanned-global-failover-orders-use1-\* snapshot in us-east-1 yet.*rejoins/,
        ),
      },
      {status: 'ok', message: 'the new primary orders-usw2 (us-west-2) has the RDS Data API enabled'},
    ])
  })

  it('stops at a gate before restoring anything when the new primary has no Data API, or is gone', () => {
    const disabled = planReconcile(config, facts({newPrimary: {id: 'orders-usw2'} as DbCluster}), request)
    expect(disabled.gates.find((gate) => gate.status === 'fail')?.message).toBe(
      'the RDS Data API is not enabled on the new primary orders-usw2 (us-west-2), which the comparison reads: ' +
        `enable it (aws rds enable-http-endpoint --resource-arn arn:aws:rds:us-west-2:${ACCOUNT}:cluster:orders-usw2 ` +
        '--region us-west-2), then run drctl reconcile again',
    )
    const gone = planReconcile(config, facts({newPrimary: undefined}), request)
    expect(gone.gates.find((gate) => gate.status === 'fail')?.message).toBe(
      'the new primary orders-usw2 cannot be found in us-west-2: nothing to compare with',
    )
  })

  it('after detach-and-promote, snapshots the orphaned old primary first (unless a reconcile snapshot exists)', () => {
    const cluster = {id: 'orders-use1', engine: 'aurora-postgresql', engineVersion: '16.4'} as never
    const plan = planReconcile(config, facts({snapshot: undefined, oldCluster: cluster}, 'detach'), request)
    expect(stepIds(plan)[0]).toBe('snapshot.drctl-reconcile-orders-use1-202612060900')
    expect(planReconcile(config, facts({snapshot: undefined}, 'detach'), request).gates[0]?.status).toBe('fail')
  })

  it('needs a reconcile section in drctl.yaml', () => {
    expect(() => planReconcile(testConfig(), facts(), request)).toThrow(/no reconcile section/)
  })
})

describe('reconcile compare and report steps', () => {
  const compareSpec = (dir: string) =>
    (
      planReconcile(config, {...facts(), run: {...facts().run, dir}}, request).params.specs as {
        compare?: CompareSpec
      }[]
    ).find((entry) => entry.compare)?.compare as CompareSpec

  it('a failed comparison is recorded, not thrown, so that cleanup runs; the command then fails', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.dataApi = () => {
      throw new Error('relation "orders" does not exist')
    }
    const dir = mkdtempSync(join(tmpdir(), 'drctl-reconcile-'))
    const compare = planReconcile(config, {...facts(), run: {...facts().run, dir}}, request).params.specs as {
      kind: string
      compare?: CompareSpec
    }[]
    const spec = compare.find((entry) => entry.compare)?.compare as CompareSpec
    const ctx = stepContext(aws)
    const step = new CompareStep(spec)
    expect(await step.check(ctx)).toEqual({state: 'pending'})
    await step.run(ctx)
    expect(ctx.recorded(COMPARE_FAILED)).toMatchObject({message: 'table orders: relation "orders" does not exist'})
    expect((await step.check(ctx)).state).toBe('done')
    const report = new ReconcileReportStep({
      compare: spec,
      reconciledRun: RUN,
      failoverAt: '',
      snapshotId: snapshot.id,
      estimatedLossMs: 4000,
    })
    await report.run(ctx)
    // The run completes (it must not block the next failover); the command fails after it.
    expect(reconcileFailure({evidence: {reconcile: ctx.recorded('reconcile')}})).toMatchObject({
      message: 'the comparison failed: table orders: relation "orders" does not exist',
      exit: 5,
    })
    expect(reconcileFailure({evidence: {}})).toBeUndefined()
    expect(readFileSync(join(spec.dir, 'reconcile.md'), 'utf8')).toContain('**The comparison failed**')
    expect(existsSync(join(spec.dir, 'missing.jsonl'))).toBe(false)
  })

  it('a comparison stopped by Ctrl-C resumes after its last completed page, without repeating findings', async () => {
    const aws = new FakeAws(twoRegionState())
    const oldRows = [1, 2, 3, 4, 5].map((id) => [id, `${id}.00`])
    const controller = new AbortController()
    const pages: number[] = []
    aws.dataApi = (_target, sql, parameters) => {
      const value = (name: string) => parameters.find((parameter) => parameter.name === name)?.value
      if (sql.includes(' IN (')) return {columns: ['id', 'amount'], rows: []} // the new primary lost them all
      const after = Number(value('after0') ?? 0)
      pages.push(after)
      // Ctrl-C while the second page is read: it completes, then the comparison stops.
      if (pages.length === 2) controller.abort(new Error('interrupted'))
      const limit = Number(/LIMIT (\d+)/.exec(sql)?.[1])
      return {columns: ['id', 'amount'], rows: oldRows.filter(([id]) => Number(id) > after).slice(0, limit)}
    }
    const dir = mkdtempSync(join(tmpdir(), 'drctl-reconcile-'))
    const spec: CompareSpec = {...compareSpec(dir), tables: [{name: 'orders', key: ['id']}], pageSize: 2}
    const first = {...stepContext(aws), signal: controller.signal}
    await expect(new CompareStep(spec).run(first)).rejects.toThrow('interrupted')
    const journaled = first.recorded(tableKey('orders'))
    expect(journaled).toMatchObject({progress: {after: [4], scanned: 4, done: false}})

    const second = stepContext(aws, {[tableKey('orders')]: journaled})
    await new CompareStep(spec).run(second)
    expect(pages).toEqual([0, 2, 4])
    const ids = readFileSync(join(spec.dir, 'missing.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).key.id)
    expect(ids).toEqual([1, 2, 3, 4, 5])
    expect((await new CompareStep(spec).check(second)).state).toBe('done')
  })

  it('reads a cluster in another Region with the replica of the secret there', () => {
    expect(secretIn(secret, 'us-west-2')).toBe(`arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:orders-db-AbCdEf`)
  })
})

describe('reconcile leftovers', () => {
  it('finds the temporary clusters in the Regions asked, with their instances, and nothing else', async () => {
    const state = twoRegionState()
    const base = state.clusters.find((cluster) => cluster.id === 'orders-use1')!
    const temporary = {...structuredClone(base), id: 'drctl-reconcile-20261206-080000-ab12', globalClusterId: undefined}
    state.clusters.push(temporary)
    state.instances.push({...structuredClone(state.instances[0]!), id: `${temporary.id}-1`, clusterId: temporary.id})
    const aws = new FakeAws(state)
    expect(await reconcileLeftovers(aws, ['us-east-1', 'us-west-2'])).toEqual([
      {clusterId: temporary.id, region: 'us-east-1', instanceIds: [`${temporary.id}-1`]},
    ])
    expect(await reconcileLeftovers(aws, ['us-west-2'])).toEqual([])
  })
})
