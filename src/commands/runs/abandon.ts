import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, MutatingCommand} from '../../lib/cli/base-command.js'
import {symbols} from '../../lib/cli/style.js'
import {DrctlError} from '../../lib/core/errors.js'
import {Journal} from '../../lib/runbook/journal.js'
import {buildReport, writeReport} from '../../lib/runbook/report.js'
import {isFinished, journalPath, loadRun, lockRun} from '../../lib/runbook/runs.js'

export default class RunsAbandon extends MutatingCommand<typeof RunsAbandon> {
  static override summary = 'Mark an unfinished run as abandoned, so new runs may start on its topology.'
  static override description = `Use this after you have dealt with an interrupted run by hand. It changes nothing in AWS: it records in the journal that the run will not be resumed. Needs confirmation (--yes without a terminal).

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> RUN_ID',
    '<%= config.bin %> <%= command.id %> RUN_ID --yes',
  ]
  static override args = {id: Args.string({description: 'Run id (see drctl runs list).', required: true})}

  async run() {
    const {summary} = loadRun(this.home(), this.args.id)
    if (isFinished(summary.status)) {
      throw new DrctlError('DRCTL_USAGE', `run ${summary.id} is already ${summary.status}`)
    }
    const unlock = lockRun(summary.dir)
    try {
      if (this.flags['dry-run']) {
        this.out(`would abandon run ${summary.id} (${summary.title}), now ${summary.status}`)
        return {runId: summary.id, status: summary.status, dryRun: true}
      }
      const confirmed = await this.prompter(this.flags.yes).confirm(
        `Abandon run ${summary.id} (${summary.title})? It can no longer be resumed.`,
      )
      if (!confirmed) throw new DrctlError('DRCTL_CONFIRMATION_DECLINED', 'not confirmed; the run is unchanged')
      const journal = new Journal(journalPath(this.home(), summary.id))
      journal.append({type: 'run-end', at: new Date().toISOString(), outcome: 'abandoned', exit: 0})
      journal.close()
    } finally {
      unlock()
    }
    const {events} = loadRun(this.home(), summary.id)
    writeReport(summary.dir, buildReport(summary.id, summary.dir, events))
    this.out(`${this.style.green(symbols.ok)} run ${summary.id} abandoned`)
    return {runId: summary.id, status: 'abandoned'}
  }
}
