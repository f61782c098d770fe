import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {clearFaults, describeWorld, mutateWorld, type ScenarioName, setFault} from '../../src/lib/sandbox/index.js'
import {type CliResult, waitUntil} from '../helpers/cli.js'
import {callCount, callsSince, drctlAsync, journal, json, mutatingCalls, runIds, useSandbox} from '../helpers/e2e.js'
import {drctlOnTerminal, terminalAvailable} from '../helpers/pty.js'

// Scenarios run side by side (one sandbox each, their steps in order): most of a teardown is waiting on the
// simulator's clock, which runs at a tiny time scale.

const TIME_SCALE = 0.002

/** A test that needs a terminal (util-linux `script`): skipped where there is none. */
const onTerminal = terminalAvailable ? it.sequential : it.skip

const run = (home: string, args: string[]): Promise<CliResult> => drctlAsync(home, args).done

const sandbox = (scenario: ScenarioName) => useSandbox({scenario, timeScale: TIME_SCALE})

/**
 * The mutating calls AWS accepted since `since`, in the sandbox call log's order, each as
 * "Operation region step" (the step that made it, found through the request id in the run journals).
 */
async function deletions(home: string, since: number): Promise<string[]> {
  const steps = new Map<string, string>()
  for (const id of runIds(home)) {
    for (const event of journal(home, id)) {
      if (event.type === 'aws-call' && event.requestId) steps.set(event.requestId, event.step)
    }
  }
  return (await callsSince(home, since))
    .filter((call) => call.mutating && call.status === 200)
    .map((call) => `${call.operation} ${call.region} ${steps.get(call.requestId) ?? '?'}`)
}

/** Every entry starting with `earlier` comes before every entry starting with `later` (and both exist). */
function expectBefore(sequence: string[], earlier: string, later: string) {
  const positions = (prefix: string) =>
    sequence.flatMap((entry, index) => (entry === prefix || entry.startsWith(`${prefix} `) ? [index] : []))
  const first = positions(earlier)
  const second = positions(later)
  const listing = `\n${sequence.join('\n')}`
  expect(first, `no "${earlier}" in${listing}`).not.toEqual([])
  expect(second, `no "${later}" in${listing}`).not.toEqual([])
  expect(Math.max(...first), `"${earlier}" must come before "${later}":${listing}`).toBeLessThan(Math.min(...second))
}

interface Cluster {
  id: string
  region: string
}

/** The order AWS needs for one global cluster: secondaries out and gone, then the writer, then the global cluster. */
function expectAuroraOrder(sequence: string[], global: string, writer: Cluster, secondaries: Cluster[]) {
  const writerCluster = `DeleteDBCluster ${writer.region} cluster.${writer.id}`
  for (const secondary of secondaries) {
    const removed = `RemoveFromGlobalCluster ${secondary.region} detach.${global}.${secondary.id}`
    expectBefore(sequence, removed, `DeleteDBInstance ${secondary.region} instances.${secondary.id}`)
    expectBefore(sequence, removed, writerCluster)
    expectBefore(
      sequence,
      `DeleteDBInstance ${secondary.region} instances.${secondary.id}`,
      `DeleteDBCluster ${secondary.region} cluster.${secondary.id}`,
    )
    expectBefore(sequence, `DeleteDBCluster ${secondary.region} cluster.${secondary.id}`, writerCluster)
  }
  expectBefore(sequence, `DeleteDBInstance ${writer.region} instances.${writer.id}`, writerCluster)
  const deleteGlobal = sequence.find(
    (entry) => entry.startsWith('DeleteGlobalCluster ') && entry.endsWith(`global.${global}`),
  )
  expect(deleteGlobal, `DeleteGlobalCluster ${global}`).toBeDefined()
  expectBefore(sequence, writerCluster, deleteGlobal as string)
}

