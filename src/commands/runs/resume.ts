import {Args} from '@oclif/core'

import {EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {RunbookCommand} from '../../lib/cli/runbook-command.js'
import {loadConfig} from '../../lib/config/load.js'
import {DrctlError} from '../../lib/core/errors.js'
import {resumableRun, resumeWarnings} from '../../lib/runbook/runs.js'
import {runsLocally} from '../../lib/runbook/team-state.js'
import {rebuildPlan, resumedObservation} from '../../lib/runbooks/rebuild-plan.js'
import {reconcileFailure} from '../../lib/runbooks/reconcile-report.js'
import {observe} from '../../lib/topology/observe.js'

export default class RunsResume extends RunbookCommand<typeof RunsResume> {
  static override summary = 'Continue a run that stopped (error, timeout, Ctrl-C, crash) from live state.'
  static override description = `Rebuilds the run's steps from its journal and checks each one against live state again, from the first: steps already done are verified and skipped, a change AWS is still working on is waited for, the rest run. A run with a damaged journal is resumed from its start record (which holds its parameters) the same way, trusting nothing its unreadable lines said; one whose start record cannot be read cannot be rebuilt: abandon it. Uses the drctl.yaml the run started with (or --config) and the same sandbox/AWS target. Needs confirmation (--yes without a terminal).

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> RUN_ID',
    '<%= config.bin %> <%= command.id %> RUN_ID --yes --json',
  ]
  static override args = {id: Args.string({description: 'Run id (see drctl runs list).', required: true})}

  async run() {
    const teamLocks = await this.pullTeamRun(this.args.id)
    const {summary, start} = await resumableRun(this.home(), this.args.id, this.flags.sandbox, teamLocks)
    for (const warning of resumeWarnings(summary)) this.note(warning)
    const {config} = this.flags.config ? await this.loadConfig() : await loadConfig(start.configPath)
    const plan = rebuildPlan(start, config)
    if (this.flags['dry-run']) {
      this.out(`would resume run ${summary.id} (${summary.title}), now ${summary.status}`)
      return {runId: summary.id, status: summary.status, dryRun: true}
    }
    if (
      !(await this.prompter(this.flags.yes).confirm(
        `Resume "${summary.title}" (run ${summary.id}, ${summary.status})?`,
      ))
    ) {
      throw new DrctlError('DRCTL_CONFIRMATION_DECLINED', 'not confirmed; nothing was changed')
    }
    const aws = await this.awsSession(config, {readOnly: false})
    const result = await this.resume(summary.id, plan, {
      aws,
      config,
      observe: () => observe(config, aws, resumedObservation(config, plan)),
      avoidRegions: start.excludedRegions,
      target: typeof start.params.target === 'string' ? start.params.target : undefined,
      localState: runsLocally(start),
    })
    // A reconcile completes after a failed comparison (its temporary cluster deleted): the command fails after it.
    const failure = reconcileFailure(result)
    if (failure) throw failure
    return result
  }
}
