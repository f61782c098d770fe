import {describe, expect, it} from 'vitest'

import type {Distribution} from '../../../src/lib/aws/ports.js'
import type {StepConfig} from '../../../src/lib/config/steps.js'
import {appStep} from '../../../src/lib/runbooks/app-steps/kinds.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'
import {driveStep, stepContext, stepMove} from './step-context.js'

const REGIONS = ['us-east-1', 'us-west-2']
const EAST = 'a1b2c3.execute-api.us-east-1.amazonaws.com'
const WEST = 'd4e5f6.execute-api.us-west-2.amazonaws.com'

const stepOf = (target: string): StepConfig => {
  const [step] = testConfig(`steps:
  - id: api-origin
    kind: cloudfront-origin
    distributionId: E2QWRUHAPOMQZL
    ${target}
    regions:
      us-east-1: {domain: ${EAST}}
      us-west-2: {domain: ${WEST}, originPath: /prod}
`).steps
  if (!step) throw new Error('no step')
  return step
}
const byOrigin = stepOf('originId: origin1')
const byGroup = stepOf('originGroupId: api-group')

function distribution(domain = EAST): Distribution {
  return {
    id: 'E2QWRUHAPOMQZL',
    status: 'Deployed',
    origins: [
      {id: 'origin1', domainName: domain, originPath: '/prod'},
      {id: 'fallback', domainName: 'static.example.com', originPath: ''},
    ],
    originGroups: [{id: 'api-group', members: ['origin1', 'fallback']}],
  }
}

function fakeWith(...distributions: Distribution[]): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.distributions = distributions
  return aws
}

const origin = (aws: FakeAws, id = 'origin1') => aws.state.distributions?.[0]?.origins.find((o) => o.id === id)

