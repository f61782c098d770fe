import {describe, expect, it} from 'vitest'

import {stepsOf} from '../../helpers/plan.js'
import {parseParts, partsTornDown, planTeardown, type TeardownRequest} from '../../../src/lib/runbooks/teardown.js'
import type {Topology} from '../../../src/lib/topology/views.js'
import {globalView, healthyTopology, member, testConfig} from '../../fakes/topology.js'

const request: TeardownRequest = {
  finalSnapshot: true,
  disableDeletionProtection: false,
  only: [],
  stamp: '202611220300',
}

/** Every planned call as "Operation region detail", in execution order. */
function calls(topology: Topology, overrides: Partial<TeardownRequest> = {}, config = testConfig()) {
  const plan = planTeardown(config, topology, {...request, ...overrides})
  return {
    plan,
    calls: stepsOf(plan.items).flatMap((step) =>
      step.describe().map((call) => `${call.operation} ${call.region} ${call.detail}`),
    ),
  }
}

describe('teardown order', () => {
  it('initial roles: secondary detached and deleted first, then the writer with a final snapshot, then the global cluster, table, stacks', () => {
    const {plan, calls: planned} = calls(healthyTopology())
    expect(plan.gates.filter((gate) => gate.status === 'fail')).toEqual([])
    expect(planned).toEqual([
      'RemoveFromGlobalCluster us-west-2 arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2 from orders-global',
      'DeleteDBInstance us-west-2 orders-usw2-a',
      'DeleteDBCluster us-west-2 orders-usw2, SkipFinalSnapshot',
      'DeleteDBInstance us-east-1 orders-use1-a',
      'DeleteDBInstance us-east-1 orders-use1-b',
      'DeleteDBCluster us-east-1 orders-use1, FinalDBSnapshotIdentifier drctl-final-orders-use1-202611220300',
      'DeleteGlobalCluster us-east-1 orders-global',
      'UpdateTable us-east-1 carts: ReplicaUpdates Delete us-west-2',
      'DeleteTable us-east-1 carts',
      'DeleteStack us-west-2 app-usw2',
      'DeleteStack us-east-1 app-use1',
    ])
    expect(plan.confirmation).toMatchObject({kind: 'typed', expected: 'retail'})
  })

  it('deletes the temporary clusters an interrupted reconcile left, with the secondaries and without a final snapshot', () => {
    const leftover = {clusterId: 'drctl-reconcile-20261206-080000-ab12', region: 'us-east-1', instanceIds: ['x-1']}
    const {plan, calls: planned} = calls(healthyTopology(), {reconcileLeftovers: [leftover]})
    expect(planned.slice(0, 5)).toEqual([
      'RemoveFromGlobalCluster us-west-2 arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2 from orders-global',
      'DeleteDBInstance us-west-2 orders-usw2-a',
      'DeleteDBInstance us-east-1 x-1',
      'DeleteDBCluster us-west-2 orders-usw2, SkipFinalSnapshot',
      'DeleteDBCluster us-east-1 drctl-reconcile-20261206-080000-ab12, SkipFinalSnapshot',
    ])
    expect(plan.notes.join('\n')).toContain('drctl-reconcile-20261206-080000-ab12 (us-east-1) is a temporary cluster')
  })

  it('after a planned failover the "standby" Region holds the writer: it is deleted last', () => {
    const topology = healthyTopology()
    topology.aurora[0] = globalView({
      writerRegion: 'us-west-2',
      members: [member('us-east-1', 'orders-use1', 'secondary'), member('us-west-2', 'orders-usw2', 'writer')],
    })
    const {calls: planned} = calls(topology)
    expect(planned.slice(0, 3)).toEqual([
      'RemoveFromGlobalCluster us-east-1 arn:aws:rds:us-east-1:111122223333:cluster:orders-use1 from orders-global',
      'DeleteDBInstance us-east-1 orders-use1-a',
      'DeleteDBCluster us-east-1 orders-use1, SkipFinalSnapshot',
    ])
    expect(planned).toContain(
      'DeleteDBCluster us-west-2 orders-usw2, FinalDBSnapshotIdentifier drctl-final-orders-usw2-202611220300',
    )
    expect(planned.filter((call) => call.startsWith('DeleteStack'))).toEqual([
      'DeleteStack us-east-1 app-use1',
      'DeleteStack us-west-2 app-usw2',
    ])
    expect(planned).toContain('UpdateTable us-west-2 carts: ReplicaUpdates Delete us-east-1')
  })

  it('after a detach: the orphaned global cluster and the detached survivor both go', () => {
    const topology = healthyTopology()
    topology.aurora[0] = globalView({members: [member('us-east-1', 'orders-use1', 'writer')]})
    topology.aurora[0].detachedSurvivor = {
      clusterId: 'orders-usw2',
      clusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2',
      region: 'us-west-2',
      found: true,
      status: 'available',
      instances: [{id: 'orders-usw2-a', status: 'available', isWriter: true, instanceClass: 'db.r6g.large'}],
      runId: 'run-1',
    }
    const {plan, calls: planned} = calls(topology)
    expect(planned.filter((call) => call.includes('orders-usw2'))).toEqual([
      'DeleteDBInstance us-west-2 orders-usw2-a',
      'DeleteDBCluster us-west-2 orders-usw2, FinalDBSnapshotIdentifier drctl-final-orders-usw2-202611220300',
    ])
    expect(planned.indexOf('DeleteGlobalCluster us-east-1 orders-global')).toBeGreaterThan(
      planned.indexOf(
        'DeleteDBCluster us-east-1 orders-use1, FinalDBSnapshotIdentifier drctl-final-orders-use1-202611220300',
      ),
    )
    expect(plan.notes.join(' ')).toContain('detached from orders-global by run run-1')
  })

  it('promotes a replicating binlog replica before deleting its instances', () => {
    const topology = healthyTopology()
    topology.replicas = [
      {
        clusterId: 'reports-usw2',
        region: 'us-west-2',
        found: true,
        status: 'available',
        replicationSourceArn: 'arn:aws:rds:us-east-1:111122223333:cluster:orders-use1',
        instances: [{id: 'reports-usw2-a', status: 'available', isWriter: false, instanceClass: 'db.r6g.large'}],
      },
    ]
    const {calls: planned} = calls(topology)
    const promote = planned.indexOf('PromoteReadReplicaDBCluster us-west-2 reports-usw2')
    expect(promote).toBeGreaterThan(-1)
    expect(planned.indexOf('DeleteDBInstance us-west-2 reports-usw2-a')).toBeGreaterThan(promote)
    expect(planned.indexOf('DeleteDBCluster us-west-2 reports-usw2, SkipFinalSnapshot')).toBeLessThan(
      planned.indexOf('DeleteDBInstance us-east-1 orders-use1-a'),
    )
  })

  it('stops at the gate naming every protected resource at once, unless told to turn protection off', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.deletionProtection = true
    topology.aurora[0]!.members[0]!.deletionProtection = true
    topology.dynamodb[0]!.replicas[1]!.deletionProtection = true
    const {plan} = calls(topology)
    const gate = plan.gates.find((candidate) => candidate.id === 'gate.deletion-protection')
    expect(gate?.status).toBe('fail')
    expect(gate?.message).toBe(
      'deletion protection is on for: global-cluster orders-global (us-east-1), cluster orders-use1 (us-east-1), table carts (us-west-2); pass --disable-deletion-protection to turn it off',
    )
    const {plan: allowed, calls: planned} = calls(topology, {disableDeletionProtection: true})
    expect(allowed.gates.find((candidate) => candidate.id === 'gate.deletion-protection')?.status).toBe('warn')
    expect(planned.slice(0, 3)).toEqual([
      'ModifyGlobalCluster us-east-1 orders-global: DeletionProtection false',
      'ModifyDBCluster us-east-1 orders-use1: DeletionProtection false',
      'UpdateTable us-west-2 carts: DeletionProtection false',
    ])
  })

  it('removes DynamoDB replicas one at a time before deleting the last table (three Regions)', () => {
    const config = testConfig().regions.includes('eu-west-1')
      ? testConfig()
      : {...testConfig(), regions: ['us-east-1', 'us-west-2', 'eu-west-1']}
    const topology = healthyTopology()
    topology.dynamodb[0]!.replicas.push({region: 'eu-west-1', status: 'ACTIVE'})
    const plan = planTeardown(config, topology, {...request, only: ['dynamodb']})
    expect(plan.items.map((item) => item.id)).toEqual([
      'replica.carts.us-west-2',
      'replica.carts.eu-west-1',
      'table.carts.us-east-1',
    ])
  })

  it('reports resources that do not exist and skips them', () => {
    const topology = healthyTopology()
    topology.aurora[0] = {id: 'orders-global', found: false, members: []}
    topology.stacks[1]!.found = false
    const {plan, calls: planned} = calls(topology)
    expect(planned.some((call) => call.includes('orders'))).toBe(false)
    expect(plan.notes).toEqual(
      expect.arrayContaining([
        'global cluster orders-global does not exist: skipped',
        'stack app-usw2 (us-west-2) does not exist: skipped',
      ]),
    )
  })

  it('refuses a member in a Region drctl.yaml does not list, an unreachable Region and a foreign account', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.members.push(member('eu-west-1', 'orders-euw1', 'secondary'))
    topology.regions[1] = {region: 'us-west-2', reachable: false, error: 'timeout'}
    topology.identity = {account: '999999999999', arn: 'arn:aws:sts::999999999999:x', userId: 'x'}
    const failing = calls(topology)
      .plan.gates.filter((gate) => gate.status === 'fail')
      .map((gate) => gate.id)
    expect(failing).toEqual(['gate.account', 'gate.region.us-west-2', 'gate.aurora.orders-global.eu-west-1'])
  })

  it('stops running experiments first, and honours --only and --skip-final-snapshot', () => {
    const topology = healthyTopology()
    topology.chaos!.running = [{id: 'EXP1', templateId: 'T', status: 'running', tags: {}, region: 'us-east-1'}]
    const {calls: planned} = calls(topology, {only: ['stacks'], finalSnapshot: false})
    expect(planned).toEqual([
      'StopExperiment us-east-1 EXP1',
      'DeleteStack us-west-2 app-usw2',
      'DeleteStack us-east-1 app-use1',
    ])
    const {calls: noSnapshot} = calls(healthyTopology(), {finalSnapshot: false})
    expect(noSnapshot).toContain('DeleteDBCluster us-east-1 orders-use1, SkipFinalSnapshot')
    expect(() => parseParts(['aurora,lambda'])).toThrow(/--only "lambda"/)
    expect(parseParts(['aurora,dynamodb', 'stacks'])).toEqual(['aurora', 'dynamodb', 'stacks'])
    expect(partsTornDown([])).toEqual(new Set(['fis', 'aurora', 'dynamodb', 'stacks']))
    expect(partsTornDown(['dynamodb', 'stacks'])).toEqual(new Set(['dynamodb', 'stacks']))
  })
})
