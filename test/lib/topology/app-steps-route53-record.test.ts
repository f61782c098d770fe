import {describe, expect, it} from 'vitest'

import type {RecordSet} from '../../../src/lib/aws/ports.js'
import {appStepChecks, appStepGates} from '../../../src/lib/checks/app-steps.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'

const ZONE = 'Z0123456789ABC'
const config = testConfig(`steps:
  - id: writer-dns
    kind: route53-record
    hostedZoneId: /hostedzone/${ZONE}
    name: db.example.com
    type: CNAME
    regions:
      us-east-1: {value: orders-use1.example.com}
      us-west-2: {value: orders-usw2.example.com}
  - id: api-weights
    kind: route53-record
    hostedZoneId: ${ZONE}
    name: api.example.com
    type: A
    routing: weighted
    regions:
      us-east-1: {setIdentifier: use1}
      us-west-2: {setIdentifier: usw2}
`)

const weighted = (setIdentifier: string, weight: number): RecordSet => ({
  name: 'api.example.com.',
  type: 'A',
  setIdentifier,
  weight,
  values: [],
  alias: {dnsName: `${setIdentifier}.elb.amazonaws.com.`, hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true},
})

function fakeWith(records: RecordSet[] | undefined): FakeAws {
  const aws = new FakeAws(twoRegionState())
  if (records) aws.state.hostedZones = {[ZONE]: records}
  return aws
}

describe('route53-record steps in the observation', () => {
  it('a simple record points at the Region whose value it answers; weighted ones at the one weighted above 0', async () => {
    const aws = fakeWith([
      {name: 'db.example.com.', type: 'CNAME', ttl: 60, values: ['ORDERS-USW2.example.com.']},
      weighted('use1', 0),
      weighted('usw2', 100),
    ])
    const {steps} = await observe(config, aws, {parts: ['steps']})
    expect(steps).toEqual([
      expect.objectContaining({
        id: 'writer-dns',
        kind: 'route53-record',
        controlPlane: 'us-east-1',
        callRegions: ['us-east-1'],
        pointsAt: 'us-west-2',
        state: 'db.example.com CNAME → ORDERS-USW2.example.com.',
      }),
      expect.objectContaining({
        id: 'api-weights',
        pointsAt: 'us-west-2',
        state: 'api.example.com A weights: us-east-1 0, us-west-2 100',
      }),
    ])
    expect(aws.calls.every((call) => call.region === 'us-east-1' && !call.mutating)).toBe(true)
  })

  it('a value of no Region, or weights on several Regions (or none), point nowhere', async () => {
    const aws = fakeWith([
      {name: 'db.example.com.', type: 'CNAME', ttl: 60, values: ['maintenance.example.com']},
      weighted('use1', 50),
      weighted('usw2', 50),
    ])
    const {steps} = await observe(config, aws, {parts: ['steps']})
    expect(steps.map((step) => step.pointsAt)).toEqual([undefined, undefined])
    aws.state.hostedZones = {[ZONE]: [weighted('use1', 0), weighted('usw2', 0)]}
    expect((await observe(config, aws, {parts: ['steps']})).steps[1]?.pointsAt).toBeUndefined()
  })

  it('a record or hosted zone that does not exist is missing: the gate fails, naming the step', async () => {
    const noRecords = await observe(config, fakeWith([weighted('use1', 100)]), {parts: ['steps']})
    expect(noRecords.steps.map((step) => step.missing)).toEqual([
      `db.example.com CNAME does not exist in hosted zone ${ZONE}`,
      `api.example.com A has no record with set identifier usw2 (us-west-2) in hosted zone ${ZONE}`,
    ])
    const noZone = await observe(config, fakeWith(undefined), {parts: ['steps']})
    expect(noZone.steps[0]?.missing).toBe(`Route 53 hosted zone ${ZONE} does not exist`)
    expect(appStepGates(noZone, 'failover-planned')).toEqual([
      expect.objectContaining({
        id: 'gate.step.writer-dns',
        status: 'fail',
        message: expect.stringContaining('step writer-dns (route53-record)'),
      }),
      expect.objectContaining({id: 'gate.step.api-weights', status: 'fail'}),
    ])
  })

  it('status warns that it depends on the us-east-1 control plane', async () => {
    const topology = await observe(config, fakeWith([]), {parts: ['steps']})
    expect(appStepChecks(topology, config.regions)).toContainEqual(
      expect.objectContaining({id: 'step.writer-dns.control-plane', status: 'warn'}),
    )
  })

  it('an observation that excludes us-east-1 does not call it: unreadable, and the gate only warns (deferred)', async () => {
    const aws = fakeWith([])
    const topology = await observe(config, aws, {parts: ['steps'], regions: ['us-west-2']})
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(topology.steps[0]).toMatchObject({unreadable: {kind: 'excluded'}})
    expect(appStepGates(topology, 'failover-unplanned', ['us-east-1'])[0]).toMatchObject({status: 'warn'})
  })
})
