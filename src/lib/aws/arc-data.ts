import {
  ListRoutingControlsCommand,
  type Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster'

import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {ArcEndpointHealth} from './arc-endpoint-health.js'
import {AwsCallError, isTransient} from './errors.js'
import {allPages} from './pages.js'
import type {
  Answered,
  ArcDataPort,
  ArcEndpoint,
  EndpointAttempt,
  Mutation,
  RoutingControlState,
  RoutingControlStateValue,
} from './ports.js'
import type {Caller} from './session.js'

export interface ArcEndpointClient {
  client: Route53RecoveryClusterClient
  call: Caller
}

/**
 * How long a read waits for one cluster endpoint before asking the next one too. A live endpoint on the caller's
 * continent answers a read within about 250 ms even on a new TLS connection; one across an ocean may take longer, and
 * then a duplicate read is all the hedge costs. A hanging endpoint, without it, would hold the read for its whole
 * deadline (seconds) on every pass. Real time: network latency does not shrink with the sandbox's time scale.
 */
export const ARC_HEDGE_DELAY_MS = 300

export interface RotationOptions {
  /** Endpoints in these Regions go last. */
  avoidRegions: string[]
  random: () => number
  /** Full passes over the endpoints before giving up (a later pass only after every endpoint failed). */
  rounds: number
  roundBackoffMs: number
  /** Reads: start the next endpoint when the one before has not answered within this (real) time. */
  hedgeDelayMs: number
  /** What the run has learnt about the endpoints so far (shared by the session's ports), updated by every call. */
  health: ArcEndpointHealth
  clock: Clock
}

type Outcome<T> = {ok: true; value: T} | {ok: false; error: unknown}

/** One endpoint asked, and what came of it. */
interface Flight<T> {
  endpoint: ArcEndpoint
  controller: AbortController
  /** Still unanswered when the next endpoint was started: a hung endpoint, if another one answers. */
  outlived: boolean
  outcome: Promise<Outcome<T>>
}

const abandonment = (message: string) => Object.assign(new Error(message), {name: 'AbortError'})

/**
 * The ARC data plane, rotating across the cluster's endpoints (aws-reference §3.2): one client per endpoint, signed
 * with that endpoint's Region; start at a random endpoint; move on after 5xx, throttling, timeouts and connection
 * errors; stop at answers (validation, access denied, not found, conflict). Reads are hedged: an endpoint that has
 * not answered within the hedge delay keeps going while the next one is asked, and the first answer wins. Writes go
 * to one endpoint at a time (callers verify them by reading back). Endpoints that failed or hung are tried last for
 * the rest of the run, and the one that answered first.
 */
export class RotatingArcDataPlane implements ArcDataPort {
  constructor(
    readonly endpoints: ArcEndpoint[],
    private readonly clientFor: (endpoint: ArcEndpoint) => ArcEndpointClient,
    private readonly options: RotationOptions,
  ) {
    if (endpoints.length === 0) {
      throw new DrctlError('DRCTL_CONFIG_INVALID', 'no ARC cluster endpoints are known', {
        hints: ['run `drctl routing endpoints --save` to cache them in drctl.yaml'],
      })
    }
  }

  /**
   * The order this call will try the endpoints in: a random start, then round the ring; endpoints that failed or
   * hung in this run last, endpoints in avoided Regions after the others, an endpoint that answered before untried
   * ones.
   */
  order(): ArcEndpoint[] {
    const start = Math.floor(this.options.random() * this.endpoints.length) % this.endpoints.length
    const ring = [...this.endpoints.slice(start), ...this.endpoints.slice(0, start)]
    return this.options.health.arrange(ring, this.options.avoidRegions)
  }

  async listRoutingControls(controlPanelArn?: string): Promise<Answered<RoutingControlState[]>> {
    return this.rotate('ListRoutingControls', false, ({client, call}, signal) =>
      allPages(async (nextToken) => {
        const page = await call(
          'ListRoutingControls',
          false,
          (abortSignal) =>
            client.send(new ListRoutingControlsCommand({ControlPanelArn: controlPanelArn, NextToken: nextToken}), {
              abortSignal,
            }),
          signal,
        )
        const controls = (page.RoutingControls ?? []).map((control): RoutingControlState => ({
          arn: control.RoutingControlArn ?? '',
          name: control.RoutingControlName ?? '',
          state: control.RoutingControlState === 'On' ? 'On' : 'Off',
          controlPanelArn: control.ControlPanelArn,
          controlPanelName: control.ControlPanelName,
        }))
        return {items: controls, next: page.NextToken}
      }),
    )
  }

  async updateRoutingControlStates(
    entries: {arn: string; state: RoutingControlStateValue}[],
    safetyRulesToOverride: string[],
  ): Promise<Answered<Mutation>> {
    return this.rotate('UpdateRoutingControlStates', true, async ({client, call}, signal) => {
      const output = await call(
        'UpdateRoutingControlStates',
        true,
        (abortSignal) =>
          client.send(
            new UpdateRoutingControlStatesCommand({
              UpdateRoutingControlStateEntries: entries.map((entry) => ({
                RoutingControlArn: entry.arn,
                RoutingControlState: entry.state,
              })),
              SafetyRulesToOverride: safetyRulesToOverride.length > 0 ? safetyRulesToOverride : undefined,
            }),
            {abortSignal},
          ),
        signal,
      )
      return {requestId: output.$metadata.requestId}
    })
  }

  private async rotate<T>(
    operation: string,
    mutating: boolean,
    attempt: (endpointClient: ArcEndpointClient, signal: AbortSignal) => Promise<T>,
  ): Promise<Answered<T>> {
    const attempts: EndpointAttempt[] = []
    for (let round = 0; round < this.options.rounds; round++) {
      if (round > 0) await this.options.clock.sleep(this.options.roundBackoffMs * round)
      const answer = await this.pass(this.order(), mutating, attempt, attempts)
      if (answer) return {...answer, attempts}
    }
    const lastByEndpoint = new Map<string, EndpointAttempt>()
    for (const tried of attempts) lastByEndpoint.set(tried.endpoint.url, tried)
    const summary = [...lastByEndpoint.values()]
      .map((tried) => `${tried.endpoint.region} ${tried.endpoint.url} (${tried.error})`)
      .join('; ')
    throw new DrctlError(
      'DRCTL_ARC_ENDPOINTS_FAILED',
      `ARC ${operation} failed on every cluster endpoint: ${summary}`,
      {
        hints: [
          'ARC keeps at least 3 of 5 endpoints up: check this host’s network path to them and retry',
          ...(mutating ? ['a timed-out update may still have applied: check with `drctl routing list`'] : []),
        ],
        details: {attempts},
      },
    )
  }

  /**
   * One pass over `order`: the first endpoint answers, or fails (the next is asked at once), or, for a read, is still
   * silent after the hedge delay (the next is asked alongside). Undefined when every endpoint failed.
   */
  private async pass<T>(
    order: ArcEndpoint[],
    mutating: boolean,
    attempt: (endpointClient: ArcEndpointClient, signal: AbortSignal) => Promise<T>,
    attempts: EndpointAttempt[],
  ): Promise<{value: T; endpoint: ArcEndpoint} | undefined> {
    const {health, hedgeDelayMs, clock} = this.options
    const inFlight: Flight<T>[] = []
    let next = 0
    const launch = () => {
      const endpoint = order[next++] as ArcEndpoint
      const controller = new AbortController()
      const outcome = attempt(this.clientFor(endpoint), controller.signal).then(
        (value): Outcome<T> => ({ok: true, value}),
        (error: unknown): Outcome<T> => ({ok: false, error}),
      )
      inFlight.push({endpoint, controller, outlived: false, outcome})
    }
    const abandonAll = (reason: Error) => {
      for (const flight of inFlight.splice(0)) {
        if (flight.outlived) health.failed(flight.endpoint)
        flight.controller.abort(reason)
      }
    }
    launch()
    try {
      while (inFlight.length > 0) {
        const hedgeTimer = new AbortController()
        const answers = inFlight.map((flight) => flight.outcome.then((outcome) => ({flight, outcome})))
        const settled = await Promise.race(
          !mutating && next < order.length
            ? // The clock sleeps in world time, which the sandbox scales down: the hedge delay is network time.
              [...answers, clock.sleep(hedgeDelayMs / clock.scale, hedgeTimer.signal).then(() => undefined)]
            : answers,
        )
        hedgeTimer.abort()
        if (!settled) {
          for (const flight of inFlight) flight.outlived = true
          launch()
          continue
        }
        const {flight, outcome} = settled
        inFlight.splice(inFlight.indexOf(flight), 1)
        if (outcome.ok) {
          const late = `no answer within ${hedgeDelayMs}ms; the ${flight.endpoint.region} endpoint answered first`
          for (const loser of inFlight.filter((candidate) => candidate.outlived)) {
            attempts.push({endpoint: loser.endpoint, ok: false, error: late})
          }
          abandonAll(abandonment(late))
          health.answered(flight.endpoint)
          attempts.push({endpoint: flight.endpoint, ok: true})
          return {value: outcome.value, endpoint: flight.endpoint}
        }
        const {error} = outcome
        if (!(error instanceof AwsCallError) || !isTransient(error.kind)) throw error
        health.failed(flight.endpoint)
        attempts.push({endpoint: flight.endpoint, ok: false, error: `${error.awsCode}: ${error.awsMessage}`})
        // A failure is an answer of sorts: the next endpoint is asked at once, not after the hedge delay.
        if (next < order.length) launch()
      }
      return undefined
    } finally {
      abandonAll(abandonment('abandoned: another cluster endpoint answered'))
    }
  }
}
