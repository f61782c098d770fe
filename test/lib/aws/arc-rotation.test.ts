import {Route53RecoveryClusterClient} from '@aws-sdk/client-route53-recovery-cluster'
import {describe, expect, it} from 'vitest'

import {RotatingArcDataPlane} from '../../../src/lib/aws/arc-data.js'
import {ArcEndpointHealth} from '../../../src/lib/aws/arc-endpoint-health.js'
import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {ArcEndpoint} from '../../../src/lib/aws/ports.js'
import type {Caller} from '../../../src/lib/aws/session.js'
import {DrctlError} from '../../../src/lib/core/errors.js'
import {manualClock, settle, valueOf} from './arc-timing.js'

const endpoints: ArcEndpoint[] = [
  {region: 'us-east-1', url: 'https://e1.example/v1'},
  {region: 'us-west-2', url: 'https://e2.example/v1'},
  {region: 'eu-west-1', url: 'https://e3.example/v1'},
  {region: 'ap-northeast-1', url: 'https://e4.example/v1'},
  {region: 'ap-southeast-2', url: 'https://e5.example/v1'},
]

type Failure =
  'refused' | 'timeout' | 'throttled' | 'unavailable' | 'server' | 'denied' | 'not-found' | 'validation' | 'conflict'
/** `hang`: no answer until the endpoint's deadline (DEADLINE_MS on the test's clock), or until abandoned. */
type Behaviour = 'ok' | 'hang' | Failure | {answerAfterMs: number}

const failures: Record<Failure, object> = {
  refused: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED'}),
  timeout: Object.assign(new Error('timed out'), {name: 'TimeoutError'}),
  throttled: {name: 'ThrottlingException', message: 'Rate exceeded', $metadata: {httpStatusCode: 429}},
  unavailable: {
    name: 'EndpointTemporarilyUnavailableException',
    message: 'try another endpoint',
    $metadata: {httpStatusCode: 503},
  },
  server: {name: 'InternalServerException', message: 'boom', $metadata: {httpStatusCode: 500}},
  denied: {name: 'AccessDeniedException', message: 'not allowed', $metadata: {httpStatusCode: 403}},
  'not-found': {name: 'ResourceNotFoundException', message: 'no such control', $metadata: {httpStatusCode: 404}},
  validation: {name: 'ValidationException', message: 'bad state', $metadata: {httpStatusCode: 400}},
  conflict: {name: 'ConflictException', message: 'blocked by rule', $metadata: {httpStatusCode: 409}},
}

/** Each endpoint's own deadline, as `invoke` would enforce it: far longer than the hedge delay. */
const DEADLINE_MS = 3000
const HEDGE_MS = 400

interface CallSpan {
  region: string
  operation: string
  mutating: boolean
  startedAt: number
  endedAt?: number
  abandoned?: boolean
}

/**
 * A data plane whose endpoints behave as scripted, on a clock the test moves; records every call (which endpoint,
 * when it started and ended, whether it was abandoned). `draws` are what `random()` returns, one per pass over the
 * endpoints (0 once they run out). Ports made with `another()` share the first one's memory of the endpoints, as the
 * session's ports do.
 */
function plane(
  behaviour: (endpoint: ArcEndpoint) => Behaviour,
  options: {draws?: number[]; avoidRegions?: string[]} = {},
) {
  const calls: CallSpan[] = []
  const draws = [...(options.draws ?? [])]
  const clock = manualClock()
  const health = new ArcEndpointHealth()
  const clientFor = (endpoint: ArcEndpoint) => {
    const call: Caller = async (operation, mutating, _send, signal) => {
      const target = {service: 'ARC cluster', operation, region: endpoint.region, endpoint: endpoint.url}
      const span: CallSpan = {region: endpoint.region, operation, mutating, startedAt: clock.now()}
      calls.push(span)
      try {
        const outcome = behaviour(endpoint)
        const waitMs = outcome === 'hang' ? DEADLINE_MS : typeof outcome === 'object' ? outcome.answerAfterMs : 0
        if (waitMs > 0) {
          try {
            await clock.sleep(waitMs, signal)
          } catch {
            span.abandoned = true
            throw new AwsCallError(target, signal?.reason)
          }
        }
        if (outcome === 'hang') {
          throw new AwsCallError(
            target,
            Object.assign(new Error(`no answer within ${DEADLINE_MS}ms`), {name: 'TimeoutError'}),
          )
        }
        if (typeof outcome === 'string' && outcome !== 'ok') throw new AwsCallError(target, failures[outcome])
        return {
          RoutingControls: [
            {RoutingControlArn: 'arn:rc', RoutingControlName: 'retail-us-east-1', RoutingControlState: 'On'},
          ],
          $metadata: {requestId: `req-${endpoint.region}`},
        } as never
      } finally {
        span.endedAt = clock.now()
      }
    }
    return {client: new Route53RecoveryClusterClient({region: endpoint.region}), call}
  }
  const another = () =>
    new RotatingArcDataPlane(endpoints, clientFor, {
      avoidRegions: options.avoidRegions ?? [],
      random: () => draws.shift() ?? 0,
      rounds: 2,
      roundBackoffMs: 10,
      hedgeDelayMs: HEDGE_MS,
      health,
      clock,
    })
  const data = another()
  /** The Regions of the endpoints called, in order. */
  const tried = () => calls.map((call) => call.region)
  return {data, another, calls, tried, clock, health}
}

