import {describe, expect, it} from 'vitest'

import {isGroup} from '../../../src/lib/runbook/types.js'
import {stepsOf} from '../../helpers/plan.js'
import {planFailover, resolveTarget} from '../../../src/lib/runbooks/failover.js'
import {healthyTopology, testConfig} from '../../fakes/topology.js'

const endpoints = [{region: 'eu-west-1', url: 'https://e3/v1'}]
const request = {maxLagMs: 5000, allowChaos: false, endpoints}

describe('failover planning', () => {
  it('planned: switchover of every global cluster in parallel, then traffic, then a fresh verification', () => {
    const plan = planFailover(testConfig(), healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    expect(plan.kind).toBe('failover-planned')
    expect(plan.gates.filter((gate) => gate.status === 'fail')).toEqual([])
    expect(plan.items.map((item) => item.id)).toEqual(['databases', 'traffic', 'verify'])
    const [databases] = plan.items
    expect(databases && isGroup(databases) && databases.parallel.map((step) => step.id)).toEqual([
      'switchover.orders-global',
    ])
    expect(stepsOf(plan.items)[0]?.describe()).toEqual([
      {
        service: 'RDS',
        operation: 'SwitchoverGlobalCluster',
        region: 'us-east-1',
        detail: 'orders-global → arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2',
      },
    ])
    expect(plan.confirmation.kind).toBe('confirm')
    expect(plan.evidence.rpo).toMatchObject({ms: 0})
    expect(plan.excludedRegions).toEqual([])
  })

  it('traffic-first order moves traffic before the databases', () => {
    const config = testConfig('failover: {order: traffic-first}')
    const plan = planFailover(config, healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    expect(plan.items.map((item) => item.id)).toEqual(['traffic', 'databases', 'verify'])
  })

  it('unplanned: fences traffic first, fails over in the target Region, never calls the failed one', () => {
    const plan = planFailover(testConfig(), healthyTopology(), {...request, mode: 'unplanned', target: 'us-west-2'})
    expect(plan.kind).toBe('failover-unplanned')
    expect(plan.items.map((item) => item.id)).toEqual(['traffic', 'databases', 'verify'])
    const calls = stepsOf(plan.items).flatMap((step) => step.describe())
    expect(calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(calls[1]).toMatchObject({
      operation: 'FailoverGlobalCluster',
      region: 'us-west-2',
      detail: expect.stringContaining('AllowDataLoss'),
    })
    expect(plan.excludedRegions).toEqual(['us-east-1'])
    expect(plan.confirmation).toMatchObject({kind: 'typed', expected: 'us-west-2', yesSuffices: false})
    expect(plan.notes[0]).toContain('DATA LOSS: up to ~300ms')
    expect(plan.evidence.rpo).toMatchObject({ms: 300})
    expect(plan.followUps.join(' ')).toContain('rds:unplanned-global-failover-')
  })

  it('detach: RemoveFromGlobalCluster in the target, and the orphaned global cluster named', () => {
    const plan = planFailover(testConfig(), healthyTopology(), {...request, mode: 'detach', target: 'us-west-2'})
    expect(stepsOf(plan.items).map((step) => step.id)).toEqual(['traffic', 'detach.orders-global', 'verify'])
    expect(stepsOf(plan.items)[1]?.describe()[0]).toMatchObject({
      operation: 'RemoveFromGlobalCluster',
      region: 'us-west-2',
    })
    expect(plan.notes.join(' ')).toContain('orphaned')
  })

  it('has nothing to do when the target already writes and takes the traffic', () => {
    const topology = healthyTopology()
    const plan = planFailover(testConfig(), topology, {...request, mode: 'planned', target: 'us-east-1'})
    expect(plan.items).toEqual([])
  })

  it('carries failing gates (lag) and the relaxation flag decides', () => {
    const topology = healthyTopology()
    topology.aurora[0]!.members[1]!.lag = {ms: 20_000, metric: 'AuroraGlobalDBRPOLag', at: 'x'}
    const strict = planFailover(testConfig(), topology, {...request, mode: 'planned', target: 'us-west-2'})
    expect(strict.gates.filter((gate) => gate.status === 'fail').map((gate) => gate.id)).toEqual([
      'gate.aurora.orders-global.lag',
    ])
    const relaxed = planFailover(testConfig(), topology, {
      ...request,
      maxLagMs: 30_000,
      mode: 'planned',
      target: 'us-west-2',
    })
    expect(relaxed.gates.filter((gate) => gate.status === 'fail')).toEqual([])
    expect(strict.notes.join(' ')).not.toContain('relaxed')
    const noted = planFailover(testConfig(), topology, {
      ...request,
      maxLagMs: 30_000,
      maxLagFlag: '30s',
      mode: 'planned',
      target: 'us-west-2',
    })
    expect(noted.notes).toContain('lag gate relaxed by --max-lag 30s (30000ms)')
  })

  it('gates on the pinned account first', () => {
    const config = testConfig()
    config.account = '999999999999'
    const plan = planFailover(config, healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    expect(plan.gates[0]).toMatchObject({id: 'gate.account', status: 'fail'})
  })

  it('infers the target of a two-Region topology and rejects unknown Regions', () => {
    expect(resolveTarget(testConfig(), undefined, healthyTopology())).toBe('us-west-2')
    expect(() => resolveTarget(testConfig(), 'eu-west-9')).toThrow(/not a Region of retail/)
    expect(() => resolveTarget(testConfig(), 'us-west-1')).toThrow(
      '--to "us-west-1" is not a Region of retail (did you mean us-west-2?)',
    )
  })

  it('never reads an empty target as "no target"', () => {
    expect(() => resolveTarget(testConfig(), '', healthyTopology())).toThrow('--to "" is not a Region of retail')
  })
})
