import {join} from 'node:path'

import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, MutatingCommand} from '../../lib/cli/base-command.js'
import {symbols} from '../../lib/cli/style.js'
import {DrctlError} from '../../lib/core/errors.js'
import {abandonRun} from '../../lib/runbook/engine.js'
import {runLocks} from '../../lib/runbook/run-lock.js'
import {journalWarnings, runDirectory, unfinishedRun} from '../../lib/runbook/runs.js'
import {teamStoresForRun} from '../../lib/cli/team-runs.js'

export default class RunsAbandon extends MutatingCommand<typeof RunsAbandon> {
  static override summary = 'Mark an unfinished run as abandoned, so new runs may start on its topology.'
  static override description = `Use this after you have dealt with an interrupted run by hand. It changes nothing in AWS: it records in the journal that the run will not be resumed. When drctl.yaml names a team state table, the run is read from it first and its lock is taken there, so a run started on another machine can be abandoned here. A run whose journal is damaged (even one that cannot be resumed because its start record is unreadable) can be abandoned too. Needs confirmation (--yes without a terminal).

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> RUN_ID',
    '<%= config.bin %> <%= command.id %> RUN_ID --yes',
  ]
  static override args = {id: Args.string({description: 'Run id (see drctl runs list).', required: true})}

  async run() {
    const team = await teamStoresForRun(await this.teamContext(), this.args.id)
    const locks = team?.locks ?? runLocks(this.home())
    const run = await unfinishedRun(this.home(), this.args.id, locks)
    for (const warning of journalWarnings(run.id, run.journalProblems, ['damaged'])) this.note(warning)
    if (this.flags['dry-run']) {
      this.out(`would abandon run ${run.id} (${run.title}), now ${run.status}`)
      return {runId: run.id, status: run.status, dryRun: true}
    }
    const confirmed = await this.prompter(this.flags.yes).confirm(
      `Abandon run ${run.id} (${run.title})? It can no longer be resumed.`,
    )
    if (!confirmed) throw new DrctlError('DRCTL_CONFIRMATION_DECLINED', 'not confirmed; the run is unchanged')
    await abandonRun(this.home(), run.id, locks, team?.mirror)
    this.out(`${this.style.green(symbols.ok)} run ${run.id} abandoned`)
    const reportPath = join(runDirectory(this.home(), run.id), 'report.md')
    const kept = await this.keepRunReport(await this.teamReports(), {runId: run.id, reportPath})
    return {runId: run.id, status: 'abandoned', ...kept}
  }
}
