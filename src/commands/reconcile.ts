import {Args, Flags} from '@oclif/core'

import {EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {durationFlag} from '../lib/cli/flags.js'
import {RunbookCommand} from '../lib/cli/runbook-command.js'
import {planReconcile} from '../lib/runbooks/reconcile.js'
import {reconcileFailure, reconcileSummaryOf} from '../lib/runbooks/reconcile-report.js'
import {renderReconcileSummary} from '../lib/cli/render-rpo.js'
import {gatherReconcileFacts, reconciledRun} from '../lib/runbooks/reconcile-facts.js'
import {observe} from '../lib/topology/observe.js'

export default class Reconcile extends RunbookCommand<typeof Reconcile> {
  static override summary = 'Find the writes an unplanned failover lost, row by row (nothing is written back).'
  static override description = `For a finished unplanned failover (default: the latest), finds the old primary's last data — the rds:unplanned-global-failover-<cluster>-* snapshot Aurora takes when the old primary rejoins, or after detach-and-promote the drctl-reconcile-<cluster>-* snapshot (taken now if the orphaned old primary is still there) — restores it to a temporary cluster drctl-reconcile-<run> (tagged, one instance, Data API enabled), and compares each table of the reconcile section of drctl.yaml with the new primary through the RDS Data API (no network path into the VPC): rows missing in the new primary and rows that differ, by key, in pages; with updatedAt, only rows changed since the failover less the lag seen then and --margin. The new primary must have the RDS Data API enabled: checked before anything is restored (exit 3 otherwise; drctl does not change the production writer). The temporary cluster is deleted at the end, also when the comparison fails; a failure before the comparison (the restore, the instance, the Data API) names the temporary cluster it leaves and how to delete it.

Writes reconcile.md (a summary per table, the window, the first rows), missing.jsonl and a CSV per table into a reconcile-<stamp> folder of the reconciled run's directory. No snapshot yet: says what to wait for (exit 3). A planned failover: nothing to reconcile (exit 0). Journaled and resumable: a resumed comparison continues after its last completed page.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> RUN_ID --margin 10m --yes',
    '<%= config.bin %> <%= command.id %> --whole-tables --global-cluster orders-global',
    '<%= config.bin %> <%= command.id %> --sandbox --yes --json',
  ]
  static override args = {
    run: Args.string({
      description: 'The unplanned failover run to reconcile (see drctl runs list); default the latest.',
    }),
  }
  static override flags = {
    margin: Flags.string({
      summary: 'Added to the lag seen at failover when the time window is computed (default 5m).',
      helpValue: 'DURATION',
    }),
    'whole-tables': Flags.boolean({summary: 'Compare whole tables, ignoring updatedAt.'}),
    'global-cluster': Flags.string({
      summary: 'The global cluster whose data to compare (default: the first the run moved).',
      helpValue: 'ID',
    }),
  }

  async run() {
    const {path: configPath, config} = await this.loadConfig()
    const marginMs = durationFlag('--margin', this.flags.margin ?? '5m', '5m')
    const run = reconciledRun(this.home(), this.topologyKey(config), this.args.run, this.flags['global-cluster'])
    if ('why' in run) {
      this.out(`nothing to reconcile: ${run.why}`)
      return {nothingToDo: true, why: run.why}
    }
    this.refuseIfUnfinished(config)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const facts = await gatherReconcileFacts(aws, run)
    const plan = planReconcile(config, facts, {
      marginMs,
      wholeTables: this.flags['whole-tables'],
      stamp: new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14), // to the second: a folder per reconcile
    })
    const result = await this.execute(plan, {
      config,
      configPath,
      aws,
      observe: () => observe(config, aws),
      flags: {margin: this.flags.margin, 'whole-tables': this.flags['whole-tables'], run: run.id},
    })
    const failure = reconcileFailure(result)
    if (failure) throw failure
    const summary = reconcileSummaryOf(result)
    if (summary) this.out(renderReconcileSummary(summary, this.style))
    return result
  }
}
