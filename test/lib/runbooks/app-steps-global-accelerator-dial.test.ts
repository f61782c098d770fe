import {describe, expect, it} from 'vitest'

import type {EndpointGroup} from '../../../src/lib/aws/ports.js'
import type {StepConfig} from '../../../src/lib/config/steps.js'
import {appStep} from '../../../src/lib/runbooks/app-steps/kinds.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {ACCOUNT, testConfig} from '../../fakes/topology.js'
import {driveStep, stepContext, stepMove} from './step-context.js'

const REGIONS = ['us-east-1', 'us-west-2']
const ACCELERATOR = `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh`
const group = (id: string) => `${ACCELERATOR}/listener/0123vxyz/endpoint-group/${id}`
const EAST = group('ea5e1')
const WEST = group('we5e2')

const [dial] = testConfig(`steps:
  - id: api-dial
    kind: global-accelerator-dial
    acceleratorArn: ${ACCELERATOR}
    regions:
      us-east-1: {endpointGroupArn: ${EAST}}
      us-west-2: {endpointGroupArn: ${WEST}}
`).steps as [StepConfig]

const endpointGroup = (arn: string, region: string, trafficDialPercentage: number): EndpointGroup => ({
  arn,
  region,
  trafficDialPercentage,
  endpoints: [{id: `alb-${region}`, weight: 128, healthState: 'HEALTHY'}],
})

function fakeWith(east: number, west: number): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.accelerators = [{arn: ACCELERATOR, name: 'api', enabled: true, status: 'DEPLOYED'}]
  aws.state.endpointGroups = [endpointGroup(EAST, 'us-east-1', east), endpointGroup(WEST, 'us-west-2', west)]
  return aws
}

const dials = (aws: FakeAws) =>
  Object.fromEntries((aws.state.endpointGroups ?? []).map((g) => [g.region, g.trafficDialPercentage]))