/** Replicas removed one at a time (each removal finished before the next began), then the table. */
function expectTableOrder(home: string, runId: string, sequence: string[], kept: string, removed: string[]) {
  const events = journal(home, runId)
  for (const [index, region] of removed.entries()) {
    expectBefore(sequence, `UpdateTable ${kept} replica.carts.${region}`, `DeleteTable ${kept} table.carts.${kept}`)
    const next = removed[index + 1]
    if (!next) continue
    const ended = events.findIndex((event) => event.type === 'step-end' && event.step === `replica.carts.${region}`)
    const started = events.findIndex(
      (event) =>
        event.type === 'aws-call' && event.operation === 'UpdateTable' && event.step === `replica.carts.${next}`,
    )
    expect(ended, `the ${region} replica removal ends before the ${next} one starts`).toBeGreaterThan(-1)
    expect(ended).toBeLessThan(started)
  }
}

/** Everything the topology held that is still there, by service (`drctl sandbox show --json` reads the same). */
async function leftovers(home: string) {
  const view = await describeWorld(home)
  const regions = Object.values(view.rds.regions)
  return {
    globalClusters: view.rds.globalClusters.map((global) => global.id),
    clusters: regions.flatMap((region) => region.clusters.map((cluster) => cluster.id)),
    instances: regions.flatMap((region) => region.instances.map((instance) => instance.id)),
    tables: Object.values(view.dynamodb.regions).flatMap((region) => region.tables.map((table) => table.name)),
    stacks: Object.values(view.cloudformation.regions).flatMap((region) => region.stacks.map((stack) => stack.name)),
  }
}

const NOTHING_LEFT = {globalClusters: [], clusters: [], instances: [], tables: [], stacks: []}

async function manualSnapshots(home: string): Promise<string[]> {
  const view = await describeWorld(home)
  return Object.values(view.rds.regions)
    .flatMap((region) =>
      region.snapshots.filter((snapshot) => snapshot.type === 'manual').map((snapshot) => snapshot.id),
    )
    .sort()
}

const finalSnapshots = (...clusters: string[]) =>
  clusters.sort().map((cluster) => expect.stringMatching(new RegExp(`^drctl-final-${cluster}-\\d{12}$`)))

async function teardown(home: string, args: string[] = []) {
  const before = await callCount(home)
  const result = await run(home, ['teardown', '--yes', '--json', ...args])
  expect(result.status, result.stdout).toBe(0)
  const runId = json(result).result.runId as string
  return {result: json(result).result, runId, sequence: await deletions(home, before)}
}

describe.concurrent('drctl teardown with the initial roles (two Regions)', () => {
  const box = sandbox('two-region')

  it.sequential('--dry-run and no terminal without --yes: the plan, and no mutating call', async () => {
    const before = await callCount(box.home)
    const [dryRun, unconfirmed] = await Promise.all([
      run(box.home, ['teardown', '--dry-run', '--json']),
      run(box.home, ['teardown']),
    ])
    expect(dryRun.status).toBe(0)
    const plan = json(dryRun).result
    expect(plan).toMatchObject({dryRun: true, kind: 'teardown', title: 'Teardown of retail'})
    expect(plan.steps.map((step: {id: string}) => step.id)).toContain('cluster.orders-use1')
    expect(plan.notes).toContainEqual(
      expect.stringMatching(/^final snapshots are kept: drctl-final-orders-use1-\d{12}/),
    )
    expect(unconfirmed.status).toBe(4)
    expect(unconfirmed.stdout).toContain('PLAN')
    expect(unconfirmed.stderr).toContain('DRCTL_CONFIRMATION_REQUIRED')
    expect(unconfirmed.stderr).toContain('--yes')
    expect(await mutatingCalls(box.home, before)).toEqual([])
    expect(await leftovers(box.home)).toMatchObject({clusters: expect.arrayContaining(['orders-use1', 'orders-usw2'])})
  })

  it.sequential('deletes in the order AWS accepts, keeps final snapshots, leaves nothing', async () => {
    const {runId, result, sequence} = await teardown(box.home)
    for (const prefix of ['orders', 'catalog']) {
      expectAuroraOrder(sequence, `${prefix}-global`, {id: `${prefix}-use1`, region: 'us-east-1'}, [
        {id: `${prefix}-usw2`, region: 'us-west-2'},
      ])
    }
    expectTableOrder(box.home, runId, sequence, 'us-east-1', ['us-west-2'])
    expectBefore(sequence, 'DeleteStack us-west-2', 'DeleteStack us-east-1')
    // Read before write: nothing was deleted twice.
    const named = sequence.filter((entry) => !entry.startsWith('DeleteDBInstance'))
    expect(new Set(named).size).toBe(named.length)
    expect(sequence.filter((entry) => entry.startsWith('DeleteDBInstance'))).toHaveLength(6)

    expect(await leftovers(box.home)).toEqual(NOTHING_LEFT)
    expect(await manualSnapshots(box.home)).toEqual(finalSnapshots('catalog-use1', 'orders-use1'))
    expect(result.evidence.snapshots).toEqual(
      expect.arrayContaining([expect.stringMatching(/^drctl-final-orders-use1-\d{12} \(us-east-1\)$/)]),
    )
    const status = await run(box.home, ['status', '--json'])
    const observed = json(status).result
    expect(observed.aurora.map((view: {found: boolean}) => view.found)).toEqual([false, false])
    expect(observed.dynamodb[0].found).toBe(false)
    expect(observed.stacks.map((stack: {found: boolean}) => stack.found)).toEqual([false, false])
  })
})

