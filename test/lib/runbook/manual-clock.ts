import type {Clock} from '../../../src/lib/core/clock.js'

/** A clock that moves only when the test says so; sleepers wake when their time comes. */
export function manualClock(): Clock & {advance(ms: number): Promise<void>} {
  let now = Date.parse('2026-11-22T03:00:00.000Z')
  const sleepers = new Set<{until: number; wake: () => void}>()
  return {
    scale: 1,
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        const sleeper = {until: now + ms, wake: resolve}
        sleepers.add(sleeper)
        signal?.addEventListener('abort', () => {
          sleepers.delete(sleeper)
          reject(signal.reason)
        })
      }),
    advance: async (ms) => {
      now += ms
      for (const sleeper of [...sleepers].filter((candidate) => candidate.until <= now)) {
        sleepers.delete(sleeper)
        sleeper.wake()
      }
      // Let what the woken sleepers do (a heartbeat) finish.
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}
