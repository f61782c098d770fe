import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {clearFaults, describeWorld, mutateWorld, readWorld, setFault} from '../../src/lib/sandbox/index.js'
import type {WorldView} from '../../src/lib/sandbox/index.js'
import {type CliResult, waitUntil} from '../helpers/cli.js'
import {
  callCount,
  callsSince,
  drctl,
  drctlAsync,
  journal,
  json,
  mutatingCalls,
  runIds,
  sandboxHome,
} from '../helpers/e2e.js'

// drctl fallback end to end on the sandbox (two-region: us-east-1 writes, us-west-2 is the secondary): us-east-1
// fails, drctl fails over to us-west-2 (managed, or detach-and-promote), us-east-1 recovers, fallback brings
// everything home. One sandbox per describe; faults are cleared in finally.

type Sandbox = {home: string; cleanup: () => void}

const HOME_STATES = [
  ['retail-us-east-1', 'On'],
  ['retail-us-west-2', 'Off'],
]

/** us-east-1 goes down; drctl fails over to us-west-2 (a managed failover, or detach-and-promote). */
async function failAway(home: string, options: {detach: boolean}): Promise<void> {
  await setFault(home, {kind: 'region-outage', region: 'us-east-1'})
  const failover = await drctlAsync(home, [
    'failover',
    '--unplanned',
    '--to',
    'us-west-2',
    ...(options.detach ? ['--detach'] : []),
    '--yes',
    '--allow-data-loss',
    '--json',
  ]).done
  expect(failover.status, failover.stderr).toBe(0)
}

/** us-east-1 comes back (every fault cleared). */
async function recover(home: string): Promise<void> {
  await clearFaults(home)
}

function snapshotIds(world: WorldView, region: string): string[] {
  return (world.rds.regions[region]?.snapshots ?? [])
    .filter((snapshot) => snapshot.status === 'available')
    .map((snapshot) => snapshot.id)
}

/**
 * The end state of every fallback with --switch-back, by `drctl status --json` and `drctl sandbox show --json`: one
 * healthy global cluster per name (no orphan), writers and traffic home, no detached survivor; returns the world.
 */
async function expectWholeAndHome(home: string): Promise<WorldView> {
  const [result, show] = await Promise.all([
    drctlAsync(home, ['status', '--json']).done,
    drctlAsync(home, ['sandbox', 'show', '--json']).done,
  ])
  expect(result.status, result.stdout).toBe(0)
  const status = json(result).result
  expect(status.healthy).toBe(true)
  // One world here gives the old primary larger instances than its secondary on purpose (to see them rebuilt as they
  // were): the capacity warning that follows is right, and tested on its own in test/lib/checks/capacity.test.ts.
  expect(
    status.checks.filter(
      (check: {id: string; status: string}) => check.status !== 'ok' && !check.id.endsWith('.capacity'),
    ),
  ).toEqual([])
  expect(status.aurora.map((view: any) => [view.globalCluster, view.writerRegion, view.detachedSurvivor])).toEqual([
    ['orders-global', 'us-east-1', undefined],
    ['catalog-global', 'us-east-1', undefined],
  ])
  for (const view of status.aurora) {
    expect(view.members).toHaveLength(2)
    expect(view.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({region: 'us-east-1', role: 'writer', status: 'available'}),
        expect.objectContaining({
          region: 'us-west-2',
          role: 'secondary',
          status: 'available',
          synchronizationStatus: 'connected',
        }),
      ]),
    )
  }
  expect(status.routing.controls.map((control: any) => [control.name, control.state])).toEqual(HOME_STATES)
  expect(show.status, show.stderr).toBe(0)
  const world = json(show).result as WorldView
  // Both recreated in parallel: one global cluster per name, whatever order they were created in.
  expect(world.rds.globalClusters.map((global) => global.id).sort()).toEqual(['catalog-global', 'orders-global'])
  return world
}

function report(home: string, runId: string) {
  return JSON.parse(readFileSync(join(home, 'runs', runId, 'report.json'), 'utf8'))
}

