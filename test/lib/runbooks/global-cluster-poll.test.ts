import {describe, expect, it} from 'vitest'

import type {Clock} from '../../../src/lib/core/clock.js'
import {SwitchoverStep} from '../../../src/lib/runbooks/aurora-steps.js'
import {clusterArnOf, FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {stepContext} from './step-context.js'

/** Two global clusters switching over to us-west-2; `finish()` completes both switchovers. */
function switchingWorld() {
  const state = twoRegionState()
  const [orders] = state.globals
  const billing = structuredClone(orders!)
  billing.id = 'billing-global'
  state.globals.push(billing)
  for (const global of state.globals) {
    global.status = 'switching-over'
    global.failoverState = {
      status: 'switching-over',
      fromClusterArn: global.members[0]!.clusterArn,
      toClusterArn: global.members[1]!.clusterArn,
      isDataLossAllowed: false,
    }
  }
  const finish = () => {
    for (const global of state.globals) {
      global.status = 'available'
      global.failoverState = undefined
      global.members[0]!.isWriter = false
      global.members[1]!.isWriter = true
    }
  }
  return {state, finish}
}

/**
 * Every waiter that sleeps from the same moment wakes at the same moment (as timers do), so parallel waits poll
 * together; after `rounds` distinct wake-ups `onRound` runs.
 */
function sharedClock(rounds: number, onRound: () => void): Clock & {sleeps: number[]} {
  let now = 0
  const wakeUps = new Set<number>()
  const sleeps: number[] = []
  return {
    scale: 1,
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms)
      const wake = now + ms
      wakeUps.add(wake)
      if (wakeUps.size === rounds) onRound()
      await Promise.resolve()
      now = Math.max(now, wake)
    },
  }
}

describe('waiting for many global clusters', () => {
  it('shares one DescribeGlobalClusters per Region per poll and polls at least every 5 s', async () => {
    const {state, finish} = switchingWorld()
    const aws = new FakeAws(state)
    const clock = sharedClock(6, finish)
    const context = stepContext(aws, {}, clock)
    const moves = state.globals.map((global) => ({
      globalClusterId: global.id,
      targetRegion: 'us-west-2',
      targetClusterArn: clusterArnOf('us-west-2', 'orders-usw2'),
      targetClusterId: 'orders-usw2',
      fromRegion: 'us-east-1',
    }))
    await Promise.all(moves.map((move) => new SwitchoverStep(move).wait(context)))
    const polls = aws.calls.filter((call) => call.operation === 'DescribeGlobalClusters')
    // Seven polls (six wake-ups and the first look), each serving both global clusters.
    expect(polls).toHaveLength(7)
    expect(new Set(polls.map((call) => call.region))).toEqual(new Set(['us-west-2']))
    expect(Math.max(...clock.sleeps)).toBe(5000)
  })
})
