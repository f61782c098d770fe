import {existsSync} from 'node:fs'

import {Args} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {storedReport} from '../../lib/cli/team-reports.js'
import {runReport} from '../../lib/runbook/report.js'
import {renderReportMarkdown} from '../../lib/runbook/report-markdown.js'
import {journalPath, journalWarnings} from '../../lib/runbook/runs.js'
import {pullForReading} from '../../lib/cli/team-runs.js'

/** Whether this machine has a journal of the run (an id that is not a plain name is no run). */
const knownRun = (home: string, runId: string) => /^[\w.-]+$/.test(runId) && existsSync(journalPath(home, runId))

export default class RunsShow extends BaseCommand<typeof RunsShow> {
  static override summary = 'Show one run: steps, AWS calls, timeline, RTO/RPO, topology before and after.'
  static override description = `Prints the run's report (built from its journal, so it is complete even for a run that crashed; a line of the journal that cannot be read is named), with its timeline as a Mermaid gantt chart. With --json, the report as data. When drctl.yaml names a team state table, the run is read from it first, so that a run started on another machine can be shown here. When it names a reports bucket (state.reports) and this machine has no report.md of the run, the report stored there is shown, and its s3:// URL is the report path.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 20261122-031500-failover-planned-retail-7f3a',
    '<%= config.bin %> <%= command.id %> RUN_ID --json',
  ]
  static override args = {id: Args.string({description: 'Run id (see drctl runs list).', required: true})}

  async run() {
    const unread = await pullForReading(await this.teamContext(), this.args.id)
    if (unread) this.note(unread)
    const here = knownRun(this.home(), this.args.id) ? runReport(this.home(), this.args.id) : undefined
    const stored = here?.reportPath ? undefined : await this.stored(here?.report.topology)
    if (stored) {
      this.out(renderReportMarkdown(stored.report).trimEnd())
      return {...stored.report, reportPath: stored.url}
    }
    const {report, ...files} = here ?? runReport(this.home(), this.args.id)
    for (const warning of journalWarnings(report.runId, report.journalProblems)) this.note(warning)
    this.out(renderReportMarkdown(report).trimEnd())
    return {...report, ...files}
  }

  /** The run's report in the reports bucket (state.reports), if drctl.yaml names one and it has the report. */
  private async stored(topology: string | undefined) {
    const reports = await this.teamReports()
    const stored = reports && (await storedReport(reports, this.args.id, topology))
    if (stored && 'warning' in stored) this.note(stored.warning)
    return stored && 'report' in stored ? stored : undefined
  }
}