describe('global-accelerator-dial step', () => {
  it('raises the target’s dial before lowering the others, waits for DEPLOYED, reads back; a second run changes nothing', async () => {
    const aws = fakeWith(100, 0)
    expect(await driveStep(appStep({step: dial, move: stepMove()}, REGIONS), stepContext(aws))).toMatchObject({
      state: 'pending',
      note: 'to set: us-west-2 100%, us-east-1 0%',
    })
    expect(aws.mutatingCalls().map((call) => [call.region, call.operation, ...call.args])).toEqual([
      ['us-west-2', 'UpdateEndpointGroup', WEST, 100],
      ['us-west-2', 'UpdateEndpointGroup', EAST, 0],
    ])
    expect(dials(aws)).toEqual({'us-east-1': 0, 'us-west-2': 100})
    // The endpoints are untouched: only the dial was sent.
    expect(aws.state.endpointGroups?.[0]?.endpoints).toEqual([
      {id: 'alb-us-east-1', weight: 128, healthState: 'HEALTHY'},
    ])
    expect(aws.calls.filter((call) => call.operation === 'DescribeAccelerator')).toHaveLength(2)
    const writes = aws.mutatingCalls().length
    expect(await appStep({step: dial, move: stepMove()}, REGIONS).check(stepContext(aws))).toMatchObject({
      state: 'done',
    })
    expect(aws.mutatingCalls()).toHaveLength(writes)
  })

  it('lists both calls in us-west-2, target first, for --dry-run', () => {
    expect(appStep({step: dial, move: stepMove({to: 'us-east-1', from: ['us-west-2']})}, REGIONS).describe()).toEqual([
      {
        service: 'Global Accelerator',
        operation: 'UpdateEndpointGroup',
        region: 'us-west-2',
        detail: `traffic dial of us-east-1's endpoint group → 100% (${EAST})`,
      },
      {
        service: 'Global Accelerator',
        operation: 'UpdateEndpointGroup',
        region: 'us-west-2',
        detail: `traffic dial of us-west-2's endpoint group → 0% (${WEST})`,
      },
    ])
  })

  it('resumed after the target was raised, only lowers the others', async () => {
    const aws = fakeWith(100, 100)
    const step = appStep({step: dial, move: stepMove()}, REGIONS)
    expect(await step.check(stepContext(aws))).toMatchObject({state: 'pending', note: 'to set: us-east-1 0%'})
    await step.run(stepContext(aws))
    expect(aws.mutatingCalls().map((call) => call.args)).toEqual([[EAST, 0]])
  })

  it('resumed after the last update (accelerator still IN_PROGRESS), only waits; once DEPLOYED it is done', async () => {
    const aws = fakeWith(0, 0)
    // The interrupted attempt's last update: the accelerator deploys it for one more read.
    await aws.globalAccelerator().setTrafficDial(WEST, 100)
    const writes = aws.mutatingCalls().length
    const resumed = appStep({step: dial, move: stepMove()}, REGIONS)
    const ctx = stepContext(aws)
    expect(await resumed.check(ctx)).toMatchObject({state: 'in-progress', note: 'dials set, accelerator IN_PROGRESS'})
    await resumed.wait!(ctx)
    expect(await resumed.check(ctx)).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(writes)
  })

  it('an endpoint group or accelerator that does not exist fails the check, naming the step', async () => {
    const aws = fakeWith(100, 0)
    aws.state.endpointGroups = aws.state.endpointGroups?.filter((g) => g.arn !== EAST)
    await expect(appStep({step: dial, move: stepMove()}, REGIONS).check(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: `step api-dial: the endpoint group of us-east-1 (${EAST}) does not exist`,
    })
    const noAccelerator = fakeWith(0, 100)
    noAccelerator.state.accelerators = []
    await expect(
      appStep({step: dial, move: stepMove()}, REGIONS).check(stepContext(noAccelerator)),
    ).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: expect.stringContaining(ACCELERATOR),
    })
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('tries an update again while another is in progress (TransactionInProgressException)', async () => {
    const aws = fakeWith(100, 0)
    aws.fail('Global Accelerator', 'us-west-2', {
      kind: 'throttling',
      code: 'TransactionInProgressException',
      operation: 'UpdateEndpointGroup',
      times: 1,
    })
    await appStep({step: dial, move: stepMove()}, REGIONS).run(stepContext(aws))
    expect(aws.mutatingCalls().map((call) => call.args)).toEqual([
      [WEST, 100],
      [WEST, 100],
      [EAST, 0],
    ])
    expect(dials(aws)).toEqual({'us-east-1': 0, 'us-west-2': 100})
  })

  it('an accelerator that stays IN_PROGRESS times out (resumable)', async () => {
    const aws = fakeWith(100, 0)
    aws.settlesAfterReads = Number.POSITIVE_INFINITY
    const step = appStep({step: {...dial, timeoutMs: 60_000}, move: stepMove()}, REGIONS)
    await step.run(stepContext(aws))
    await expect(step.wait!(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringContaining('last seen: accelerator IN_PROGRESS'),
    })
  })

  it('fails verification when a dial reads back otherwise', async () => {
    const aws = fakeWith(100, 0)
    const step = appStep({step: dial, move: stepMove()}, REGIONS)
    await step.run(stepContext(aws))
    aws.state.endpointGroups![0]!.trafficDialPercentage = 50
    await expect(step.verify(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_VERIFY_FAILED',
      message: 'traffic dials do not read back as us-east-1 0%',
    })
  })

  it('gets the short deadline only when its control plane (us-west-2) is the failed Region', () => {
    const awayFromWest = stepMove({to: 'us-east-1', from: ['us-west-2'], failedRegions: ['us-west-2']})
    expect(appStep({step: dial, move: awayFromWest}, REGIONS).deadline).toMatchObject({onMiss: 'defer'})
    expect(appStep({step: dial, move: stepMove({failedRegions: ['us-east-1']})}, REGIONS).deadline).toBeUndefined()
  })
})
