import {describe, expect, it} from 'vitest'

import {stepsOf} from '../../helpers/plan.js'
import {isDrctlError} from '../../../src/lib/core/errors.js'
import {isGroup} from '../../../src/lib/runbook/types.js'
import {planFailover} from '../../../src/lib/runbooks/failover.js'
import type {ItemSpec} from '../../../src/lib/runbooks/step-specs.js'
import {SwitchBackGatesStep} from '../../../src/lib/runbooks/switch-back-gates-step.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {clusterArnOf, FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'
import {afterDetach, afterManagedFailover, planned, withSystemSnapshot} from './fallback-fixtures.js'
import {stepContext} from './step-context.js'

// A fallback has the guarantees of a failover: deletion protection lifted by a real step, only where a delete needs
// it; the switch-back gated like `failover --planned`; every path verified by a fresh observation.

const specsOf = (params: Record<string, unknown>) => params.specs as ItemSpec[]

describe('deletion protection in a fallback', () => {
  it('is only mentioned where a step turns it off', () => {
    const {plan} = planned(afterManagedFailover(), withSystemSnapshot)
    const titles = plan.items.flatMap((item) => [
      item.title,
      ...(isGroup(item) ? item.parallel : []).map((step) => step.title),
    ])
    expect(titles.filter((title) => /protection/i.test(title))).toEqual([])
    expect([...plan.notes, ...plan.gates.map((gate) => gate.message)].join('\n')).not.toMatch(/protection/i)
  })

  it('is turned off by planned steps after the rename, on the orphan by its new name, just before the deletes', () => {
    const {topology, facts} = afterDetach()
    topology.aurora[0]!.deletionProtection = true
    facts.clusters[clusterArnOf('us-east-1', 'orders-use1')]!.cluster.deletionProtection = true
    const {plan, calls} = planned(topology, facts, {disableDeletionProtection: true})
    expect(calls.slice(0, 6)).toEqual([
      'snapshot.drctl-reconcile-orders-use1-202611220400: CreateDBClusterSnapshot us-east-1',
      'rename.orders-global: ModifyGlobalCluster us-east-1',
      'create-global.orders-global: CreateGlobalCluster us-west-2',
      'protection.cluster.orders-use1.us-east-1: ModifyDBCluster us-east-1',
      'protection.global-cluster.orders-global-orphan-202611220400.us-east-1: ModifyGlobalCluster us-east-1',
      'detach.orders-global-orphan-202611220400.orders-use1: RemoveFromGlobalCluster us-east-1',
    ])
    const group = plan.items.find((item) => item.id === 'protection')!
    expect(group.title).toMatch(/deletion protection/)
    expect(stepsOf([group]).flatMap((step) => step.describe().map((call) => call.detail))).toEqual([
      'orders-use1: DeletionProtection false',
      'orders-global-orphan-202611220400: DeletionProtection false',
    ])
    expect(plan.gates.filter((gate) => gate.id.startsWith('gate.protection.')).map((gate) => gate.status)).toEqual([
      'warn',
      'warn',
    ])
    // The replacements are protected like the originals, and the plan says so.
    expect(
      ['create-global.orders-global', 'create-secondary.orders-use1'].map(
        (id) =>
          stepsOf(plan.items)
            .find((step) => step.id === id)!
            .describe()[0]!.detail,
      ),
    ).toEqual([expect.stringMatching(/, DeletionProtection$/), expect.stringMatching(/, DeletionProtection$/)])
  })

  it('is never turned off on the replacements when a run is resumed after the rebuild', async () => {
    const {topology, facts} = afterDetach()
    topology.aurora[0]!.deletionProtection = true
    facts.clusters[clusterArnOf('us-east-1', 'orders-use1')]!.cluster.deletionProtection = true
    const {plan} = planned(topology, facts, {disableDeletionProtection: true})
    // The run was killed after the rebuild: orders-global exists again and a new orders-use1 (the old identifiers)
    // is its secondary; both are protected like the originals, the orphan is gone.
    const state = twoRegionState()
    state.globals[0]!.deletionProtection = true
    state.clusters.find((cluster) => cluster.id === 'orders-use1')!.deletionProtection = true
    const aws = new FakeAws(state)
    const ctx = stepContext(aws, {'renamed.orders-global': 'orders-global-orphan-202611220400'})
    for (const step of stepsOf(plan.items).filter((candidate) => candidate.id.startsWith('protection.'))) {
      expect(await step.check(ctx)).toMatchObject({state: 'done'})
      await step.verify(ctx)
    }
    expect(aws.mutatingCalls()).toEqual([])
  })
})

