import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import type {Clock} from '../../../src/lib/core/clock.js'
import {DrctlError} from '../../../src/lib/core/errors.js'
import type {ProgressEvent} from '../../../src/lib/core/events.js'
import type {EngineContext} from '../../../src/lib/runbook/engine-context.js'
import {resumeRun, startRun} from '../../../src/lib/runbook/engine.js'
import {fileLockStore} from '../../../src/lib/runbook/file-lock.js'
import {readJournal} from '../../../src/lib/runbook/journal.js'
import {runLocks} from '../../../src/lib/runbook/run-lock.js'
import {journalPath, listRuns, loadRun} from '../../../src/lib/runbook/runs.js'
import type {PlanItem, RunPlan, Step, StepCheck, StepContext} from '../../../src/lib/runbook/types.js'
import {waitFor} from '../../../src/lib/runbook/wait.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {healthyTopology} from '../../fakes/topology.js'
import {tempHome} from '../../helpers/cli.js'
import {manualClock} from './manual-clock.js'

const {home, cleanup} = tempHome('drctl-engine-')
afterAll(cleanup)

/** A clock whose sleeps advance time instantly. */
function fakeClock(): Clock & {advance(ms: number): void} {
  let now = Date.parse('2026-11-22T03:00:00.000Z')
  return {
    scale: 1,
    now: () => now,
    advance: (ms) => (now += ms),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      now += ms
    },
  }
}

interface Script {
  check?: StepCheck['state']
  /** Polls before the awaited state appears. */
  polls?: number
  fail?: 'aws' | 'verify'
  milestone?: 'writes' | 'traffic'
  onWait?: (ctx: StepContext) => void | Promise<void>
}

class ScriptedStep implements Step {
  readonly log: string[] = []
  readonly milestone?: 'writes' | 'traffic'
  constructor(
    readonly id: string,
    private readonly script: Script = {},
  ) {
    this.milestone = script.milestone
  }
  get title() {
    return `step ${this.id}`
  }
  describe() {
    return [{service: 'RDS', operation: 'SwitchoverGlobalCluster', region: 'us-east-1', detail: this.id}]
  }
  async check(): Promise<StepCheck> {
    this.log.push('check')
    return {state: this.script.check ?? 'pending'}
  }
  async run(ctx: StepContext) {
    this.log.push('run')
    if (this.script.fail === 'aws') ctx.aws.rds('us-east-1').switchoverGlobalCluster('orders-global', 'arn')
    await ctx.aws.rds('us-east-1').switchoverGlobalCluster('orders-global', 'arn')
    ctx.record(`ran.${this.id}`, true)
  }
  async wait(ctx: StepContext) {
    this.log.push('wait')
    await this.script.onWait?.(ctx)
    let polls = this.script.polls ?? 0
    await waitFor({
      what: this.id,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: 60_000,
      poll: async () => ({done: polls-- <= 0, progress: `polls left ${polls}`}),
      progress: (message) => ctx.progress(message),
    })
  }
  async verify() {
    this.log.push('verify')
    if (this.script.fail === 'verify') throw new DrctlError('DRCTL_VERIFY_FAILED', `${this.id} did not verify`)
  }
}

function plan(items: PlanItem[], kind = 'test'): RunPlan {
  return {
    kind,
    title: `Test run ${kind}`,
    params: {},
    items,
    gates: [{id: 'gate.x', status: 'ok', message: 'fine'}],
    confirmation: {kind: 'confirm', message: 'go?'},
    notes: ['a note'],
    followUps: ['do this next'],
    evidence: {rpo: {ms: 0, summary: '0 (test)'}},
    excludedRegions: [],
  }
}

function context(overrides: Partial<EngineContext> = {}): EngineContext & {events: ProgressEvent[]; aws: FakeAws} {
  const events: ProgressEvent[] = []
  const aws = new FakeAws(twoRegionState())
  return {
    home,
    aws,
    clock: fakeClock(),
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
    observe: async () => healthyTopology(),
    events,
    ...overrides,
  } as EngineContext & {events: ProgressEvent[]; aws: FakeAws}
}

