import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {temporaryClusterId} from '../../src/lib/runbooks/reconcile.js'
import {clearFaults, setFault} from '../../src/lib/sandbox/index.js'
import {waitUntil} from '../helpers/cli.js'
import {drctl, drctlAsync, journal, json, runIds, useSandbox} from '../helpers/e2e.js'
import {
  clustersAndDrctlInstances,
  executeOn,
  failoverLosingOrders,
  OLD_PRIMARY,
  ordersOf,
  survivingOrderIds,
} from '../helpers/reconcile.js'
import {commandPolicy, policyFile} from '../helpers/iam.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

/** Orders written straight to the old primary while us-west-2 lags: lost, and several pages of 500 rows. */
const BULK_FROM = 100_001
const BULK_COUNT = 1200
/**
 * Added to every call once the comparison starts. A page takes two calls, so the page after the first completed one
 * ends at least twice this later: the test sees the first page in the journal and kills the run well before that.
 */
const CALL_LATENCY_MS = 1500
/** us-west-2's lag when us-east-1 goes down: the writes within it are lost, the bulk insert's among them. */
const LAG_MS = 4000

const COMPARE = 'reconcile.compare'
const TABLE_RECORD = 'reconcile.table.orders'

interface PageRecord {
  progress: {pages: number; scanned: number; missing: number; done: boolean}
}

const pageRecords = (events: any[]): PageRecord[] =>
  events.flatMap((event) => (event.type === 'record' && event.key === TABLE_RECORD ? [event.value] : []))

