import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {readCallLog, sandboxPaths} from '../../src/lib/sandbox/index.js'
import {callsSince, drctl, json, useSandbox} from '../helpers/e2e.js'
import {commandPolicy, policyFile, ungrantedCalls} from '../helpers/iam.js'
import {
  clustersAndDrctlInstances,
  failoverLosingOrders,
  OLD_PRIMARY,
  ordersOf,
  survivingOrderIds,
} from '../helpers/reconcile.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

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
    await failoverLosingOrders(sandbox.home, {orders: 40, lagMs: 3000, lostOrders: 20})

    // Under the policy `drctl iam policy --command reconcile` generates, enforced by the sandbox: it is complete.
    const policy = commandPolicy(sandbox.home, 'reconcile')
    const underPolicy = {DRCTL_SANDBOX_POLICY: policyFile(sandbox.home, 'reconcile', policy)}
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
    const utc = (text: string) => new Date(`${text.replace(' ', 'T')}Z`).toISOString()
    const times = lost.map((order) => utc(order.updatedAt)).sort()
    expect(summary.measuredRpo).toMatchObject({from: times[0], to: times.at(-1), rows: lost.length})
    expect(readFileSync(summary.report, 'utf8')).toContain(`| orders |`)

    const {clusters, instances} = await clustersAndDrctlInstances(reader)
    expect(clusters).toContain('orders-use1')
    expect(clusters.filter((id) => id.startsWith('drctl-'))).toEqual([])
    expect(instances).toEqual([])
  })
  it('a table that does not exist fails naming it (exit 5), the temporary cluster still deleted, nothing left blocking', async () => {
    const config = join(sandbox.home, 'broken.yaml')
    const yaml = readFileSync(sandboxPaths(sandbox.home).config, 'utf8').replace('name: orders', 'name: no_such_table')
    writeFileSync(config, yaml)
    const result = drctl(sandbox.home, ['reconcile', '--yes', '--json', '--config', config])
    expect(result.status).toBe(5)
    expect(json(result).error.message).toMatch(/table no_such_table: .*no_such_table/)
    // Its run completed (the temporary cluster is gone): it does not stand in the way of the next change.
    expect(drctl(sandbox.home, ['reconcile', '--dry-run', '--json']).status).toBe(0)
    const {clusters} = await clustersAndDrctlInstances(reader!)
    expect(clusters.filter((id) => id.startsWith('drctl-'))).toEqual([])
  })
})
