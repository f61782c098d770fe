import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it, vi} from 'vitest'

import type {DataApiTarget, SqlParameter} from '../../../src/lib/aws/ports.js'
import {engineRpoLag, heartbeatTable, newestHeartbeat} from '../../../src/lib/reconcile/heartbeat.js'
import {type GlobalClusterRpo, measureRpo} from '../../../src/lib/reconcile/measure.js'
import {probeFailure, probeRpo, type RpoProbe} from '../../../src/lib/runbooks/rpo-probe.js'
import {planFailover} from '../../../src/lib/runbooks/failover.js'
import {
  type FailoverHeartbeat,
  heartbeatKey,
  HeartbeatStep,
  RECONCILE_HEARTBEATS,
  ReconcileHeartbeatStep,
} from '../../../src/lib/runbooks/heartbeat-step.js'
import {NOT_STARTED} from '../../../src/lib/reconcile/compare.js'
import {planReconcile} from '../../../src/lib/runbooks/reconcile.js'
import {tableKey} from '../../../src/lib/runbooks/reconcile-compare-step.js'
import {type ReconcileSummary, ReconcileReportStep} from '../../../src/lib/runbooks/reconcile-report.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {ACCOUNT, healthyTopology, testConfig} from '../../fakes/topology.js'
import {stepContext} from './step-context.js'

