import {AsyncLocalStorage} from 'node:async_hooks'
import {mkdirSync} from 'node:fs'

import {AwsCallError, isTransient} from '../aws/errors.js'
import type {AwsCallObserver, AwsCallRecord} from '../aws/invoke.js'
import type {AwsPorts, CallerIdentity} from '../aws/ports.js'
import {type Clock, formatDuration} from '../core/clock.js'
import {DrctlError, ExitCode, isDrctlError} from '../core/errors.js'
import type {ProgressListener} from '../core/events.js'
import type {Topology} from '../topology/views.js'
import {summarizeTopology} from '../topology/summary.js'
import {Journal, type JournalEvent, type PlannedStep, type RunOutcome} from './journal.js'
import {buildReport, writeReport} from './report.js'
import {
  assertNoUnfinishedRun,
  journalPath,
  loadRun,
  lockRun,
  newRunId,
  runDirectory,
  type RunSummary,
  type StepSummary,
  withTopologyLock,
} from './runs.js'
import {isGroup, type PlanItem, type RunPlan, type Step, type StepContext} from './types.js'

/** What the engine needs from the outside world; commands assemble it. */
export interface EngineContext {
  home: string
  aws: AwsPorts & {observers: AwsCallObserver[]}
  clock: Clock
  emit: ProgressListener
  /** Aborted on Ctrl-C. */
  signal: AbortSignal
  /** A fresh observation for the final verification and the report (never of excluded Regions). */
  observe: () => Promise<Topology>
}

export interface RunIdentity {
  topology: string
  topologyKey: string
  configPath: string
  sandbox: boolean
  flags: Record<string, unknown>
  caller?: CallerIdentity
  before?: Topology
}

export interface RunResult {
  runId: string
  kind: string
  outcome: RunOutcome
  exit: number
  steps: StepSummary[]
  rtoSeconds: number | null
  evidence: Record<string, unknown>
  reportPath: string
  error?: {code: string; message: string}
}

/** Starts a confirmed plan as a journaled run; refuses if the topology has an unfinished run. */
export async function startRun(plan: RunPlan, identity: RunIdentity, context: EngineContext): Promise<RunResult> {
  const runId = await withTopologyLock(context.home, identity.topologyKey, async () => {
    assertNoUnfinishedRun(context.home, identity.topologyKey)
    const id = newRunId(plan.kind, identity.topology)
    mkdirSync(runDirectory(context.home, id), {recursive: true})
    const journal = new Journal(journalPath(context.home, id))
    journal.append({
      type: 'run-start',
      at: new Date(context.clock.now()).toISOString(),
      runId: id,
      kind: plan.kind,
      title: plan.title,
      topology: identity.topology,
      topologyKey: identity.topologyKey,
      configPath: identity.configPath,
      sandbox: identity.sandbox,
      params: plan.params,
      flags: identity.flags,
      caller: identity.caller,
      pid: process.pid,
      gates: plan.gates,
      plan: plannedSteps(plan.items),
      notes: plan.notes,
      followUps: plan.followUps,
      evidence: plan.evidence,
      excludedRegions: plan.excludedRegions,
      before: identity.before ? summarizeTopology(identity.before) : undefined,
    })
    journal.close()
    return id
  })
  return drive(runId, plan, context, false)
}

/**
 * Continues a run that stopped for any reason. Every step is checked against live state again, from the first:
 * done steps are verified and skipped, in-flight changes are waited for, the rest run.
 */
export async function resumeRun(runId: string, plan: RunPlan, context: EngineContext): Promise<RunResult> {
  return drive(runId, plan, context, true)
}

/** Records that an unfinished run will not be resumed (nothing changes in AWS), and writes its report. */
export function abandonRun(home: string, run: RunSummary): void {
  const journal = new Journal(journalPath(home, run.id))
  journal.append({type: 'run-end', at: new Date().toISOString(), outcome: 'abandoned', exit: 0})
  journal.close()
  writeReport(run.dir, buildReport(run.id, run.dir, loadRun(home, run.id).events))
}

export function plannedSteps(items: PlanItem[]): PlannedStep[] {
  return items.flatMap((item) =>
    (isGroup(item) ? item.parallel.map((step) => ({step, group: item.id})) : [{step: item, group: undefined}]).map(
      ({step, group}) => ({id: step.id, title: step.title, group, calls: step.describe(), milestone: step.milestone}),
    ),
  )
}

