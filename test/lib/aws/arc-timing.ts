import {manualClock} from '../runbook/manual-clock.js'

export type ManualClock = ReturnType<typeof manualClock>
export {manualClock}

export type Settled<T> = {elapsedMs: number} & ({ok: true; value: T} | {ok: false; error: unknown})

/**
 * Moves `clock` on in steps of `stepMs` until `promise` settles (letting the work each step wakes run to completion),
 * and says how much clock time that took. Fails the test when it would take longer than `limitMs`.
 */
export async function settle<T>(
  promise: Promise<T>,
  clock: ManualClock,
  options: {stepMs?: number; limitMs?: number} = {},
): Promise<Settled<T>> {
  const {stepMs = 10, limitMs = 120_000} = options
  const started = clock.now()
  let outcome: {ok: true; value: T} | {ok: false; error: unknown} | undefined
  promise.then(
    (value) => (outcome = {ok: true, value}),
    (error: unknown) => (outcome = {ok: false, error}),
  )
  await new Promise((resolve) => setImmediate(resolve))
  while (!outcome) {
    if (clock.now() - started >= limitMs) throw new Error(`still unsettled after ${limitMs}ms of clock time`)
    await clock.advance(stepMs)
  }
  return {elapsedMs: clock.now() - started, ...outcome}
}

/** The value of a promise that settles as `clock` moves on (its error, thrown, when it fails). */
export async function valueOf<T>(promise: Promise<T>, clock: ManualClock): Promise<T> {
  const settled = await settle(promise, clock)
  if (!settled.ok) throw settled.error
  return settled.value
}