let topologies = 0
const identity = () => ({
  topology: `t${++topologies}`,
  topologyKey: `test:t${topologies}`,
  configPath: '/x/drctl.yaml',
  sandbox: true,
  flags: {yes: true},
})

describe('runbook engine', () => {
  it('runs steps in order and groups in parallel, journaling every step and mutating call', async () => {
    const a = new ScriptedStep('a', {polls: 2, milestone: 'writes'})
    const b1 = new ScriptedStep('b1', {milestone: 'traffic'})
    const b2 = new ScriptedStep('b2')
    const ctx = context()
    const result = await startRun(plan([a, {id: 'b', title: 'group b', parallel: [b1, b2]}]), identity(), ctx)
    expect(result).toMatchObject({outcome: 'completed', exit: 0})
    expect(a.log).toEqual(['check', 'run', 'wait', 'verify'])
    expect(b1.log).toEqual(['check', 'run', 'wait', 'verify'])
    const events = readJournal(journalPath(home, result.runId)).events
    expect(events[0]).toMatchObject({type: 'run-start', kind: 'test', flags: {yes: true}})
    expect(events.filter((event) => event.type === 'aws-call')).toHaveLength(3)
    expect(events.find((event) => event.type === 'aws-call')).toMatchObject({
      step: 'a',
      operation: 'SwitchoverGlobalCluster',
      requestId: expect.stringMatching(/^req-/),
    })
    expect(events.filter((event) => event.type === 'step-progress').length).toBeGreaterThan(0)
    expect(events.at(-1)).toMatchObject({type: 'run-end', outcome: 'completed', exit: 0})
    expect(result.rtoSeconds).not.toBeNull()
    expect(existsSync(join(home, 'runs', result.runId, 'report.md'))).toBe(true)
    const report = JSON.parse(readFileSync(join(home, 'runs', result.runId, 'report.json'), 'utf8'))
    expect(report).toMatchObject({
      outcome: 'completed',
      milestones: {writes: expect.any(Number), traffic: expect.any(Number)},
      evidence: {'ran.a': true},
    })
    expect(report.mutatingCalls).toHaveLength(3)
    expect(ctx.events.filter((event) => event.type === 'task-end').map((event) => (event as {id: string}).id)).toEqual([
      'a',
      'b1',
      'b2',
    ])
  })

  it('skips a step whose check finds it done, and only waits for one in progress', async () => {
    const done = new ScriptedStep('done', {check: 'done'})
    const running = new ScriptedStep('running', {check: 'in-progress'})
    const ctx = context()
    const result = await startRun(plan([done, running]), identity(), ctx)
    expect(done.log).toEqual(['check', 'verify'])
    expect(running.log).toEqual(['check', 'wait', 'verify'])
    expect(result.steps.map((step) => step.status)).toEqual(['skipped', 'done'])
    expect(ctx.aws.mutatingCalls()).toHaveLength(0)
  })

  it('stops on an AWS refusal with exit 5, journaled and resumable', async () => {
    const ctx = context()
    ctx.aws.fail('RDS', 'us-east-1', {kind: 'invalid', message: 'target is not synchronized'})
    const id = identity()
    const error = await startRun(plan([new ScriptedStep('a')]), id, ctx).catch((failure: unknown) => failure)
    expect(error).toBeInstanceOf(DrctlError)
    const failure = error as DrctlError
    expect(failure).toMatchObject({code: 'DRCTL_AWS_INVALID_STATE', exit: 5})
    expect(failure.message).toContain('target is not synchronized')
    expect(failure.hints.join(' ')).toMatch(/drctl runs resume /)
    const runId = (failure.result as {runId: string}).runId
    const {summary, events} = loadRun(home, runId)
    expect(summary.status).toBe('failed')
    expect(events.find((event) => event.type === 'aws-call')).toMatchObject({
      mutating: true,
      error: {code: 'InvalidGlobalClusterStateFault'},
    })
    // AWS refused the only change: nothing changed, so nothing blocks the next run on this topology.
    await expect(startRun(plan([new ScriptedStep('z')]), id, context())).resolves.toMatchObject({outcome: 'completed'})
  })

  it('retries a step from its check after a transient AWS failure (throttling)', async () => {
    const ctx = context()
    let failures = 1
    const step = new ScriptedStep('flaky')
    const original = step.run.bind(step)
    step.run = async (stepCtx) => {
      if (failures-- > 0) {
        ctx.aws.fail('RDS', 'us-east-1', {kind: 'throttling'})
        try {
          await stepCtx.aws.rds('us-east-1').switchoverGlobalCluster('orders-global', 'arn')
        } finally {
          ctx.aws.fail('RDS', 'us-east-1', {kind: 'throttling'})
          ;(ctx.aws as unknown as {failures: Map<string, unknown>}).failures.clear()
        }
      }
      return original(stepCtx)
    }
    const result = await startRun(plan([step]), identity(), ctx)
    expect(result.outcome).toBe('completed')
    expect(step.log.filter((entry) => entry === 'check')).toHaveLength(2)
    expect(ctx.events.some((event) => event.type === 'warning' && event.message.includes('retrying the step'))).toBe(
      true,
    )
  })

  it('a wait that times out exits 7', async () => {
    const step = new ScriptedStep('slow', {polls: 1_000})
    const error = (await startRun(plan([step]), identity(), context()).catch(
      (failure: unknown) => failure,
    )) as DrctlError
    expect(error).toMatchObject({code: 'DRCTL_TIMEOUT', exit: 7})
    expect((error.result as {outcome: string}).outcome).toBe('timed-out')
  })

  it('a failed verification after a change is a partial run (exit 6) that blocks the topology', async () => {
    const id = identity()
    const error = (await startRun(plan([new ScriptedStep('v', {fail: 'verify'})]), id, context()).catch(
      (failure: unknown) => failure,
    )) as DrctlError
    expect(error).toMatchObject({code: 'DRCTL_VERIFY_FAILED', exit: 6})
    await expect(startRun(plan([new ScriptedStep('z')]), id, context())).rejects.toMatchObject({
      code: 'DRCTL_RUN_IN_PROGRESS',
      exit: 3,
      hints: [expect.stringContaining('drctl runs resume'), expect.stringContaining('drctl runs abandon')],
    })
  })

  it('Ctrl-C stops the wait at once, keeps the journal consistent and exits 130', async () => {
    const controller = new AbortController()
    const step = new ScriptedStep('waiting', {polls: 1_000, onWait: () => controller.abort()})
    const after = new ScriptedStep('after')
    const error = (await startRun(plan([step, after]), identity(), context({signal: controller.signal})).catch(
      (failure: unknown) => failure,
    )) as DrctlError
    expect(error).toMatchObject({code: 'DRCTL_INTERRUPTED', exit: 130})
    expect(after.log).toEqual([])
    const runId = (error.result as {runId: string}).runId
    const {summary} = loadRun(home, runId)
    expect(summary.status).toBe('interrupted')
    expect(summary.steps.map((entry) => entry.status)).toEqual(['failed', 'pending'])
  })

  it('a failed or interrupted step says what it leaves behind after the reason, before how to resume', async () => {
    const leaving = (step: ScriptedStep) => Object.assign(step, {leftBehind: () => ['tmp-cluster may be left behind']})
    const failed = (await startRun(
      plan([leaving(new ScriptedStep('v', {fail: 'verify'}))]),
      identity(),
      context(),
    ).catch((failure: unknown) => failure)) as DrctlError
    expect(failed).toMatchObject({code: 'DRCTL_VERIFY_FAILED', exit: 6})
    expect(failed.hints).toEqual(['tmp-cluster may be left behind', expect.stringContaining('drctl runs resume')])
    const controller = new AbortController()
    const waiting = leaving(new ScriptedStep('w', {polls: 1_000, onWait: () => controller.abort()}))
    const interrupted = (await startRun(plan([waiting]), identity(), context({signal: controller.signal})).catch(
      (failure: unknown) => failure,
    )) as DrctlError
    expect(interrupted).toMatchObject({code: 'DRCTL_INTERRUPTED', exit: 130})
    expect(interrupted.hints[0]).toBe('tmp-cluster may be left behind')
  })

  it('resumes an interrupted run: done steps are re-checked, the rest run', async () => {
    const controller = new AbortController()
    const id = identity()
    const first = new ScriptedStep('first')
    const second = new ScriptedStep('second', {polls: 1_000, onWait: () => controller.abort()})
    const error = (await startRun(plan([first, second]), id, context({signal: controller.signal})).catch(
      (failure: unknown) => failure,
    )) as DrctlError
    const runId = (error.result as {runId: string}).runId

    const firstAgain = new ScriptedStep('first', {check: 'done'})
    const secondAgain = new ScriptedStep('second', {check: 'in-progress'})
    const result = await resumeRun(runId, plan([firstAgain, secondAgain]), context())
    expect(result.outcome).toBe('completed')
    expect(firstAgain.log).toEqual(['check', 'verify'])
    expect(secondAgain.log).toEqual(['check', 'wait', 'verify'])
    const events = readJournal(journalPath(home, runId)).events
    expect(events.filter((event) => event.type === 'run-resume')).toHaveLength(1)
    expect(
      events.filter((event) => event.type === 'run-end').map((event) => (event as {outcome: string}).outcome),
    ).toEqual(['interrupted', 'completed'])
    expect(loadRun(home, runId).summary.status).toBe('completed')
    // Evidence recorded before the interruption is still there after the resume.
    expect(result.evidence['ran.first']).toBe(true)
  })

  it('treats a run without a last word (kill -9) as stopped, and resumable', async () => {
    const id = identity()
    const result = await startRun(plan([new ScriptedStep('a')]), id, context())
    const path = journalPath(home, result.runId)
    // Simulate a crash: drop everything after the first step started.
    const lines = readFileSync(path, 'utf8').split('\n')
    const cut = lines.findIndex((line) => line.includes('"step-check"'))
    writeFileSync(path, `${lines.slice(0, cut).join('\n')}\n{"type":"step-end","at":`)
    expect(listRuns(home).find((run) => run.id === result.runId)?.status).toBe('stopped')
    const resumed = await resumeRun(result.runId, plan([new ScriptedStep('a', {check: 'done'})]), context())
    expect(resumed.outcome).toBe('completed')
  })

  it('lets every parallel step finish before reporting the failure of one', async () => {
    const slow = new ScriptedStep('slow', {polls: 3})
    const failing = new ScriptedStep('failing', {fail: 'verify'})
    await expect(
      startRun(plan([{id: 'g', title: 'g', parallel: [failing, slow]}]), identity(), context()),
    ).rejects.toMatchObject({code: 'DRCTL_VERIFY_FAILED'})
    expect(slow.log).toEqual(['check', 'run', 'wait', 'verify'])
  })

  it('resumes a damaged run from its start record, re-deriving every step from live state, and journals so', async () => {
    const id = identity()
    const result = await startRun(plan([new ScriptedStep('a'), new ScriptedStep('b')]), id, context())
    const path = journalPath(home, result.runId)
    // A garbage line where the run's end was: it might have said anything.
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    writeFileSync(path, `${[...lines.slice(0, -1), '\u0000\u0000garbage'].join('\n')}\n`)
    expect(loadRun(home, result.runId).summary).toMatchObject({status: 'damaged', readableStatus: 'stopped'})
    const again = [new ScriptedStep('a', {check: 'done'}), new ScriptedStep('b', {check: 'done'})]
    const resumed = await resumeRun(result.runId, plan(again), context())
    expect(resumed.outcome).toBe('completed')
    expect(again.map((step) => step.log)).toEqual([
      ['check', 'verify'],
      ['check', 'verify'],
    ])
    const events = readJournal(path).events
    expect(events.find((event) => event.type === 'run-resume')).toMatchObject({damagedLines: [lines.length]})
    const {summary} = loadRun(home, result.runId)
    expect(summary).toMatchObject({status: 'damaged', readableStatus: 'completed'})
    expect(readFileSync(resumed.reportPath, 'utf8')).toMatch(/run resumed.*re-derived from live state/)
  })
})

