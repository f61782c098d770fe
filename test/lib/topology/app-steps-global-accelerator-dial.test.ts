import {describe, expect, it} from 'vitest'

import type {EndpointGroup} from '../../../src/lib/aws/ports.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {ACCOUNT, testConfig} from '../../fakes/topology.js'

const ACCELERATOR = `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh`
const EAST = `${ACCELERATOR}/listener/0123vxyz/endpoint-group/ea5e1`
const WEST = `${ACCELERATOR}/listener/0123vxyz/endpoint-group/we5e2`
const config = testConfig(`steps:
  - id: api-dial
    kind: global-accelerator-dial
    acceleratorArn: ${ACCELERATOR}
    regions:
      us-east-1: {endpointGroupArn: ${EAST}}
      us-west-2: {endpointGroupArn: ${WEST}}
`)

const group = (arn: string, region: string, trafficDialPercentage: number): EndpointGroup => ({
  arn,
  region,
  trafficDialPercentage,
  endpoints: [],
})

function fakeWith(east: number | undefined, west: number): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.accelerators = [{arn: ACCELERATOR, name: 'api', enabled: true, status: 'DEPLOYED'}]
  aws.state.endpointGroups = [
    ...(east === undefined ? [] : [group(EAST, 'us-east-1', east)]),
    group(WEST, 'us-west-2', west),
  ]
  return aws
}

const read = async (aws: FakeAws, regions?: string[]) =>
  (await observe(config, aws, {parts: ['steps'], ...(regions ? {regions} : {})})).steps[0]

describe('global-accelerator-dial steps in the observation', () => {
  it('point at the Region dialled to 100 while the others are at 0, read in us-west-2', async () => {
    const aws = fakeWith(100, 0)
    expect(await read(aws)).toMatchObject({
      controlPlane: 'us-west-2',
      callRegions: ['us-west-2'],
      pointsAt: 'us-east-1',
      state: 'dials: us-east-1 100%, us-west-2 0% (DEPLOYED)',
    })
    expect(aws.calls.every((call) => call.region === 'us-west-2' && !call.mutating)).toBe(true)
  })

  it('dials split between Regions point nowhere', async () => {
    const split = await read(fakeWith(100, 40))
    expect(split?.state).toBe('dials: us-east-1 100%, us-west-2 40% (DEPLOYED)')
    expect(split?.pointsAt).toBeUndefined()
    expect((await read(fakeWith(100, 100)))?.pointsAt).toBeUndefined()
  })

  it('an endpoint group or accelerator that does not exist is missing', async () => {
    expect((await read(fakeWith(undefined, 100)))?.missing).toBe(`endpoint group of us-east-1 (${EAST}) does not exist`)
    const noAccelerator = fakeWith(0, 100)
    noAccelerator.state.accelerators = []
    expect((await read(noAccelerator))?.missing).toBe(`accelerator ${ACCELERATOR} does not exist`)
  })

  it('an unplanned observation away from us-east-1 still reads it (its control plane is us-west-2)', async () => {
    const aws = fakeWith(0, 100)
    expect(await read(aws, ['us-west-2'])).toMatchObject({pointsAt: 'us-west-2'})
    expect(aws.calls.some((call) => call.region === 'us-east-1')).toBe(false)
  })
})
