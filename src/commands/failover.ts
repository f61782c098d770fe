import {Flags} from '@oclif/core'

import {EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {regionFlag} from '../lib/cli/flags.js'
import {RunbookCommand} from '../lib/cli/runbook-command.js'
import {LIMITS} from '../lib/config/limits.js'
import {formatDuration} from '../lib/core/clock.js'
import {
  checkRequestedTarget,
  failoverObservation,
  type FailoverMode,
  planFailover,
  resolveTarget,
} from '../lib/runbooks/failover.js'
import {observe} from '../lib/topology/observe.js'
import {arcEndpoints} from '../lib/topology/readers/routing.js'

export default class Failover extends RunbookCommand<typeof Failover> {
  static override summary = 'Move writes and traffic to another Region: planned (RPO 0) or unplanned.'
  static override description = `--planned: gates (every global cluster available, no failover in progress, the target a connected secondary with an available instance, same engine major.minor, replication lag under gates.maxReplicationLagMs, DynamoDB replicas ACTIVE, ARC readable, no FIS experiment running), then SwitchoverGlobalCluster for every global cluster in parallel (sent to the primary's Region, waiting until FailoverState is gone and the target writes), then ARC traffic to the target in one atomic batch, then a fresh observation to verify. failover.order: traffic-first reverses the first two.

--unplanned: for when the primary Region is failing. Nothing calls that Region: observation, gates and steps use the target Region and the ARC endpoints only. Traffic is fenced first (target On, failed Region Off, one batch), then FailoverGlobalCluster with AllowDataLoss in the target's Region. --detach instead removes the target from its global cluster and promotes it (when a managed failover is refused or impossible); the old global cluster is left orphaned for drctl fallback, and the promoted cluster is tagged drctl:detached-from so that drctl on any machine finds it. Losing data needs the target Region typed, or --yes --allow-data-loss.

Every run is journaled under $DRCTL_HOME/runs/<id>/ with report.md and report.json (timeline, RTO, RPO evidence, topology before and after) and can be resumed after any interruption: drctl runs resume <id>.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --planned --to us-west-2 --dry-run',
    '<%= config.bin %> <%= command.id %> --planned --to us-west-2 --yes',
    '<%= config.bin %> <%= command.id %> --planned --max-lag 30s',
    '<%= config.bin %> <%= command.id %> --unplanned --to us-west-2',
    '<%= config.bin %> <%= command.id %> --unplanned --to us-west-2 --yes --allow-data-loss --json',
    '<%= config.bin %> <%= command.id %> --unplanned --to us-west-2 --detach',
    '<%= config.bin %> <%= command.id %> --sandbox --planned --to us-west-2 --yes',
  ]
  static override flags = {
    planned: Flags.boolean({
      summary: 'Switchover with no data loss (all Regions healthy).',
      exactlyOne: ['planned', 'unplanned'],
    }),
    unplanned: Flags.boolean({summary: 'Managed failover away from a failing primary Region (data loss possible).'}),
    to: regionFlag({summary: 'Target Region (optional for --planned in a two-Region topology).'}),
    detach: Flags.boolean({
      summary: 'Detach and promote the target instead of a managed failover.',
      dependsOn: ['unplanned'],
    }),
    'max-lag': Flags.string({
      summary: `Relax the replication-lag gate of a planned failover to this duration, at most ${formatDuration(LIMITS.maxReplicationLagMs)} (recorded in the report).`,
      helpValue: 'DURATION',
      dependsOn: ['planned'],
    }),
    'allow-chaos': Flags.boolean({summary: 'Proceed although an FIS experiment is running (recorded).'}),
    'allow-data-loss': Flags.boolean({
      summary: 'With --yes: accept the data loss of an unplanned failover without typing the Region.',
      dependsOn: ['unplanned'],
    }),
  }

  async run() {
    const {path: configPath, config} = await this.loadConfig()
    const mode: FailoverMode = this.flags.planned ? 'planned' : this.flags.detach ? 'detach' : 'unplanned'
    const maxLagMs = this.maxLagMs(config, this.flags['max-lag'])
    checkRequestedTarget(config, mode, this.flags.to)
    this.refuseIfUnfinished(config)

    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const observation = failoverObservation(config, mode, this.flags.to)
    const topology = await this.observeForPlan(config, aws, observation)
    const target = resolveTarget(config, this.flags.to, topology)
    const plan = planFailover(config, topology, {
      mode,
      target,
      maxLagMs,
      maxLagFlag: this.flags['max-lag'],
      allowChaos: this.flags['allow-chaos'],
      endpoints: await arcEndpoints(config, aws, []),
    })
    return this.execute(plan, {
      config,
      configPath,
      aws,
      before: topology,
      observe: () => observe(config, aws, observation),
      yesSatisfiesTyped: this.flags['allow-data-loss'],
      flags: {
        mode,
        to: target,
        'max-lag': this.flags['max-lag'],
        'allow-chaos': this.flags['allow-chaos'],
        'allow-data-loss': this.flags['allow-data-loss'],
      },
    })
  }
}
