import {describe, expect, it} from 'vitest'

import {plannedFailoverGates, unplannedFailoverGates} from '../../../src/lib/checks/gates.js'
import {statusChecks} from '../../../src/lib/checks/status-checks.js'
import type {Topology} from '../../../src/lib/topology/views.js'
import {globalView, healthyTopology, member, testConfig} from '../../fakes/topology.js'

const config = testConfig()
const find = (topology: Topology, id: string) => statusChecks(topology, config).find((check) => check.id === id)
const instance = (id: string, instanceClass: string, isWriter = false) => ({
  id,
  status: 'available',
  isWriter,
  instanceClass,
})

function withSecondary(instances: ReturnType<typeof instance>[], writer = [instance('w1', 'db.r6g.2xlarge', true)]) {
  const topology = healthyTopology()
  topology.aurora = [
    globalView({
      members: [
        member('us-east-1', 'orders-use1', 'writer', {instances: writer}),
        member('us-west-2', 'orders-usw2', 'secondary', {instances}),
      ],
    }),
  ]
  return topology
}

describe('capacity parity', () => {
  it('warns about a 1-instance secondary behind a 4-instance writer, in status and in the failover gates', () => {
    const writer = ['w1', 'w2', 'w3', 'w4'].map((id, index) => instance(id, 'db.r6g.large', index === 0))
    const topology = withSecondary([instance('s1', 'db.r6g.large')], writer)
    expect(find(topology, 'aurora.orders-global.us-west-2.capacity')).toMatchObject({
      status: 'warn',
      message:
        'orders-usw2 (us-west-2) has 1× db.r6g.large behind a writer with 4× db.r6g.large: after a failover there it may not carry the load',
    })
    const gates = plannedFailoverGates(topology, 'us-west-2', {maxLagMs: 5000, allowChaos: false})
    expect(gates.checks).toContainEqual(
      expect.objectContaining({id: 'gate.aurora.orders-global.capacity', status: 'warn'}),
    )
    expect(gates.ready).toBe(true)
  })

  it('warns when the secondary has no instance as large as the writer instance', () => {
    const topology = withSecondary([instance('s1', 'db.r6g.large'), instance('s2', 'db.r6g.large')])
    expect(find(topology, 'aurora.orders-global.us-west-2.capacity')?.message).toContain(
      '(no db.r6g.2xlarge to promote)',
    )
  })

  it('accepts a secondary with fewer readers than the writer cluster but its writer class', () => {
    const topology = healthyTopology()
    expect(find(topology, 'aurora.orders-global.us-west-2.capacity')).toMatchObject({status: 'ok'})
  })

  it('compares a table’s capacity between Regions', () => {
    const topology = healthyTopology()
    const [carts] = topology.dynamodb
    carts!.replicas[0]!.capacity = {mode: 'on-demand'}
    carts!.replicas[1]!.capacity = {mode: 'provisioned', readUnits: 5, writeUnits: 5}
    expect(find(topology, 'dynamodb.carts.capacity')).toMatchObject({
      status: 'warn',
      message: 'carts capacity differs between Regions: us-east-1 on-demand, us-west-2 5 RCU/5 WCU',
    })
    carts!.replicas[1]!.capacity = {mode: 'on-demand'}
    expect(find(topology, 'dynamodb.carts.capacity')?.status).toBe('ok')
  })
})

describe('what status knows of today’s AWS', () => {
  it('says a strongly consistent table loses no write in a failover, and an eventual one may', () => {
    const topology = healthyTopology()
    expect(find(topology, 'dynamodb.carts.consistency')?.message).toContain('loses the writes not yet replicated')
    topology.dynamodb[0]!.consistency = 'strong'
    topology.dynamodb[0]!.witness = {region: 'us-east-2', status: 'ACTIVE'}
    expect(find(topology, 'dynamodb.carts.consistency')?.message).toBe(
      'carts is strongly consistent across Regions (witness us-east-2 ACTIVE): a failover moves traffic only and loses no write; FIS cannot pause its replication',
    )
    const gate = unplannedFailoverGates(topology, 'us-west-2').checks.find(
      (check) => check.id === 'gate.dynamodb.carts',
    )
    expect(gate?.message).toBe('carts replica in us-west-2 ACTIVE (strongly consistent: no write is lost)')
  })

  it('shows the global writer endpoint, the Region it follows, and that a rename changes it', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.endpoint = 'orders-global.global-abc123.global.rds.amazonaws.com'
    expect(find(topology, 'aurora.orders-global.endpoint')?.message).toBe(
      'global writer endpoint orders-global.global-abc123.global.rds.amazonaws.com follows the writer (us-east-1); renaming orders-global changes this host name',
    )
  })
})
