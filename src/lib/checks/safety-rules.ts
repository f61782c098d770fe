import {type RoutingControlStateValue} from '../aws/ports.js'
import {resourceIdOfArn} from '../core/arn.js'
import type {SafetyRuleConfig} from '../config/schema.js'

export interface RuleViolation {
  rule: SafetyRuleConfig
  reason: string
}

type States = ReadonlyMap<string, RoutingControlStateValue>

/** A safety rule as operators know it: its cached name, else the id at the end of its ARN. */
export const safetyRuleLabel = (rule: Pick<SafetyRuleConfig, 'arn' | 'name'>) => rule.name ?? resourceIdOfArn(rule.arn)

function satisfied(config: SafetyRuleConfig['ruleConfig'], controls: string[], states: States): boolean | undefined {
  const known = controls.map((arn) => states.get(arn))
  if (known.some((state) => state === undefined)) return undefined
  const on = known.filter((state) => state === 'On').length
  const result =
    config.type === 'AND' ? on === controls.length : config.type === 'OR' ? on >= 1 : on >= config.threshold
  return config.inverted ? !result : result
}

function describeRequirement(config: SafetyRuleConfig['ruleConfig'], count: number): string {
  const base =
    config.type === 'AND'
      ? `all ${count} On`
      : config.type === 'OR'
        ? 'at least one On'
        : `at least ${config.threshold} of ${count} On`
  return config.inverted ? `not (${base})` : base
}

/**
 * Which cached safety rules a change would violate, evaluated as ARC does: on the resulting state of the whole
 * batch (assertion rules), or on the gating controls when a target control changes (gating rules). Rules whose
 * controls' states are unknown are not judged here; AWS still is.
 */
export function violatedSafetyRules(
  rules: SafetyRuleConfig[],
  before: States,
  after: States,
  overridden: string[] = [],
): RuleViolation[] {
  const violations: RuleViolation[] = []
  for (const rule of rules) {
    if (overridden.includes(rule.arn)) continue
    if (rule.type === 'ASSERTION') {
      const controls = rule.assertedControls ?? []
      if (satisfied(rule.ruleConfig, controls, after) === false) {
        violations.push({
          rule,
          reason: `assertion rule ${safetyRuleLabel(rule)} requires ${describeRequirement(rule.ruleConfig, controls.length)} of its controls after the change`,
        })
      }
    } else {
      const targets = rule.targetControls ?? []
      const changes = targets.some((arn) => before.get(arn) !== after.get(arn))
      const gating = rule.gatingControls ?? []
      // Like assertion rules, a batch is judged as one transaction: on the gating controls' resulting states.
      if (changes && satisfied(rule.ruleConfig, gating, after) === false) {
        violations.push({
          rule,
          reason: `gating rule ${safetyRuleLabel(rule)} allows changing its target controls only while ${describeRequirement(rule.ruleConfig, gating.length)} of its gating controls`,
        })
      }
    }
  }
  return violations
}

/** ARC names the blocking rule in its refusal message (aws-reference §3.5); drctl repeats it to the operator. */
export function safetyRuleArnsIn(message: string): string[] {
  return [
    ...new Set(
      message.match(/arn:aws[\w-]*:route53-recovery-control::\d{12}:controlpanel\/[\w-]+\/safetyrule\/[\w-]+/g) ?? [],
    ),
  ]
}