describe.concurrent('drctl teardown after a planned failover (the writer in the "standby" Region)', () => {
  const box = sandbox('two-region')

  it.sequential('deletes the us-east-1 secondaries first and the us-west-2 writers last', async () => {
    const failover = await run(box.home, ['failover', '--planned', '--to', 'us-west-2', '--yes', '--json'])
    expect(failover.status, failover.stdout).toBe(0)
    const {runId, sequence} = await teardown(box.home)
    for (const prefix of ['orders', 'catalog']) {
      expectAuroraOrder(sequence, `${prefix}-global`, {id: `${prefix}-usw2`, region: 'us-west-2'}, [
        {id: `${prefix}-use1`, region: 'us-east-1'},
      ])
    }
    expectTableOrder(box.home, runId, sequence, 'us-west-2', ['us-east-1'])
    expectBefore(sequence, 'DeleteStack us-east-1', 'DeleteStack us-west-2')
    expect(await leftovers(box.home)).toEqual(NOTHING_LEFT)
    expect(await manualSnapshots(box.home)).toEqual(finalSnapshots('catalog-usw2', 'orders-usw2'))
  })
})

describe.concurrent('drctl teardown after a detach (orphaned global clusters)', () => {
  const box = sandbox('two-region')

  it.sequential('deletes the orphaned global clusters, the old primaries and the detached survivors', async () => {
    await setFault(box.home, {kind: 'region-outage', region: 'us-east-1'})
    const failover = await run(box.home, [
      'failover',
      '--unplanned',
      '--to',
      'us-west-2',
      '--detach',
      '--yes',
      '--allow-data-loss',
      '--json',
    ])
    expect(failover.status, failover.stdout).toBe(0)
    await clearFaults(box.home)
    const world = await describeWorld(box.home)
    expect(
      world.rds.globalClusters.map((global) => [global.id, global.members.map((member) => member.clusterId)]),
    ).toEqual([
      ['orders-global', ['orders-use1']],
      ['catalog-global', ['catalog-use1']],
    ])

    const {result, runId, sequence} = await teardown(box.home)
    for (const prefix of ['orders', 'catalog']) {
      expectAuroraOrder(sequence, `${prefix}-global`, {id: `${prefix}-use1`, region: 'us-east-1'}, [])
      expectBefore(
        sequence,
        `DeleteDBInstance us-west-2 instances.${prefix}-usw2`,
        `DeleteDBCluster us-west-2 cluster.${prefix}-usw2`,
      )
    }
    expect(sequence.some((entry) => entry.startsWith('RemoveFromGlobalCluster'))).toBe(false)
    // Writes and traffic are in us-west-2 now: its stacks and its table replica go last.
    expectTableOrder(box.home, runId, sequence, 'us-west-2', ['us-east-1'])
    expectBefore(sequence, 'DeleteStack us-east-1', 'DeleteStack us-west-2')
    expect(await leftovers(box.home)).toEqual(NOTHING_LEFT)
    expect(await manualSnapshots(box.home)).toEqual(
      finalSnapshots('catalog-use1', 'catalog-usw2', 'orders-use1', 'orders-usw2'),
    )
    expect(result.evidence.deleted).toEqual(
      expect.arrayContaining([
        'cluster orders-usw2 (us-west-2)',
        'cluster orders-use1 (us-east-1)',
        'global cluster orders-global',
      ]),
    )
  })
})

