import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import type {Clock} from '../../../src/lib/core/clock.js'
import {DrctlError} from '../../../src/lib/core/errors.js'
import type {ProgressEvent} from '../../../src/lib/core/events.js'
import {type EngineContext, resumeRun, startRun} from '../../../src/lib/runbook/engine.js'
import {Journal} from '../../../src/lib/runbook/journal.js'
import {journalPath, listRuns, loadRun} from '../../../src/lib/runbook/runs.js'
import type {PlanItem, RunPlan, Step, StepCheck, StepContext} from '../../../src/lib/runbook/types.js'
import {waitFor} from '../../../src/lib/runbook/wait.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {healthyTopology} from '../../fakes/topology.js'
import {tempHome} from '../../helpers/cli.js'

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
  onWait?: (ctx: StepContext) => void
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
    this.script.onWait?.(ctx)
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
    const events = Journal.read(journalPath(home, result.runId))
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
    const events = Journal.read(journalPath(home, runId))
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
    const {writeFileSync} = await import('node:fs')
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
})
