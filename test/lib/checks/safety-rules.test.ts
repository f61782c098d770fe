import {describe, expect, it} from 'vitest'

import {safetyRuleArnsIn, violatedSafetyRules} from '../../../src/lib/checks/safety-rules.js'
import type {SafetyRuleConfig} from '../../../src/lib/config/schema.js'

const panel = 'arn:aws:route53-recovery-control::111122223333:controlpanel/p1'
const east = `${panel}/routingcontrol/east`
const west = `${panel}/routingcontrol/west`
const freeze = `${panel}/routingcontrol/freeze`

const atLeastOne: SafetyRuleConfig = {
  arn: `${panel}/safetyrule/one`,
  name: 'at-least-one-on',
  type: 'ASSERTION',
  assertedControls: [east, west],
  ruleConfig: {type: 'ATLEAST', threshold: 1, inverted: false},
}
const gate: SafetyRuleConfig = {
  arn: `${panel}/safetyrule/gate`,
  name: 'change-freeze',
  type: 'GATING',
  gatingControls: [freeze],
  targetControls: [east, west],
  ruleConfig: {type: 'OR', threshold: 1, inverted: false},
}
const states = (entries: Record<string, 'On' | 'Off'>) => new Map(Object.entries(entries))

describe('safety rules', () => {
  it('an assertion rule judges the final state of the whole batch', () => {
    const before = states({[east]: 'On', [west]: 'Off'})
    expect(violatedSafetyRules([atLeastOne], before, states({[east]: 'Off', [west]: 'On'}))).toEqual([])
    const violations = violatedSafetyRules([atLeastOne], before, states({[east]: 'Off', [west]: 'Off'}))
    expect(violations.map((violation) => violation.reason)).toEqual([
      'assertion rule at-least-one-on requires at least 1 of 2 On of its controls after the change',
    ])
  })

  it('a gating rule blocks target changes while its gating controls are not satisfied', () => {
    const frozen = states({[east]: 'On', [west]: 'Off', [freeze]: 'Off'})
    expect(violatedSafetyRules([gate], frozen, states({[east]: 'Off', [west]: 'On', [freeze]: 'Off'}))).toHaveLength(1)
    const open = states({[east]: 'On', [west]: 'Off', [freeze]: 'On'})
    expect(violatedSafetyRules([gate], open, states({[east]: 'Off', [west]: 'On', [freeze]: 'On'}))).toEqual([])
    // No target control changes: nothing to gate.
    expect(violatedSafetyRules([gate], frozen, frozen)).toEqual([])
  })

  it('honours overrides and inverted rules, and does not judge unknown states', () => {
    const allOff = states({[east]: 'Off', [west]: 'Off'})
    expect(violatedSafetyRules([atLeastOne], allOff, allOff, [atLeastOne.arn])).toEqual([])
    const noneOn: SafetyRuleConfig = {...atLeastOne, ruleConfig: {type: 'ATLEAST', threshold: 1, inverted: true}}
    expect(violatedSafetyRules([noneOn], allOff, states({[east]: 'On', [west]: 'Off'}))).toHaveLength(1)
    expect(violatedSafetyRules([atLeastOne], states({}), states({[east]: 'Off'}))).toEqual([])
  })

  it('finds the rule ARNs in an ARC refusal message', () => {
    expect(safetyRuleArnsIn(`Cannot change routing control states because of safety rule ${atLeastOne.arn}.`)).toEqual([
      atLeastOne.arn,
    ])
  })
})
