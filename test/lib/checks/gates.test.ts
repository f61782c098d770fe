import {describe, expect, it} from 'vitest'

import {plannedFailoverGates, readiness, unplannedFailoverGates} from '../../../src/lib/checks/gates.js'
import {globalView, healthyTopology, member, testConfig} from '../../fakes/topology.js'

const options = {maxLagMs: 5000, allowChaos: false}
const failing = (checks: {id: string; status: string}[]) =>
  checks.filter((check) => check.status === 'fail').map((check) => check.id)

describe('planned failover gates', () => {
  it('pass for a healthy secondary', () => {
    const gate = plannedFailoverGates(healthyTopology(), 'us-west-2', options)
    expect(failing(gate.checks)).toEqual([])
    expect(gate.ready).toBe(true)
    expect(gate.alreadyThere).toBe(false)
  })

  it('see that the target already writes', () => {
    expect(plannedFailoverGates(healthyTopology(), 'us-east-1', options).alreadyThere).toBe(true)
  })

  it('refuse a lag above the gate, unless relaxed with a larger --max-lag', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.members[1]!.lag = {ms: 30_000, metric: 'AuroraGlobalDBRPOLag', at: 'x'}
    expect(failing(plannedFailoverGates(topology, 'us-west-2', options).checks)).toEqual([
      'gate.aurora.orders-global.lag',
    ])
    expect(plannedFailoverGates(topology, 'us-west-2', {...options, maxLagMs: 60_000}).ready).toBe(true)
  })

  it('refuse a failover in progress, a target that is not connected, and a missing member', () => {
    const topology = healthyTopology()
    topology.aurora[0] = globalView({
      status: 'switching-over',
      failoverState: {status: 'switching-over', isDataLossAllowed: false},
      members: [
        member('us-east-1', 'orders-use1', 'writer'),
        member('us-west-2', 'orders-usw2', 'secondary', {synchronizationStatus: 'pending-resync'}),
      ],
    })
    expect(failing(plannedFailoverGates(topology, 'us-west-2', options).checks)).toEqual([
      'gate.aurora.orders-global.status',
      'gate.aurora.orders-global.sync',
    ])
    topology.aurora[0] = globalView({members: [member('us-east-1', 'orders-use1', 'writer')]})
    expect(failing(plannedFailoverGates(topology, 'us-west-2', options).checks)).toEqual([
      'gate.aurora.orders-global.target',
    ])
  })

  it('refuse differing engine versions and a target without available instances', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.members[1] = member('us-west-2', 'orders-usw2', 'secondary', {
      engineVersion: '16.2',
      instances: [],
    })
    expect(failing(plannedFailoverGates(topology, 'us-west-2', options).checks)).toEqual([
      'gate.aurora.orders-global.target',
      'gate.aurora.orders-global.engine',
    ])
  })

  it('refuse a DynamoDB replica that is not ACTIVE, unreadable routing, and a running experiment', () => {
    const topology = healthyTopology()
    topology.dynamodb[0]!.replicas[1]!.status = 'UPDATING'
    topology.routing!.unreadable = {kind: 'x', message: 'every endpoint failed'}
    topology.chaos!.running = [{id: 'EXP1', templateId: 'T', status: 'running', tags: {}, region: 'us-east-1'}]
    expect(failing(plannedFailoverGates(topology, 'us-west-2', options).checks)).toEqual([
      'gate.dynamodb.carts',
      'gate.routing',
      'gate.chaos',
    ])
    expect(failing(plannedFailoverGates(topology, 'us-west-2', {...options, allowChaos: true}).checks)).not.toContain(
      'gate.chaos',
    )
  })

  it('say why a table could not be read (a missing permission) rather than call its replica missing', () => {
    const topology = healthyTopology()
    const table = topology.dynamodb[0]!
    table.replicas = []
    table.unreadable = {kind: 'access-denied', message: 'missing permission dynamodb:DescribeTable on arn:t'}
    const gate = plannedFailoverGates(topology, 'us-west-2', options).checks.find(
      (check) => check.id === 'gate.dynamodb.carts',
    )
    expect(gate).toMatchObject({
      status: 'fail',
      message: 'carts could not be read: missing permission dynamodb:DescribeTable on arn:t',
    })
  })

  it('refuse when a Region is unreachable', () => {
    const topology = healthyTopology()
    topology.regions[0] = {region: 'us-east-1', reachable: false, error: 'timeout'}
    expect(failing(plannedFailoverGates(topology, 'us-west-2', options).checks)).toContain('gate.region.us-east-1')
  })
})

describe('unplanned failover gates', () => {
  it('need only the target: the primary may be unreadable', () => {
    const topology = healthyTopology()
    topology.regions[0] = {region: 'us-east-1', reachable: false, error: 'timeout'}
    topology.aurora[0]!.members[0]!.unreadable = {kind: 'excluded', message: 'not called'}
    const gate = unplannedFailoverGates(topology, 'us-west-2')
    expect(gate.ready).toBe(true)
    expect(gate.dataLossEstimateMs).toBe(300)
  })

  it('report unknown data loss when the lag is unknown, and fail an unavailable target', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.members[1]!.lag = undefined
    expect(unplannedFailoverGates(topology, 'us-west-2')).toMatchObject({
      ready: true,
      dataLossUnknown: true,
      dataLossEstimateMs: undefined,
    })
    topology.aurora[0]!.members[1]!.clusterStatus = 'inaccessible-encryption-credentials'
    expect(unplannedFailoverGates(topology, 'us-west-2').ready).toBe(false)
  })
})

describe('readiness', () => {
  it('answers for every Region but the writer’s, planned and unplanned', () => {
    const result = readiness(healthyTopology(), testConfig())
    expect(result.map((entry) => `${entry.kind} ${entry.region} ${entry.ready}`)).toEqual([
      'planned us-west-2 true',
      'unplanned us-west-2 true',
    ])
    expect(result[1]?.dataLossEstimateMs).toBe(300)
  })

  it('says why a Region is not ready', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.members[1]!.synchronizationStatus = 'pending-resync'
    const planned = readiness(topology, testConfig())[0]
    expect(planned).toMatchObject({ready: false, reasons: ['orders-usw2 replication is pending-resync, not connected']})
  })
})