const regions = endpoints.map((endpoint) => endpoint.region)
/** The endpoints' Regions in ring order, starting at index `start`. */
const ringFrom = (start: number) => [...regions.slice(start), ...regions.slice(0, start)]
const orderFor = (draw: number, avoidRegions: string[] = []) =>
  plane(() => 'ok', {draws: [draw], avoidRegions})
    .data.order()
    .map((endpoint) => endpoint.region)

describe('ARC data-plane endpoint rotation', () => {
  it('starts where the draw says and goes round the ring: over the range of draws, every endpoint starts once', () => {
    expect([0, 0.2, 0.4, 0.6, 0.8].map((draw) => orderFor(draw))).toEqual([0, 1, 2, 3, 4].map(ringFrom))
    expect(orderFor(0.19)[0]).toBe('us-east-1')
    expect(orderFor(0.999_999)).toEqual(ringFrom(4))
  })

  it('spreads runs over the endpoints: each run’s first call starts at a fresh draw', async () => {
    const answered: string[] = []
    for (const draw of [0, 0.2, 0.4, 0.6, 0.8]) {
      const {data, clock} = plane(() => 'ok', {draws: [draw]})
      answered.push((await valueOf(data.listRoutingControls(), clock)).endpoint.region)
    }
    expect(answered).toEqual(regions)
  })

  it('tries endpoints in the impaired Regions last, whatever the start, keeping ring order otherwise', () => {
    const avoided = ['us-east-1', 'ap-northeast-1']
    for (const [start, draw] of [0, 0.2, 0.4, 0.6, 0.8].entries()) {
      const ring = ringFrom(start)
      expect(orderFor(draw, avoided)).toEqual([
        ...ring.filter((region) => !avoided.includes(region)),
        ...ring.filter((region) => avoided.includes(region)),
      ])
    }
    expect(orderFor(0, ['us-east-1'])).toEqual([
      'us-west-2',
      'eu-west-1',
      'ap-northeast-1',
      'ap-southeast-2',
      'us-east-1',
    ])
  })

  it('reaches an avoided Region when it is the only one that answers', async () => {
    const {data, tried, clock} = plane((endpoint) => (endpoint.region === 'us-east-1' ? 'ok' : 'refused'), {
      draws: [0.4],
      avoidRegions: ['us-east-1'],
    })
    expect((await valueOf(data.listRoutingControls(), clock)).endpoint.region).toBe('us-east-1')
    expect(tried()).toEqual(['eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'us-west-2', 'us-east-1'])
  })

  it('draws a new start for the second round, after one backoff', async () => {
    const {data, tried, clock} = plane(() => 'refused', {draws: [0, 0.4], avoidRegions: ['eu-west-1']})
    const outcome = await settle(data.listRoutingControls(), clock, {stepMs: 1})
    expect(outcome).toMatchObject({ok: false, error: {code: 'DRCTL_ARC_ENDPOINTS_FAILED'}})
    expect(tried()).toEqual([
      ...['us-east-1', 'us-west-2', 'ap-northeast-1', 'ap-southeast-2', 'eu-west-1'],
      ...['ap-northeast-1', 'ap-southeast-2', 'us-east-1', 'us-west-2', 'eu-west-1'],
    ])
    // Refused connections cost no hedge delay: the only time spent is the backoff between the rounds.
    expect(outcome.elapsedMs).toBe(10)
  })

  it('answers through the one endpoint that works when four of five refuse, at once', async () => {
    const {data, tried, clock} = plane((endpoint) => (endpoint.region === 'ap-southeast-2' ? 'ok' : 'refused'))
    const outcome = await settle(data.listRoutingControls(), clock)
    expect(outcome.elapsedMs).toBe(0)
    const answer = outcome.ok ? outcome.value : expect.fail(String(outcome.error))
    expect(answer.value.map((control) => control.state)).toEqual(['On'])
    expect(answer.endpoint.region).toBe('ap-southeast-2')
    expect(tried()).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'])
    expect(answer.attempts.filter((attempt) => !attempt.ok)).toHaveLength(4)
  })

  it.each(['refused', 'timeout', 'throttled', 'unavailable', 'server'] as const)(
    'moves on after %s',
    async (failure) => {
      const {data, tried, clock} = plane((endpoint) => (endpoint.region === 'us-east-1' ? failure : 'ok'))
      const answer = await valueOf(data.updateRoutingControlStates([{arn: 'arn:rc', state: 'Off'}], []), clock)
      expect(answer.endpoint.region).toBe('us-west-2')
      expect(answer.value.requestId).toBe('req-us-west-2')
      expect(tried()).toEqual(['us-east-1', 'us-west-2'])
    },
  )

  it.each(['denied', 'not-found', 'validation', 'conflict'] as const)(
    'treats %s as final: no other endpoint is tried',
    async (failure) => {
      const {data, tried, clock} = plane(() => failure)
      await expect(valueOf(data.listRoutingControls(), clock)).rejects.toBeInstanceOf(AwsCallError)
      expect(tried()).toEqual(['us-east-1'])
    },
  )

  it('names every endpoint tried and why it failed when all of them fail', async () => {
    const {data, tried, clock} = plane((endpoint) => (endpoint.region === 'eu-west-1' ? 'throttled' : 'refused'))
    const failure = await valueOf(data.listRoutingControls(), clock).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DrctlError)
    const error = failure as DrctlError
    expect(error.code).toBe('DRCTL_ARC_ENDPOINTS_FAILED')
    expect(error.exit).toBe(5)
    for (const endpoint of endpoints) expect(error.message).toContain(endpoint.url)
    expect(error.message).toContain('ThrottlingException')
    expect(error.message).toContain('ECONNREFUSED')
    // Two full passes before giving up.
    expect(tried()).toHaveLength(10)
  })
})

describe('ARC data-plane endpoints that hang', () => {
  const fifthOnly = (endpoint: ArcEndpoint): Behaviour => (endpoint.region === 'ap-southeast-2' ? 'ok' : 'hang')

  it('a read with four of five endpoints hanging answers after one hedge delay per hung endpoint, not their deadlines', async () => {
    const {data, calls, tried, clock} = plane(fifthOnly)
    const outcome = await settle(data.listRoutingControls(), clock)
    // Started in ring order, each one hedge delay after the one before; the fifth answers at once.
    expect(calls.map((call) => [call.region, call.startedAt - calls[0]!.startedAt])).toEqual([
      ['us-east-1', 0],
      ['us-west-2', HEDGE_MS],
      ['eu-west-1', 2 * HEDGE_MS],
      ['ap-northeast-1', 3 * HEDGE_MS],
      ['ap-southeast-2', 4 * HEDGE_MS],
    ])
    expect(outcome.elapsedMs).toBe(4 * HEDGE_MS)
    expect(outcome.elapsedMs).toBeLessThan(DEADLINE_MS)
    const answer = outcome.ok ? outcome.value : expect.fail(String(outcome.error))
    expect(answer.endpoint.region).toBe('ap-southeast-2')
    // The hung calls are abandoned the moment the answer comes, not left to run into their deadlines.
    expect(calls.filter((call) => call.abandoned).map((call) => [call.region, call.endedAt])).toEqual(
      tried()
        .slice(0, 4)
        .map((region) => [region, calls[0]!.startedAt + 4 * HEDGE_MS]),
    )
    expect(answer.attempts).toEqual([
      ...endpoints.slice(0, 4).map((endpoint) => ({
        endpoint,
        ok: false,
        error: `no answer within ${HEDGE_MS}ms; the ap-southeast-2 endpoint answered first`,
      })),
      {endpoint: endpoints[4], ok: true},
    ])
  })

  it('the next read in the run, on this port or another, goes straight to the endpoint that answered', async () => {
    const {data, another, tried, clock} = plane(fifthOnly, {draws: [0, 0, 0.4]})
    await valueOf(data.listRoutingControls(), clock)
    const triedBefore = tried().length
    for (const port of [data, another()]) {
      const outcome = await settle(port.listRoutingControls(), clock)
      expect(outcome).toMatchObject({ok: true, elapsedMs: 0, value: {endpoint: endpoints[4]}})
    }
    expect(tried().slice(triedBefore)).toEqual(['ap-southeast-2', 'ap-southeast-2'])
  })

  it('takes the first answer even from an endpoint already hedged against; the one cut short is not held against', async () => {
    // us-east-1 is slow (450 ms) but alive; us-west-2, asked after the hedge delay, hangs.
    const {data, calls, health, clock} = plane((endpoint) =>
      endpoint.region === 'us-east-1' ? {answerAfterMs: 450} : 'hang',
    )
    const outcome = await settle(data.listRoutingControls(), clock)
    expect(outcome).toMatchObject({ok: true, elapsedMs: 450, value: {endpoint: endpoints[0]}})
    expect(outcome.ok && outcome.value.attempts).toEqual([{endpoint: endpoints[0], ok: true}])
    expect(calls.map((call) => [call.region, call.abandoned ?? false])).toEqual([
      ['us-east-1', false],
      ['us-west-2', true],
    ])
    expect(health.standing(endpoints[1]!)).toBe('untried')
    expect(health.standing(endpoints[0]!)).toBe('answered')
  })

  it('an answer such as access denied stops the hedging: the endpoints still asking are abandoned, no other is tried', async () => {
    const {data, calls, clock} = plane((endpoint) => (endpoint.region === 'us-west-2' ? 'denied' : 'hang'))
    const outcome = await settle(data.listRoutingControls(), clock)
    expect(outcome).toMatchObject({ok: false, elapsedMs: HEDGE_MS, error: {kind: 'access-denied'}})
    expect(calls.map((call) => [call.region, call.abandoned ?? false, call.endedAt! - calls[0]!.startedAt])).toEqual([
      ['us-east-1', true, HEDGE_MS],
      ['us-west-2', false, HEDGE_MS],
    ])
  })

  it('writes one endpoint at a time: a hanging endpoint costs its deadline, and no second write is ever in flight', async () => {
    const {data, calls, clock} = plane((endpoint) =>
      ['us-east-1', 'us-west-2'].includes(endpoint.region) ? 'hang' : 'ok',
    )
    const outcome = await settle(data.updateRoutingControlStates([{arn: 'arn:rc', state: 'Off'}], []), clock)
    expect(outcome).toMatchObject({ok: true, elapsedMs: 2 * DEADLINE_MS, value: {endpoint: endpoints[2]}})
    const writes = calls.filter((call) => call.mutating)
    expect(writes.map((call) => call.region)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1'])
    for (const [index, write] of writes.entries()) {
      for (const other of writes.slice(index + 1)) expect(other.startedAt).toBeGreaterThanOrEqual(write.endedAt!)
    }
  })

  it('a write after a read goes straight to the endpoint the read found', async () => {
    const {data, calls, clock} = plane(fifthOnly)
    await valueOf(data.listRoutingControls(), clock)
    const outcome = await settle(data.updateRoutingControlStates([{arn: 'arn:rc', state: 'Off'}], []), clock)
    expect(outcome).toMatchObject({ok: true, elapsedMs: 0, value: {endpoint: endpoints[4]}})
    expect(calls.filter((call) => call.mutating).map((call) => call.region)).toEqual(['ap-southeast-2'])
  })

  it('tries a known-dead endpoint last, and trusts it again once it answers', async () => {
    let up = ['us-west-2']
    const {data, tried, clock} = plane((endpoint) => (up.includes(endpoint.region) ? 'ok' : 'refused'))
    expect((await valueOf(data.listRoutingControls(), clock)).endpoint.region).toBe('us-west-2')
    expect(tried()).toEqual(['us-east-1', 'us-west-2'])
    // us-west-2 goes down, us-east-1 (known dead) comes back: the one that answered is asked first, then the
    // untried ones, the known-dead one last.
    up = ['us-east-1']
    const before = tried().length
    expect((await valueOf(data.listRoutingControls(), clock)).endpoint.region).toBe('us-east-1')
    expect(tried().slice(before)).toEqual(['us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'us-east-1'])
    const again = tried().length
    expect((await valueOf(data.listRoutingControls(), clock)).endpoint.region).toBe('us-east-1')
    expect(tried().slice(again)).toEqual(['us-east-1'])
  })
})
