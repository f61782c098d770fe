import {
  ListRoutingControlsCommand,
  type Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster'

import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import {AwsCallError, isTransient} from './errors.js'
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

export interface RotationOptions {
  /** Endpoints in these Regions go last. */
  avoidRegions: string[]
  random: () => number
  /** Full passes over the endpoints before giving up (a later pass only after every endpoint failed). */
  rounds: number
  roundBackoffMs: number
  clock: Clock
}

/**
 * The ARC data plane, rotating across the cluster's endpoints (aws-reference §3.2): one client per endpoint, signed
 * with that endpoint's Region; start at a random endpoint; move on after 5xx, throttling, timeouts and connection
 * errors; stop at answers (validation, access denied, not found, conflict).
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

  /** The order this call will try the endpoints in: a random start, then round the ring; avoided Regions last. */
  order(): ArcEndpoint[] {
    const start = Math.floor(this.options.random() * this.endpoints.length) % this.endpoints.length
    const ring = [...this.endpoints.slice(start), ...this.endpoints.slice(0, start)]
    const avoided = new Set(this.options.avoidRegions)
    return [...ring.filter((e) => !avoided.has(e.region)), ...ring.filter((e) => avoided.has(e.region))]
  }

  async listRoutingControls(controlPanelArn?: string): Promise<Answered<RoutingControlState[]>> {
    return this.rotate('ListRoutingControls', false, async ({client, call}) => {
      const controls: RoutingControlState[] = []
      let nextToken: string | undefined
      do {
        const page = await call('ListRoutingControls', false, (abortSignal) =>
          client.send(new ListRoutingControlsCommand({ControlPanelArn: controlPanelArn, NextToken: nextToken}), {
            abortSignal,
          }),
        )
        for (const control of page.RoutingControls ?? []) {
          controls.push({
            arn: control.RoutingControlArn ?? '',
            name: control.RoutingControlName ?? '',
            state: control.RoutingControlState === 'On' ? 'On' : 'Off',
            controlPanelArn: control.ControlPanelArn,
            controlPanelName: control.ControlPanelName,
          })
        }
        nextToken = page.NextToken
      } while (nextToken)
      return controls
    })
  }

  async updateRoutingControlStates(
    entries: {arn: string; state: RoutingControlStateValue}[],
    safetyRulesToOverride: string[],
  ): Promise<Answered<Mutation>> {
    return this.rotate('UpdateRoutingControlStates', true, async ({client, call}) => {
      const output = await call('UpdateRoutingControlStates', true, (abortSignal) =>
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
      )
      return {requestId: output.$metadata.requestId}
    })
  }

  private async rotate<T>(
    operation: string,
    mutating: boolean,
    attempt: (endpointClient: ArcEndpointClient) => Promise<T>,
  ): Promise<Answered<T>> {
    const attempts: EndpointAttempt[] = []
    for (let round = 0; round < this.options.rounds; round++) {
      if (round > 0) await this.options.clock.sleep(this.options.roundBackoffMs * round)
      for (const endpoint of this.order()) {
        try {
          const value = await attempt(this.clientFor(endpoint))
          attempts.push({endpoint, ok: true})
          return {value, endpoint, attempts}
        } catch (error) {
          if (!(error instanceof AwsCallError) || !isTransient(error.kind)) throw error
          attempts.push({endpoint, ok: false, error: `${error.awsCode}: ${error.awsMessage}`})
        }
      }
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
}