describe('cloudfront-origin step', () => {
  it('repoints the origin, waits until Deployed, reads it back; a second run changes nothing', async () => {
    const aws = fakeWith(distribution())
    aws.settlesAfterReads = 2
    const step = appStep({step: byOrigin, move: stepMove()}, REGIONS)
    expect(await driveStep(step, stepContext(aws))).toMatchObject({
      state: 'pending',
      note: `origin origin1 → ${EAST}/prod now`,
    })
    expect(origin(aws)).toEqual({id: 'origin1', domainName: WEST, originPath: '/prod'})
    expect(aws.calls.map((call) => `${call.operation} ${call.region}`)).toEqual([
      'GetDistribution us-east-1',
      'GetDistribution us-east-1',
      'GetDistributionConfig us-east-1',
      'UpdateDistribution us-east-1',
      'GetDistribution us-east-1',
      'GetDistribution us-east-1',
      'GetDistribution us-east-1',
      'GetDistribution us-east-1',
    ])
    const writes = aws.mutatingCalls().length
    expect(await appStep({step: byOrigin, move: stepMove()}, REGIONS).check(stepContext(aws))).toMatchObject({
      state: 'done',
    })
    expect(aws.mutatingCalls()).toHaveLength(writes)
  })

  it('with an origin group, repoints the group’s primary (first) member', async () => {
    const aws = fakeWith(distribution())
    aws.state.distributions![0]!.originGroups = [{id: 'api-group', members: ['fallback', 'origin1']}]
    await driveStep(appStep({step: byGroup, move: stepMove()}, REGIONS), stepContext(aws))
    expect(origin(aws, 'fallback')).toMatchObject({domainName: WEST, originPath: '/prod'})
    expect(origin(aws, 'origin1')).toMatchObject({domainName: EAST})
  })

  it('keeps the origin path when drctl.yaml gives none', async () => {
    const aws = fakeWith(distribution(WEST))
    aws.state.distributions![0]!.origins[0]!.originPath = '/v1'
    await driveStep(
      appStep({step: byOrigin, move: stepMove({to: 'us-east-1', from: ['us-west-2']})}, REGIONS),
      stepContext(aws),
    )
    expect(origin(aws)).toEqual({id: 'origin1', domainName: EAST, originPath: '/v1'})
  })

  it('lists UpdateDistribution in us-east-1 for --dry-run', () => {
    expect(appStep({step: byGroup, move: stepMove()}, REGIONS).describe()).toEqual([
      {
        service: 'CloudFront',
        operation: 'UpdateDistribution',
        region: 'us-east-1',
        detail: `E2QWRUHAPOMQZL: primary origin of group api-group → ${WEST}/prod (the configuration read with GetDistributionConfig, If-Match its ETag)`,
      },
    ])
  })

  it('resumed after the update (still InProgress) only waits; once Deployed it is done', async () => {
    const aws = fakeWith(distribution())
    aws.settlesAfterReads = 1
    await appStep({step: byOrigin, move: stepMove()}, REGIONS).run(stepContext(aws))
    const resumed = appStep({step: byOrigin, move: stepMove()}, REGIONS)
    const ctx = stepContext(aws)
    expect(await resumed.check(ctx)).toMatchObject({state: 'in-progress'})
    await resumed.wait!(ctx)
    expect(await resumed.check(ctx)).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(1)
  })

  it('a distribution that does not exist, or an origin it lacks, fails the check naming the step', async () => {
    await expect(
      appStep({step: byOrigin, move: stepMove()}, REGIONS).check(stepContext(fakeWith())),
    ).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step api-origin: CloudFront distribution E2QWRUHAPOMQZL does not exist',
    })
    const noGroup = fakeWith({...distribution(), originGroups: []})
    await expect(appStep({step: byGroup, move: stepMove()}, REGIONS).check(stepContext(noGroup))).rejects.toMatchObject(
      {
        code: 'DRCTL_AWS_NOT_FOUND',
        message: 'step api-origin: distribution E2QWRUHAPOMQZL has no origin group api-group',
      },
    )
    const noOrigin = fakeWith({...distribution(), origins: []})
    await expect(
      appStep({step: byOrigin, move: stepMove()}, REGIONS).check(stepContext(noOrigin)),
    ).rejects.toMatchObject({
      message: 'step api-origin: distribution E2QWRUHAPOMQZL has no origin origin1',
    })
    expect(noOrigin.mutatingCalls()).toEqual([])
  })

  it('a distribution that stays InProgress times out (resumable)', async () => {
    const aws = fakeWith(distribution())
    aws.settlesAfterReads = Number.POSITIVE_INFINITY
    const step = appStep({step: {...byOrigin, timeoutMs: 120_000}, move: stepMove()}, REGIONS)
    await step.run(stepContext(aws))
    await expect(step.wait!(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringContaining('E2QWRUHAPOMQZL to be Deployed (last seen: distribution InProgress)'),
    })
  })

  it('throttled reads while waiting are retried at the next poll', async () => {
    const aws = fakeWith(distribution())
    const step = appStep({step: byOrigin, move: stepMove()}, REGIONS)
    await step.run(stepContext(aws))
    const before = aws.calls.length
    aws.fail('CloudFront', 'us-east-1', {kind: 'throttling', operation: 'GetDistribution', times: 2})
    await step.wait!(stepContext(aws))
    // Two throttled, one InProgress, then Deployed.
    expect(aws.calls.slice(before).map((call) => call.operation)).toEqual(Array(4).fill('GetDistribution'))
  })

  it('fails verification when the origin reads back elsewhere', async () => {
    const aws = fakeWith(distribution())
    const step = appStep({step: byOrigin, move: stepMove()}, REGIONS)
    await step.run(stepContext(aws))
    origin(aws)!.domainName = 'elsewhere.example.com'
    await expect(step.verify(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_VERIFY_FAILED',
      message: expect.stringContaining(`reads back as elsewhere.example.com/prod, not ${WEST}/prod`),
    })
  })
})
