import {describe, expect, it} from 'vitest'

import type {Distribution} from '../../../src/lib/aws/ports.js'
import {appStepChecks} from '../../../src/lib/checks/app-steps.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {healthyTopology, testConfig} from '../../fakes/topology.js'

const EAST = 'a1b2c3.execute-api.us-east-1.amazonaws.com'
const WEST = 'd4e5f6.execute-api.us-west-2.amazonaws.com'
const config = testConfig(`steps:
  - id: api-origin
    kind: cloudfront-origin
    distributionId: E2QWRUHAPOMQZL
    originGroupId: api-group
    regions:
      us-east-1: {domain: ${EAST}}
      us-west-2: {domain: ${WEST}}
`)

const distribution = (domain: string): Distribution => ({
  id: 'E2QWRUHAPOMQZL',
  status: 'Deployed',
  origins: [
    {id: 'origin1', domainName: domain, originPath: '/prod'},
    {id: 'static', domainName: 'static.example.com', originPath: ''},
  ],
  originGroups: [{id: 'api-group', members: ['origin1', 'static']}],
})

function fakeWith(...distributions: Distribution[]): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.distributions = distributions
  return aws
}

describe('cloudfront-origin steps in the observation', () => {
  it('point at the Region whose domain the (group’s primary) origin has, with the distribution’s status', async () => {
    const aws = fakeWith(distribution(WEST.toUpperCase()))
    const topology = await observe(config, aws, {parts: ['steps']})
    expect(topology.steps).toEqual([
      expect.objectContaining({
        id: 'api-origin',
        controlPlane: 'us-east-1',
        callRegions: ['us-east-1'],
        pointsAt: 'us-west-2',
        state: `origin origin1 → ${WEST.toUpperCase()}/prod (Deployed)`,
      }),
    ])
    expect(aws.calls.map((call) => `${call.operation} ${call.region}`)).toEqual(['GetDistribution us-east-1'])
    // Writes are in us-east-1: an origin pointing at us-west-2 is worth a warning, naming the step.
    expect(appStepChecks({...healthyTopology(), steps: topology.steps}, config.regions)[0]).toMatchObject({
      id: 'step.api-origin',
      status: 'warn',
      message: expect.stringContaining('points at us-west-2, but writes are in us-east-1'),
    })
  })

  it('an origin of no Region points nowhere', async () => {
    const {steps} = await observe(config, fakeWith(distribution('maintenance.example.com')), {parts: ['steps']})
    expect(steps[0]?.state).toContain('maintenance.example.com')
    expect(steps[0]?.pointsAt).toBeUndefined()
  })

  it('a distribution, origin group or origin that does not exist is missing', async () => {
    const read = async (aws: FakeAws) => (await observe(config, aws, {parts: ['steps']})).steps[0]?.missing
    expect(await read(fakeWith())).toBe('CloudFront distribution E2QWRUHAPOMQZL does not exist')
    expect(await read(fakeWith({...distribution(EAST), originGroups: []}))).toBe(
      'distribution E2QWRUHAPOMQZL has no origin group api-group',
    )
    expect(await read(fakeWith({...distribution(EAST), origins: []}))).toBe(
      'distribution E2QWRUHAPOMQZL has no origin origin1',
    )
  })

  it('a control plane that does not answer leaves it unreadable, not missing', async () => {
    const aws = fakeWith(distribution(EAST))
    aws.fail('CloudFront', 'us-east-1', {kind: 'access'})
    const {steps} = await observe(config, aws, {parts: ['steps']})
    expect(steps[0]).toMatchObject({unreadable: {kind: 'access-denied'}})
    expect(steps[0]?.missing).toBeUndefined()
  })
})
