import {Flags} from '@oclif/core'

import {EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {regionFlag} from '../lib/cli/flags.js'
import {RunbookCommand} from '../lib/cli/runbook-command.js'
import {LIMITS} from '../lib/config/limits.js'
import {formatDuration} from '../lib/core/clock.js'
import {fallbackHome, planFallback} from '../lib/runbooks/fallback.js'
import {gatherFallbackFacts} from '../lib/runbooks/fallback-facts.js'
import {MOVE_PARTS} from '../lib/runbooks/failover.js'
import {observe} from '../lib/topology/observe.js'

export default class Fallback extends RunbookCommand<typeof Fallback> {
  static override summary =
    'Come home after an unplanned failover: rebuild, rename the orphaned global cluster, switch back.'
  static override description = `Works out, from live state, which situation each global cluster is in, and says so:

After a managed failover (or a planned one): waits until the old primary has rejoined as a connected secondary under the lag gate, preserves the rds:unplanned-global-failover-* system snapshot as a manual copy (the system one expires with the old cluster's retention), and with --switch-back switches over and shifts traffic back home.

After detach-and-promote: snapshots the old primary (drctl-reconcile-<cluster>-<stamp>, for reconciliation), renames the orphaned global cluster out of the way (<name>-orphan-<stamp>), creates the global cluster again under its original name from the survivor, retires the old primary (removed from the orphan, instances and cluster deleted, the orphan deleted; --keep-old-primary keeps it detached instead), creates a new secondary in the old Region with the old cluster's engine version, subnet group, security groups, KMS key, parameter groups, instance class and count, waits until it is available, connected and caught up, and with --switch-back switches over and shifts traffic back.

Deletion protection on the old primary or the orphan stops the plan at the gate (exit 3) unless --disable-deletion-protection, which turns it off as a step just before the delete; the recreated global cluster and the new secondary get the protection the ones they replace had.

The switch-back passes the gates of failover --planned (every member available, the home cluster connected under the lag gate, same engine major.minor, DynamoDB replicas ACTIVE, ARC readable, no FIS experiment running) on a fresh observation just before it starts. Every fallback ends with a fresh observation that verifies writers and traffic.

Nothing to do (writer at home): says so and exits 0. The plan lists every resource created, renamed and deleted; deleting the old primary needs the topology name typed (or --yes). Journaled and resumable.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --switch-back',
    '<%= config.bin %> <%= command.id %> --switch-back --yes --to us-east-1',
    '<%= config.bin %> <%= command.id %> --keep-old-primary --yes',
    '<%= config.bin %> <%= command.id %> --sandbox --switch-back --yes --json',
  ]
  static override flags = {
    to: regionFlag({summary: 'The home Region to come back to (default: the first Region of drctl.yaml).'}),
    'switch-back': Flags.boolean({
      summary: 'Also move writes and traffic back home (a planned switchover) once the topology is whole.',
    }),
    'keep-old-primary': Flags.boolean({
      summary: 'After a detach, keep the old primary detached and standalone instead of deleting it.',
    }),
    'disable-deletion-protection': Flags.boolean({
      summary:
        'Turn deletion protection off on the old primary and the orphaned global cluster, just before they are deleted.',
    }),
    'max-lag': Flags.string({
      summary: `The lag under which a secondary counts as caught up (default gates.maxReplicationLagMs; at most ${formatDuration(LIMITS.maxReplicationLagMs)}).`,
      helpValue: 'DURATION',
    }),
  }

  async run() {
    const {path: configPath, config} = await this.loadConfig()
    const home = fallbackHome(config, this.flags.to)
    const maxLagMs = this.maxLagMs(config, this.flags['max-lag'])
    this.refuseIfUnfinished(config)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const topology = await this.observeForPlan(config, aws, {survivors: this.survivors(config), parts: MOVE_PARTS})
    const plan = planFallback(config, topology, await gatherFallbackFacts(config, aws, topology, home), {
      home,
      switchBack: this.flags['switch-back'],
      keepOldPrimary: this.flags['keep-old-primary'],
      disableDeletionProtection: this.flags['disable-deletion-protection'],
      maxLagMs,
      stamp: this.nameStamp(),
    })
    return this.execute(plan, {
      config,
      configPath,
      aws,
      before: topology,
      observe: () => observe(config, aws, {survivors: this.survivors(config), parts: MOVE_PARTS}),
      flags: {
        to: home,
        'switch-back': this.flags['switch-back'],
        'keep-old-primary': this.flags['keep-old-primary'],
        'disable-deletion-protection': this.flags['disable-deletion-protection'],
        'max-lag': this.flags['max-lag'],
      },
    })
  }
}
