import {readWorldAt, withWorldAt} from './advance.js'
import {addedLatencyMs, arcEndpointMode, controlPlaneOutage, regionOutage, throttleRate} from './faults.js'
import type {ApiError} from './errors.js'
import type {Answer, PendingAnswer, Routed} from './protocol/answers.js'
import {isMutatingOperation} from './store.js'
import type {FaultMode, World} from './world.js'

/** How a routed call ends: an answer, or a fault that refuses the connection or leaves it hanging. */
export type Outcome = Answer | {kind: 'fault'; mode: FaultMode; fault: string}

export interface DispatchOptions {
  home: string
  now: number
  random: () => number
  /** ARC endpoint index (1–5) of the listener that took the call; undefined for the main listener. */
  arcIndex?: number
  arcEndpointUrl(canonical: string): string
  /** The refusal of a call the enforced IAM policy does not allow (iam/enforce.ts); undefined lets it through. */
  authorize?(routed: Routed, world: World): ApiError | undefined
}

/** Faults first (outage, throttling), then the operation itself (a write under the world lock); then the added latency. */
export async function dispatch(options: DispatchOptions, routed: Routed): Promise<Outcome> {
  const {action, requestId, style} = routed
  const {arcIndex, now} = options
  // A call signed for no Region cannot be hit by a Region's fault.
  if (!routed.region && action.kind === 'reject') return style.answer(action.error, requestId)
  // An endpoint that does not exist fails at once, whatever the faults: no outage can make it hang.
  if (action.kind === 'drop') return {kind: 'fault', mode: 'refuse', fault: 'no-such-endpoint'}
  const mutating = isMutatingOperation(routed.operation)
  const decide = (world: World): {outcome: Outcome | PendingAnswer; latencyMs: number} => {
    const outage = arcIndex !== undefined ? arcEndpointMode(world, arcIndex) : regionOutage(world, routed.region)
    if (outage) {
      const fault = arcIndex !== undefined ? 'arc-endpoint-down' : 'region-outage'
      return {outcome: {kind: 'fault', mode: outage, fault}, latencyMs: 0}
    }
    const controlPlaneDown = arcIndex === undefined ? controlPlaneOutage(world, routed.service) : undefined
    if (controlPlaneDown) {
      return {outcome: {kind: 'fault', mode: controlPlaneDown, fault: 'control-plane-outage'}, latencyMs: 0}
    }
    const latencyMs = addedLatencyMs(world)
    const denied = options.authorize?.(routed, world)
    if (denied) return {outcome: style.answer(denied, requestId), latencyMs}
    if (action.kind === 'reject') return {outcome: style.answer(action.error, requestId), latencyMs}
    const rate = throttleRate(world)
    if (rate > 0 && options.random() < rate) {
      return {outcome: style.answer(style.throttling(), requestId), latencyMs}
    }
    // Changes are made on a copy, kept only if the operation succeeds; reads need no copy.
    const draft = mutating ? structuredClone(world) : world
    const answer = action.run({
      world: draft,
      home: options.home,
      region: routed.region,
      now,
      requestId,
      arcEndpointUrl: options.arcEndpointUrl,
    })
    if (answer.kind === 'answer' && answer.status < 300 && draft !== world) Object.assign(world, draft)
    return {outcome: answer, latencyMs}
  }
  // A read takes a snapshot and leaves the lock to writers; the first call of a home without a world makes one.
  const decided =
    (mutating ? undefined : await readWorldAt(options.home, now, decide)) ??
    (await withWorldAt(options.home, now, decide))
  const outcome = decided.outcome.kind === 'pending' ? await decided.outcome.settle() : decided.outcome
  if (decided.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decided.latencyMs))
  return outcome
}