async function drive(runId: string, plan: RunPlan, context: EngineContext, resuming: boolean): Promise<RunResult> {
  const dir = runDirectory(context.home, runId)
  const unlock = lockRun(dir)
  const journal = new Journal(journalPath(context.home, runId))
  const now = () => new Date(context.clock.now()).toISOString()
  const currentStep = new AsyncLocalStorage<string>()
  const recorded = new Map<string, unknown>(Object.entries(plan.evidence))
  let mutations = 0
  const {events: earlier} = loadRun(context.home, runId)
  const sandbox = earlier.find((event) => event.type === 'run-start')?.sandbox ?? false
  for (const event of earlier) {
    if (event.type === 'record') recorded.set(event.key, event.value)
    if (event.type === 'aws-call' && event.mutating) mutations++
  }

  const onCall: AwsCallObserver = (call: AwsCallRecord) => {
    if (call.mutating) mutations++
    // Reads are too many to journal; mutating calls and failures are what the operator needs afterwards.
    if (!call.mutating && !call.error) return
    journal.append({
      type: 'aws-call',
      at: now(),
      step: currentStep.getStore(),
      service: call.service,
      operation: call.operation,
      region: call.region,
      mutating: call.mutating,
      requestId: call.requestId,
      durationMs: call.durationMs,
      error: call.error,
    })
  }
  context.aws.observers.push(onCall)
  if (resuming) journal.append({type: 'run-resume', at: now(), pid: process.pid})

  const stepContext = (step: Step): StepContext => ({
    runId,
    aws: context.aws,
    clock: context.clock,
    signal: context.signal,
    progress: (message) => {
      journal.append({type: 'step-progress', at: now(), step: step.id, message})
      context.emit({type: 'task-update', id: step.id, message})
    },
    record: (key, value) => {
      recorded.set(key, value)
      journal.append({type: 'record', at: now(), step: step.id, key, value})
    },
    recorded: <T>(key: string) => recorded.get(key) as T | undefined,
    followUp: (message) => {
      journal.append({type: 'follow-up', at: now(), step: step.id, message})
      context.emit({type: 'warning', message: `follow-up: ${message}`})
    },
    approvals: async () =>
      loadRun(context.home, runId).events.flatMap((event) =>
        event.type === 'approval' ? [{step: event.step, by: event.by, at: event.at}] : [],
      ),
  })

  /** check → run → wait → verify; read-before-write makes the whole sequence safe to repeat. */
  const runStep = async (step: Step, ctx: StepContext) => {
    const check = await step.check(ctx)
    journal.append({type: 'step-check', at: now(), step: step.id, state: check.state, note: check.note})
    if (check.state === 'pending') await step.run(ctx)
    if (check.state !== 'done' && step.wait) {
      journal.append({type: 'step-wait', at: now(), step: step.id})
      await step.wait(ctx)
    }
    await step.verify(ctx)
    return check
  }

  const executeStep = (step: Step) =>
    currentStep.run(step.id, async () => {
      if (context.signal.aborted) throw interrupted()
      const started = context.clock.now()
      journal.append({type: 'step-start', at: now(), step: step.id})
      context.emit({type: 'task-start', id: step.id, title: step.title})
      const ctx = stepContext(step)
      try {
        const attempt = () => withTransientRetries(context, () => runStep(step, ctx))
        const check = step.deadline ? await withinDeadline(context, step, attempt) : await attempt()
        if (step.milestone) journal.append({type: 'milestone', at: now(), step: step.id, name: step.milestone})
        const status = check.state === 'done' ? 'skipped' : 'done'
        journal.append({type: 'step-end', at: now(), step: step.id, status, durationMs: context.clock.now() - started})
        context.emit({
          type: 'task-end',
          id: step.id,
          status,
          message: check.state === 'done' ? (check.note ?? 'already done') : undefined,
        })
      } catch (error) {
        const failure = asRunError(error, context.signal)
        if (step.deadline?.onMiss === 'defer' && failure.code !== 'DRCTL_INTERRUPTED') {
          journal.append({
            type: 'step-end',
            at: now(),
            step: step.id,
            status: 'deferred',
            durationMs: context.clock.now() - started,
            error: failure.message,
          })
          ctx.followUp(`${step.deadline.followUp} (${failure.message})`)
          context.emit({type: 'task-end', id: step.id, status: 'deferred', message: failure.message})
          return
        }
        journal.append({
          type: 'step-end',
          at: now(),
          step: step.id,
          status: 'failed',
          durationMs: context.clock.now() - started,
          error: failure.message,
        })
        context.emit({type: 'task-end', id: step.id, status: 'failed', message: failure.message})
        throw failure
      }
    })

  let failure: DrctlError | undefined
  try {
    for (const item of plan.items) {
      if (context.signal.aborted) throw interrupted()
      if (!isGroup(item)) {
        await executeStep(item)
        continue
      }
      // A started switchover cannot be taken back: let every parallel step finish before reporting a failure.
      const results = await Promise.allSettled(item.parallel.map(executeStep))
      const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
      if (rejected) throw rejected.reason
    }
  } catch (error) {
    failure = asRunError(error, context.signal)
  } finally {
    context.aws.observers.splice(context.aws.observers.indexOf(onCall), 1)
  }

  let after: Topology | undefined
  try {
    after = await context.observe()
  } catch {
    after = undefined
  }
  const outcome: RunOutcome = !failure
    ? 'completed'
    : failure.code === 'DRCTL_INTERRUPTED'
      ? 'interrupted'
      : failure.code === 'DRCTL_TIMEOUT'
        ? 'timed-out'
        : 'failed'
  const exit = failure ? exitFor(failure, mutations) : ExitCode.ok
  journal.append({
    type: 'run-end',
    at: now(),
    outcome,
    exit,
    error: failure ? {code: failure.code, message: failure.message} : undefined,
    after: after ? summarizeTopology(after) : undefined,
  })
  journal.close()
  unlock()
  const report = buildReport(runId, dir, loadRun(context.home, runId).events as JournalEvent[])
  const reportPath = writeReport(dir, report)
  const result: RunResult = {
    runId,
    kind: plan.kind,
    outcome,
    exit,
    steps: report.steps,
    rtoSeconds: report.rtoSeconds,
    evidence: report.evidence,
    reportPath,
    error: failure ? {code: failure.code, message: failure.message} : undefined,
  }
  if (failure) {
    throw new DrctlError(failure.code, failure.message, {
      exit: exit as DrctlError['exit'],
      hints: [
        ...failure.hints,
        `the run is journaled: drctl runs show ${runId}; continue with drctl runs resume ${runId}${sandbox ? ' --sandbox' : ''}`,
      ],
      result,
      cause: failure,
    })
  }
  return result
}

