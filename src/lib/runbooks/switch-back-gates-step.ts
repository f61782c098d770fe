import type {DrctlConfig} from '../config/schema.js'
import {formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, callsOfAll, declared, readsOnly} from '../aws/iam-calls.js'
import {observe, observeCalls, type TopologyPart} from '../topology/observe.js'
import type {GlobalMove} from './aurora-steps.js'
import {plannedFailoverChecks} from './failover.js'

const GATE_PARTS: TopologyPart[] = ['identity', 'aurora', 'dynamodb', 'routing', 'chaos', 'steps']

export interface SwitchBackGates {
  home: string
  maxLagMs: number
  /** The switchovers the gates stand in front of. */
  moves: GlobalMove[]
}

/**
 * The gates of `drctl failover --planned --to home`, on a fresh observation taken just before a fallback switches
 * back: a switch-back comes after waits that can take an hour, so the gates of the plan would be stale by then.
 * Any failing gate stops the run before the switchover (resumable once fixed).
 */
export class SwitchBackGatesStep implements Step {
  static readonly calls: CallDeclaration = callsOfAll(
    {calls: observeCalls(GATE_PARTS)},
    {calls: readsOnly([declared('RDS', 'DescribeGlobalClusters')])},
  )
  readonly id = 'switch-back-gates'
  readonly title: string

  constructor(
    private readonly config: DrctlConfig,
    private readonly gates: SwitchBackGates,
  ) {
    this.title = `Pass the gates of failover --planned --to ${gates.home} on a fresh observation (lag ≤ ${formatDuration(gates.maxLagMs)})`
  }

  describe(): PlannedCall[] {
    return []
  }

  /** Once a switchover has begun (a resumed run), its gates were passed before it: they guard its start only. */
  async check(ctx: StepContext): Promise<StepCheck> {
    for (const move of this.gates.moves) {
      const global = await ctx.aws.rds(move.targetRegion).describeGlobalCluster(move.globalClusterId)
      const writer = global?.members.find((member) => member.isWriter)
      if (global?.failoverState?.toClusterArn === move.targetClusterArn || writer?.clusterArn === move.targetClusterArn)
        return {state: 'done', note: `the switch-back of ${move.globalClusterId} has begun`}
    }
    return {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const topology = await observe(this.config, ctx.aws, {
      parts: GATE_PARTS,
    })
    const checks = plannedFailoverChecks(this.config, topology, this.gates.home, {
      maxLagMs: this.gates.maxLagMs,
      allowChaos: false,
      stepsOf: 'fallback',
    })
    ctx.record(
      'switchBackGates',
      checks.map((check) => `${check.status} ${check.id}: ${check.message}`),
    )
    const failed = checks.filter((check) => check.status === 'fail')
    if (failed.length > 0) {
      throw new DrctlError(
        'DRCTL_GATE_FAILED',
        `${failed.length} switch-back gate(s) failed; nothing was switched: ${failed.map((check) => check.message).join('; ')}`,
        {hints: ['fix what the failing gates name, then resume the run']},
      )
    }
    ctx.progress(`${checks.length} gates passed`)
  }

  async verify(): Promise<void> {}
}