describe('the switch-back of a fallback', () => {
  it('is gated just before it starts, and only with --switch-back', () => {
    const {plan} = planned(afterManagedFailover())
    const ids = plan.items.map((item) => item.id)
    expect(ids.indexOf('switch-back-gates')).toBe(ids.indexOf('switch-back') - 1)
    expect(specsOf(plan.params)).toContainEqual({
      kind: 'switch-back-gates',
      gates: {
        home: 'us-east-1',
        maxLagMs: 5000,
        moves: [expect.objectContaining({globalClusterId: 'orders-global', targetRegion: 'us-east-1'})],
      },
    })
    expect(
      planned(afterManagedFailover(), undefined, {switchBack: false}).plan.items.map((item) => item.id),
    ).not.toContain('switch-back-gates')
  })

  it('does not start when a gate of failover --planned fails already at planning; the awaited clusters are judged later', () => {
    const topology = afterManagedFailover()
    topology.chaos = {
      running: [{id: 'EXP1', templateId: 'T1', status: 'running', tags: {}, region: 'us-east-1'}],
      unreadable: [],
    }
    topology.dynamodb[0]!.replicas.find((replica) => replica.region === 'us-east-1')!.status = 'UPDATING'
    const {plan} = planned(topology)
    expect(plan.gates.filter((gate) => gate.status === 'fail').map((gate) => gate.id)).toEqual([
      'gate.dynamodb.carts',
      'gate.chaos',
    ])
    // orders-global's member at home is still resyncing: the run waits for it, its gates come just before the switchover.
    expect(plan.gates.filter((gate) => gate.id.startsWith('gate.aurora.orders-global'))).toEqual([])
    expect(
      planned(topology, undefined, {switchBack: false}).plan.gates.filter((gate) => gate.status === 'fail'),
    ).toEqual([])
  })

  // The fake world writes in us-east-1 with a connected secondary in us-west-2: a switch-back to us-west-2.
  const move = {
    globalClusterId: 'orders-global',
    targetRegion: 'us-west-2',
    targetClusterArn: clusterArnOf('us-west-2', 'orders-usw2'),
    targetClusterId: 'orders-usw2',
    fromRegion: 'us-east-1',
  }
  const gateStep = (maxLagMs = 5000) =>
    new SwitchBackGatesStep(testConfig(), {home: 'us-west-2', maxLagMs, moves: [move]})

  it('passes exactly the gates of failover --planned, on a fresh observation', async () => {
    const aws = new FakeAws(twoRegionState())
    const records: Record<string, unknown> = {}
    const ctx = {...stepContext(aws), record: (key: string, value: unknown) => (records[key] = value)}
    expect(await gateStep().check(ctx)).toEqual({state: 'pending'})
    await gateStep().run(ctx)
    const failover = planFailover(testConfig(), await observe(testConfig(), aws), {
      mode: 'planned',
      target: 'us-west-2',
      maxLagMs: 5000,
      allowChaos: false,
      endpoints: [],
    })
    expect(records.switchBackGates).toEqual(failover.gates.map((gate) => `${gate.status} ${gate.id}: ${gate.message}`))
    expect(failover.gates.map((gate) => gate.id)).toEqual(
      expect.arrayContaining(['gate.account', 'gate.aurora.orders-global.lag', 'gate.dynamodb.carts', 'gate.chaos']),
    )
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('stops the run before the switchover when a gate fails: a running experiment, lag above the gate', async () => {
    const state = twoRegionState()
    state.experiments.push({
      id: 'EXP1',
      templateId: 'T1',
      status: 'running',
      actions: [],
      tags: {},
      region: 'us-east-1',
    })
    const failure = await gateStep(100)
      .run(stepContext(new FakeAws(state)))
      .catch((error: unknown) => error)
    expect(isDrctlError(failure) && failure.code).toBe('DRCTL_GATE_FAILED')
    expect((failure as Error).message).toMatch(/FIS experiment\(s\) EXP1 running/)
    expect((failure as Error).message).toMatch(/replication lag .* is above 100ms/)
  })

  it('is not gated again once a switchover has begun (a resumed run)', async () => {
    const state = twoRegionState()
    state.globals[0]!.failoverState = {
      status: 'switching-over',
      fromClusterArn: clusterArnOf('us-east-1', 'orders-use1'),
      toClusterArn: move.targetClusterArn,
      isDataLossAllowed: false,
    }
    expect(await gateStep().check(stepContext(new FakeAws(state)))).toMatchObject({state: 'done'})
  })
})

describe('every fallback', () => {
  it('ends verifying writers and traffic by a fresh observation', () => {
    const verifyOf = (plan: {params: Record<string, unknown>}) => specsOf(plan.params).at(-1)
    expect(verifyOf(planned(afterManagedFailover()).plan)).toMatchObject({
      kind: 'verify',
      expected: {
        writers: {'orders-global': 'us-east-1'},
        routing: [
          expect.objectContaining({region: 'us-east-1', state: 'On'}),
          expect.objectContaining({region: 'us-west-2', state: 'Off'}),
        ],
        regions: ['us-east-1', 'us-west-2'],
      },
    })
    expect(verifyOf(planned(afterManagedFailover(), undefined, {switchBack: false}).plan)).toMatchObject({
      kind: 'verify',
      expected: {writers: {'orders-global': 'us-west-2'}, routing: []},
    })
    const {topology, facts} = afterDetach()
    expect(verifyOf(planned(topology, facts, {switchBack: false}).plan)).toMatchObject({
      kind: 'verify',
      expected: {writers: {'orders-global': 'us-west-2'}, routing: []},
    })
    expect(verifyOf(planned(topology, facts).plan)).toMatchObject({
      kind: 'verify',
      expected: {writers: {'orders-global': 'us-east-1'}},
    })
  })

  it('fails its verification when the fresh observation disagrees', async () => {
    const verify = stepsOf(planned(afterManagedFailover()).plan.items).at(-1)!
    const aws = new FakeAws(twoRegionState())
    await expect(verify.run(stepContext(aws))).resolves.toBeUndefined()
    aws.state.routing[0]!.state = 'Off'
    aws.state.routing[1]!.state = 'On'
    await expect(verify.run(stepContext(aws))).rejects.toMatchObject({code: 'DRCTL_VERIFY_FAILED'})
  })
})
