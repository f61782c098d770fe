/** Time is injected so that waits are testable without real delays, and scaled when rehearsing on the sandbox. */
export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * Real milliseconds per millisecond of the world's time: 1 against AWS; the sandbox's time scale when rehearsing
   * (0.01: a minute of AWS time passes in 600ms of real time).
   */
  readonly scale: number
}

export const systemClock: Clock = {
  scale: 1,
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, {once: true})
    }),
}

const MIN_SCALED_SLEEP_MS = 25

/**
 * A clock whose sleeps are shortened by `factor` (the sandbox's time scale), so polling keeps pace with it; never
 * below a few real milliseconds, so that a fast-forwarded rehearsal does not flood the simulator with polls.
 */
export function scaledClock(base: Clock, factor: number): Clock {
  return {
    scale: factor,
    now: () => base.now(),
    sleep: (ms, signal) => base.sleep(Math.max(MIN_SCALED_SLEEP_MS, Math.round(ms * factor)), signal),
  }
}

/** Parses durations such as `30s`, `5m`, `1500ms`, `2h` or a bare number of milliseconds. */
export function parseDuration(text: string): number | undefined {
  // Trimmed first: blanks on both sides of the unit would make the match quadratic on a long run of them.
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim())
  if (!match) return undefined
  const value = Number(match[1])
  const unit = (match[2] ?? 'ms').toLowerCase()
  const factor = unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1
  return Math.round(value * factor)
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`
  const minutes = Math.floor(seconds / 60)
  const rest = Math.round(seconds % 60)
  if (minutes < 60) return rest ? `${minutes}m${rest}s` : `${minutes}m`
  return `${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ''}`
}