describe.concurrent(
  'drctl teardown of three Regions: binlog replica, three table replicas, deletion protection',
  () => {
    const box = sandbox('three-region')

    it.sequential('deletion protection stops at the gate naming every protected resource, nothing called', async () => {
      await mutateWorld(box.home, (world) => {
        const replica = world.rds.clusters.find((cluster) => cluster.id === 'reports-euw1')
        const secondary = world.rds.clusters.find((cluster) => cluster.id === 'orders-usw2')
        const global = world.rds.globalClusters.find((candidate) => candidate.id === 'catalog-global')
        const table = world.dynamodb.tables[0]?.replicas.find((candidate) => candidate.region === 'eu-west-1')
        for (const protectedResource of [replica, secondary, global, table]) {
          if (protectedResource) protectedResource.deletionProtection = true
        }
      })
      const before = await callCount(box.home)
      const refused = await run(box.home, ['teardown', '--yes', '--json'])
      expect(refused.status).toBe(3)
      const error = json(refused).error
      expect(error.code).toBe('DRCTL_GATE_FAILED')
      for (const resource of [
        'global-cluster catalog-global (us-east-1)',
        'cluster orders-usw2 (us-west-2)',
        'cluster reports-euw1 (eu-west-1)',
        'table carts (eu-west-1)',
      ])
        expect(error.message).toContain(resource)
      expect(error.message).toContain('--disable-deletion-protection')
      expect(await mutatingCalls(box.home, before)).toEqual([])
    })

    it.sequential(
      'with --disable-deletion-protection: stops the experiment, promotes the replica first, removes replicas one at a time',
      async () => {
        // A game day still running: the experiment would end in a second at this time scale, so it is made to last.
        const chaos = await run(box.home, [
          'chaos',
          'start',
          'pause-carts-replication',
          '--no-stop-condition-ok',
          '--no-wait',
          '--yes',
        ])
        expect(chaos.status, chaos.stderr).toBe(0)
        await mutateWorld(box.home, (world) => {
          for (const experiment of world.fis.experiments) {
            experiment.completesAt = Date.now() + 3_600_000
            for (const action of Object.values(experiment.actions)) action.endAt = experiment.completesAt
          }
        })
        const {runId, sequence} = await teardown(box.home, ['--disable-deletion-protection'])
        expectBefore(sequence, 'StopExperiment us-east-1', 'ModifyDBCluster')
        expectBefore(sequence, 'StopExperiment us-east-1', 'RemoveFromGlobalCluster')
        for (const protection of [
          'ModifyDBCluster eu-west-1 protection.cluster.reports-euw1.eu-west-1',
          'ModifyDBCluster us-west-2 protection.cluster.orders-usw2.us-west-2',
          'ModifyGlobalCluster us-east-1 protection.global-cluster.catalog-global.us-east-1',
          'UpdateTable eu-west-1 protection.table.carts.eu-west-1',
        ])
          expectBefore(sequence, protection, 'RemoveFromGlobalCluster')
        for (const prefix of ['orders', 'catalog']) {
          expectAuroraOrder(sequence, `${prefix}-global`, {id: `${prefix}-use1`, region: 'us-east-1'}, [
            {id: `${prefix}-usw2`, region: 'us-west-2'},
            {id: `${prefix}-euw1`, region: 'eu-west-1'},
          ])
        }
        // The binlog replica of catalog-use1 is promoted before its instances go, and gone before its source is.
        expectBefore(
          sequence,
          'PromoteReadReplicaDBCluster eu-west-1 promote.reports-euw1',
          'DeleteDBInstance eu-west-1 instances.reports-euw1',
        )
        expectBefore(
          sequence,
          'DeleteDBCluster eu-west-1 cluster.reports-euw1',
          'DeleteDBCluster us-east-1 cluster.catalog-use1',
        )
        expectTableOrder(box.home, runId, sequence, 'us-east-1', ['us-west-2', 'eu-west-1'])
        expectBefore(sequence, 'DeleteStack us-west-2', 'DeleteStack us-east-1')
        expectBefore(sequence, 'DeleteStack eu-west-1', 'DeleteStack us-east-1')
        expect(await leftovers(box.home)).toEqual(NOTHING_LEFT)
        expect(await manualSnapshots(box.home)).toEqual(finalSnapshots('catalog-use1', 'orders-use1'))
      },
    )
  },
)

