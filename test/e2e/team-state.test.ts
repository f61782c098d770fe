/**
 * Team state on the sandbox: two operators' homes ($DRCTL_HOME) share one sandbox world ($DRCTL_SANDBOX_HOME) and
 * the team state table in it: one lock and one journal for both.
 */
import {appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readWorld} from '../../src/lib/sandbox/index.js'
import {tempHome, waitUntil} from '../helpers/cli.js'
import {callCount, callsSince, drctl, drctlAsync, json, mutatingCalls, runIds, sandboxHome} from '../helpers/e2e.js'

const shared = {home: '', cleanup: () => {}}
const ana = tempHome('drctl-ana-')
const bo = tempHome('drctl-bo-')
const cy = tempHome('drctl-cy-')
let team = ''
let teamWithApproval = ''

beforeAll(async () => {
  Object.assign(shared, await sandboxHome({timeScale: 0.01}))
  team = join(shared.home, 'team.yaml')
  copyFileSync(join(shared.home, 'sandbox', 'drctl.yaml'), team)
  appendFileSync(team, 'state:\n  backend: dynamodb\n  table: drctl-state\n')
  teamWithApproval = join(shared.home, 'team-approval.yaml')
  copyFileSync(team, teamWithApproval)
  appendFileSync(
    teamWithApproval,
    'steps:\n  - id: change-board\n    kind: approval\n    message: Has the change board agreed?\n',
  )
})
afterAll(() => {
  shared.cleanup()
  ana.cleanup()
  bo.cleanup()
  cy.cleanup()
})

/** `drctl` as one operator: their own home, the shared sandbox. */
const as = (who: {home: string}, args: string[]) => drctl(who.home, args, {DRCTL_SANDBOX_HOME: shared.home})
const asAsync = (who: {home: string}, args: string[]) => drctlAsync(who.home, args, {DRCTL_SANDBOX_HOME: shared.home})
const writers = () =>
  json(as(ana, ['status', '--json', '--timeout', '5s'])).result?.aurora.map((view: any) => view.writerRegion)
/** The items of partition `pk` in the state table's home replica, as the sandbox world holds them. */
const tableItems = async (pk: string) => {
  const table = (await readWorld(shared.home))?.dynamodb.tables.find((candidate) => candidate.name === 'drctl-state')
  const home = table?.replicas.find((replica) => replica.region === 'us-east-1')
  return Object.values(home?.items ?? {}).flatMap((version) =>
    version.item && (version.item.pk as {S?: string}).S === pk ? [version.item as Record<string, {S?: string}>] : [],
  )
}
const journalOf = (home: string, runId: string) => {
  const path = join(home, 'runs', runId, 'journal.jsonl')
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}

/**
 * The run the process `pid` started in `home`, once its journal matches `progress`. Not "a run that is new here": a
 * colleague's run pulled from the table (as a refused start pulls the holder's) is new here too, and may match.
 */
const runStartedBy = (home: string, pid: number | undefined, progress: RegExp) =>
  runIds(home).find((id) => {
    const journal = journalOf(home, id)
    return new RegExp(`"type":"run-start"[^\\n]*"pid":${pid}[,}]`).test(journal) && progress.test(journal)
  })

/** The table exists and writes start in `region`, whatever the tests before left (each test can run alone). */
const startFrom = (region: string) => {
  expect(as(ana, ['state', 'init', '-c', team, '--yes']).status).toBe(0)
  if (writers()?.some((writer: string) => writer !== region)) {
    const moved = as(ana, ['failover', '-c', team, '--planned', '--to', region, '--max-lag', '1h', '--yes'])
    expect(moved.status, moved.stderr).toBe(0)
  }
}