describe('the topology lock', () => {
  it('refuses to start while another process holds it, naming the holder; nothing runs', async () => {
    const id = identity()
    const holder = {owner: 'bob', host: hostname(), pid: process.ppid, runId: 'other-run'}
    const held = await runLocks(home).acquire(id.topologyKey, holder, {leaseMs: 30_000})
    const runsBefore = readdirSync(join(home, 'runs')).length
    const step = new ScriptedStep('a')
    const error = (await startRun(plan([step]), id, context()).catch((failure: unknown) => failure)) as DrctlError
    expect(error).toMatchObject({
      code: 'DRCTL_RUN_IN_PROGRESS',
      exit: 6,
      details: {holder: {...holder, since: expect.any(String), expiresAt: expect.any(String), version: 1}},
    })
    expect(error.message).toContain(`run other-run (bob, pid ${process.ppid} on ${hostname()}, since `)
    expect(error.hints).toEqual([
      expect.stringContaining('drctl runs show other-run'),
      expect.stringMatching(/drctl runs resume other-run.*drctl runs abandon other-run/),
    ])
    expect(step.log).toEqual([])
    expect(readdirSync(join(home, 'runs'))).toHaveLength(runsBefore)
    if (held.acquired) await held.lease.release()
    await expect(startRun(plan([new ScriptedStep('z')]), id, context())).resolves.toMatchObject({outcome: 'completed'})
  })

  it('is held while the run is driven, renewed on the lock clock, and released at the end', async () => {
    const id = identity()
    const lockClock = manualClock()
    const locks = fileLockStore(join(home, 'locks'), {clock: lockClock})
    const seen: unknown[] = []
    const step = new ScriptedStep('a', {
      onWait: async () => {
        seen.push(await locks.inspect(id.topologyKey))
        await lockClock.advance(5000)
        seen.push(await locks.inspect(id.topologyKey))
      },
    })
    const result = await startRun(plan([step]), id, context({locks}))
    const since = lockClock.now() - 5000
    expect(seen).toEqual([
      expect.objectContaining({
        runId: result.runId,
        pid: process.pid,
        expiresAt: new Date(since + 30_000).toISOString(),
      }),
      expect.objectContaining({runId: result.runId, expiresAt: new Date(since + 35_000).toISOString()}),
    ])
    expect(await locks.inspect(id.topologyKey)).toBeUndefined()
  })

  it('a run whose lock was taken from it stops before its next step, resumable', async () => {
    const id = identity()
    const lockClock = manualClock()
    const locks = fileLockStore(join(home, 'locks'), {clock: lockClock})
    const first = new ScriptedStep('first', {
      onWait: async () => {
        await locks.breakGlass(id.topologyKey)
        await lockClock.advance(5000)
      },
    })
    const second = new ScriptedStep('second')
    const error = (await startRun(plan([first, second]), id, context({locks})).catch(
      (failure: unknown) => failure,
    )) as DrctlError
    expect(error).toMatchObject({code: 'DRCTL_RUN_IN_PROGRESS', message: expect.stringMatching(/lost the lock/)})
    expect(first.log).toEqual(['check', 'run', 'wait', 'verify'])
    expect(second.log).toEqual([])
    expect(error.hints.join(' ')).toContain('drctl runs resume')
  })
})
