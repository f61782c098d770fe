import {Flags} from '@oclif/core'

import {regionFlag} from '../../lib/cli/flags.js'
import {EXIT_CODES_HELP, MutatingCommand} from '../../lib/cli/base-command.js'
import {planResult, renderPlan} from '../../lib/cli/render-plan.js'
import {requireTeamState} from '../../lib/cli/state-command.js'
import {symbols} from '../../lib/cli/style.js'
import {reportsBucket, reportsContext} from '../../lib/cli/team-reports.js'
import {DrctlError} from '../../lib/core/errors.js'
import {applyStatePlan, planStateInit} from '../../lib/runbooks/state-table.js'

export default class StateInit extends MutatingCommand<typeof StateInit> {
  static override summary =
    'Create the team state table drctl.yaml names (state:), with a replica in each of its Regions.'
  static override description = `Creates the DynamoDB table of state.table on demand in the first Region of state.regions (its home; the topology's Regions if absent), keyed pk (S, HASH) and sk (S, RANGE), then makes it a global table with a replica in each other Region: one at a time for an eventually consistent (MREC) table; all at once, strongly consistent (MRSC), with --consistency strong, which needs exactly three Regions (three replicas, or two and --witness REGION). Waits until every replica is ACTIVE.

With state.reports, also checks (read-only) that the reports bucket is there, and says in which Region.

Planned, confirmed and dry-run-able like any change; what exists is kept: a table of the right key schema with every replica is already there (exit 0), one keyed otherwise is refused (exit 3), and so is a change of an existing global table's consistency. Interrupted, it carries on where it stopped when run again.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --consistency strong --witness us-east-2 --yes',
  ]
  static override flags = {
    consistency: Flags.string({
      summary: 'eventual (MREC, the default for a new table) or strong (MRSC: a lock write is safe in any Region).',
      options: ['eventual', 'strong'],
    }),
    witness: regionFlag({summary: 'With --consistency strong and two state Regions: the third Region, a witness.'}),
  }

  async run() {
    const {path, config} = await this.loadConfig()
    const state = requireTeamState(config, path)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const consistency =
      this.flags.consistency === undefined ? undefined : this.flags.consistency === 'strong' ? 'STRONG' : 'EVENTUAL'
    const plan = await planStateInit(state, aws, {consistency, witness: this.flags.witness})
    const reports = await reportsContext(config, async () => aws)
    const bucket = reports && (await reportsBucket(reports))
    this.progress().pause()
    if (bucket && 'problem' in bucket) this.note(`reports bucket ${bucket.url}: ${bucket.problem}`)
    if (bucket && 'region' in bucket)
      this.out(`${this.style.green(symbols.ok)} reports go to ${bucket.url} (${bucket.region})`)
    const failed = plan.gates.filter((gate) => gate.status === 'fail')
    const result = {table: state.table, regions: state.regions, consistency: plan.params.consistency, reports: bucket}
    if (failed.length === 0 && plan.items.length === 0) {
      this.out(`${this.style.green(symbols.ok)} ${state.table} is already there, with a replica in each state Region`)
      return {...result, alreadyThere: true}
    }
    this.out(renderPlan(plan, this.style))
    if (failed.length > 0) {
      throw new DrctlError(
        'DRCTL_GATE_FAILED',
        `${failed.length} gate(s) failed; nothing was changed: ${failed[0]?.message}`,
        {result: planResult(plan)},
      )
    }
    if (this.flags['dry-run']) {
      this.out(this.style.dim('\ndry run: nothing was changed'))
      return {...result, ...planResult(plan)}
    }
    this.out('')
    if (!(await this.prompter(this.flags.yes).confirm(plan.confirmation.message))) {
      throw new DrctlError('DRCTL_CONFIRMATION_DECLINED', 'not confirmed; nothing was changed')
    }
    await applyStatePlan(plan, {
      aws,
      clock: await this.clock(),
      signal: new AbortController().signal,
      emit: this.progress().listener,
    })
    this.progress().stop()
    this.out(`${this.style.green(symbols.ok)} ${state.table} is ready in ${state.regions.join(', ')}`)
    return {...result, created: true}
  }
}