const running: ReturnType<typeof drctlAsync>[] = []
function startFallback(home: string, args: string[]) {
  const cli = drctlAsync(home, ['fallback', ...args])
  running.push(cli)
  return cli
}
afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL')
    await cli.done
  }
})

/** The fallback run started by `cli` (its journal appears once the plan is confirmed). */
async function runOf(home: string, cli: ReturnType<typeof drctlAsync>): Promise<string> {
  return waitUntil('the fallback run to start', () => {
    if (cli.child.exitCode !== null) throw new Error(`fallback exited early: ${cli.output().stderr}`)
    return runIds(home, 'fallback')[0]
  })
}

const failedGates = (envelope: {result?: any}) =>
  (envelope.result.gates as {id: string; status: string}[])
    .filter((gate) => gate.status === 'fail')
    .map((gate) => gate.id)

/** While us-east-1 is down, fallback stops at its gates (exit 3) having changed nothing; then us-east-1 recovers. */
async function expectStopsWhileDown(home: string): Promise<void> {
  const before = await callCount(home)
  try {
    const result = drctl(home, ['fallback', '--switch-back', '--yes', '--json'])
    expect(result.status).toBe(3)
    const envelope = json(result)
    expect(envelope.error.code).toBe('DRCTL_GATE_FAILED')
    expect(envelope.error.message).toContain('us-east-1 is still unreachable')
    expect(failedGates(envelope)).toContain('gate.region.us-east-1')
    expect(await mutatingCalls(home, before)).toEqual([])
  } finally {
    await recover(home)
  }
}

/**
 * The old primary's settings, made different from the scenario's defaults so that copying them is visible; it and
 * its global cluster (the orphan-to-be) are protected against deletion.
 */
async function customizeOldPrimary(home: string) {
  await mutateWorld(home, (world) => {
    world.rds.globalClusters.find((global) => global.id === 'orders-global')!.deletionProtection = true
    const cluster = world.rds.clusters.find((c) => c.id === 'orders-use1')!
    Object.assign(cluster, {
      deletionProtection: true,
      subnetGroup: 'orders-private-subnets',
      securityGroupIds: ['sg-0a1b2c3d4e5f60718', 'sg-0fedcba9876543210'],
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/0c0ffee0-0000-4000-8000-000000000001',
      parameterGroup: 'orders-cluster-pg15',
    })
    const instances = world.rds.instances.filter((instance) => instance.clusterId === 'orders-use1')
    instances[0]!.instanceClass = 'db.r6g.xlarge'
    instances[0]!.parameterGroup = 'orders-instance-pg15'
    instances[1]!.instanceClass = 'db.r6g.2xlarge'
    world.rds.instances.push({
      ...instances[1]!,
      id: 'orders-use1-c',
      arn: instances[1]!.arn.replace(/orders-use1-b$/, 'orders-use1-c'),
      resourceId: `${instances[1]!.resourceId.slice(0, -1)}C`,
      instanceClass: 'db.r6g.large',
      availabilityZone: 'us-east-1c',
    })
  })
  return oldSettings(home, 'orders-use1')
}