describe.concurrent('drctl teardown killed part-way, then resumed', () => {
  const box = sandbox('two-region')
  let runId = ''

  it.sequential('kill -9 once a deletion started: the run shows stopped, and a new teardown is refused', async () => {
    const child = drctlAsync(box.home, ['teardown', '--yes'])
    const started = () =>
      runIds(box.home).find((id) =>
        journal(box.home, id).some((event) => event.type === 'aws-call' && /^Delete/.test(event.operation)),
      )
    runId = await waitUntil('a deletion to start', started)
    child.child.kill('SIGKILL')
    const killed = await child.done
    expect(killed.status).toBeNull()

    const list = await run(box.home, ['runs', 'list', '--json'])
    const summary = json(list).result.runs.find((candidate: {id: string}) => candidate.id === runId)
    expect(summary).toMatchObject({kind: 'teardown', status: 'stopped', sandbox: true})
    expect(summary.steps.some((step: {status: string}) => step.status === 'pending')).toBe(true)

    const before = await callCount(box.home)
    const refused = await run(box.home, ['teardown', '--yes', '--json'])
    expect(refused.status).toBe(3)
    expect(json(refused).error).toMatchObject({code: 'DRCTL_RUN_IN_PROGRESS', message: expect.stringContaining(runId)})
    expect(await mutatingCalls(box.home, before)).toEqual([])
  })

  it.sequential('runs resume finishes it; the report lists what was deleted and the snapshots kept', async () => {
    const resumed = await run(box.home, ['runs', 'resume', runId, '--yes', '--json'])
    expect(resumed.status, resumed.stdout).toBe(0)
    expect(json(resumed).result).toMatchObject({runId, outcome: 'completed'})
    expect(await leftovers(box.home)).toEqual(NOTHING_LEFT)
    const snapshots = await manualSnapshots(box.home)
    expect(snapshots).toEqual(finalSnapshots('catalog-use1', 'orders-use1'))

    // Across both processes, each resource was deleted once: the resume re-checked live state first.
    const sequence = await deletions(box.home, 0)
    const named = sequence.filter((entry) => !entry.startsWith('DeleteDBInstance') && !entry.endsWith('?'))
    expect(new Set(named).size).toBe(named.length)
    expect(sequence.filter((entry) => entry.startsWith('DeleteDBCluster'))).toHaveLength(4)

    const report = JSON.parse(readFileSync(join(box.home, 'runs', runId, 'report.json'), 'utf8'))
    expect(report.outcome).toBe('completed')
    expect(report.evidence.deleted).toEqual(
      expect.arrayContaining([
        'cluster orders-use1 (us-east-1)',
        'cluster catalog-usw2 (us-west-2)',
        'global cluster orders-global',
        'table carts (us-east-1)',
        'stack retail-app-use1 (us-east-1)',
      ]),
    )
    expect([...report.evidence.snapshots].sort()).toEqual(snapshots.map((id) => `${id} (us-east-1)`))
    const markdown = readFileSync(join(box.home, 'runs', runId, 'report.md'), 'utf8')
    for (const snapshot of snapshots) expect(markdown).toContain(snapshot)
    expect(markdown).toContain('global cluster catalog-global')
  })
})

