import type {AsyncLocalStorage} from 'node:async_hooks'

import {formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {EngineContext} from './engine-context.js'
import type {Journal} from './journal.js'
import type {KeptAlive} from './lock.js'
import {asRunError, interrupted, withHints, withTransientRetries} from './run-failures.js'
import {loadRun} from './runs.js'
import type {Approval, Step, StepContext} from './types.js'

/** What the steps of one run share while it is driven. */
export interface RunScope {
  runId: string
  context: EngineContext
  /** The run's lock, kept alive; taken from it when another process breaks it. */
  kept: KeptAlive
  journal: Journal
  /** Values steps recorded (this run's and, when resumed, its earlier attempts'), by key. */
  recorded: Map<string, unknown>
  /** The step whose AWS calls are being made, for the journal. */
  currentStep: AsyncLocalStorage<string>
  now: () => string
}

/** Before each step: Ctrl-C stops the run, and so does a lock taken from it (another process may drive it now). */
export function stopIfNeeded({context, kept}: RunScope): void {
  if (context.signal.aborted) throw interrupted()
  const lost = kept.lost()
  if (lost) throw lost
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

function stepContext({runId, context, journal, recorded, now}: RunScope, step: Step): StepContext {
  return {
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
  }
}

/** check → run → wait → verify; read-before-write makes the whole sequence safe to repeat. */
async function runStep({journal, now}: RunScope, step: Step, ctx: StepContext) {
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

/** Executes one step of the run, journaling its start and end; a step whose deadline defers it does not fail. */
export function executeStep(scope: RunScope, step: Step): Promise<void> {
  const {context, journal, now} = scope
  return scope.currentStep.run(step.id, async () => {
    stopIfNeeded(scope)
    const started = context.clock.now()
    journal.append({type: 'step-start', at: now(), step: step.id})
    context.emit({type: 'task-start', id: step.id, title: step.title})
    const ctx = stepContext(scope, step)
    try {
      const attempt = () => withTransientRetries(context, () => runStep(scope, step, ctx))
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
      const failure = withHints(asRunError(error, context.signal), step.leftBehind?.(ctx) ?? [])
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