const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:orders-db-AbCdEf`
const config = testConfig(`rpo: {heartbeatTable: app.heartbeat, secretArn: "${secret}", database: shop}`)
const heartbeats = heartbeatTable(config)!
const newPrimary = {
  clusterArn: `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:orders-usw2`,
  clusterId: 'orders-usw2',
  region: 'us-west-2',
}
const move = {
  globalClusterId: 'orders-global',
  targetRegion: 'us-west-2',
  targetClusterArn: newPrimary.clusterArn,
  targetClusterId: 'orders-usw2',
  fromRegion: 'us-east-1',
}
const request = {maxLagMs: 5000, allowChaos: false, endpoints: []}

/** A Data API that answers what `answer` gives and keeps every statement it was sent. */
function dataApi(answer: (sql: string, parameters: SqlParameter[]) => {columns: string[]; rows: unknown[][]}) {
  const aws = new FakeAws(twoRegionState())
  const sent: {target: DataApiTarget; sql: string; parameters: SqlParameter[]}[] = []
  aws.dataApi = (target, sql, parameters) => {
    sent.push({target, sql, parameters})
    return answer(sql, parameters) as never
  }
  return {aws, sent}
}

describe('heartbeat table', () => {
  it('takes reconcile.secretArn and database when the rpo section names none', () => {
    const shared = testConfig(
      `reconcile: {secretArn: "${secret}", database: shop, tables: [{name: orders, key: [id]}]}\nrpo: {heartbeatTable: beats}`,
    )
    expect(heartbeatTable(shared)).toEqual({
      table: 'beats',
      column: 'ts',
      secretArn: secret,
      database: 'shop',
      globalClusters: shared.aurora.globalClusters,
    })
    expect(heartbeatTable(testConfig())).toBeUndefined()
  })

  it('reads the newest heartbeat, written at or before a time when given, with the Region’s replica of the secret', async () => {
    const {aws, sent} = dataApi(() => ({columns: ['newest'], rows: [['2026-12-06 08:00:01.5']]}))
    const newest = await newestHeartbeat(aws.rdsData('us-west-2'), newPrimary, heartbeats, {
      before: '2026-12-06T08:00:05.000Z',
    })
    expect(newest).toBe('2026-12-06T08:00:01.500Z')
    expect(sent[0]).toEqual({
      target: {
        clusterArn: newPrimary.clusterArn,
        secretArn: secret.replace('us-east-1', 'us-west-2'),
        database: 'shop',
      },
      sql: 'SELECT MAX(ts) AS newest FROM app.heartbeat WHERE ts <= :before',
      parameters: [{name: 'before', value: '2026-12-06 08:00:05.000', typeHint: 'TIMESTAMP'}],
    })
    const empty = dataApi(() => ({columns: ['newest'], rows: [[null]]}))
    expect(await newestHeartbeat(empty.aws.rdsData('us-west-2'), newPrimary, heartbeats)).toBeNull()
    expect(empty.sent[0]?.sql).toBe('SELECT MAX(ts) AS newest FROM app.heartbeat')
  })

  it("reads Aurora's own lag of each secondary in the engine's dialect, leaving out the writer's -1", async () => {
    const rows = [
      ['us-east-1', -1],
      ['us-west-2', 1200],
      ['eu-west-1', '40'],
    ]
    const {aws, sent} = dataApi(() => ({columns: ['aws_region', 'rpo_lag_in_msec'], rows}))
    const lag = await engineRpoLag(aws.rdsData('us-east-1'), newPrimary, heartbeats, 'aurora-postgresql')
    expect(lag).toEqual([
      {region: 'us-west-2', rpoLagMs: 1200},
      {region: 'eu-west-1', rpoLagMs: 40},
    ])
    await engineRpoLag(aws.rdsData('us-east-1'), newPrimary, heartbeats, 'aurora-mysql')
    expect(sent.map((statement) => statement.sql)).toEqual([
      'SELECT aws_region, rpo_lag_in_msec FROM aurora_global_db_status()',
      'SELECT AWS_REGION, RPO_LAG_IN_MILLISECONDS FROM information_schema.aurora_global_db_status',
    ])
  })
})

describe('measured RPO at failover', () => {
  it('an unplanned failover measures after everything moved, before its verification; a planned one, or no rpo section, does not', () => {
    const ids = (plan: ReturnType<typeof planFailover>) => plan.items.map((item) => item.id)
    const unplanned = planFailover(config, healthyTopology(), {...request, mode: 'unplanned', target: 'us-west-2'})
    expect(ids(unplanned).slice(ids(unplanned).indexOf('databases'))).toEqual([
      'databases',
      'heartbeat.orders-global',
      'verify',
    ])
    expect(unplanned.params.heartbeats).toEqual(heartbeats)
    const planned = planFailover(config, healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    expect(ids(planned)).not.toContain('heartbeat.orders-global')
    const without = planFailover(testConfig(), healthyTopology(), {...request, mode: 'unplanned', target: 'us-west-2'})
    expect(ids(without)).not.toContain('heartbeat.orders-global')
    // After every application step too: a slow read never holds up what brings the application back.
    const withSteps = testConfig(
      `rpo: {heartbeatTable: app.heartbeat, secretArn: "${secret}"}\nsteps:\n  - {id: writer-region, kind: ssm-parameter, name: /retail/writer, value: "{{target}}"}\n  - {id: restart, kind: ssm-parameter, name: /retail/restarted, value: "{{runId}}", phase: after-traffic}`,
    )
    const stepped = planFailover(withSteps, healthyTopology(), {...request, mode: 'unplanned', target: 'us-west-2'})
    expect(ids(stepped).slice(-3)).toEqual(['step.restart', 'heartbeat.orders-global', 'verify'])
    // A heartbeat table in another global cluster's database: this one is not measured.
    const elsewhere = {...config, rpo: {...config.rpo!, globalClusters: ['billing-global']}}
    const plan = planFailover(elsewhere, healthyTopology(), {...request, mode: 'unplanned', target: 'us-west-2'})
    expect(ids(plan)).not.toContain('heartbeat.orders-global')
  })

  it('journals the newest heartbeat before the failover and at most how much was lost', async () => {
    const {aws, sent} = dataApi(() => ({columns: ['newest'], rows: [['2026-12-06 08:00:01']]}))
    const ctx = stepContext(aws, {'failoverAt.orders-global': '2026-12-06T08:00:04.000Z'})
    const step = new HeartbeatStep(move, heartbeats)
    expect(await step.check(ctx)).toEqual({state: 'pending'})
    await step.run(ctx)
    const reading = ctx.recorded<FailoverHeartbeat>(heartbeatKey('orders-global'))
    expect(reading).toMatchObject({
      newest: '2026-12-06T08:00:01.000Z',
      before: '2026-12-06T08:00:04.000Z',
      gapMs: 3000,
      summary: expect.stringMatching(/written at 2026-12-06T08:00:01.000Z, 3.0s before the failover/),
    })
    expect(sent[0]?.parameters[0]?.value).toBe('2026-12-06 08:00:04.000')
    expect((await step.check(ctx)).state).toBe('done')
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('a heartbeat table that cannot be read is journaled as not measured; the failover goes on', async () => {
    const {aws} = dataApi(() => {
      throw new Error('HttpEndpoint is not enabled for resource orders-usw2')
    })
    const ctx = stepContext(aws)
    await new HeartbeatStep(move, heartbeats).run(ctx)
    expect(ctx.recorded<FailoverHeartbeat>(heartbeatKey('orders-global'))).toMatchObject({
      error: 'HttpEndpoint is not enabled for resource orders-usw2',
      summary: expect.stringMatching(/^not measured in orders-usw2: HttpEndpoint is not enabled.*drctl rpo probe/),
    })
  })
})

describe('measured RPO at reconcile', () => {
  const compare = {
    tables: [{name: 'orders', key: ['id']}],
    secretArn: secret,
    old: {clusterArn: 'arn:old', clusterId: 'drctl-reconcile-x', region: 'us-east-1'},
    current: newPrimary,
    dir: mkdtempSync(join(tmpdir(), 'drctl-rpo-')),
    pageSize: 500,
  }
  const reportOf = async (records: Record<string, unknown>, failover?: FailoverHeartbeat) => {
    const ctx = stepContext(new FakeAws(twoRegionState()), {
      [tableKey('orders')]: {progress: {...NOT_STARTED, scanned: 40, missing: 7, differing: 1, done: true}},
      ...records,
    })
    await new ReconcileReportStep({
      compare,
      reconciledRun: 'run',
      failoverAt: '2026-12-06T08:00:04.000Z',
      snapshotId: 'snap',
      estimatedLossMs: 5000,
      heartbeats: {failover},
    }).run(ctx)
    return ctx.recorded<ReconcileSummary>('reconcile')
  }

  it('reads both newest heartbeats, the new primary bounded by the failover, after the comparison', async () => {
    const plan = planReconcile(
      testConfig(
        `reconcile: {secretArn: "${secret}", tables: [{name: orders, key: [id]}]}\nrpo: {heartbeatTable: heartbeat}`,
      ),
      {
        run: {
          id: 'r',
          dir: '/x',
          mode: 'unplanned',
          move,
          oldPrimary: {clusterId: 'orders-use1', region: 'us-east-1'},
          failoverAt: '2026-12-06T08:00:04.000Z',
          lossMs: 5000,
        },
        snapshot: {
          id: 's',
          arn: 'a',
          clusterId: 'orders-use1',
          status: 'available',
          type: 'automated',
          engine: 'aurora-postgresql',
        },
        oldInstances: [],
      },
      {marginMs: 0, wholeTables: true, stamp: '20261206090000'},
    )
    const ids = plan.items.map((item) => item.id)
    expect(ids.slice(ids.indexOf('reconcile.compare'), ids.indexOf('reconcile.compare') + 2)).toEqual([
      'reconcile.compare',
      'reconcile.heartbeats',
    ])
    const {aws, sent} = dataApi((sql) => ({
      columns: ['newest'],
      rows: [[sql.includes(':before') ? '2026-12-06 08:00:01' : '2026-12-06 08:00:03.5']],
    }))
    const ctx = stepContext(aws)
    const step = plan.items.find((item) => item.id === 'reconcile.heartbeats') as ReconcileHeartbeatStep
    await step.run(ctx)
    expect(ctx.recorded(RECONCILE_HEARTBEATS)).toEqual({
      old: '2026-12-06T08:00:03.500Z',
      current: '2026-12-06T08:00:01.000Z',
    })
    expect(sent.map((statement) => statement.parameters.map((parameter) => parameter.value))).toEqual([
      [],
      ['2026-12-06 08:00:04.000'],
    ])
  })

  it('reports the seconds between the two newest heartbeats and the rows lost, beside the estimate', async () => {
    const summary = await reportOf({
      [RECONCILE_HEARTBEATS]: {old: '2026-12-06T08:00:03.500Z', current: '2026-12-06T08:00:01.000Z'},
    })
    expect(summary?.heartbeatRpo).toEqual({
      old: '2026-12-06T08:00:03.500Z',
      new: '2026-12-06T08:00:01.000Z',
      seconds: 2.5,
      rowsMissing: 7,
      rowsDiffering: 1,
    })
    expect(readFileSync(join(compare.dir, 'reconcile.md'), 'utf8')).toContain(
      "- Measured RPO (heartbeats): 2.5s of writes lost — the old primary's newest heartbeat 2026-12-06T08:00:03.500Z, the newest that reached the new primary before the failover 2026-12-06T08:00:01.000Z — and 7 row(s) missing, 1 differing (estimated at failover: up to 5.0s)",
    )
  })

  it("prefers the failover's own reading of the new primary, and says why nothing was measured", async () => {
    const atFailover = {newest: '2026-12-06T08:00:00.000Z'} as FailoverHeartbeat
    const read = {[RECONCILE_HEARTBEATS]: {old: '2026-12-06T08:00:03.000Z', current: '2026-12-06T08:00:01.000Z'}}
    expect((await reportOf(read, atFailover))?.heartbeatRpo?.seconds).toBe(3)
    expect((await reportOf({[RECONCILE_HEARTBEATS]: {error: 'secret unreadable'}}))?.heartbeatRpo).toMatchObject({
      problem: 'the heartbeat table could not be read: secret unreadable',
      rowsMissing: 7,
    })
    expect((await reportOf({[RECONCILE_HEARTBEATS]: {old: null, current: null}}))?.heartbeatRpo?.problem).toBe(
      "the old primary's copy holds no heartbeat",
    )
  })
})

describe('measured RPO now (status, rpo probe)', () => {
  it("reads each writer's newest heartbeat and Aurora's lag of each secondary", async () => {
    const {aws, sent} = dataApi((sql) =>
      sql.includes('aurora_global_db_status')
        ? {
            columns: ['aws_region', 'rpo_lag_in_msec'],
            rows: [
              ['us-east-1', -1],
              ['us-west-2', 800],
            ],
          }
        : {columns: ['newest'], rows: [['2026-12-06 08:00:09']]},
    )
    const topology = healthyTopology()
    const [measured] = await measureRpo(aws, topology, heartbeats, {now: Date.parse('2026-12-06T08:00:10Z')})
    expect(measured).toEqual({
      globalClusterId: 'orders-global',
      writer: {clusterId: 'orders-use1', region: 'us-east-1'},
      heartbeat: {newest: '2026-12-06T08:00:09.000Z', ageMs: 1000},
      secondaries: [{region: 'us-west-2', clusterId: 'orders-usw2', rpoLagMs: 800}],
      problems: [],
    })
    expect(new Set(sent.map((statement) => statement.target.clusterArn))).toEqual(
      new Set([topology.aurora[0]?.members.find((member) => member.role === 'writer')?.clusterArn]),
    )
  })

  it('says what could not be measured, and never calls a writer it could not read', async () => {
    const {aws, sent} = dataApi(() => {
      throw new Error('relation "app.heartbeat" does not exist')
    })
    const [failing] = await measureRpo(aws, healthyTopology(), heartbeats, {now: 0})
    // One cause failing both reads is said once.
    expect(failing?.problems).toEqual(['orders-use1: relation "app.heartbeat" does not exist'])
    const topology = healthyTopology()
    const writer = topology.aurora[0]!.members.find((member) => member.role === 'writer')!
    writer.unreadable = {kind: 'excluded', message: 'us-east-1 was not called'}
    sent.length = 0
    const [unread] = await measureRpo(aws, topology, heartbeats, {now: 0})
    expect(unread).toMatchObject({problems: ['writer orders-use1: us-east-1 was not called'], secondaries: []})
    expect(sent).toEqual([])
  })
})

describe('rpo probe', () => {
  const cluster = (overrides: Partial<GlobalClusterRpo>): GlobalClusterRpo => ({
    globalClusterId: 'orders-global',
    secondaries: [],
    problems: [],
    ...overrides,
  })
  const probe = (clusters: GlobalClusterRpo[], failover?: RpoProbe['failover']): RpoProbe => ({
    measuredAt: '2026-12-06T08:00:00.000Z',
    clusters,
    ...(failover ? {failover} : {}),
  })

  it('fails only when nothing at all was measured, naming the first cause', () => {
    const failing = cluster({problems: ['orders-use1: HttpEndpoint is not enabled']})
    expect(probeFailure(probe([failing]))).toMatchObject({
      message: 'nothing could be measured: orders-use1: HttpEndpoint is not enabled',
      exit: 5,
      result: probe([failing]),
    })
    expect(probeFailure(probe([]))?.message).toBe(
      'nothing could be measured: no global cluster of drctl.yaml was found',
    )
    expect(probeFailure(probe([cluster({heartbeat: {newest: null}})]))).toBeUndefined()
    const readAfterFailover = {runId: 'r', failoverAt: 'x', now: {newest: 'y'} as FailoverHeartbeat}
    expect(probeFailure(probe([failing], readAfterFailover))).toBeUndefined()
  })

  it('gives the heartbeat ages as of the time it says it measured, however long the reads take', async () => {
    vi.useFakeTimers({toFake: ['Date']})
    try {
      vi.setSystemTime(Date.parse('2026-12-06T08:00:10Z'))
      const {aws} = dataApi(() => {
        vi.setSystemTime(Date.now() + 1000)
        return {columns: ['newest'], rows: [['2026-12-06 08:00:09']]}
      })
      const config = testConfig(`rpo: {heartbeatTable: heartbeat, secretArn: "${secret}"}`)
      const home = mkdtempSync(join(tmpdir(), 'drctl-probe-'))
      const probe = await probeRpo(config, aws, {home, topologyKey: 'k'})
      const heartbeat = probe.clusters[0]?.heartbeat
      expect(heartbeat?.ageMs).toBe(Date.parse(probe.measuredAt) - Date.parse(heartbeat?.newest ?? ''))
    } finally {
      vi.useRealTimers()
    }
  })

  it('needs drctl.yaml rpo', async () => {
    const aws = new FakeAws(twoRegionState())
    await expect(probeRpo(testConfig(), aws, {home: '/nowhere', topologyKey: 'k'})).rejects.toMatchObject({
      code: 'DRCTL_USAGE',
      message: expect.stringContaining('no rpo section'),
    })
    expect(aws.calls).toEqual([])
  })
})
