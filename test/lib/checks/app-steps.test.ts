import {describe, expect, it} from 'vitest'

import {appStepChecks, appStepGates} from '../../../src/lib/checks/app-steps.js'
import type {AppStepView, Topology} from '../../../src/lib/topology/views.js'
import {healthyTopology} from '../../fakes/topology.js'

const view = (overrides: Partial<AppStepView>): AppStepView => ({
  id: 'api-dns',
  kind: 'route53-record',
  required: false,
  joins: ['failover-planned', 'failover-unplanned', 'fallback'],
  controlPlane: 'us-east-1',
  callRegions: ['us-east-1'],
  pointsAt: 'us-east-1',
  state: 'api.example.com CNAME api-use1.example.com',
  ...overrides,
})
const withSteps = (...steps: AppStepView[]): Topology => ({...healthyTopology(), steps})
const regions = ['us-east-1', 'us-west-2']

describe('application step checks', () => {
  it('a step pointing where writes are is ok; its us-east-1 control plane is a warning with the consequence', () => {
    const checks = appStepChecks(withSteps(view({})), regions)
    expect(checks).toEqual([
      expect.objectContaining({id: 'step.api-dns', status: 'ok'}),
      expect.objectContaining({
        id: 'step.api-dns.control-plane',
        status: 'warn',
        message: expect.stringContaining('lists it as a follow-up'),
      }),
    ])
  })

  it('a step pointing elsewhere warns, or fails when required; a missing resource fails', () => {
    const elsewhere = appStepChecks(withSteps(view({pointsAt: 'us-west-2', controlPlane: undefined})), regions)
    expect(elsewhere).toEqual([
      expect.objectContaining({
        status: 'warn',
        message: expect.stringContaining('points at us-west-2, but writes are in us-east-1'),
      }),
    ])
    const required = appStepChecks(
      withSteps(view({pointsAt: 'us-west-2', required: true, controlPlane: undefined})),
      regions,
    )
    expect(required[0]?.status).toBe('fail')
    const missing = appStepChecks(
      withSteps(view({missing: 'hosted zone Z1 does not exist', controlPlane: undefined})),
      regions,
    )
    expect(missing).toEqual([
      expect.objectContaining({status: 'fail', message: expect.stringContaining('Z1 does not exist')}),
    ])
  })

  it('gates: a missing resource stops any move; an unreadable step only where the move will not defer it', () => {
    const unreadable = view({unreadable: {kind: 'network', message: 'us-east-1 down'}, pointsAt: undefined})
    expect(appStepGates(withSteps(unreadable), 'failover-planned')).toEqual([
      expect.objectContaining({id: 'gate.step.api-dns', status: 'fail'}),
    ])
    expect(appStepGates(withSteps(unreadable), 'failover-unplanned', ['us-east-1'])).toEqual([
      expect.objectContaining({status: 'warn', message: expect.stringContaining('then deferred')}),
    ])
    expect(appStepGates(withSteps(view({joins: ['fallback']})), 'failover-planned')).toEqual([])
  })
})