describe('drctl reconcile stopped part-way, then resumed', () => {
  const sandbox = useSandbox({timeScale: 0.005})
  let reader: TestSandbox | undefined
  afterAll(async () => {
    drctl(sandbox.home, ['sandbox', 'workload', 'stop'])
    await reader?.close()
  })

  it(
    'killed (kill -9) mid-comparison, it resumes after the last completed page: each lost row found once, the temporary cluster deleted',
    {timeout: 120_000},
    async () => {
      const {home} = sandbox
      const data = await startTestSandbox({home, clock: 'real', requestTimeoutMs: 60_000})
      reader = data
      const updatedAt = new Date().toISOString().replace('T', ' ').replace('Z', '')
      await failoverLosingOrders(home, {
        orders: 5,
        lagMs: LAG_MS,
        lostOrders: 5,
        beforeLag: async () => {
          // Loads the database engine before the lag starts (seconds): the bulk insert then takes a moment within it.
          await executeOn(data, OLD_PRIMARY, 'SELECT count(*) FROM orders')
          // The table and the first orders are older than the lag: they reached us-west-2 before the outage.
          const [first] = await ordersOf(home)
          await waitUntil('the first order to be older than the lag', () => Date.now() - (first?.ackAt ?? 0) > LAG_MS)
        },
        whileLagging: async () => {
          await executeOn(
            data,
            OLD_PRIMARY,
            `INSERT INTO orders (id, customer, amount, updated_at) SELECT g, 'bulk-' || g, g % 1000 + 0.5, :updatedAt FROM generate_series(${BULK_FROM}, ${BULK_FROM + BULK_COUNT - 1}) AS g`,
            [{name: 'updatedAt', value: {stringValue: updatedAt}, typeHint: 'TIMESTAMP'}],
          )
        },
        outage: true,
      })

      const killed = drctlAsync(home, ['reconcile', '--yes', '--json'])
      const runId = await waitUntil('the reconcile run to start', () => runIds(home, 'reconcile')[0], {
        timeoutMs: 60_000,
      })
      const events = () => journal(home, runId)
      const detail = () => JSON.stringify(events().slice(-5)) + killed.output().stderr
      await waitUntil(
        'the comparison to start',
        () => events().some((event) => event.type === 'step-start' && event.step === COMPARE),
        {timeoutMs: 120_000, detail},
      )
      await setFault(home, {kind: 'latency', ms: CALL_LATENCY_MS})
      await waitUntil('a completed page', () => pageRecords(events()).length > 0, {timeoutMs: 60_000, detail})
      killed.child.kill('SIGKILL')
      expect((await killed.done).status).toBeNull()
      const atKill = pageRecords(events())
      expect(atKill.at(-1)?.progress.done).toBe(false)
      expect(events().some((event) => event.type === 'step-end' && event.step === COMPARE)).toBe(false)
      // What the killed process wrote: the findings of its completed pages, which the resume must not repeat.
      const [failoverRun] = runIds(home, 'failover')
      const runDir = join(home, 'runs', failoverRun as string)
      const findingsAtKill = join(
        runDir,
        readdirSync(runDir).find((name) => name.startsWith('reconcile-')) ?? '',
        'missing.jsonl',
      )
      expect(readFileSync(findingsAtKill, 'utf8').trim().split('\n')).toHaveLength(
        atKill.at(-1)?.progress.missing ?? -1,
      )
      await clearFaults(home, 'latency')

      const resumed = drctl(home, ['runs', 'resume', runId, '--yes', '--json'])
      expect(resumed.status, resumed.stderr).toBe(0)
      const afterResume = events().slice(events().findIndex((event) => event.type === 'run-resume'))
      // It went on from the page the killed process had completed, not from the start of the table.
      expect(pageRecords(afterResume)[0]?.progress.pages).toBe((atKill.at(-1)?.progress.pages ?? 0) + 1)

      const summary = json(resumed).result.evidence.reconcile
      expect(summary.findings).toBe(findingsAtKill)
      const findings = readFileSync(summary.findings, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
      const found = findings.map((finding) => finding.key.id as number)
      const survived = await survivingOrderIds(data)
      const bulk = Array.from({length: BULK_COUNT}, (_, index) => BULK_FROM + index)
      expect(bulk.filter((id) => survived.has(id))).toEqual([])
      const lostOrders = (await ordersOf(home))
        .filter((order) => order.cluster === OLD_PRIMARY && !survived.has(order.id))
        .map((order) => order.id)
      const lost = [...lostOrders, ...bulk].sort((a, b) => a - b)
      expect(found.length).toBeGreaterThan(2 * 500)
      expect(new Set(found).size).toBe(found.length)
      expect(found).toEqual(lost)
      expect(findings.every((finding) => finding.kind === 'missing')).toBe(true)
      expect(summary).toMatchObject({
        missing: lost.length,
        differing: 0,
        tables: [{name: 'orders', missing: lost.length}],
      })
      expect(readFileSync(summary.report, 'utf8')).toContain(
        `| orders | ${summary.tables[0].scanned} | ${lost.length} |`,
      )
      const csv = readFileSync(summary.tables[0].csv, 'utf8').trim().split('\n')
      expect(csv).toHaveLength(lost.length + 1)

      const {clusters, instances} = await clustersAndDrctlInstances(data)
      expect(clusters).toContain('orders-use1')
      expect(clusters.filter((id) => id.startsWith('drctl-'))).toEqual([])
      expect(instances).toEqual([])
    },
  )

  it('a reconcile whose instance cannot be created names the temporary cluster it leaves; the resume deletes it', async () => {
    const {home} = sandbox
    const policy = commandPolicy(home, 'reconcile')
    const statements = policy.Statement.map((statement) => ({
      ...statement,
      Action: statement.Action.filter((action) => action !== 'rds:CreateDBInstance'),
    }))
    const withoutCreateInstance = {...policy, Statement: statements.filter((statement) => statement.Action.length > 0)}
    const failed = drctl(home, ['reconcile', '--yes', '--json'], {
      DRCTL_SANDBOX_POLICY: policyFile(home, 'reconcile-no-instance', withoutCreateInstance),
    })
    expect(failed.status, failed.stderr).toBe(5)
    const {error, result} = json(failed) as {error: {message: string; hints: string[]}; result: {runId: string}}
    expect(error.message).toContain('CreateDBInstance')
    const temporary = temporaryClusterId(runIds(home, 'failover')[0] as string)
    expect(error.hints).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${temporary} (us-east-1) may be left behind: fix the cause and resume the run`),
        expect.stringContaining(`drctl runs abandon ${result.runId}, then`),
        expect.stringContaining(`continue with drctl runs resume ${result.runId}`),
      ]),
    )
    expect((await clustersAndDrctlInstances(reader!)).clusters).toContain(temporary)

    const resumed = drctl(home, ['runs', 'resume', result.runId, '--yes', '--json'])
    expect(resumed.status, resumed.stderr).toBe(0)
    expect((await clustersAndDrctlInstances(reader!)).clusters.filter((id) => id.startsWith('drctl-'))).toEqual([])
  })
})
