import {AwsCallError} from '../aws/errors.js'
import {DrctlError} from '../core/errors.js'
import {waitFor} from '../runbook/wait.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'

/** How long a deletion may take (an Aurora cluster, a stack), and how long the quicker changes may. */
export const DELETE_TIMEOUT_MS = 60 * 60_000
export const SHORT_TIMEOUT_MS = 20 * 60_000

/**
 * A step whose check says when it is done: it waits by polling the check (its notes are the progress) and verifies
 * by reading it once more.
 */
export abstract class CheckedStep implements Step {
  abstract readonly id: string
  abstract readonly title: string
  abstract describe(): PlannedCall[]
  abstract check(ctx: StepContext): Promise<StepCheck>
  abstract run(ctx: StepContext): Promise<void>

  protected timeoutMs = SHORT_TIMEOUT_MS

  wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `"${this.title}" to complete`, this.timeoutMs)
  }

  async verify(ctx: StepContext): Promise<void> {
    const state = await this.check(ctx)
    if (state.state !== 'done')
      throw new DrctlError('DRCTL_VERIFY_FAILED', `${this.title}: not done (${state.note ?? state.state})`)
  }

  protected async untilDone(ctx: StepContext, what: string, timeoutMs: number): Promise<void> {
    await waitFor({
      what,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs,
      poll: async () => {
        const state = await this.check(ctx)
        return {done: state.state === 'done', progress: state.note}
      },
      progress: (message) => ctx.progress(message),
    })
  }
}

/** A resource the run creates: pending until it exists, done once available (its status is the progress). */
export function availableCheck(resource: {status: string} | undefined, noun: string): StepCheck {
  if (!resource) return {state: 'pending'}
  return resource.status === 'available'
    ? {state: 'done', note: `${noun} available`}
    : {state: 'in-progress', note: `${noun} ${resource.status}`}
}

/** Adds an entry, once, to a list in the run's evidence (`deleted`, `snapshots`: the report lists them). */
export function recordInList(ctx: StepContext, key: string, entry: string): void {
  const list = ctx.recorded<string[]>(key) ?? []
  if (!list.includes(entry)) ctx.record(key, [...list, entry])
}

/** Record what a run removed (the report lists it). */
export const recordDeleted = (ctx: StepContext, what: string) => recordInList(ctx, 'deleted', what)

/** A delete answered "not found" found its work done (by an earlier attempt, or by hand). */
export const isNotFound = (error: unknown) => error instanceof AwsCallError && error.kind === 'not-found'
