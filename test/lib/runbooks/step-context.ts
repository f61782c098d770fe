import type {Clock} from '../../../src/lib/core/clock.js'
import type {EngineContext} from '../../../src/lib/runbook/engine-context.js'
import type {Approval, PlanItem, RunPlan, Step, StepCheck, StepContext} from '../../../src/lib/runbook/types.js'
import type {AwsPorts} from '../../../src/lib/aws/ports.js'
import type {StepMove} from '../../../src/lib/runbooks/app-steps/move.js'
import {healthyTopology} from '../../fakes/topology.js'

/** A clock that moves on by `tickMs` at every reading and never sleeps: waits run out without real delays. */
export function tickingClock(tickMs = 1000): Clock {
  let now = 0
  return {scale: 1, now: () => (now += tickMs), sleep: async () => {}}
}

/**
 * A step context on AWS ports (a fake, or real adapters against the sandbox), holding what an earlier, interrupted attempt of the run journaled (if anything);
 * `followUps` collects what steps leave for later, `approvals` is what `drctl runs approve` has recorded.
 */
export function stepContext(
  aws: AwsPorts,
  records: Record<string, unknown> = {},
  clock = tickingClock(),
  extra: {followUps?: string[]; approvals?: Approval[]} = {},
): StepContext {
  const recorded = new Map(Object.entries(records))
  return {
    followUp: (message) => extra.followUps?.push(message),
    approvals: async () => extra.approvals ?? [],
    runId: 'test-run',
    aws,
    clock,
    signal: new AbortController().signal,
    progress: () => {},
    record: (key, value) => recorded.set(key, value),
    recorded: (key) => recorded.get(key) as never,
  }
}

/** A step driven as the engine drives it: check → run (when pending) → wait (unless done) → verify. */
export async function driveStep(step: Step, ctx: StepContext): Promise<StepCheck> {
  const check = await step.check(ctx)
  if (check.state === 'pending') await step.run(ctx)
  if (check.state !== 'done') await step.wait?.(ctx)
  await step.verify(ctx)
  return check
}

/** What an application step is told of the run: orders-global moves from us-east-1 to us-west-2, unless overridden. */
export function stepMove(overrides: Partial<StepMove> = {}): StepMove {
  return {to: 'us-west-2', from: ['us-east-1'], failedRegions: [], globalClusters: ['orders-global'], ...overrides}
}

/** A plan of just `items`, with no gates, notes or evidence, for driving steps through the real engine. */
export function stepsPlan(title: string, items: PlanItem[]): RunPlan {
  return {
    kind: 'test',
    title,
    params: {},
    items,
    gates: [],
    confirmation: {kind: 'confirm', message: 'go?'},
    notes: [],
    followUps: [],
    evidence: {},
    excludedRegions: [],
  }
}

/** The engine's context on AWS ports, journaling into `home`, with a ticking clock and a healthy topology. */
export function engineContext(home: string, aws: EngineContext['aws']): EngineContext {
  return {
    home,
    aws,
    clock: tickingClock(),
    emit: () => {},
    signal: new AbortController().signal,
    observe: async () => healthyTopology(),
  }
}
