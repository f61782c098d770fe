import type {Clock} from '../../../src/lib/core/clock.js'
import type {StepContext} from '../../../src/lib/runbook/types.js'
import type {FakeAws} from '../../fakes/aws.js'

/** A clock that moves on by `tickMs` at every reading and never sleeps: waits run out without real delays. */
export function tickingClock(tickMs = 1000): Clock {
  let now = 0
  return {scale: 1, now: () => (now += tickMs), sleep: async () => {}}
}

/** A step context on a fake AWS, holding what an earlier, interrupted attempt of the run journaled (if anything). */
export function stepContext(aws: FakeAws, records: Record<string, unknown> = {}, clock = tickingClock()): StepContext {
  const recorded = new Map(Object.entries(records))
  return {
    runId: 'test-run',
    aws,
    clock,
    signal: new AbortController().signal,
    progress: () => {},
    record: (key, value) => recorded.set(key, value),
    recorded: (key) => recorded.get(key) as never,
  }
}
