import {AwsCallError} from '../../aws/errors.js'
import {formatDuration} from '../../core/clock.js'
import type {StepContext} from '../../runbook/types.js'

/** Pauses between tries: Route 53 applies a hosted zone's changes one at a time, each INSYNC within about a minute. */
const BUSY_DELAYS_MS = [2000, 4000, 8000, 16_000, 30_000]

/**
 * A write tried again while AWS answers "busy" (throttling, Route 53 PriorRequestNotComplete, Global Accelerator
 * TransactionInProgressException) — past the SDK's own few quick retries. Application steps write whole values
 * (UPSERT, a dial), so another try is harmless.
 */
export async function retryWhileBusy<T>(ctx: StepContext, write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write()
    } catch (error) {
      const delay = BUSY_DELAYS_MS[attempt]
      if (delay === undefined || !(error instanceof AwsCallError) || error.kind !== 'throttling') throw error
      ctx.progress(`${error.awsCode}: trying again in ${formatDuration(delay)}`)
      await ctx.clock.sleep(delay, ctx.signal)
    }
  }
}
