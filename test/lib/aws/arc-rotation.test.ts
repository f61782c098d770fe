import {Route53RecoveryClusterClient} from '@aws-sdk/client-route53-recovery-cluster'
import {describe, expect, it} from 'vitest'

import {RotatingArcDataPlane} from '../../../src/lib/aws/arc-data.js'
import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {ArcEndpoint} from '../../../src/lib/aws/ports.js'
import type {Caller} from '../../../src/lib/aws/session.js'
import type {Clock} from '../../../src/lib/core/clock.js'
import {DrctlError} from '../../../src/lib/core/errors.js'

const endpoints: ArcEndpoint[] = [
  {region: 'us-east-1', url: 'https://e1.example/v1'},
  {region: 'us-west-2', url: 'https://e2.example/v1'},
  {region: 'eu-west-1', url: 'https://e3.example/v1'},
  {region: 'ap-northeast-1', url: 'https://e4.example/v1'},
  {region: 'ap-southeast-2', url: 'https://e5.example/v1'},
]

type Behaviour =
  | 'ok'
  | 'refused'
  | 'timeout'
  | 'throttled'
  | 'unavailable'
  | 'server'
  | 'denied'
  | 'not-found'
  | 'validation'
  | 'conflict'

const failures: Record<Exclude<Behaviour, 'ok'>, object> = {
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

/**
 * A data plane whose endpoints behave as scripted; records the order endpoints were tried in and the backoffs slept.
 * `draws` are what `random()` returns, one per pass over the endpoints (0 once they run out).
 */
function plane(
  behaviour: (endpoint: ArcEndpoint) => Behaviour,
  options: {draws?: number[]; avoidRegions?: string[]} = {},
) {
  const tried: string[] = []
  const sleeps: number[] = []
  const draws = [...(options.draws ?? [])]
  const clock: Clock = {scale: 1, now: () => 0, sleep: async (ms) => void sleeps.push(ms)}
  const data = new RotatingArcDataPlane(
    endpoints,
    (endpoint) => {
      const call: Caller = async (operation) => {
        tried.push(endpoint.region)
        const outcome = behaviour(endpoint)
        if (outcome !== 'ok') {
          throw new AwsCallError(
            {service: 'ARC cluster', operation, region: endpoint.region, endpoint: endpoint.url},
            failures[outcome],
          )
        }
        return {
          RoutingControls: [
            {RoutingControlArn: 'arn:rc', RoutingControlName: 'retail-us-east-1', RoutingControlState: 'On'},
          ],
          $metadata: {requestId: `req-${endpoint.region}`},
        } as never
      }
      return {client: new Route53RecoveryClusterClient({region: endpoint.region}), call}
    },
    {
      avoidRegions: options.avoidRegions ?? [],
      random: () => draws.shift() ?? 0,
      rounds: 2,
      roundBackoffMs: 10,
      clock,
    },
  )
  return {data, tried, sleeps}
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

  it('spreads successive calls over the endpoints, one fresh draw per call', async () => {
    const {data, tried} = plane(() => 'ok', {draws: [0, 0.2, 0.4, 0.6, 0.8]})
    const answered: string[] = []
    for (let call = 0; call < 5; call++) answered.push((await data.listRoutingControls()).endpoint.region)
    expect(answered).toEqual(regions)
    expect(tried).toEqual(regions)
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
    const {data, tried} = plane((endpoint) => (endpoint.region === 'us-east-1' ? 'ok' : 'refused'), {
      draws: [0.4],
      avoidRegions: ['us-east-1'],
    })
    expect((await data.listRoutingControls()).endpoint.region).toBe('us-east-1')
    expect(tried).toEqual(['eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'us-west-2', 'us-east-1'])
  })

  it('draws a new start for the second round, after one backoff', async () => {
    const {data, tried, sleeps} = plane(() => 'refused', {draws: [0, 0.4], avoidRegions: ['eu-west-1']})
    await expect(data.listRoutingControls()).rejects.toMatchObject({code: 'DRCTL_ARC_ENDPOINTS_FAILED'})
    expect(tried).toEqual([
      ...['us-east-1', 'us-west-2', 'ap-northeast-1', 'ap-southeast-2', 'eu-west-1'],
      ...['ap-northeast-1', 'ap-southeast-2', 'us-east-1', 'us-west-2', 'eu-west-1'],
    ])
    expect(sleeps).toEqual([10])
  })

  it('answers through the one endpoint that works when four of five fail', async () => {
    const {data, tried} = plane((endpoint) => (endpoint.region === 'ap-southeast-2' ? 'ok' : 'refused'))
    const answer = await data.listRoutingControls()
    expect(answer.value.map((control) => control.state)).toEqual(['On'])
    expect(answer.endpoint.region).toBe('ap-southeast-2')
    expect(tried).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'])
    expect(answer.attempts.filter((attempt) => !attempt.ok)).toHaveLength(4)
  })

  it.each(['refused', 'timeout', 'throttled', 'unavailable', 'server'] as const)(
    'moves on after %s',
    async (failure) => {
      const {data, tried} = plane((endpoint) => (endpoint.region === 'us-east-1' ? failure : 'ok'))
      const answer = await data.updateRoutingControlStates([{arn: 'arn:rc', state: 'Off'}], [])
      expect(answer.endpoint.region).toBe('us-west-2')
      expect(answer.value.requestId).toBe('req-us-west-2')
      expect(tried).toEqual(['us-east-1', 'us-west-2'])
    },
  )

  it.each(['denied', 'not-found', 'validation', 'conflict'] as const)(
    'treats %s as final: no other endpoint is tried',
    async (failure) => {
      const {data, tried} = plane(() => failure)
      await expect(data.listRoutingControls()).rejects.toBeInstanceOf(AwsCallError)
      expect(tried).toEqual(['us-east-1'])
    },
  )

  it('names every endpoint tried and why it failed when all of them fail', async () => {
    const {data, tried} = plane((endpoint) => (endpoint.region === 'eu-west-1' ? 'throttled' : 'refused'))
    const failure = await data.listRoutingControls().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DrctlError)
    const error = failure as DrctlError
    expect(error.code).toBe('DRCTL_ARC_ENDPOINTS_FAILED')
    expect(error.exit).toBe(5)
    for (const endpoint of endpoints) expect(error.message).toContain(endpoint.url)
    expect(error.message).toContain('ThrottlingException')
    expect(error.message).toContain('ECONNREFUSED')
    // Two full passes before giving up.
    expect(tried).toHaveLength(10)
  })
})
