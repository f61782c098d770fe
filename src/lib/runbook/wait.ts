import {AwsCallError, isTransient} from '../aws/errors.js'
import type {Clock} from '../core/clock.js'
import {formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'

export interface WaitOptions<T> {
  /** What is awaited, for progress and errors: "orders-usw2 to become the writer". */
  what: string
  clock: Clock
  signal: AbortSignal
  /** In world time (the sandbox scales it with its clock). */
  timeoutMs: number
  firstDelayMs?: number
  maxDelayMs?: number
  poll(): Promise<{done: boolean; value?: T; progress?: string}>
  progress?(message: string): void
}

/** Polls until done with exponential backoff; a timeout is exit 7 (resumable), Ctrl-C aborts at once. */
export async function waitFor<T>(options: WaitOptions<T>): Promise<T | undefined> {
  const {clock} = options
  const started = clock.now()
  const deadline = started + options.timeoutMs * clock.scale
  let delay = options.firstDelayMs ?? 2000
  const maxDelay = options.maxDelayMs ?? 15_000
  let lastProgress: string | undefined
  for (;;) {
    let result: Awaited<ReturnType<typeof options.poll>>
    try {
      result = await options.poll()
    } catch (error) {
      // A throttled or timed-out read is no reason to abandon a failover half-way: try again at the next poll.
      if (!(error instanceof AwsCallError) || !isTransient(error.kind)) throw error
      result = {done: false, progress: `${error.awsCode} while polling; retrying`}
    }
    if (result.done) return result.value
    if (result.progress && result.progress !== lastProgress) {
      lastProgress = result.progress
      options.progress?.(result.progress)
    }
    if (clock.now() >= deadline) {
      throw new DrctlError(
        'DRCTL_TIMEOUT',
        `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.what}${lastProgress ? ` (last seen: ${lastProgress})` : ''}`,
        {hints: ['AWS may still be working on it: check `drctl status`, then `drctl runs resume ID`']},
      )
    }
    await clock.sleep(delay, options.signal)
    delay = Math.min(maxDelay, Math.round(delay * 1.5))
  }
}
