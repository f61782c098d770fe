import type {DrctlConfig} from '../config/schema.js'
import {formatDuration} from '../core/clock.js'
import type {Topology} from '../topology/views.js'
import {type Check, fail, ok, warn} from './check.js'
import {accountGate} from './gates.js'
import {statusChecks} from './status-checks.js'

// The guardrails of a chaos run (runbook-spec R8): a way to stop it, no other experiment at a time, a healthy
// topology to start from.

/** What the gates read of an FIS experiment template. */
export interface GatedTemplate {
  name: string
  region: string
  stopConditions: {source: string; value?: string}[]
  hasStopCondition: boolean
  expectedDurationMs?: number
}

/** What CloudWatch says of a template's stop-condition alarms (by ARN: OK, ALARM, INSUFFICIENT_DATA or missing). */
export type StopAlarms = {states: Record<string, string>} | {unreadable: string}

export const alarmNameOf = (arn: string) => arn.slice(arn.indexOf(':alarm:') + ':alarm:'.length)

export interface ChaosGateOptions {
  /** Accept a template without a stop condition (recorded). */
  noStopConditionOk: boolean
  /** Start although status checks fail (recorded). */
  forceGates: boolean
  /** The stop-condition alarms as CloudWatch reported them just now (absent: not read, not judged). */
  stopAlarms?: StopAlarms
}

/** The gates, and the notes that record each override (for the plan the operator confirms). */
export function chaosGates(
  config: DrctlConfig,
  topology: Topology,
  template: GatedTemplate,
  options: ChaosGateOptions,
): {gates: Check[]; notes: string[]} {
  const stopCondition = stopConditionGates(template, options)
  const status = statusGate(config, topology, options)
  return {
    gates: [
      accountGate(config.account, topology),
      ...stopCondition.gates,
      ...activeExperimentGates(config, topology, template),
      status.gate,
    ],
    notes: [...stopCondition.notes, ...status.notes],
  }
}

/** A way to stop it: a stop condition FIS watches, or the operator accepting that there is none. */
function stopConditionGates(template: GatedTemplate, options: ChaosGateOptions): {gates: Check[]; notes: string[]} {
  if (template.hasStopCondition) {
    const alarms = template.stopConditions.filter((condition) => condition.source !== 'none')
    const stops = ok(
      'gate.stop-condition',
      `FIS stops the experiment when ${alarms.map((condition) => condition.value ?? condition.source).join(' or ')} goes to ALARM`,
    )
    return {gates: [stops, ...stopAlarmGates(template, options)], notes: []}
  }
  if (options.noStopConditionOk) {
    return {
      gates: [
        warn(
          'gate.stop-condition',
          `template ${template.name} has no stop condition; accepted by --no-stop-condition-ok (recorded)`,
        ),
      ],
      notes: [
        `no stop condition (accepted by --no-stop-condition-ok): only its duration${template.expectedDurationMs ? ` (${formatDuration(template.expectedDurationMs)})` : ''} or drctl chaos stop ends it`,
      ],
    }
  }
  return {
    gates: [
      fail(
        'gate.stop-condition',
        `template ${template.name} has no stop condition: nothing but its duration or a manual stop would end it; add a CloudWatch alarm stop condition, or pass --no-stop-condition-ok`,
      ),
    ],
    notes: [],
  }
}

/** Each stop-condition alarm must exist and be able to fire; one already in ALARM would stop the experiment at once. */
function stopAlarmGates(template: GatedTemplate, options: ChaosGateOptions): Check[] {
  const alarms = options.stopAlarms
  if (!alarms) return []
  if ('unreadable' in alarms) {
    return [
      warn(
        'gate.stop-condition.alarms',
        `stop-condition alarms could not be read (${alarms.unreadable}): state unknown`,
      ),
    ]
  }
  return Object.entries(alarms.states).map(([arn, state]) => {
    const id = `gate.stop-condition.${alarmNameOf(arn)}`
    const alarm = `stop-condition alarm ${alarmNameOf(arn)}`
    if (state === 'OK') return ok(id, `${alarm} is OK`)
    if (state === 'ALARM') {
      return fail(id, `${alarm} is already in ALARM: FIS would stop the experiment as it starts; wait until it is OK`)
    }
    if (state === 'missing') {
      const message = `${alarm} does not exist in ${template.region}: it can never stop the experiment`
      return options.noStopConditionOk
        ? warn(id, `${message}; accepted by --no-stop-condition-ok (recorded)`)
        : fail(id, `${message}; fix the template's alarm, or pass --no-stop-condition-ok`)
    }
    return warn(
      id,
      `${alarm} is ${state}: it cannot fire until its metric reports; check the metric's Region and dimensions`,
    )
  })
}

/** One experiment at a time, and never blind: experiments that cannot be listed in the template's Region refuse. */
function activeExperimentGates(config: DrctlConfig, topology: Topology, template: GatedTemplate): Check[] {
  const chaos = topology.chaos
  const running = chaos?.running ?? []
  const unreadableFis = chaos?.unreadable.find((entry) => entry.region === template.region)
  if (running.length > 0) {
    return [
      fail(
        'gate.chaos',
        `FIS experiment(s) already active: ${running.map((experiment) => `${experiment.id} ${experiment.status} in ${experiment.region}`).join(', ')}; one at a time: wait, or drctl chaos stop ${running[0]?.id}`,
      ),
    ]
  }
  if (!chaos || unreadableFis) {
    return [
      fail(
        'gate.chaos',
        `experiments in ${template.region} could not be listed${unreadableFis ? `: ${unreadableFis.reason.message}` : ''}; refusing to start another one blind`,
      ),
    ]
  }
  return [
    ...chaos.unreadable.map(({region, reason}) =>
      warn(`gate.chaos.${region}`, `experiments in ${region} could not be listed: ${reason.message}`),
    ),
    ok('gate.chaos', `no FIS experiment active in ${config.regions.join(', ')}`),
  ]
}

/** Every status check must pass: an experiment on an unhealthy topology teaches nothing. */
function statusGate(
  config: DrctlConfig,
  topology: Topology,
  options: ChaosGateOptions,
): {gate: Check; notes: string[]} {
  // The account is gated on its own (never overridable); the chaos checks warn about what gate.chaos already judged.
  const checks = statusChecks(topology, config).filter(
    (check) => check.id !== 'identity' && !check.id.startsWith('chaos'),
  )
  const failing = checks.filter((check) => check.status === 'fail')
  if (failing.length === 0) {
    const warnings = checks.filter((check) => check.status === 'warn').length
    return {
      gate: ok('gate.status', `status checks pass${warnings > 0 ? ` (${warnings} warning(s): see drctl status)` : ''}`),
      notes: [],
    }
  }
  const findings = failing.map((check) => check.message).join('; ')
  if (options.forceGates) {
    return {
      gate: warn('gate.status', `${failing.length} status check(s) fail, overridden by --force-gates: ${findings}`),
      notes: [`status gate overridden by --force-gates (recorded): ${findings}`],
    }
  }
  return {
    gate: fail(
      'gate.status',
      `${failing.length} status check(s) fail: ${findings}; an experiment on an unhealthy topology teaches nothing (--force-gates overrides, recorded)`,
    ),
    notes: [],
  }
}