describe('team state on one DynamoDB table, two homes', () => {
  it('state init: planned, dry-run without a mutating call, confirmed, then already there', async () => {
    const before = await callCount(shared.home)
    const dryRun = as(ana, ['state', 'init', '-c', team, '--dry-run', '--json'])
    expect(dryRun.status, dryRun.stderr).toBe(0)
    expect(json(dryRun).result.steps.map((step: any) => step.calls[0].operation)).toEqual([
      'CreateTable',
      'UpdateTable',
    ])
    expect(as(ana, ['state', 'init', '-c', team]).status).toBe(4)
    expect(await mutatingCalls(shared.home, before)).toEqual([])

    const created = as(ana, ['state', 'init', '-c', team, '--yes', '--json'])
    expect(created.status, created.stderr).toBe(0)
    expect(await mutatingCalls(shared.home, before)).toEqual(['CreateTable us-east-1', 'UpdateTable us-east-1'])
    expect(json(as(bo, ['state', 'init', '-c', team, '--yes', '--json'])).result).toMatchObject({alreadyThere: true})
    const shown = as(bo, ['state', 'show', '-c', team, '--json'])
    expect(json(shown).result).toMatchObject({
      table: 'drctl-state',
      consistency: 'eventual',
      regions: [
        {region: 'us-east-1', status: 'ACTIVE'},
        {region: 'us-west-2', status: 'ACTIVE'},
      ],
      lock: {key: 'sandbox:retail'},
      runs: [],
    })
  })

  it('three failovers started at once from three homes: exactly one proceeds, the others exit 6 naming it', async () => {
    startFrom('us-east-1')
    const before = await callCount(shared.home)
    const start = ['failover', '-c', teamWithApproval, '--planned', '--to', 'us-west-2', '--yes', '--json']
    const homes = [ana, bo, cy]
    const runs = homes.map((home) => asAsync(home, start))
    // Whichever takes the lock waits at its approval step; the others are refused at the lock.
    const finished: number[] = []
    runs.forEach((run, index) => void run.done.then(() => finished.push(index)))
    await waitUntil('two of the three to be refused', () => finished.length >= 2)
    const losers = finished.slice(0, 2)
    const refusals = await Promise.all(
      losers.map(async (index) => {
        const result = await runs[index]!.done
        expect(result.status, result.stderr).toBe(6)
        return json(result).error
      }),
    )
    const winnerRun: string = refusals[0].details.holder.runId
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({
        code: 'DRCTL_RUN_IN_PROGRESS',
        message: expect.stringContaining(`run ${winnerRun}`),
      })
    }
    const winnerIndex = [0, 1, 2].find((index) => !losers.includes(index))!
    const [winnerHome, loserHome] = [homes[winnerIndex]!, homes[losers[0]!]!]
    for (const index of losers) {
      const home = homes[index]!.home
      expect(runIds(home).filter((id) => journalOf(home, id).includes('"run-start"'))).toEqual(
        runIds(home).filter((id) => id === winnerRun),
      )
    }

    // A loser's operator approves the winner's run through the table; it goes on and completes.
    await waitUntil('the winning run to wait for its approval', () =>
      journalOf(winnerHome.home, winnerRun).includes('approval.change-board.requested'),
    )
    const approved = as(loserHome, ['runs', 'approve', winnerRun, '-c', teamWithApproval, '--confirm', 'change-board'])
    expect(approved.status, approved.stderr).toBe(0)
    const winner = await runs[winnerIndex]!.done
    expect(winner.status, winner.stderr).toBe(0)
    expect(json(winner).result).toMatchObject({runId: winnerRun, outcome: 'completed'})
    expect(journalOf(winnerHome.home, winnerRun)).toMatch(/"type":"approval"[^\n]*"step":"change-board"/)
    const switchovers = (await callsSince(shared.home, before)).filter(
      (call) => call.operation === 'SwitchoverGlobalCluster' && call.mutating && call.status < 300,
    )
    expect(switchovers).toHaveLength(2)
    expect(writers()).toEqual(['us-west-2', 'us-west-2'])
  })

  it('state unlock breaks the lock of the run named (typed), and the run is abandoned from the other home', async () => {
    startFrom('us-west-2')
    const run = asAsync(ana, ['failover', '-c', teamWithApproval, '--planned', '--to', 'us-east-1', '--yes'])
    const runId = await waitUntil('the run to wait for its approval', () =>
      runStartedBy(ana.home, run.child.pid, /approval\.change-board\.requested/),
    )
    const unlock = (...flags: string[]) => as(bo, ['state', 'unlock', runId, '-c', team, '--json', ...flags])
    expect(unlock().status).toBe(4)
    expect(unlock('--confirm', 'not-the-run').status).toBe(4)
    const holder = json(as(bo, ['state', 'show', '-c', team, '--json'])).result.lock.holder
    expect(
      holder,
      `runs: ${JSON.stringify({ana: runIds(ana.home), bo: runIds(bo.home), cy: runIds(cy.home)})}`,
    ).toMatchObject({runId})
    const broken = unlock('--confirm', runId)
    expect(broken.status, broken.stderr).toBe(0)
    expect(json(broken).result).toMatchObject({key: 'sandbox:retail', region: 'us-east-1', holder: {runId}})
    expect(unlock('--confirm', runId).status).toBe(2)
    run.child.kill('SIGKILL')
    await run.done

    const abandoned = as(bo, ['runs', 'abandon', runId, '-c', team, '--yes', '--json'])
    expect(abandoned.status, abandoned.stderr).toBe(0)
    const shown = json(as(ana, ['runs', 'show', runId, '-c', team, '--json'])).result
    expect(shown).toMatchObject({runId, outcome: 'abandoned'})
  })

  // The kill can land while the run's in-process sandbox holds the world lock with its owner file not yet written: the
  // resume must still get its answers (sandbox/store.ts judges such a lock by its age, not as held by pid 0).
  it('a run killed (SIGKILL) in one home is listed and resumed from the other', async () => {
    startFrom('us-west-2')
    // A switchover that waits for 20 minutes of replication lag: the run is killed in the middle of its wait.
    as(ana, ['sandbox', 'fault', 'lag', 'orders-global', 'us-east-1', '1200000'])
    const run = asAsync(ana, ['failover', '-c', team, '--planned', '--to', 'us-east-1', '--max-lag', '1h', '--yes'])
    const runId = await waitUntil('the run to wait for its switchover', () =>
      runStartedBy(ana.home, run.child.pid, /"step-progress"[^\n]*switchover/),
    )
    // The table gets each event just after the local journal; the kill comes once it has the wait too.
    await waitUntil('the table to have the run up to its wait', async () =>
      (await tableItems(`run#${runId}`)).some((item) => /step-progress[^\n]*switchover/.test(item.event?.S ?? '')),
    )
    run.child.kill('SIGKILL')
    await run.done
    as(ana, ['sandbox', 'fault', 'clear'])

    const listed = json(as(bo, ['runs', 'list', '-c', team, '--json'])).result.runs.find(
      (entry: any) => entry.id === runId,
    )
    expect(listed).toMatchObject({status: 'stopped', topologyKey: 'sandbox:retail'})
    const resumed = as(bo, ['runs', 'resume', runId, '-c', team, '--yes', '--json'])
    expect(resumed.status, `${resumed.stdout}\n${resumed.stderr}`).toBe(0)
    expect(json(resumed).result.outcome).toBe('completed')
    expect(writers()).toEqual(['us-east-1', 'us-east-1'])
    // Back in the first home, the run reads as it ended.
    const shown = json(as(ana, ['runs', 'show', runId, '-c', team, '--json'])).result
    expect(shown).toMatchObject({runId, outcome: 'completed'})
  })

  it('an unplanned failover with the state table’s home Region down takes the lock and journals in the target', async () => {
    startFrom('us-east-1')
    as(ana, ['sandbox', 'fault', 'region-outage', 'us-east-1'])
    try {
      const before = await callCount(shared.home)
      const result = as(ana, [
        'failover',
        '-c',
        team,
        '--unplanned',
        '--to',
        'us-west-2',
        '--yes',
        '--allow-data-loss',
        '--json',
      ])
      expect(result.status, result.stderr).toBe(0)
      const runId = json(result).result.runId as string
      const calls = await callsSince(shared.home, before)
      expect(calls.filter((call) => call.region === 'us-east-1')).toEqual([])
      const state = calls
        .filter((call) => call.service === 'dynamodb')
        .map((call) => `${call.operation} ${call.region}`)
      expect(state).toEqual(expect.arrayContaining(['PutItem us-west-2', 'UpdateItem us-west-2', 'Query us-west-2']))
      // A colleague reads the run from the replica that answers.
      const listed = json(as(bo, ['runs', 'list', '-c', team, '--json']))
      expect(listed.result.runs.find((entry: any) => entry.id === runId)).toMatchObject({status: 'completed'})
    } finally {
      as(ana, ['sandbox', 'fault', 'clear'])
    }
    expect(writers()).toEqual(['us-west-2', 'us-west-2'])
  })

  it('--local-state runs without the table, is recorded in the report, and colleagues do not see the run', () => {
    const nowhere = join(shared.home, 'team-nowhere.yaml')
    writeFileSync(nowhere, readFileSync(team, 'utf8').replace('table: drctl-state', 'table: drctl-nowhere'))
    const set = (state: 'on' | 'off', ...flags: string[]) =>
      as(ana, ['routing', 'set', 'retail-us-east-1', state, '-c', nowhere, '--yes', '--json', ...flags])
    const refused = set('on')
    expect(refused.status).toBe(5)
    expect(json(refused).error).toMatchObject({
      message: expect.stringContaining('drctl-nowhere does not exist in us-east-1'),
      hints: [expect.stringContaining('drctl state init')],
    })
    const local = set('on', '--local-state')
    expect(local.status, local.stderr).toBe(0)
    const runId = json(local).result.runId as string
    const report = JSON.parse(readFileSync(join(ana.home, 'runs', runId, 'report.json'), 'utf8'))
    expect(report.flags).toMatchObject({'local-state': true})
    const seen = json(as(bo, ['runs', 'list', '-c', team, '--json'])).result.runs.map((entry: any) => entry.id)
    expect(seen).not.toContain(runId)
    expect(set('off', '--local-state').status).toBe(0)
  })
})
