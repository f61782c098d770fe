import {AwsCallError} from '../aws/errors.js'
import {type ArcEndpoint, type RoutingControlStateValue} from '../aws/ports.js'
import {resourceIdOfArn} from '../core/arn.js'
import {type Check, fail, ok, warn} from '../checks/check.js'
import {safetyRuleArnsIn, violatedSafetyRules} from '../checks/safety-rules.js'
import type {SafetyRuleConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import type {RoutingView} from '../topology/views.js'
import {waitFor} from '../runbook/wait.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'

const UPDATE_STATES = declared('ARC cluster', 'UpdateRoutingControlStates', 'routing-controls')

export interface DesiredControl {
  arn: string
  name: string
  region: string
  state: RoutingControlStateValue
}

/** Everything a traffic change needs, in plain data (it is journaled, and rebuilt on resume). */
export interface TrafficChange {
  desired: DesiredControl[]
  endpoints: ArcEndpoint[]
  /** ARC endpoints in these Regions are tried last (the failed Region). */
  avoidRegions: string[]
  safetyRulesToOverride: string[]
  safetyRules: SafetyRuleConfig[]
}

export const describeDesired = (desired: DesiredControl[]) =>
  desired.map((control) => `${control.name} ${control.state}`).join(', ')

/** Target Region's control(s) On, every other configured control Off. */
export function shiftTo(routing: RoutingView, target: string): DesiredControl[] {
  return routing.controls.map((control) => ({
    arn: control.arn,
    name: control.name,
    region: control.region,
    state: control.region === target ? 'On' : 'Off',
  }))
}

/** Unplanned failover fencing: target On, failed Region(s) Off, any other Region untouched. */
export function fence(routing: RoutingView, target: string, failed: string[]): DesiredControl[] {
  return shiftTo(routing, target).filter((control) => control.region === target || failed.includes(control.region))
}

/** The controls a change actually touches (a control already in the desired state is left out of the batch). */
export function changesFrom(routing: RoutingView, desired: DesiredControl[]): DesiredControl[] {
  return desired.filter(
    (control) => routing.controls.find((current) => current.arn === control.arn)?.state !== control.state,
  )
}

/**
 * Gates of any routing change: ARC must be readable, the result must not leave every control Off (unless
 * allowed), and no cached safety rule may be violated (unless overridden), explained before AWS is called.
 */
export function trafficGates(
  routing: RoutingView,
  desired: DesiredControl[],
  options: {allowAllOff: boolean; overrides: string[]},
): Check[] {
  if (routing.unreadable) return [fail('gate.routing', `routing controls unreadable: ${routing.unreadable.message}`)]
  const checks: Check[] = [
    ok('gate.routing', `routing controls read through the ${routing.endpoint?.region ?? ''} endpoint`),
  ]
  // A gating rule's gating controls are usually not the topology's own controls: judge them on their live states too.
  const before = new Map<string, RoutingControlStateValue>(Object.entries(routing.panelStates ?? {}))
  for (const control of routing.controls) if (control.state) before.set(control.arn, control.state)
  const after = new Map(before)
  for (const control of desired) after.set(control.arn, control.state)
  const configured = routing.controls.map((control) => after.get(control.arn))
  if (configured.length > 0 && configured.every((state) => state === 'Off')) {
    checks.push(
      options.allowAllOff
        ? warn(
            'gate.all-off',
            'this leaves every routing control Off (allowed by --allow-all-off): Route 53 fails open',
          )
        : fail(
            'gate.all-off',
            'this would leave every routing control Off, so Route 53 fails open; pass --allow-all-off if you mean it',
          ),
    )
  }
  for (const violation of violatedSafetyRules(routing.safetyRules, before, after, options.overrides)) {
    checks.push(
      fail(
        `gate.safety-rule.${resourceIdOfArn(violation.rule.arn)}`,
        `${violation.reason}; AWS would refuse (break glass: --override-safety-rule ${violation.rule.arn})`,
      ),
    )
  }
  for (const arn of options.overrides) {
    const rule = routing.safetyRules.find((candidate) => candidate.arn === arn)
    checks.push(warn('gate.override', `safety rule ${rule?.name ?? arn} will be overridden (break glass)`))
  }
  return checks
}

/**
 * Sets routing control states in one UpdateRoutingControlStates batch (assertion rules see the final state),
 * through the rotating cluster endpoints, then reads them back, possibly through another endpoint.
 */
export class TrafficChangeStep implements Step {
  static readonly calls: CallDeclaration = {
    reads: [declared('ARC cluster', 'ListRoutingControls')],
    writes: [UPDATE_STATES],
  }
  readonly id = 'traffic'
  readonly title: string
  readonly milestone = 'traffic' as const

  constructor(private readonly change: TrafficChange) {
    this.title = `Set routing controls: ${describeDesired(change.desired)}`
  }

  describe(): PlannedCall[] {
    return [
      planned(
        UPDATE_STATES,
        'a cluster endpoint (rotating)',
        `${describeDesired(this.change.desired)} in one batch${this.change.safetyRulesToOverride.length > 0 ? `, overriding ${this.change.safetyRulesToOverride.join(', ')}` : ''}`,
      ),
    ]
  }

  private data(ctx: StepContext) {
    return ctx.aws.arcData(this.change.endpoints, {avoidRegions: this.change.avoidRegions})
  }

  private async mismatches(ctx: StepContext): Promise<{pending: DesiredControl[]; endpoint: ArcEndpoint}> {
    const answer = await this.data(ctx).listRoutingControls()
    const states = new Map(answer.value.map((control) => [control.arn, control.state]))
    return {
      pending: this.change.desired.filter((control) => states.get(control.arn) !== control.state),
      endpoint: answer.endpoint,
    }
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const {pending} = await this.mismatches(ctx)
    return pending.length === 0
      ? {state: 'done', note: 'routing controls already in the desired states'}
      : {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const {pending} = await this.mismatches(ctx)
    try {
      const answer = await this.data(ctx).updateRoutingControlStates(
        pending.map((control) => ({arn: control.arn, state: control.state})),
        this.change.safetyRulesToOverride,
      )
      ctx.progress(`updated through the ${answer.endpoint.region} endpoint`)
    } catch (error) {
      throw explainArcRefusal(error, this.change.safetyRules)
    }
  }

  async verify(ctx: StepContext): Promise<void> {
    // ARC answers with the cluster's consensus view: give a fresh change a moment to propagate before calling it a mismatch.
    let last: {pending: DesiredControl[]; endpoint: ArcEndpoint} | undefined
    try {
      await waitFor({
        what: 'the routing controls to read back as set',
        clock: ctx.clock,
        signal: ctx.signal,
        timeoutMs: 15_000,
        firstDelayMs: 500,
        maxDelayMs: 2000,
        poll: async () => {
          last = await this.mismatches(ctx)
          return {done: last.pending.length === 0}
        },
      })
    } catch (error) {
      if (!(error instanceof DrctlError) || error.code !== 'DRCTL_TIMEOUT' || !last) throw error
      throw new DrctlError(
        'DRCTL_VERIFY_FAILED',
        `read-back through the ${last.endpoint.region} endpoint disagrees: ${last.pending.map((control) => `${control.name} is not ${control.state}`).join(', ')}`,
        {hints: ['run `drctl routing list` to see the states each endpoint reports, then retry the change']},
      )
    }
    ctx.progress(`read back through the ${last?.endpoint.region} endpoint: ${describeDesired(this.change.desired)}`)
  }
}

/** A safety-rule block names the rule (parsed from AWS's message) and the break-glass flag. */
function explainArcRefusal(error: unknown, rules: SafetyRuleConfig[]): unknown {
  if (!(error instanceof AwsCallError)) return error
  const arns = safetyRuleArnsIn(error.awsMessage)
  if (arns.length === 0 || !['invalid-state', 'validation'].includes(error.kind)) return error
  const names = arns.map((arn) => rules.find((rule) => rule.arn === arn)?.name ?? arn)
  return new DrctlError(
    'DRCTL_SAFETY_RULE_BLOCKED',
    `ARC refused the change: safety rule ${names.join(', ')} blocks it (${error.awsMessage})`,
    {
      hints: [`if you must (break glass): ${arns.map((arn) => `--override-safety-rule ${arn}`).join(' ')}`],
      cause: error,
    },
  )
}