describe.concurrent('drctl teardown by parts: --only, a stack that will not delete, --skip-final-snapshot', () => {
  const box = sandbox('two-region')

  it.sequential('--only dynamodb touches only DynamoDB', async () => {
    const {sequence} = await teardown(box.home, ['--only', 'dynamodb'])
    expect(sequence).toEqual([
      'UpdateTable us-east-1 replica.carts.us-west-2',
      'DeleteTable us-east-1 table.carts.us-east-1',
    ])
    const left = await leftovers(box.home)
    expect(left.tables).toEqual([])
    expect(left.clusters).toHaveLength(4)
    expect(left.stacks).toHaveLength(2)
  })

  it.sequential(
    'a stack that fails to delete stops the run (exit 5) naming the failed resource; resume finishes it',
    async () => {
      await setFault(box.home, {kind: 'stack-delete-fails', stack: 'retail-app-usw2'})
      const failed = await run(box.home, ['teardown', '--only', 'stacks', '--yes', '--json'])
      expect(failed.status).toBe(5)
      const envelope = json(failed)
      expect(envelope.error.message).toContain('stack retail-app-usw2 in us-west-2 failed to delete')
      expect(envelope.error.message).toContain('AppBucket (AWS::S3::Bucket)')
      expect(envelope.error.hints).toContainEqual(expect.stringContaining('drctl runs resume'))
      const runId = envelope.result.runId as string
      // The run stopped there: the writer Region's stack was not touched.
      expect(await leftovers(box.home)).toMatchObject({stacks: ['retail-app-use1', 'retail-app-usw2']})

      await clearFaults(box.home) // the operator emptied the bucket
      const before = await callCount(box.home)
      const resumed = await run(box.home, ['runs', 'resume', runId, '--yes', '--json'])
      expect(resumed.status, resumed.stdout).toBe(0)
      expect(await deletions(box.home, before)).toEqual([
        `DeleteStack us-west-2 stack.us-west-2.retail-app-usw2`,
        `DeleteStack us-east-1 stack.us-east-1.retail-app-use1`,
      ])
      expect((await leftovers(box.home)).stacks).toEqual([])
    },
  )

  onTerminal('the typed confirmation is the topology name', async () => {
    const before = await callCount(box.home)
    const wrong = await drctlOnTerminal(box.home, ['teardown', '--only', 'aurora'], {
      prompt: 'to confirm',
      answer: 'yes',
    })
    expect(wrong.status).toBe(4)
    expect(wrong.stdout).toContain('Type retail to confirm')
    expect(wrong.stdout).toContain('DRCTL_CONFIRMATION_DECLINED')
    expect(await mutatingCalls(box.home, before)).toEqual([])
  })

  it.sequential('--skip-final-snapshot takes none', async () => {
    const args = ['teardown', '--only', 'aurora', '--skip-final-snapshot']
    const before = await callCount(box.home)
    const result = terminalAvailable
      ? await drctlOnTerminal(box.home, args, {prompt: 'to confirm', answer: 'retail'})
      : await run(box.home, [...args, '--yes'])
    expect(result.status, result.stdout).toBe(0)
    expect(result.stdout).toContain('no final snapshot will be taken')
    const sequence = await deletions(box.home, before)
    expect(sequence.filter((entry) => entry.startsWith('DeleteDBCluster'))).toHaveLength(4)
    expect(await leftovers(box.home)).toEqual(NOTHING_LEFT)
    expect(await manualSnapshots(box.home)).toEqual([])
  })
})
