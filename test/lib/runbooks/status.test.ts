import {describe, expect, it} from 'vitest'

import type {Clock} from '../../../src/lib/core/clock.js'
import {failingChecks, type StatusReport, statusReport, watchStatus} from '../../../src/lib/runbooks/status.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'

/** Time passes only when slept; a sleep ends at once, or rejects when its signal is aborted, like the real one. */
function steppingClock(): Clock & {slept: number[]} {
  let now = 0
  const slept: number[] = []
  return {
    scale: 1,
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      slept.push(ms)
      now += ms
    },
  }
}

describe('status runbook', () => {
  it('watch: reports, waits the interval on the injected clock, again, until Ctrl-C', async () => {
    const clock = steppingClock()
    const stop = new AbortController()
    const reports: StatusReport[] = []
    const last = await watchStatus(testConfig(), new FakeAws(twoRegionState()), {
      clock,
      intervalMs: 5000,
      signal: stop.signal,
      onReport: (report) => {
        reports.push(report)
        if (reports.length === 3) stop.abort()
      },
    })
    expect(reports).toHaveLength(3)
    expect(reports.every((report) => report.topology.name === 'retail')).toBe(true)
    // Ctrl-C during the third report: that report is still shown, and no wait follows it.
    expect(clock.slept).toEqual([5000, 5000])
    expect(last).toBe(reports[2])
  })

  it('watch: does not read at all once interrupted', async () => {
    const stop = new AbortController()
    stop.abort()
    const aws = new FakeAws(twoRegionState())
    const last = await watchStatus(testConfig(), aws, {
      clock: steppingClock(),
      intervalMs: 1000,
      signal: stop.signal,
      onReport: () => expect.fail('no report after Ctrl-C'),
    })
    expect(last).toBeUndefined()
    expect(aws.calls).toEqual([])
  })

  it('fails on failing checks, and on warnings only when strict', async () => {
    const state = twoRegionState()
    state.metrics = {}
    const report = await statusReport(testConfig(), new FakeAws(state))
    expect(report.checks.filter((check) => check.status === 'fail')).toEqual([])
    expect(failingChecks(report, {strict: false})).toEqual([])
    expect(failingChecks(report, {strict: true}).map((check) => check.id)).toEqual([
      'aurora.orders-global.us-west-2.lag',
    ])

    state.stacks = []
    const failing = await statusReport(testConfig(), new FakeAws(state))
    expect(failingChecks(failing, {strict: false}).map((check) => check.id)).toEqual([
      'stack.us-east-1.app-use1',
      'stack.us-west-2.app-usw2',
    ])
  })
})
