import {describe, expect, it} from 'vitest'

import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {Clock} from '../../../src/lib/core/clock.js'
import {waitFor} from '../../../src/lib/runbook/wait.js'

function clock(scale = 1): Clock & {slept: number[]} {
  let now = 0
  const slept: number[] = []
  return {
    scale,
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms * scale
    },
  }
}

const throttled = () =>
  new AwsCallError(
    {service: 'RDS', operation: 'DescribeGlobalClusters', region: 'us-east-1'},
    {name: 'Throttling', message: 'Rate exceeded', $metadata: {httpStatusCode: 400}},
  )

describe('waitFor', () => {
  it('polls with growing delays until done and reports progress changes', async () => {
    const time = clock()
    const progress: string[] = []
    let polls = 0
    const value = await waitFor({
      what: 'x',
      clock: time,
      signal: new AbortController().signal,
      timeoutMs: 60_000,
      poll: async () =>
        ++polls < 4 ? {done: false, progress: polls < 3 ? 'pending' : 'switching-over'} : {done: true, value: 'ok'},
      progress: (message) => progress.push(message),
    })
    expect(value).toBe('ok')
    expect(time.slept).toEqual([2000, 3000, 4500])
    expect(progress).toEqual(['pending', 'switching-over'])
  })

  it('rides out a throttled poll instead of failing the run', async () => {
    let polls = 0
    const value = await waitFor({
      what: 'x',
      clock: clock(),
      signal: new AbortController().signal,
      timeoutMs: 60_000,
      poll: async () => {
        if (++polls === 1) throw throttled()
        return {done: true, value: polls}
      },
    })
    expect(value).toBe(2)
  })

  it('times out in world time (exit 7) with the last state seen', async () => {
    await expect(
      waitFor({
        what: 'the switchover',
        clock: clock(0.01),
        signal: new AbortController().signal,
        timeoutMs: 10_000,
        poll: async () => ({done: false, progress: 'pending'}),
      }),
    ).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      exit: 7,
      message: 'timed out after 10s waiting for the switchover (last seen: pending)',
    })
  })

  it('stops at once when aborted', async () => {
    const controller = new AbortController()
    const time: Clock = {
      scale: 1,
      now: () => 0,
      sleep: async (_ms, signal) => Promise.reject(signal?.reason ?? new Error('aborted')),
    }
    controller.abort(new Error('interrupted'))
    await expect(
      waitFor({what: 'x', clock: time, signal: controller.signal, timeoutMs: 1000, poll: async () => ({done: false})}),
    ).rejects.toThrow('interrupted')
  })
})
