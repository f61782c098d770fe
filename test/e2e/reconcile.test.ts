import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {DisableHttpEndpointCommand, EnableHttpEndpointCommand} from '@aws-sdk/client-rds'
import {afterAll, describe, expect, it} from 'vitest'

import {acknowledgedWrites, readCallLog, sandboxPaths} from '../../src/lib/sandbox/index.js'
import {callsSince, drctl, json, useSandbox} from '../helpers/e2e.js'
import {commandPolicy, policyFile, ungrantedCalls} from '../helpers/iam.js'
import {
  clustersAndDrctlInstances,
  failoverLosingOrders,
  OLD_PRIMARY,
  ordersOf,
  survivingOrderIds,
} from '../helpers/reconcile.js'
import {scenarioClusterArn, startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const heartbeatsOf = async (home: string, cluster: string) =>
  (await acknowledgedWrites(home)).flatMap((write) =>
    write.kind === 'heartbeat' && write.cluster === cluster ? [write] : [],
  )
/** The Data API's `YYYY-MM-DD HH:MM:SS.fff` (UTC) as ISO. */
const utc = (text: string) => new Date(`${text.replace(' ', 'T')}Z`).toISOString()

describe('drctl reconcile on the sandbox', () => {
  const sandbox = useSandbox({timeScale: 0.005})
  let reader: TestSandbox | undefined
  afterAll(async () => {
    drctl(sandbox.home, ['sandbox', 'workload', 'stop'])
    await reader?.close()
  })

  it('finds exactly the acknowledged orders an unplanned failover lost, and deletes its temporary cluster', async () => {
    expect(json(drctl(sandbox.home, ['reconcile', '--json'])).result).toMatchObject({
      nothingToDo: true,
      why: expect.stringContaining('no unplanned failover'),
    })
    // The workload's heartbeat table measures RPO (drctl.yaml `rpo`; its secret is reconcile.secretArn).
    const config = sandboxPaths(sandbox.home).config
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}rpo: {heartbeatTable: heartbeat, globalClusters: [orders-global]}\n`,
    )
    // Each command runs under the policy generated for it alone, enforced by the sandbox: the heartbeat reads are granted.
    const policyOf = (command: string) => ({
      DRCTL_SANDBOX_POLICY: policyFile(sandbox.home, command, commandPolicy(sandbox.home, command)),
    })
    let status: {aurora: {heartbeat: {newest: string}; members: {region: string; measuredRpoLagMs?: number}[]}[]}
    const failover = await failoverLosingOrders(sandbox.home, {
      orders: 40,
      lagMs: 3000,
      lostOrders: 20,
      whileLagging: async () => {
        // status: Aurora's own lag of the secondary, read on the writer, beside CloudWatch's estimate.
        status = json(drctl(sandbox.home, ['status', '--json'], policyOf('status'))).result
      },
      failoverEnv: policyOf('failover'),
    })
    expect(status!.aurora[0]?.heartbeat.newest).toMatch(/^2\d{3}-/)
    const secondary = status!.aurora[0]?.members.find((member) => member.region === 'us-west-2')
    expect(secondary?.measuredRpoLagMs).toBeGreaterThan(2500)
    expect(secondary?.measuredRpoLagMs).toBeLessThan(3500)
    // Right after the failover: the newest heartbeat the new primary had before it; the old primary's later writes are lost.
    const atFailover = failover.evidence['measuredRpo.orders-global'] as {newest: string; gapMs: number}
    expect(atFailover).toMatchObject({clusterId: 'orders-usw2', newest: expect.stringMatching(/^2\d{3}-/)})
    expect(atFailover.gapMs).toBeGreaterThan(0)
    // Later, on request: the same heartbeat (the table is append-only; later beats are after the failover).
    const probe = json(drctl(sandbox.home, ['rpo', 'probe', '--json'], policyOf('rpo probe'))).result
    expect(probe.failover).toMatchObject({now: {newest: atFailover.newest}, atFailover: {newest: atFailover.newest}})

    // Under the policy `drctl iam policy --command reconcile` generates, enforced by the sandbox: it is complete.
    const policy = commandPolicy(sandbox.home, 'reconcile')
    const underPolicy = policyOf('reconcile')
    const before = (await readCallLog(sandbox.home)).length
    const dryRun = drctl(sandbox.home, ['reconcile', '--dry-run', '--json'], underPolicy)
    expect(dryRun.status, dryRun.stderr).toBe(0)
    expect((await callsSince(sandbox.home, before)).filter((call) => call.mutating)).toEqual([])
    const described = (json(dryRun).result.steps as {calls: {service: string; operation: string}[]}[]).flatMap(
      (step) => step.calls,
    )
    expect(ungrantedCalls(policy, described)).toEqual([])

    const result = drctl(sandbox.home, ['reconcile', '--yes', '--json'], underPolicy)
    expect(result.status, result.stderr).toBe(0)
    const run = json(result).result
    const summary = run.evidence.reconcile
    const findings = readFileSync(summary.findings, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))

    reader = await startTestSandbox({home: sandbox.home, clock: 'real', requestTimeoutMs: 60_000})
    const survived = await survivingOrderIds(reader)
    const lost = (await ordersOf(sandbox.home)).filter(
      (order) => order.cluster === OLD_PRIMARY && !survived.has(order.id),
    )
    expect(lost.length).toBeGreaterThan(0)
    expect(findings.map((finding) => finding.key.id)).toEqual(lost.map((order) => order.id))
    expect(findings.every((finding) => finding.kind === 'missing')).toBe(true)
    expect(findings[0].old).toMatchObject({customer: lost[0]?.customer, amount: lost[0]?.amount})
    expect(summary).toMatchObject({
      missing: lost.length,
      differing: 0,
      tables: [{name: 'orders', missing: lost.length}],
    })
    // The measured RPO is the workload's own record of the writes it lost.
    const times = lost.map((order) => utc(order.updatedAt)).sort()
    expect(summary.measuredRpo).toMatchObject({from: times[0], to: times.at(-1), rows: lost.length})
    // And from the heartbeats: the last one the old primary acknowledged, less the newest the new primary had.
    const lastBeat = utc((await heartbeatsOf(sandbox.home, OLD_PRIMARY)).at(-1)?.ts ?? '')
    expect(summary.heartbeatRpo).toEqual({
      old: lastBeat,
      new: atFailover.newest,
      seconds: (Date.parse(lastBeat) - Date.parse(atFailover.newest)) / 1000,
      rowsMissing: lost.length,
      rowsDiffering: 0,
    })
    expect(summary.heartbeatRpo.seconds).toBeGreaterThan(0)
    expect(readFileSync(summary.report, 'utf8')).toContain('- Measured RPO (heartbeats): ')
    expect(readFileSync(summary.report, 'utf8')).toContain(`| orders |`)

    const {clusters, instances} = await clustersAndDrctlInstances(reader)
    expect(clusters).toContain('orders-use1')
    expect(clusters.filter((id) => id.startsWith('drctl-'))).toEqual([])
    expect(instances).toEqual([])

    // A run that was not an unplanned failover lost nothing: exit 0, saying why.
    const notUnplanned = drctl(sandbox.home, ['reconcile', run.runId, '--json'])
    expect(notUnplanned.status).toBe(0)
    expect(json(notUnplanned).result).toMatchObject({
      nothingToDo: true,
      why: `run ${run.runId} is a reconcile run: only an unplanned failover (managed or detach-and-promote) can lose writes`,
    })
  }, 150_000)
  it('a table or key column that does not exist, or a secret that cannot be read, fails naming it (exit 5), the temporary cluster still deleted, nothing left blocking', async () => {
    const brokenConfig = (name: string, edit: (yaml: string) => string) => {
      const path = join(sandbox.home, name)
      writeFileSync(path, edit(readFileSync(sandboxPaths(sandbox.home).config, 'utf8')))
      return path
    }
    const noTable = brokenConfig('no-table.yaml', (yaml) => yaml.replace('name: orders', 'name: no_such_table'))
    const result = drctl(sandbox.home, ['reconcile', '--yes', '--json', '--config', noTable])
    expect(result.status).toBe(5)
    expect(json(result).error.message).toMatch(/table no_such_table: .*no_such_table/)
    const noColumn = brokenConfig('no-column.yaml', (yaml) => yaml.replace(/(key:\n\s+- )id\n/, '$1order_no\n'))
    const missingColumn = drctl(sandbox.home, ['reconcile', '--yes', '--json', '--config', noColumn])
    expect(missingColumn.status).toBe(5)
    expect(json(missingColumn).error.message).toMatch(
      /^the comparison failed: table orders: .*column "order_no" does not exist/,
    )
    const noSecret = brokenConfig('no-secret.yaml', (yaml) =>
      yaml.replace(':secret:drctl-sandbox-workload', ':secret:gone'),
    )
    const unreadable = drctl(sandbox.home, ['reconcile', '--yes', '--json', '--config', noSecret])
    expect(unreadable.status).toBe(5)
    expect(json(unreadable).error.message).toMatch(
      /^the comparison failed: table orders: .*SecretsErrorException: Error fetching secret arn:aws:secretsmanager:us-east-1:\d+:secret:gone : Secrets Manager can't find the specified secret\.$/,
    )
    // Its run completed (the temporary cluster is gone): it does not stand in the way of the next change.
    expect(drctl(sandbox.home, ['reconcile', '--dry-run', '--json']).status).toBe(0)
    const {clusters} = await clustersAndDrctlInstances(reader!)
    expect(clusters.filter((id) => id.startsWith('drctl-'))).toEqual([])
  })

  it('the new primary without the Data API stops it at its gate (exit 3), before anything is restored', async () => {
    const newPrimary = scenarioClusterArn('us-west-2', 'orders-usw2')
    const rds = reader!.rds('us-west-2')
    await rds.send(new DisableHttpEndpointCommand({ResourceArn: newPrimary}))
    try {
      const before = (await readCallLog(sandbox.home)).length
      const stopped = drctl(sandbox.home, ['reconcile', '--yes', '--json'])
      expect(stopped.status).toBe(3)
      expect(json(stopped).error.message).toContain(
        `the RDS Data API is not enabled on the new primary orders-usw2 (us-west-2), which the comparison reads: ` +
          `enable it (aws rds enable-http-endpoint --resource-arn ${newPrimary} --region us-west-2)`,
      )
      expect((await callsSince(sandbox.home, before)).filter((call) => call.mutating)).toEqual([])
    } finally {
      await rds.send(new EnableHttpEndpointCommand({ResourceArn: newPrimary}))
    }
  })
})
