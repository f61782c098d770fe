import {describe, expect, it} from 'vitest'

import {stepsOf} from '../../helpers/plan.js'
import type {RoutingView} from '../../../src/lib/topology/views.js'
import {
  desiredForSet,
  desiredForShift,
  parseState,
  planRoutingChange,
  resolveControl,
} from '../../../src/lib/runbooks/routing-change.js'
import {fence, shiftTo} from '../../../src/lib/runbooks/routing-control-step.js'
import {CONTROL, healthyTopology, testConfig} from '../../fakes/topology.js'

const rule = {
  arn: 'arn:aws:route53-recovery-control::111122223333:controlpanel/p1/safetyrule/one',
  name: 'at-least-one-on',
  type: 'ASSERTION' as const,
  assertedControls: [CONTROL.east, CONTROL.west],
  ruleConfig: {type: 'ATLEAST' as const, threshold: 1, inverted: false},
}

function routing(): RoutingView {
  const view = healthyTopology().routing as RoutingView
  view.safetyRules = [rule]
  return view
}

const request = {
  allowAllOff: false,
  overrides: [],
  endpoints: [{region: 'eu-west-1', url: 'https://e3/v1'}],
  description: 'x',
}
const failing = (plan: ReturnType<typeof planRoutingChange>) =>
  plan.gates.filter((gate) => gate.status === 'fail').map((gate) => gate.id)

describe('routing control resolution', () => {
  it('finds a control by name, ARN or Region', () => {
    expect(resolveControl(routing(), 'retail-us-west-2').arn).toBe(CONTROL.west)
    expect(resolveControl(routing(), CONTROL.east).name).toBe('retail-us-east-1')
    expect(resolveControl(routing(), 'us-west-2').name).toBe('retail-us-west-2')
  })

  it('rejects unknown controls with a suggestion, and ambiguous ones', () => {
    expect(() => resolveControl(routing(), 'retail-us-west-1')).toThrow(/did you mean "retail-us-west-2"/)
    const twoInEast = routing()
    twoInEast.controls.push({arn: `${CONTROL.east}2`, name: 'retail-us-east-1b', region: 'us-east-1', state: 'On'})
    expect(() => resolveControl(twoInEast, 'us-east-1')).toThrow(
      /ambiguous: it matches retail-us-east-1, retail-us-east-1b/,
    )
  })

  it('accepts on/off in any case and nothing else', () => {
    expect(parseState('ON')).toBe('On')
    expect(parseState('off')).toBe('Off')
    expect(() => parseState('maybe')).toThrow(/on or off/)
  })
})

describe('routing changes', () => {
  it('shift: the target On and every other control Off, in one batch step', () => {
    const desired = desiredForShift(testConfig(), routing(), 'us-west-2')
    expect(desired.map((control) => `${control.name} ${control.state}`)).toEqual([
      'retail-us-east-1 Off',
      'retail-us-west-2 On',
    ])
    const plan = planRoutingChange(testConfig(), routing(), {...request, desired})
    expect(failing(plan)).toEqual([])
    expect(plan.items).toHaveLength(1)
    expect(stepsOf(plan.items)[0]?.describe()[0]).toMatchObject({operation: 'UpdateRoutingControlStates'})
  })

  it('does nothing when nothing would change', () => {
    const plan = planRoutingChange(testConfig(), routing(), {
      ...request,
      desired: desiredForShift(testConfig(), routing(), 'us-east-1'),
    })
    expect(plan.items).toEqual([])
  })

  it('refuses to turn every control Off unless allowed, and explains the safety rule it breaks', () => {
    const desired = desiredForSet(resolveControl(routing(), 'us-east-1'), 'Off')
    const plan = planRoutingChange(testConfig(), routing(), {...request, desired})
    expect(failing(plan)).toEqual(['gate.all-off', 'gate.safety-rule.one'])
    expect(plan.gates.find((gate) => gate.id === 'gate.safety-rule.one')?.message).toContain(
      `--override-safety-rule ${rule.arn}`,
    )
    const allowed = planRoutingChange(testConfig(), routing(), {
      ...request,
      desired,
      allowAllOff: true,
      overrides: [rule.arn],
    })
    expect(failing(allowed)).toEqual([])
    expect(allowed.confirmation).toMatchObject({kind: 'typed', expected: 'at-least-one-on'})
    expect(allowed.params.change).toMatchObject({safetyRulesToOverride: [rule.arn]})
  })

  it('rejects a shift to a Region outside the topology', () => {
    expect(() => desiredForShift(testConfig(), routing(), 'eu-west-3')).toThrow(/not a Region of retail/)
    expect(() => desiredForShift(testConfig(), routing(), 'us-east-2')).toThrow(
      '--to "us-east-2" is not a Region of retail (did you mean us-east-1?)',
    )
  })

  it('fences only the target and the failed Region', () => {
    const view = routing()
    view.controls.push({arn: 'arn:x/routingcontrol/eu', name: 'retail-eu-west-1', region: 'eu-west-1', state: 'On'})
    expect(fence(view, 'us-west-2', ['us-east-1']).map((control) => `${control.region} ${control.state}`)).toEqual([
      'us-east-1 Off',
      'us-west-2 On',
    ])
    expect(shiftTo(view, 'us-west-2').map((control) => control.state)).toEqual(['Off', 'On', 'Off'])
  })
})
