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

const noSleep: Clock = {scale: 1, now: () => 0, sleep: async () => {}}

/** A data plane whose endpoints behave as scripted; records the order endpoints were tried in. */
function plane(
  behaviour: (endpoint: ArcEndpoint) => Behaviour,
  options: {random?: number; avoidRegions?: string[]} = {},
) {
  const tried: string[] = []
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
      random: () => options.random ?? 0,
      rounds: 2,
      roundBackoffMs: 10,
      clock: noSleep,
    },
  )
  return {data, tried}
}

describe('ARC data-plane endpoint rotation', () => {
  it('starts at a random endpoint and goes round the ring', () => {
    expect(
      plane(() => 'ok', {random: 0})
        .data.order()
        .map((e) => e.region)[0],
    ).toBe('us-east-1')
    expect(
      plane(() => 'ok', {random: 0.5})
        .data.order()
        .map((e) => e.region),
    ).toEqual(['eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'us-east-1', 'us-west-2'])
  })

  it('tries endpoints in the impaired Region last', () => {
    expect(
      plane(() => 'ok', {random: 0, avoidRegions: ['us-east-1']})
        .data.order()
        .map((e) => e.region),
    ).toEqual(['us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'us-east-1'])
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
