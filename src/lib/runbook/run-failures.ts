import {AwsCallError, isTransient} from '../aws/errors.js'
import type {Clock} from '../core/clock.js'
import {DrctlError, errorMessage, ExitCode, isDrctlError} from '../core/errors.js'
import type {ProgressListener} from '../core/events.js'

// How the engine tells a failure to retry from one that stops the run, and which exit code a stopped run gets.

const STEP_ATTEMPTS = 3

/**
 * A step that fails on throttling, a 5xx or a lost connection is tried again from its check (which reads live
 * state first, so nothing is done twice); other failures stop the run.
 */
export async function withTransientRetries<T>(
  context: {clock: Clock; emit: ProgressListener; signal: AbortSignal},
  attempt: () => Promise<T>,
): Promise<T> {
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

export function interrupted(): DrctlError {
  return new DrctlError('DRCTL_INTERRUPTED', 'interrupted: stopped after the AWS call in flight')
}

export function asRunError(error: unknown, signal: AbortSignal): DrctlError {
  // An interruption already made (by the step that stopped) keeps the hints it was given.
  if (isDrctlError(error) && error.code === 'DRCTL_INTERRUPTED') return error
  if (signal.aborted && !(error instanceof AwsCallError)) return interrupted()
  if (isDrctlError(error)) return error
  return new DrctlError('DRCTL_INTERNAL', `unexpected error: ${errorMessage(error)}`, {cause: error})
}

/** The same failure with `hints` after its own (what a failed step left behind, once its retries are over). */
export function withHints(failure: DrctlError, hints: string[]): DrctlError {
  if (hints.length === 0) return failure
  return new DrctlError(failure.code, failure.message, {
    exit: failure.exit,
    hints: [...failure.hints, ...hints],
    details: failure.details,
    result: failure.result,
    cause: failure,
  })
}

/** AWS refusals (5), timeouts (7) and Ctrl-C (130) keep their codes; anything else after a change is "partial" (6). */
export function exitFor(failure: DrctlError, mutations: number): number {
  if ([ExitCode.aws, ExitCode.timeout, ExitCode.interrupted].includes(failure.exit as 5 | 7 | 130)) return failure.exit
  return mutations > 0 ? ExitCode.partial : failure.exit
}
