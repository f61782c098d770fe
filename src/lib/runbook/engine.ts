import {AsyncLocalStorage} from 'node:async_hooks'
import {mkdirSync} from 'node:fs'
import {hostname} from 'node:os'

import type {AwsCallObserver, AwsCallRecord} from '../aws/invoke.js'
import type {AwsPorts, CallerIdentity} from '../aws/ports.js'
import {type Clock, formatDuration} from '../core/clock.js'
import {DrctlError, ExitCode} from '../core/errors.js'
import type {ProgressListener} from '../core/events.js'
import type {Topology} from '../topology/views.js'
import {summarizeTopology} from '../topology/summary.js'
import {Journal, type PlannedStep, type RunOutcome} from './journal.js'
import type {KeptAlive, LockStore} from './lock.js'
import {journaledReport, writeReport} from './report.js'
import {asRunError, exitFor, interrupted, withTransientRetries} from './run-failures.js'
import {holding, lockFor, runLocks} from './run-lock.js'
import type {JournalMirror} from './team-journal.js'
import {
  assertNoUnfinishedRun,
  assertUnfinished,
  journalPath,
  leaseKey,
  loadRun,
  newRunId,
  runDirectory,
  type StepSummary,
} from './runs.js'
import {type Approval, isGroup, type PlanItem, type RunPlan, type Step, type StepContext} from './types.js'

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
  /** Where the topology lock is kept: files under `home` unless given. */
  locks?: LockStore
  /** The team state table the journal is copied to, when drctl.yaml names one. */
  mirror?: JournalMirror
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

/**
 * Starts a confirmed plan as a journaled run, holding the topology's lock until it ends; refuses if another process
 * holds it, or if the topology has an unfinished run.
 */
export async function startRun(plan: RunPlan, identity: RunIdentity, context: EngineContext): Promise<RunResult> {
  const locks = context.locks ?? runLocks(context.home)
  const runId = newRunId(plan.kind, identity.topology)
  const lease = await lockFor(locks, identity.topologyKey, runId)
  try {
    assertNoUnfinishedRun(context.home, identity.topologyKey)
    mkdirSync(runDirectory(context.home, runId), {recursive: true})
    const journal = new Journal(journalPath(context.home, runId))
    journal.append({
      type: 'run-start',
      at: new Date(context.clock.now()).toISOString(),
      runId,
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
      host: hostname(),
      gates: plan.gates,
      plan: plannedSteps(plan.items),
      notes: plan.notes,
      followUps: plan.followUps,
      evidence: plan.evidence,
      excludedRegions: plan.excludedRegions,
      before: identity.before ? summarizeTopology(identity.before) : undefined,
    })
    journal.close()
    context.mirror?.notify(runId)
  } catch (error) {
    await lease.release()
    throw error
  }
  return holding(lease, locks, (kept) => mirrored(context, () => drive(runId, plan, context, kept)))
}

/** Runs `task`, then waits for the journal's copy in the team table, warning of events it could not copy. */
async function mirrored<T>(context: EngineContext, task: () => Promise<T>): Promise<T> {
  try {
    return await task()
  } finally {
    const mirror = context.mirror
    if (mirror) {
      await mirror.flush()
      for (const {runId, error} of mirror.failures.splice(0)) {
        context.emit({
          type: 'warning',
          message:
            `run ${runId}: the team state table ${mirror.table} (${mirror.region}) lacks some of its journal ` +
            `(${error instanceof Error ? error.message : String(error)}); the next resume sends it`,
        })
      }
    }
  }
}

/**
 * Continues a run that stopped for any reason, holding its topology's lock. Every step is checked against live
 * state again, from the first: done steps are verified and skipped, in-flight changes are waited for, the rest run.
 * A damaged journal changes nothing there: its unreadable lines are journaled with the resume.
 */
export async function resumeRun(runId: string, plan: RunPlan, context: EngineContext): Promise<RunResult> {
  const locks = context.locks ?? runLocks(context.home)
  const lease = await lockFor(locks, leaseKey(loadRun(context.home, runId).summary), runId)
  let damagedLines: number[]
  try {
    // Read again under the lock: another process may have finished the run meanwhile.
    const {summary} = loadRun(context.home, runId)
    assertUnfinished(summary, 'resume')
    damagedLines = summary.journalProblems.filter((problem) => problem.kind === 'damaged').map(({line}) => line)
  } catch (error) {
    await lease.release()
    throw error
  }
  return holding(lease, locks, (kept) => mirrored(context, () => drive(runId, plan, context, kept, {damagedLines})))
}

/** Records that an unfinished run will not be resumed (nothing changes in AWS), and writes its report. */
export async function abandonRun(
  home: string,
  runId: string,
  locks = runLocks(home),
  mirror?: JournalMirror,
): Promise<void> {
  const lease = await lockFor(locks, leaseKey(loadRun(home, runId).summary), runId)
  try {
    const {summary} = loadRun(home, runId)
    assertUnfinished(summary, 'abandon')
    const journal = new Journal(journalPath(home, runId))
    journal.append({type: 'run-end', at: new Date().toISOString(), outcome: 'abandoned', exit: 0})
    journal.close()
    await mirror?.push(runId)
    writeReport(summary.dir, journaledReport(home, runId))
  } finally {
    await lease.release()
  }
}

export function plannedSteps(items: PlanItem[]): PlannedStep[] {
  return items.flatMap((item) =>
    (isGroup(item) ? item.parallel.map((step) => ({step, group: item.id})) : [{step: item, group: undefined}]).map(
      ({step, group}) => ({id: step.id, title: step.title, group, calls: step.describe(), milestone: step.milestone}),
    ),
  )
}

/**
 * The approvals given for a run: journaled here, or given on another machine through the team state table (then
 * journaled here, so that the report names who approved). A table that does not answer delays an approval found
 * there to the next poll; it never fails the run.
 */
async function approvalsOf(runId: string, context: EngineContext, journal: Journal): Promise<Approval[]> {
  const local = loadRun(context.home, runId).events.flatMap((event) =>
    event.type === 'approval' ? [{step: event.step, by: event.by, at: event.at}] : [],
  )
  const remote = context.mirror ? await context.mirror.approvals(runId).catch(() => []) : []
  const fresh = remote.filter((approval) => !local.some((given) => given.step === approval.step))
  for (const approval of fresh) journal.append({type: 'approval', ...approval})
  return [...local, ...fresh]
}

/** Drives a run whose lock is held (and kept alive); `resumed` when continuing one that stopped. */
async function drive(
  runId: string,
  plan: RunPlan,
  context: EngineContext,
  kept: KeptAlive,
  resumed?: {damagedLines: number[]},
): Promise<RunResult> {
  const dir = runDirectory(context.home, runId)
  const now = () => new Date(context.clock.now()).toISOString()
  const journal = new Journal(journalPath(context.home, runId), now, () => context.mirror?.notify(runId))
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
  if (resumed) {
    const {damagedLines} = resumed
    const resume = {type: 'run-resume', at: now(), pid: process.pid, host: hostname()} as const
    journal.append({...resume, ...(damagedLines.length > 0 && {damagedLines})})
  }

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
    approvals: () => approvalsOf(runId, context, journal),
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

  /** Before each step: Ctrl-C stops the run, and so does a lock taken from it (another process may drive it now). */
  const stopIfNeeded = () => {
    if (context.signal.aborted) throw interrupted()
    const lost = kept.lost()
    if (lost) throw lost
  }

  const executeStep = (step: Step) =>
    currentStep.run(step.id, async () => {
      stopIfNeeded()
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
      stopIfNeeded()
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
  const report = journaledReport(context.home, runId)
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