async function oldSettings(home: string, clusterId: string) {
  const world = (await readWorld(home))!
  const cluster = world.rds.clusters.find((c) => c.region === 'us-east-1' && c.id === clusterId)!
  return {
    engineVersion: cluster.engineVersion,
    subnetGroup: cluster.subnetGroup,
    securityGroupIds: cluster.securityGroupIds,
    kmsKeyId: cluster.kmsKeyId,
    storageEncrypted: cluster.storageEncrypted,
    parameterGroup: cluster.parameterGroup,
    instances: world.rds.instances
      .filter((instance) => instance.region === 'us-east-1' && instance.clusterId === clusterId)
      .map((instance) => ({
        id: instance.id,
        instanceClass: instance.instanceClass,
        parameterGroup: instance.parameterGroup,
        status: 'available',
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  }
}

type Settings = Awaited<ReturnType<typeof oldSettings>>
const sandboxes = {} as Record<'managed' | 'detach' | 'keep' | 'crash', Sandbox>
const settingsBefore = {} as {orders: Settings; catalog: Settings}

// One sandbox per describe, all prepared at once (the failovers run concurrently): us-east-1 down and failed over
// to us-west-2. `managed` and `detach` stay down for their first test; `keep` and `crash` have recovered.
beforeAll(async () => {
  const prepare = async (name: keyof typeof sandboxes, detach: boolean, recovered: boolean) => {
    const sandbox = await sandboxHome({timeScale: 0.003})
    sandboxes[name] = sandbox
    if (name === 'detach') {
      settingsBefore.orders = await customizeOldPrimary(sandbox.home)
      settingsBefore.catalog = await oldSettings(sandbox.home, 'catalog-use1')
    }
    await failAway(sandbox.home, {detach})
    if (recovered) await recover(sandbox.home)
  }
  await Promise.all([
    prepare('managed', false, false),
    prepare('detach', true, false),
    prepare('keep', true, true),
    prepare('crash', true, true),
  ])
}, 60_000)
afterAll(() => {
  for (const sandbox of Object.values(sandboxes)) sandbox.cleanup()
})

describe('drctl fallback after a managed failover', () => {
  let sandbox: Sandbox
  beforeAll(() => {
    sandbox = sandboxes.managed
  })

  it('stops before changing anything while us-east-1 is still down (exit 3)', () => expectStopsWhileDown(sandbox.home))

  it('once us-east-1 is back: --dry-run plans the preserved snapshot and the way home, with no mutating call', async () => {
    const world = await describeWorld(sandbox.home)
    expect(world.rds.globalClusters[0]?.members).toContainEqual(
      expect.objectContaining({clusterId: 'orders-use1', role: 'secondary'}),
    )
    const system = snapshotIds(world, 'us-east-1').find((id) =>
      id.startsWith('rds:unplanned-global-failover-orders-use1-'),
    )
    expect(system).toBeDefined()

    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['fallback', '--switch-back', '--dry-run', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const plan = json(result).result
    expect(plan.dryRun).toBe(true)
    const calls = plan.steps.flatMap((step: any) => step.calls.map((call: any) => `${call.operation}: ${call.detail}`))
    expect(calls).toEqual(
      expect.arrayContaining([
        `CopyDBClusterSnapshot: ${system} → drctl-preserved-${system!.slice('rds:unplanned-global-failover-'.length)}`,
        expect.stringMatching(
          /^SwitchoverGlobalCluster: orders-global → arn:aws:rds:us-east-1:\d+:cluster:orders-use1$/,
        ),
        expect.stringMatching(/^UpdateRoutingControlStates: retail-us-east-1 On, retail-us-west-2 Off/),
      ]),
    )
    expect(plan.steps.map((step: {id: string}) => step.id)).toContain('sync.orders-global.orders-use1')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('without a terminal and without --yes: exit 4, nothing changed', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['fallback', '--switch-back', '--json'])
    expect(result.status).toBe(4)
    expect(json(result).error.code).toBe('DRCTL_CONFIRMATION_REQUIRED')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
    expect(runIds(sandbox.home, 'fallback')).toEqual([])
  })

  it('waits for the rejoined old primary to catch up, preserves the system snapshot, switches writes and traffic back', async () => {
    await setFault(sandbox.home, {kind: 'lag', globalCluster: 'orders-global', region: 'us-east-1', ms: 60_000})
    let result: CliResult
    try {
      const fallback = startFallback(sandbox.home, ['--switch-back', '--yes', '--json'])
      const runId = await runOf(sandbox.home, fallback)
      await waitUntil('the lag gate to hold the run', () =>
        journal(sandbox.home, runId).some(
          (event) =>
            event.type === 'step-progress' &&
            event.step === 'sync.orders-global.orders-use1' &&
            /orders-use1 lag 1m/.test(event.message),
        ),
      )
      expect((await callsSince(sandbox.home, 0)).map((call) => call.operation)).not.toContain('SwitchoverGlobalCluster')
      await clearFaults(sandbox.home, 'lag')
      result = await fallback.done
    } finally {
      await recover(sandbox.home)
    }
    expect(result.status, result.stderr).toBe(0)
    const run = json(result).result
    expect(run).toMatchObject({kind: 'fallback', outcome: 'completed'})
    // The switch-back passed the gates of failover --planned, and a fresh observation verified the end state.
    expect(run.steps.map((step: any) => `${step.id} ${step.status}`)).toEqual(
      expect.arrayContaining(['switch-back-gates done', 'verify done']),
    )
    expect(run.evidence.switchBackGates).toEqual(
      expect.arrayContaining([
        'ok gate.chaos: no FIS experiment running',
        expect.stringMatching(/^ok gate.aurora.orders-global.lag: /),
      ]),
    )

    const snapshots = snapshotIds(await expectWholeAndHome(sandbox.home), 'us-east-1')
    for (const cluster of ['orders-use1', 'catalog-use1']) {
      const system = snapshots.find((id) => id.startsWith(`rds:unplanned-global-failover-${cluster}-`))!
      const preserved = `drctl-preserved-${system.slice('rds:unplanned-global-failover-'.length)}`
      expect(snapshots).toContain(preserved)
      expect(run.evidence.snapshots).toContain(`${preserved} (us-east-1, copy of ${system})`)
    }
    expect(report(sandbox.home, run.runId).after.aurora.map((view: any) => view.writerRegion)).toEqual([
      'us-east-1',
      'us-east-1',
    ])
  })

  it('then there is nothing to do: says so and exits 0 without --yes, no mutating call', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['fallback', '--switch-back'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('orders-global: writes in us-east-1 already')
    expect(result.stdout).toContain('nothing to do')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })
})

describe('drctl fallback after detach-and-promote', () => {
  let sandbox: Sandbox
  beforeAll(() => {
    sandbox = sandboxes.detach
  })

  it('stops before changing anything while us-east-1 is still down (exit 3)', () => expectStopsWhileDown(sandbox.home))

  it('names the protected old primary and orphan at the gate (exit 3), nothing changed', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['fallback', '--switch-back', '--yes', '--json'])
    expect(result.status).toBe(3)
    const envelope = json(result)
    expect(envelope.error.code).toBe('DRCTL_GATE_FAILED')
    expect(envelope.error.message).toContain('orders-use1 has deletion protection')
    expect(envelope.error.message).toContain('--disable-deletion-protection')
    expect(failedGates(envelope)).toEqual(['gate.protection.orders-use1', 'gate.protection.orders-global'])
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('--dry-run lists every resource created, renamed and deleted, and makes no mutating call', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, [
      'fallback',
      '--switch-back',
      '--disable-deletion-protection',
      '--dry-run',
      '--json',
    ])
    expect(result.status, result.stderr).toBe(0)
    const plan = json(result).result
    const calls: string[] = plan.steps.flatMap((step: any) =>
      step.calls.map((call: any) => `${call.operation} ${call.region}: ${call.detail}`),
    )
    const orders = calls.filter((call) => /orders/.test(call))
    const expected = [
      /^CreateDBClusterSnapshot us-east-1: orders-use1 → drctl-reconcile-orders-use1-\d{12}$/,
      /^ModifyGlobalCluster us-east-1: orders-global → NewGlobalClusterIdentifier orders-global-orphan-\d{12}$/,
      /^CreateGlobalCluster us-west-2: orders-global, SourceDBClusterIdentifier \S+:cluster:orders-usw2, DeletionProtection$/, // the orphan was protected: so is its replacement
      // Protection is lifted only from what is deleted, the orphan by its new name, just before the deletes.
      /^ModifyDBCluster us-east-1: orders-use1: DeletionProtection false$/,
      /^ModifyGlobalCluster us-east-1: orders-global-orphan-\d{12}: DeletionProtection false$/,
      /^RemoveFromGlobalCluster us-east-1: \S+:cluster:orders-use1 from orders-global-orphan-\d{12}$/,
      /^DeleteDBInstance us-east-1: orders-use1-a$/,
      /^DeleteDBInstance us-east-1: orders-use1-b$/,
      /^DeleteDBInstance us-east-1: orders-use1-c$/,
      /^DeleteDBCluster us-east-1: orders-use1, SkipFinalSnapshot$/,
      /^DeleteGlobalCluster us-east-1: orders-global-orphan-\d{12}$/,
      /^CreateDBCluster us-east-1: orders-use1, GlobalClusterIdentifier orders-global, /,
      /^CreateDBInstance us-east-1: orders-use1-a \(db.r6g.xlarge\) in orders-use1$/,
      /^CreateDBInstance us-east-1: orders-use1-b \(db.r6g.2xlarge\) in orders-use1$/,
      /^CreateDBInstance us-east-1: orders-use1-c \(db.r6g.large\) in orders-use1$/,
      /^SwitchoverGlobalCluster us-west-2: orders-global → \S+:cluster:orders-use1$/,
    ]
    expect(orders).toHaveLength(expected.length)
    expected.forEach((pattern, index) => expect(orders[index]).toMatch(pattern))
    expect(calls.at(-1)).toMatch(/^UpdateRoutingControlStates .*: retail-us-east-1 On, retail-us-west-2 Off/)
    expect(plan.notes.join('\n')).toContain('detached orders-usw2 (us-west-2) writes standalone')
    expect(plan.notes.join('\n')).toMatch(/orders-use1 is snapshotted as drctl-reconcile-orders-use1-\d{12}/)
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('deleting the old primary needs a typed confirmation: without a terminal and without --yes, exit 4', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['fallback', '--switch-back', '--disable-deletion-protection', '--json'])
    expect(result.status).toBe(4)
    expect(json(result).error.code).toBe('DRCTL_CONFIRMATION_REQUIRED')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('rebuilds: one healthy global cluster per name, the old primary snapshotted and retired, the orphan gone, writer and traffic home', async () => {
    const result = drctl(sandbox.home, [
      'fallback',
      '--switch-back',
      '--disable-deletion-protection',
      '--yes',
      '--json',
    ])
    expect(result.status, result.stderr).toBe(0)
    const run = json(result).result
    expect(run.outcome).toBe('completed')

    const snapshots = snapshotIds(await expectWholeAndHome(sandbox.home), 'us-east-1')
    for (const cluster of ['orders-use1', 'catalog-use1']) {
      const kept = snapshots.find((id) => new RegExp(`^drctl-reconcile-${cluster}-\\d{12}$`).test(id))
      expect(kept, snapshots.join(', ')).toBeDefined()
      expect(run.evidence.snapshots).toContain(`${kept} (us-east-1, of ${cluster})`)
    }
    expect(run.evidence['renamed.orders-global']).toMatch(/^orders-global-orphan-\d{12}$/)
    expect(run.steps.map((step: any) => `${step.id} ${step.status}`)).toEqual(
      expect.arrayContaining(['switch-back-gates done', 'verify done']),
    )
    // The replacements are protected like the originals they replace.
    const rebuilt = (await readWorld(sandbox.home))!.rds
    expect(rebuilt.globalClusters.find((global) => global.id === 'orders-global')!.deletionProtection).toBe(true)
    expect(rebuilt.clusters.find((c) => c.region === 'us-east-1' && c.id === 'orders-use1')!.deletionProtection).toBe(
      true,
    )
    expect(run.evidence.deleted).toEqual(
      expect.arrayContaining([
        'cluster orders-use1 (us-east-1)',
        `global cluster ${run.evidence['renamed.orders-global']}`,
        `global cluster ${run.evidence['renamed.catalog-global']}`,
      ]),
    )
  })

  it('the new secondary copied the old cluster: engine version, subnet group, security groups, KMS key, parameter groups, instance classes and count', async () => {
    expect(await oldSettings(sandbox.home, 'orders-use1')).toEqual(settingsBefore.orders)
    expect(await oldSettings(sandbox.home, 'catalog-use1')).toEqual(settingsBefore.catalog)
    const world = (await readWorld(sandbox.home))!
    const rebuilt = world.rds.clusters.find((c) => c.region === 'us-east-1' && c.id === 'orders-use1')!
    expect(rebuilt.createdAt).toBeGreaterThan(world.createdAt)
  })
})

describe('drctl fallback --keep-old-primary after detach-and-promote', () => {
  let sandbox: Sandbox
  beforeAll(() => {
    sandbox = sandboxes.keep
  })

  it('keeps the old primary detached and standalone, builds a new secondary under new identifiers, comes home', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['fallback', '--switch-back', '--keep-old-primary', '--yes', '--json'])
    expect(result.status, result.stderr).toBe(0)
    expect(json(result).result.outcome).toBe('completed')
    const operations = (await mutatingCalls(sandbox.home, before)).map((call) => call.split(' ')[0])
    expect(operations).not.toContain('DeleteDBInstance')
    expect(operations).not.toContain('DeleteDBCluster')

    const world = await expectWholeAndHome(sandbox.home)
    const clusters = world.rds.regions['us-east-1']!.clusters
    const kept = clusters.find((cluster) => cluster.id === 'orders-use1')!
    expect(kept).toMatchObject({role: 'standalone', status: 'available'})
    expect(kept.globalCluster).toBeUndefined()
    expect(kept.instances.map((instance) => instance.id).sort()).toEqual(['orders-use1-a', 'orders-use1-b'])
    const rebuilt = clusters.find((cluster) => /^orders-use1-\d{12}$/.test(cluster.id))!
    expect(rebuilt).toMatchObject({role: 'writer', globalCluster: 'orders-global', status: 'available'})
    const stamp = rebuilt.id.slice('orders-use1-'.length)
    expect(rebuilt.instances.map((instance) => instance.id).sort()).toEqual([
      `orders-use1-a-${stamp}`,
      `orders-use1-b-${stamp}`,
    ])
    expect(snapshotIds(world, 'us-east-1')).toContain(`drctl-reconcile-orders-use1-${stamp}`)
  })
})

describe('drctl fallback: crash and resume', () => {
  let sandbox: Sandbox
  beforeAll(() => {
    sandbox = sandboxes.crash
  })

  it('kill -9 once the switch-back started; drctl runs resume finishes without touching what the run built', async () => {
    // A 20-minute lag (under the relaxed gate) makes orders-global's switchover last seconds of real time, so the
    // kill lands inside it; the resumed run's 30-minute wait outlasts it.
    await setFault(sandbox.home, {kind: 'lag', globalCluster: 'orders-global', region: 'us-east-1', ms: 1_200_000})
    const fallback = startFallback(sandbox.home, ['--switch-back', '--max-lag', '1h', '--yes', '--json'])
    const runId = await runOf(sandbox.home, fallback)
    await waitUntil(
      'both switchover calls',
      () =>
        journal(sandbox.home, runId).filter(
          (event) => event.type === 'aws-call' && event.operation === 'SwitchoverGlobalCluster' && !event.error,
        ).length === 2,
    )
    fallback.child.kill('SIGKILL')
    expect((await fallback.done).status).toBeNull()
    await clearFaults(sandbox.home, 'lag')
    expect(journal(sandbox.home, runId).some((event) => event.type === 'run-end')).toBe(false)

    const before = await callCount(sandbox.home)
    const resumed = drctl(sandbox.home, ['runs', 'resume', runId, '--yes', '--json'])
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0)
    expect(json(resumed).result).toMatchObject({runId, outcome: 'completed'})
    const operations = (await mutatingCalls(sandbox.home, before)).map((call) => call.split(' ')[0])
    expect(operations.filter((operation) => operation !== 'UpdateRoutingControlStates')).toEqual([])

    const world = await expectWholeAndHome(sandbox.home)
    expect(world.rds.regions['us-east-1']!.instances.map((i) => `${i.id} ${i.status}`).sort()).toEqual([
      'catalog-use1-a available',
      'catalog-use1-b available',
      'orders-use1-a available',
      'orders-use1-b available',
    ])
  })
})
