import {cpSync, existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {tempHome, waitUntil} from '../helpers/cli.js'
import {
  callCount,
  callsSince,
  drctl,
  drctlAsync,
  journal,
  json,
  mutatingCalls,
  runIds,
  useSandbox,
} from '../helpers/e2e.js'

// A generous per-call deadline: on a loaded machine a healthy sandbox call can take over a second.
const writers = (home: string) =>
  json(drctl(home, ['status', '--json', '--timeout', '5s'])).result?.aurora.map((view: any) => view.writerRegion)
const trafficOn = (home: string) =>
  json(drctl(home, ['status', '--json', '--timeout', '5s']))
    .result?.routing.controls.filter((control: any) => control.state === 'On')
    .map((control: any) => control.region)

/** The run started after `known` once its journal shows `pattern`. */
const waitForJournal = (home: string, known: string[], pattern: RegExp): Promise<string> =>
  waitUntil(`a new run's journal to show ${pattern}`, () =>
    runIds(home)
      .filter((id) => !known.includes(id))
      .find((run) => {
        const path = join(home, 'runs', run, 'journal.jsonl')
        return existsSync(path) && pattern.test(readFileSync(path, 'utf8'))
      }),
  )

describe('planned failover on the sandbox', () => {
  const sandbox = useSandbox()

  it('--dry-run prints the plan and makes no mutating call', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--dry-run', '--json'])
    expect(result.status).toBe(0)
    const plan = json(result).result
    expect(plan.dryRun).toBe(true)
    expect(plan.steps.flatMap((step: any) => step.calls)).toEqual(
      expect.arrayContaining([expect.objectContaining({operation: 'SwitchoverGlobalCluster', region: 'us-east-1'})]),
    )
    const human = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--dry-run'])
    expect(human.stdout).toContain('RDS SwitchoverGlobalCluster in us-east-1: orders-global → arn:aws:rds:us-west-2')
    expect(human.stdout).toContain('dry run: nothing was changed')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('without a terminal and without --yes, exits 4 and changes nothing', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--json'])
    expect(result.status).toBe(4)
    expect(json(result).error).toMatchObject({
      code: 'DRCTL_CONFIRMATION_REQUIRED',
      hints: [expect.stringContaining('--yes')],
    })
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('moves writes and traffic, with a report (RTO, RPO 0), then says there is nothing to do', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--yes', '--json'])
    expect(result.status).toBe(0)
    const run = json(result).result
    expect(run).toMatchObject({outcome: 'completed', exit: 0, rtoSeconds: expect.any(Number)})
    expect(run.steps.every((step: any) => step.status === 'done')).toBe(true)
    expect(writers(sandbox.home)).toEqual(['us-west-2', 'us-west-2'])
    expect(trafficOn(sandbox.home)).toEqual(['us-west-2'])
    const mutating = (await callsSince(sandbox.home, before)).filter((call) => call.mutating)
    expect(mutating.map((call) => `${call.operation} ${call.region}`)).toEqual(
      expect.arrayContaining(['SwitchoverGlobalCluster us-east-1', 'SwitchoverGlobalCluster us-east-1']),
    )
    expect(mutating.filter((call) => call.operation === 'UpdateRoutingControlStates')).toHaveLength(1)
    const report = readFileSync(run.reportPath, 'utf8')
    expect(report).toMatch(/- RTO: [\d.]+s/)
    expect(report).toContain('- RPO: 0 (switchover')
    expect(report).toContain('arn:aws:sts::111122223333:assumed-role/drctl-sandbox/operator')
    const json_ = JSON.parse(readFileSync(join(run.reportPath, '..', 'report.json'), 'utf8'))
    expect(json_).toMatchObject({
      outcome: 'completed',
      flags: {mode: 'planned', to: 'us-west-2', yes: true, sandbox: true},
      evidence: {rpo: {ms: 0}},
      after: {aurora: expect.arrayContaining([expect.objectContaining({writerRegion: 'us-west-2'})])},
    })
    // The timeline as a Mermaid gantt chart: one task per step, started and lasting what report.json says.
    expect(report).toContain('```mermaid\ngantt\n')
    for (const step of json_.steps) {
      const start = step.startedAt.replace('T', ' ').slice(0, 23)
      const duration = Date.parse(step.endedAt) - Date.parse(step.startedAt)
      expect(report).toMatch(new RegExp(`\\n {4}[^\\n]+ :done, steps\\d+, ${start}, ${duration}ms\\n`))
    }

    // runs list shows the outcome figures and where the report is.
    const listed = json(drctl(sandbox.home, ['runs', 'list', '--json'])).result.runs[0]
    expect(listed).toMatchObject({
      id: run.runId,
      status: 'completed',
      exit: 0,
      rtoSeconds: run.rtoSeconds,
      rpo: {ms: 0, summary: expect.stringContaining('switchover')},
      reportPath: run.reportPath,
    })
    const table = drctl(sandbox.home, ['runs', 'list']).stdout.split('\n')
    expect(table[0]).toMatch(/^RUN +OUTCOME +STARTED +RTO +RPO +TITLE +REPORT$/)
    const row = table.find((line) => line.startsWith(run.runId))!
    expect(row).toMatch(
      new RegExp(` completed +\\S+ \\S+ +${run.rtoSeconds}s +0 +Planned failover .* ${run.reportPath}$`),
    )

    const again = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--yes', '--json'])
    expect(again.status).toBe(0)
    expect(json(again).result.nothingToDo).toBe(true)
  })

  it('goes back without --to in a two-Region topology, and completes with 30% of calls throttled', () => {
    drctl(sandbox.home, ['sandbox', 'fault', 'throttle', '0.3'])
    try {
      const result = drctl(sandbox.home, ['failover', '--planned', '--yes', '--json'])
      expect(result.status).toBe(0)
      expect(json(result).result.outcome).toBe('completed')
    } finally {
      drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    }
    expect(writers(sandbox.home)).toEqual(['us-east-1', 'us-east-1'])
    expect(trafficOn(sandbox.home)).toEqual(['us-east-1'])
  })

  it('rejects an unknown Region, and a lag above the gate unless relaxed', () => {
    const unknown = drctl(sandbox.home, ['failover', '--planned', '--to', 'eu-north-1', '--json'])
    expect(unknown.status).toBe(2)
    expect(json(unknown).error.code).toBe('DRCTL_USAGE')
    drctl(sandbox.home, ['sandbox', 'fault', 'lag', 'orders-global', 'us-west-2', '20000'])
    try {
      const gated = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--dry-run', '--json'])
      expect(gated.status).toBe(3)
      expect(json(gated).error.code).toBe('DRCTL_GATE_FAILED')
      const relaxed = drctl(sandbox.home, [
        'failover',
        '--planned',
        '--to',
        'us-west-2',
        '--dry-run',
        '--max-lag',
        '1m',
        '--json',
      ])
      expect(relaxed.status).toBe(0)
      expect(json(relaxed).result.notes.join(' ')).toContain('--max-lag 1m')
    } finally {
      drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    }
  })
})

describe('unplanned failover on the sandbox', () => {
  const sandbox = useSandbox()

  it('needs the typed Region or --yes --allow-data-loss', async () => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['failover', '--unplanned', '--to', 'us-west-2', '--yes', '--json'])
    expect(result.status).toBe(4)
    expect(json(result).error.hints[0]).toContain('--yes --allow-data-loss')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('with the primary Region unreachable, never calls it and moves writes and traffic', async () => {
    drctl(sandbox.home, ['sandbox', 'fault', 'region-outage', 'us-east-1', '--mode', 'hang'])
    try {
      const before = await callCount(sandbox.home)
      const result = drctl(sandbox.home, [
        'failover',
        '--unplanned',
        '--to',
        'us-west-2',
        '--yes',
        '--allow-data-loss',
        '--json',
      ])
      expect(result.status).toBe(0)
      const run = json(result).result
      expect(run.outcome).toBe('completed')
      const calls = await callsSince(sandbox.home, before)
      expect(calls.filter((call) => call.region === 'us-east-1')).toEqual([])
      expect(calls.filter((call) => call.mutating).map((call) => `${call.operation} ${call.region}`)).toEqual(
        expect.arrayContaining(['FailoverGlobalCluster us-west-2', 'FailoverGlobalCluster us-west-2']),
      )
      const mutating = calls.filter((call) => call.mutating).map((call) => call.operation)
      expect(mutating.indexOf('UpdateRoutingControlStates')).toBeLessThan(mutating.indexOf('FailoverGlobalCluster'))
      const report = JSON.parse(readFileSync(join(run.reportPath, '..', 'report.json'), 'utf8'))
      expect(report.evidence.rpo.summary).toMatch(/at the moment of failover|unknown/)
      expect(report.followUps.join(' ')).toContain('rds:unplanned-global-failover-')
    } finally {
      drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    }
    expect(writers(sandbox.home)).toEqual(['us-west-2', 'us-west-2'])
  })
})

describe('unplanned failover with --detach', () => {
  const sandbox = useSandbox()

  it('promotes the target to a standalone writer and status then names the orphaned global cluster', () => {
    drctl(sandbox.home, ['sandbox', 'fault', 'region-outage', 'us-east-1'])
    try {
      const result = drctl(sandbox.home, [
        'failover',
        '--unplanned',
        '--to',
        'us-west-2',
        '--detach',
        '--yes',
        '--allow-data-loss',
        '--json',
      ])
      expect(result.status).toBe(0)
      expect(json(result).result.steps.map((step: any) => step.id)).toEqual(
        expect.arrayContaining(['detach.orders-global', 'detach.catalog-global']),
      )
    } finally {
      drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    }
    const status = json(drctl(sandbox.home, ['status', '--json'])).result
    expect(status.aurora[0].detachedSurvivor).toMatchObject({clusterId: 'orders-usw2', region: 'us-west-2'})
    expect(status.checks.find((check: any) => check.id === 'aurora.orders-global.detached')).toMatchObject({
      status: 'warn',
    })

    // Another operator's machine: the same AWS (the sandbox world), none of this machine's run journals.
    const [runId] = runIds(sandbox.home, 'failover')
    const elsewhere = tempHome('drctl-elsewhere-')
    try {
      cpSync(join(sandbox.home, 'sandbox'), join(elsewhere.home, 'sandbox'), {recursive: true})
      const seen = json(drctl(elsewhere.home, ['status', '--json'])).result
      expect(runIds(elsewhere.home)).toEqual([])
      expect(seen.aurora.map((view: any) => view.detachedSurvivor)).toEqual([
        expect.objectContaining({clusterId: 'orders-usw2', region: 'us-west-2', runId}),
        expect.objectContaining({clusterId: 'catalog-usw2', region: 'us-west-2', runId}),
      ])
    } finally {
      elsewhere.cleanup()
    }
  })
})

describe('interrupted runs', () => {
  const sandbox = useSandbox({timeScale: 0.002})

  // The sandbox's switchover takes a minute plus the replication lag. A 50-minute lag outlasts drctl's
  // 30-minute wait by 20 minutes, a margin no scheduling delay on a loaded machine closes; a 20-minute
  // lag finishes inside one wait, so a run resumed right after a kill completes.
  // The lag is the target's: a switchover waits for the member it promotes to catch up.
  const slowSwitchover = (to: string, lag: 'outlasting' | 'long') =>
    drctl(sandbox.home, ['sandbox', 'fault', 'lag', 'orders-global', to, lag === 'outlasting' ? '3000000' : '1200000'])
  const start = ['failover', '--planned', '--to', 'us-west-2', '--max-lag', '2h', '--yes']

  it('a wait that times out exits 7, and resume finishes without sending the switchover again', async () => {
    slowSwitchover('us-west-2', 'outlasting')
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, [...start, '--json'])
    drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    expect(result.status).toBe(7)
    const envelope = json(result)
    expect(envelope.error.code).toBe('DRCTL_TIMEOUT')
    expect(envelope.error.hints.join(' ')).toContain(`drctl runs resume ${envelope.result.runId} --sandbox`)
    const resumed = drctl(sandbox.home, ['runs', 'resume', envelope.result.runId, '--yes', '--json'])
    expect(resumed.status).toBe(0)
    expect(json(resumed).result.outcome).toBe('completed')
    const switchovers = (await callsSince(sandbox.home, before)).filter(
      (call) => call.operation === 'SwitchoverGlobalCluster' && call.mutating,
    )
    expect(switchovers).toHaveLength(2)
    expect(writers(sandbox.home)).toEqual(['us-west-2', 'us-west-2'])
  })

  it('kill -9 in the middle of a wait: the run shows as stopped, blocks others, and resumes from live state', async () => {
    slowSwitchover('us-east-1', 'long')
    const before = await callCount(sandbox.home)
    const known = runIds(sandbox.home)
    const run = drctlAsync(sandbox.home, ['failover', '--planned', '--to', 'us-east-1', '--max-lag', '1h', '--yes'])
    const runId = await waitForJournal(sandbox.home, known, /"step-progress"[^\n]*switchover/)
    run.child.kill('SIGKILL')
    await run.done
    drctl(sandbox.home, ['sandbox', 'fault', 'clear'])

    const listed = json(drctl(sandbox.home, ['runs', 'list', '--json'])).result.runs.find(
      (entry: any) => entry.id === runId,
    )
    expect(listed.status).toBe('stopped')
    const blocked = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-east-1', '--yes', '--json'])
    expect(blocked.status).toBe(3)
    expect(json(blocked).error).toMatchObject({
      code: 'DRCTL_RUN_IN_PROGRESS',
      hints: [`resume it: drctl runs resume ${runId} --sandbox`, expect.stringContaining('abandon')],
    })

    const resumed = drctl(sandbox.home, ['runs', 'resume', runId, '--yes', '--json'])
    expect(resumed.status).toBe(0)
    expect(writers(sandbox.home)).toEqual(['us-east-1', 'us-east-1'])
    // One switchover per global cluster at most: the resume found what the killed run started. (The kill may land
    // after the sandbox applied a switchover but before it logged the call, so the log can hold one fewer.)
    const switchovers = (await callsSince(sandbox.home, before)).filter(
      (call) => call.operation === 'SwitchoverGlobalCluster' && call.mutating && call.status < 300,
    )
    expect(switchovers.length).toBeGreaterThanOrEqual(1)
    expect(switchovers.length).toBeLessThanOrEqual(2)
    const shown = drctl(sandbox.home, ['runs', 'show', runId])
    expect(shown.stdout).toContain('run resumed')
    expect(shown.stdout).toContain('Outcome: **completed**')
    expect(json(drctl(sandbox.home, ['runs', 'show', runId, '--json'])).result).toMatchObject({
      runId,
      outcome: 'completed',
      journal: join(sandbox.home, 'runs', runId, 'journal.jsonl'),
      journalEvents: journal(sandbox.home, runId).length,
    })
  })

  it('Ctrl-C stops after the call in flight, exits 130, says how to resume; abandon unblocks the topology', async () => {
    slowSwitchover('us-west-2', 'long')
    const known = runIds(sandbox.home)
    const run = drctlAsync(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--max-lag', '1h', '--yes'])
    const runId = await waitForJournal(sandbox.home, known, /"step-progress"[^\n]*switchover/)
    run.child.kill('SIGINT')
    const result = await run.done
    drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    expect(result.status).toBe(130)
    expect(result.stderr).toContain('stopping after the AWS call in flight')
    expect(result.stderr).toContain(`drctl runs resume ${runId}`)
    expect(journal(sandbox.home, runId).at(-1)).toMatchObject({type: 'run-end', outcome: 'interrupted', exit: 130})

    expect(drctl(sandbox.home, ['runs', 'abandon', runId, '--json']).status).toBe(4)
    const abandoned = drctl(sandbox.home, ['runs', 'abandon', runId, '--yes', '--json'])
    expect(abandoned.status).toBe(0)
    const next = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--dry-run', '--json'])
    expect(json(next).error?.code).not.toBe('DRCTL_RUN_IN_PROGRESS')
  })
})
