import {describe, expect, it} from 'vitest'

import {type Clock, formatDuration, parseDuration, scaledClock, systemClock} from '../../../src/lib/core/clock.js'

function recordingClock(): Clock & {sleeps: number[]} {
  const sleeps: number[] = []
  return {scale: 1, sleeps, now: () => 42, sleep: async (ms) => void sleeps.push(ms)}
}

describe('scaledClock', () => {
  it('shortens sleeps by the time scale and says so in its scale', async () => {
    const base = recordingClock()
    const clock = scaledClock(base, 0.01)
    await clock.sleep(60_000)
    expect(base.sleeps).toEqual([600])
    expect(clock.scale).toBe(0.01)
    expect(clock.now()).toBe(42)
  })

  it('never sleeps less than 25ms, so a fast-forwarded rehearsal does not flood the simulator with polls', async () => {
    const base = recordingClock()
    const clock = scaledClock(base, 0.001)
    await clock.sleep(1000)
    await clock.sleep(0)
    expect(base.sleeps).toEqual([25, 25])
  })

  it('passes the abort signal on', async () => {
    const controller = new AbortController()
    controller.abort(new Error('interrupted'))
    await expect(scaledClock(systemClock, 0.5).sleep(10_000, controller.signal)).rejects.toThrow('interrupted')
  })
})

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1500ms', 1500],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['250', 250],
    ['soon', undefined],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    [999, '999ms'],
    [1500, '1.5s'],
    [42_000, '42s'],
    [65_000, '1m5s'],
    [120_000, '2m'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