const STEP_ATTEMPTS = 3

/**
 * A step that fails on throttling, a 5xx or a lost connection is tried again from its check (which reads live
 * state first, so nothing is done twice); other failures stop the run.
 */
async function withTransientRetries<T>(context: EngineContext, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      if (
        !(error instanceof AwsCallError) ||
        !isTransient(error.kind) ||
        tries >= STEP_ATTEMPTS ||
        context.signal.aborted
      )
        throw error
      context.emit({type: 'warning', message: `${error.message}; retrying the step (${tries}/${STEP_ATTEMPTS - 1})`})
      await context.clock.sleep(1000 * tries, context.signal)
    }
  }
}

/** A step bound by a deadline: past it the run stops waiting (a call still in flight is left to finish on its own). */
async function withinDeadline<T>(context: EngineContext, step: Step, attempt: () => Promise<T>): Promise<T> {
  const deadline = step.deadline as NonNullable<Step['deadline']>
  const timer = new AbortController()
  const missed = context.clock.sleep(deadline.ms, AbortSignal.any([timer.signal, context.signal])).then(() => {
    throw new DrctlError(
      'DRCTL_TIMEOUT',
      `${step.title}: no result within the deadline of ${formatDuration(deadline.ms)}`,
    )
  })
  try {
    return await Promise.race([attempt(), missed])
  } finally {
    timer.abort()
    missed.catch(() => undefined)
  }
}

function interrupted(): DrctlError {
  return new DrctlError('DRCTL_INTERRUPTED', 'interrupted: stopped after the AWS call in flight')
}

function asRunError(error: unknown, signal: AbortSignal): DrctlError {
  if (signal.aborted && !(error instanceof AwsCallError)) return interrupted()
  if (isDrctlError(error)) return error
  return new DrctlError(
    'DRCTL_INTERNAL',
    `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    {cause: error},
  )
}

/** AWS refusals (5), timeouts (7) and Ctrl-C (130) keep their codes; anything else after a change is "partial" (6). */
function exitFor(failure: DrctlError, mutations: number): number {
  if ([ExitCode.aws, ExitCode.timeout, ExitCode.interrupted].includes(failure.exit as 5 | 7 | 130)) return failure.exit
  return mutations > 0 ? ExitCode.partial : failure.exit
}
