import {describe, expect, it} from 'vitest'

import {stepsOf} from '../../helpers/plan.js'
import {situationOf} from '../../../src/lib/runbooks/fallback.js'
import {boundedIdentifier, preservedCopyId} from '../../../src/lib/runbooks/fallback-facts.js'
import {validateGlobalClusterName} from '../../../src/lib/runbooks/rename.js'
import {clusterArnOf, FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {healthyTopology} from '../../fakes/topology.js'
import {
  afterDetach,
  afterManagedFailover,
  noFacts,
  planned,
  systemSnapshot,
  withSystemSnapshot,
} from './fallback-fixtures.js'
import {stepContext as resumedContext} from './step-context.js'

describe('fallback', () => {
  it('knows the situation of each global cluster', () => {
    expect(situationOf(healthyTopology().aurora[0]!, 'us-east-1')).toBe('home')
    expect(situationOf(afterManagedFailover().aurora[0]!, 'us-east-1')).toBe('switch-back')
    expect(situationOf(afterDetach().topology.aurora[0]!, 'us-east-1')).toBe('rebuild-after-detach')
  })

  it('has nothing to do when the writer and traffic are home', () => {
    const {plan} = planned(healthyTopology())
    expect(plan.items).toEqual([])
    expect(plan.notes).toEqual(['orders-global: writes in us-east-1 already'])
  })

  it('after a managed failover: waits for the rejoined member, preserves the system snapshot, switches back, shifts traffic', () => {
    const {plan, calls} = planned(afterManagedFailover(), withSystemSnapshot)
    expect(plan.gates.filter((gate) => gate.status === 'fail')).toEqual([])
    expect(calls).toEqual([
      'copy.drctl-preserved-orders-use1-2026-11-22-03-10: CopyDBClusterSnapshot us-east-1',
      'sync.orders-global.orders-use1: ',
      'switch-back-gates: ',
      'switchover.orders-global: SwitchoverGlobalCluster us-west-2',
      'traffic: UpdateRoutingControlStates a cluster endpoint (rotating)',
      'verify: ',
    ])
    expect(plan.confirmation.kind).toBe('confirm')
  })

  it('names the preserved copy after the system snapshot: a later fallback finds it instead of copying again', async () => {
    const snapshot = systemSnapshot
    const facts = withSystemSnapshot
    const first = planned(afterManagedFailover(), facts, {switchBack: false, stamp: '202611220400'})
    const later = planned(afterManagedFailover(), facts, {stamp: '202611221730'})
    expect(first.calls[0]).toBe('copy.drctl-preserved-orders-use1-2026-11-22-03-10: CopyDBClusterSnapshot us-east-1')
    expect(later.calls[0]).toBe(first.calls[0])
    const state = twoRegionState()
    state.snapshots.push({...snapshot, id: 'drctl-preserved-orders-use1-2026-11-22-03-10', region: 'us-east-1'})
    const aws = new FakeAws(state)
    expect(await stepsOf(later.plan.items)[0]!.check(resumedContext(aws))).toMatchObject({state: 'done'})
    expect(preservedCopyId({...snapshot, id: 'rds:something-else'}, '202611220400')).toBe(
      'drctl-preserved-orders-use1-202611220400',
    )
  })

  it('gates the switch-back traffic like any routing change: a cached safety rule it would break stops it', () => {
    const topology = afterManagedFailover()
    const [east, west] = topology.routing!.controls.map((control) => control.arn)
    topology.routing!.safetyRules = [
      {
        arn: `${east}-rule/keep-west`,
        name: 'keep-west',
        type: 'ASSERTION',
        assertedControls: [west!],
        ruleConfig: {type: 'ATLEAST', threshold: 1, inverted: false},
      },
    ]
    const {plan} = planned(topology, noFacts)
    expect(plan.gates.filter((gate) => gate.status === 'fail')).toEqual([
      expect.objectContaining({
        id: 'gate.safety-rule.keep-west',
        message: expect.stringContaining('--override-safety-rule'),
      }),
    ])
    expect(planned(topology, noFacts, {switchBack: false}).plan.gates.filter((gate) => gate.status === 'fail')).toEqual(
      [],
    )
  })

  it('without --switch-back it only makes the topology whole', () => {
    const {calls, plan} = planned(afterManagedFailover(), noFacts, {switchBack: false})
    expect(calls).toEqual(['sync.orders-global.orders-use1: ', 'verify: '])
    expect(plan.followUps.join(' ')).toContain('drctl fallback --switch-back')
  })

  it('after a detach: snapshot, rename the orphan, recreate from the survivor, retire the old primary, new secondary copying its settings, switch back', () => {
    const {topology, facts} = afterDetach()
    const {plan, calls} = planned(topology, facts)
    expect(plan.gates.filter((gate) => gate.status === 'fail')).toEqual([])
    expect(calls).toEqual([
      'snapshot.drctl-reconcile-orders-use1-202611220400: CreateDBClusterSnapshot us-east-1',
      'rename.orders-global: ModifyGlobalCluster us-east-1',
      'create-global.orders-global: CreateGlobalCluster us-west-2',
      'detach.orders-global-orphan-202611220400.orders-use1: RemoveFromGlobalCluster us-east-1',
      'instances.orders-use1: DeleteDBInstance us-east-1, DeleteDBInstance us-east-1',
      'cluster.orders-use1: DeleteDBCluster us-east-1',
      'global.orders-global-orphan-202611220400: DeleteGlobalCluster us-east-1',
      'create-secondary.orders-use1: CreateDBCluster us-east-1, CreateDBInstance us-east-1, CreateDBInstance us-east-1',
      'sync.orders-global.orders-use1: ',
      'switch-back-gates: ',
      'switchover.orders-global: SwitchoverGlobalCluster us-west-2',
      'traffic: UpdateRoutingControlStates a cluster endpoint (rotating)',
      'verify: ',
    ])
    const create = stepsOf(plan.items)
      .find((step) => step.id === 'create-secondary.orders-use1')
      ?.describe()
    expect(create?.[0]?.detail).toBe(
      'orders-use1, GlobalClusterIdentifier orders-global, aurora-postgresql 15.4, subnet group db-private, security groups sg-1,sg-2, KMS arn:aws:kms:us-east-1:111122223333:key/k1, parameter group orders-pg15',
    )
    expect(create?.[1]?.detail).toBe('orders-use1-a (db.r6g.xlarge) in orders-use1')
    expect(plan.confirmation).toMatchObject({kind: 'typed', expected: 'retail'})
  })

  it('--keep-old-primary detaches it without deleting, and the new secondary gets new identifiers', () => {
    const {topology, facts} = afterDetach()
    const {calls, plan} = planned(topology, facts, {keepOldPrimary: true})
    expect(calls.some((call) => call.startsWith('instances.') || call.startsWith('cluster.'))).toBe(false)
    expect(calls).toContain(
      'create-secondary.orders-use1-202611220400: CreateDBCluster us-east-1, CreateDBInstance us-east-1, CreateDBInstance us-east-1',
    )
    expect(plan.confirmation.kind).toBe('confirm')
  })

  it('stops at the gate when the old Region is still unreachable, or the old primary is protected', () => {
    const unreachable = afterManagedFailover()
    unreachable.regions[0] = {region: 'us-east-1', reachable: false, error: 'timeout'}
    expect(
      planned(unreachable)
        .plan.gates.filter((gate) => gate.status === 'fail')
        .map((gate) => gate.id),
    ).toContain('gate.region.us-east-1')
    const {topology, facts} = afterDetach()
    facts.clusters[clusterArnOf('us-east-1', 'orders-use1')]!.cluster.deletionProtection = true
    expect(planned(topology, facts).plan.gates.find((gate) => gate.id === 'gate.protection.orders-use1')?.status).toBe(
      'fail',
    )
    const allowed = planned(topology, facts, {disableDeletionProtection: true})
    expect(allowed.calls[3]).toBe('protection.cluster.orders-use1.us-east-1: ModifyDBCluster us-east-1')
  })

  it('gives the rebuilt global cluster and secondary the deletion protection the originals had', () => {
    const {topology, facts} = afterDetach()
    topology.aurora[0]!.deletionProtection = true
    facts.clusters[clusterArnOf('us-east-1', 'orders-use1')]!.cluster.deletionProtection = true
    const {plan} = planned(topology, facts, {disableDeletionProtection: true})
    const steps = stepsOf(plan.items)
    expect(steps.find((step) => step.id === 'create-global.orders-global')?.describe()[0]?.detail).toContain(
      'DeletionProtection',
    )
    const secondary = (plan.params.specs as any[])
      .flatMap((spec) => (spec.kind === 'group' ? spec.steps : [spec]))
      .find((spec) => spec.kind === 'create-secondary')
    expect(secondary.secondary.deletionProtection).toBe(true)
  })

  it('keeps generated identifiers within RDS limits', () => {
    const id = boundedIdentifier('a'.repeat(70), '202611220400')
    expect(id.length).toBeLessThanOrEqual(63)
    expect(validateGlobalClusterName(id)).toBe(id)
  })
})

describe('a resumed fallback', () => {
  it('after a detach, once it switched back: every step is done, none touches the rebuilt clusters that reuse the old names', async () => {
    const {topology, facts} = afterDetach()
    const {plan} = planned(topology, facts)
    // Live state when the run was killed after the switch-back: orders-global was created again from orders-usw2,
    // the orphan and the old orders-use1 are gone, and a new orders-use1 (same identifiers) writes.
    const state = twoRegionState()
    state.snapshots.push({
      id: 'drctl-reconcile-orders-use1-202611220400',
      arn: 'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:drctl-reconcile-orders-use1-202611220400',
      clusterId: 'orders-use1',
      status: 'available',
      type: 'manual',
      region: 'us-east-1',
    })
    const aws = new FakeAws(state)
    const ctx = resumedContext(aws, {'renamed.orders-global': 'orders-global-orphan-202611220400'})
    const states: string[] = []
    for (const step of stepsOf(plan.items)) {
      states.push(`${step.id}: ${(await step.check(ctx)).state}`)
      await step.verify(ctx)
    }
    expect(states).toEqual([
      'snapshot.drctl-reconcile-orders-use1-202611220400: done',
      'rename.orders-global: done',
      'create-global.orders-global: done',
      'detach.orders-global-orphan-202611220400.orders-use1: done',
      'instances.orders-use1: done',
      'cluster.orders-use1: done',
      'global.orders-global-orphan-202611220400: done',
      'create-secondary.orders-use1: done',
      'sync.orders-global.orders-use1: done',
      'switch-back-gates: done',
      'switchover.orders-global: done',
      'traffic: done',
      'verify: pending',
    ])
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('after a detach, once the global cluster exists again: the rename is not repeated on it', async () => {
    const {topology, facts} = afterDetach()
    const rename = stepsOf(planned(topology, facts).plan.items).find((step) => step.id === 'rename.orders-global')!
    const state = twoRegionState()
    // The new orders-global holds the survivor; the renamed orphan still holds the old primary.
    const orphan = structuredClone(state.globals[0]!)
    orphan.id = 'orders-global-orphan-202611220400'
    orphan.members = orphan.members.filter((member) => member.region === 'us-east-1')
    state.globals[0]!.members = state.globals[0]!.members.filter((member) => member.region === 'us-west-2')
    state.globals[0]!.members[0]!.isWriter = true
    state.globals.push(orphan)
    const aws = new FakeAws(state)
    const ctx = resumedContext(aws, {'renamed.orders-global': 'orders-global-orphan-202611220400'})
    expect(await rename.check(ctx)).toMatchObject({state: 'done'})
    // An operator's own global cluster under that name, with no rename journaled, is still refused by RDS, not skipped.
    expect(await rename.check(resumedContext(aws))).toMatchObject({state: 'pending'})
  })

  it('after a managed failover, once it switched back: the wait for the rejoined member is done', async () => {
    const {plan} = planned(afterManagedFailover())
    const aws = new FakeAws(twoRegionState())
    const ctx = resumedContext(aws)
    const states = await Promise.all(
      stepsOf(plan.items).map(async (step) => `${step.id}: ${(await step.check(ctx)).state}`),
    )
    expect(states).toEqual([
      'sync.orders-global.orders-use1: done',
      'switch-back-gates: done',
      'switchover.orders-global: done',
      'traffic: done',
      'verify: pending',
    ])
  })
})

describe('global cluster names', () => {
  it('follow the RDS rules and are stored lowercase', () => {
    expect(validateGlobalClusterName('Orders-Global-2')).toBe('orders-global-2')
    for (const bad of ['2orders', 'orders--global', 'orders-', 'a'.repeat(64), 'orders_global']) {
      expect(() => validateGlobalClusterName(bad)).toThrow(/not a valid global cluster identifier/)
    }
  })
})
