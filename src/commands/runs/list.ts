import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {renderRunsTable, runsListResult} from '../../lib/cli/render-runs.js'
import {listRunReports} from '../../lib/runbook/report.js'
import {isFinished, journalWarnings} from '../../lib/runbook/runs.js'
import {pullForReading} from '../../lib/cli/team-runs.js'

export default class RunsList extends BaseCommand<typeof RunsList> {
  static override summary = 'List journaled runs, newest first, with their outcome, RTO, RPO and report.'
  static override description = `Every mutating run (failover, fallback, routing change, chaos, teardown) is journaled under $DRCTL_HOME/runs/<id>/. A run that is not completed or abandoned can be resumed: it stopped on an error, a timeout, Ctrl-C, or a crash (shown as "stopped"). A run whose journal has a line that cannot be read is shown as "damaged", with what the rest of its journal says; while it is unfinished, it blocks its topology and each such line is named (drctl runs show names them always).

When drctl.yaml names a team state table (state:), the team's runs are read from it first (and kept in this home), so that a run started on a colleague's machine is listed here; if the table cannot be read, this machine's runs are listed, with a warning.

RTO is the time from the start of the run to writes and traffic in the target (failovers and fallbacks); RPO the data loss the run risked (0 for a switchover, the replication lag observed for an unplanned failover); "-" where a run has none. REPORT is the run's report.md, written when it ended.

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run() {
    const unread = await pullForReading(await this.teamContext())
    if (unread) this.note(unread)
    const runs = listRunReports(this.home())
    // Damage in an unfinished run blocks its topology: say where. A finished one shows it in its outcome.
    for (const {summary} of runs.filter((run) => !isFinished(run.summary))) {
      for (const warning of journalWarnings(summary.id, summary.journalProblems, ['damaged'])) this.note(warning)
    }
    this.out(runs.length === 0 ? 'no runs yet' : renderRunsTable(runs))
    return runsListResult(runs)
  }
}
