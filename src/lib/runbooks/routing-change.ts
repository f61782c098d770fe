import type {ArcEndpoint, RoutingControlStateValue} from '../aws/ports.js'
import {closest} from '../config/suggest.js'
import {safetyRuleLabel} from '../checks/safety-rules.js'
import {topologyRegion} from '../config/regions.js'
import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import {quote} from '../core/quote.js'
import type {RunPlan} from '../runbook/types.js'
import type {RoutingControlView, RoutingView} from '../topology/views.js'
import {
  changesFrom,
  type DesiredControl,
  describeDesired,
  shiftTo,
  type TrafficChange,
  TrafficChangeStep,
  trafficGates,
} from './routing-control-step.js'

export const ROUTING_CHANGE = 'routing-change'

/** A control named by its name, its ARN or its Region; ambiguity and typos are usage errors (exit 2). */
export function resolveControl(routing: RoutingView, spec: string): RoutingControlView {
  const byArn = routing.controls.find((control) => control.arn === spec)
  if (byArn) return byArn
  const byName = routing.controls.filter((control) => control.name === spec)
  const byRegion = routing.controls.filter((control) => control.region === spec)
  const matches = byName.length > 0 ? byName : byRegion
  if (matches.length === 1) return matches[0] as RoutingControlView
  if (matches.length > 1) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `${quote(spec)} is ambiguous: it matches ${matches.map((control) => control.name).join(', ')}`,
      {
        hints: ['name the control by its name or ARN'],
      },
    )
  }
  const names = [
    ...routing.controls.map((control) => control.name),
    ...new Set(routing.controls.map((control) => control.region)),
  ]
  const suggestion = closest(spec, names)
  throw new DrctlError(
    'DRCTL_USAGE',
    `no routing control ${quote(spec)} in this topology${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    {
      hints: [`known: ${names.join(', ')}`],
    },
  )
}

export function parseState(text: string): RoutingControlStateValue {
  const normalized = text.trim().toLowerCase()
  if (normalized === 'on') return 'On'
  if (normalized === 'off') return 'Off'
  throw new DrctlError('DRCTL_USAGE', `state must be on or off, not ${quote(text)}`)
}

export interface RoutingChangeRequest {
  desired: DesiredControl[]
  allowAllOff: boolean
  overrides: string[]
  endpoints: ArcEndpoint[]
  description: string
}

export function desiredForSet(control: RoutingControlView, state: RoutingControlStateValue): DesiredControl[] {
  return [{arn: control.arn, name: control.name, region: control.region, state}]
}

export function desiredForShift(config: DrctlConfig, routing: RoutingView, target: string): DesiredControl[] {
  topologyRegion(config, '--to', target)
  if (!routing.controls.some((control) => control.region === target)) {
    throw new DrctlError('DRCTL_USAGE', `no routing control is configured for ${target} (arc.routingControls)`)
  }
  return shiftTo(routing, target)
}

/** A routing change as a journaled run: gates (ARC readable, not all Off, safety rules), one batch, read-back. */
export function planRoutingChange(config: DrctlConfig, routing: RoutingView, request: RoutingChangeRequest): RunPlan {
  const gates = trafficGates(routing, request.desired, {allowAllOff: request.allowAllOff, overrides: request.overrides})
  const changes = routing.unreadable ? request.desired : changesFrom(routing, request.desired)
  const change: TrafficChange = {
    desired: request.desired,
    endpoints: request.endpoints,
    avoidRegions: [],
    safetyRulesToOverride: request.overrides,
    safetyRules: routing.safetyRules,
  }
  const overridden = request.overrides.map((arn) =>
    safetyRuleLabel(routing.safetyRules.find((rule) => rule.arn === arn) ?? {arn}),
  )
  return {
    kind: ROUTING_CHANGE,
    title: `Routing change on ${config.name}: ${request.description}`,
    params: {change},
    items: changes.length === 0 ? [] : [new TrafficChangeStep(change)],
    gates,
    confirmation:
      request.overrides.length > 0
        ? {
            kind: 'typed',
            message: `BREAK GLASS: this overrides safety rule(s) ${overridden.join(', ')}.`,
            expected: overridden[0] as string,
            yesSuffices: true,
            yesFlagHint: '--yes',
          }
        : {kind: 'confirm', message: `Set ${describeDesired(changes)}?`},
    notes: [
      `changes: ${changes.length > 0 ? describeDesired(changes) : 'none'}`,
      ...(request.overrides.length > 0
        ? [`safety rules overridden (recorded in the journal): ${request.overrides.join(', ')}`]
        : []),
    ],
    followUps: [],
    evidence: {overriddenSafetyRules: request.overrides},
    excludedRegions: [],
  }
}
