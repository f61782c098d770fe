import {AwsCallError, iamActionOf} from '../aws/errors.js'
import type {Clock} from '../core/clock.js'
import {errorMessage, isDrctlError} from '../core/errors.js'
import type {KeyedLimiter} from './limiter.js'
import type {RegionReachability, Unreadable} from './views.js'

export type Read<T> = {ok: true; value: T} | {ok: false; error: Unreadable}

/** Runs reads through the limiter, turns failures into "unreadable", and tracks which Regions answer. */
export class RegionReader {
  private readonly failures = new Map<string, string>()
  private readonly answered = new Set<string>()
  private readonly pending: Promise<unknown>[] = []

  constructor(
    private readonly regions: string[],
    private readonly limiter: KeyedLimiter,
    private readonly clock: Clock,
    /** Topology Regions deliberately not called (the failed Region of an unplanned failover). */
    private readonly excluded: string[] = [],
  ) {}

  /**
   * A read of a global service's control plane (Route 53, CloudFront in us-east-1; Global Accelerator in us-west-2):
   * skipped when that Region is excluded, and its failures say nothing about the Region's own reachability.
   */
  readControlPlane<T>(service: string, region: string, task: () => Promise<T>): Promise<Read<T>> {
    if (this.excluded.includes(region)) {
      return Promise.resolve({ok: false, error: {kind: 'excluded', message: `${region} was not called`}})
    }
    const promise = this.limiter
      .run(`${service}:${region}`, () => retryThrottled(task, this.clock))
      .then(
        (value): Read<T> => ({ok: true, value}),
        (error: unknown): Read<T> => ({ok: false, error: unreadableOf(error)}),
      )
    this.pending.push(promise)
    return promise
  }

  read<T>(service: string, region: string, task: () => Promise<T>): Promise<Read<T>> {
    // The one guard that keeps an observation out of excluded Regions, whatever part asks.
    if (!this.regions.includes(region)) {
      return Promise.resolve({ok: false, error: {kind: 'excluded', message: `${region} was not called`}})
    }
    const promise = this.limiter
      .run(`${service}:${region}`, () => retryThrottled(task, this.clock))
      .then(
        (value): Read<T> => {
          this.answered.add(region)
          return {ok: true, value}
        },
        (error: unknown): Read<T> => {
          const unreadable = unreadableOf(error)
          if (unreadable.kind === 'network' || unreadable.kind === 'timeout') {
            if (!this.failures.has(region)) this.failures.set(region, unreadable.message)
          } else {
            this.answered.add(region)
          }
          return {ok: false, error: unreadable}
        },
      )
    this.pending.push(promise)
    return promise
  }

  /** The first successful answer among several Regions; later answers are still awaited by `settled()`. */
  async first<T>(service: string, regions: string[], task: (region: string) => Promise<T>): Promise<Read<T>> {
    const reads = regions.map((region) => this.read(service, region, () => task(region)))
    if (reads.length === 0) return {ok: false, error: {kind: 'excluded', message: 'no Region to ask'}}
    const winner = Promise.any(
      reads.map((read) => read.then((result) => (result.ok ? result : Promise.reject(result)))),
    )
    return winner.catch(async () => (await reads[0]) as Read<T>)
  }

  async settled(): Promise<void> {
    await Promise.allSettled(this.pending)
  }

  reachability(): RegionReachability[] {
    return this.regions.map((region) => {
      const error = this.failures.get(region)
      // A Region is unreachable when it failed at the network level and never answered anything.
      return error && !this.answered.has(region) ? {region, reachable: false, error} : {region, reachable: true}
    })
  }
}

/**
 * The SDK already retries; a read that is still throttled gets two more chances, so that a busy account does not
 * turn into "unknown" on the screen. Network failures are not retried here: an unreachable Region must not slow
 * the whole observation down.
 */
async function retryThrottled<T>(task: () => Promise<T>, clock: Clock): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task()
    } catch (error) {
      const retryable = error instanceof AwsCallError && (error.kind === 'throttling' || error.kind === 'server')
      if (!retryable || attempt >= 2) throw error
      await clock.sleep(200 * 2 ** attempt)
    }
  }
}

export function unreadableOf(error: unknown): Unreadable {
  if (error instanceof AwsCallError) {
    return error.kind === 'access-denied'
      ? {kind: error.kind, message: error.message, action: iamActionOf(error.target)}
      : {kind: error.kind, message: error.message}
  }
  if (isDrctlError(error)) return {kind: error.code, message: error.message}
  return {kind: 'other', message: errorMessage(error)}
}
