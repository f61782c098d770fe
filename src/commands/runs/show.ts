import {Args} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {runReport} from '../../lib/runbook/report.js'
import {renderReportMarkdown} from '../../lib/runbook/report-markdown.js'
import {journalWarnings} from '../../lib/runbook/runs.js'
import {pullForReading} from '../../lib/cli/team-runs.js'

export default class RunsShow extends BaseCommand<typeof RunsShow> {
  static override summary = 'Show one run: steps, AWS calls, timeline, RTO/RPO, topology before and after.'
  static override description = `Prints the run's report (built from its journal, so it is complete even for a run that crashed; a line of the journal that cannot be read is named), with its timeline as a Mermaid gantt chart. With --json, the report as data. When drctl.yaml names a team state table, the run is read from it first, so that a run started on another machine can be shown here.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 20261122-031500-failover-planned-retail-7f3a',
    '<%= config.bin %> <%= command.id %> RUN_ID --json',
  ]
  static override args = {id: Args.string({description: 'Run id (see drctl runs list).', required: true})}

  async run() {
    const unread = await pullForReading(await this.teamContext(), this.args.id)
    if (unread) this.note(unread)
    const {report, ...files} = runReport(this.home(), this.args.id)
    for (const warning of journalWarnings(report.runId, report.journalProblems)) this.note(warning)
    this.out(renderReportMarkdown(report).trimEnd())
    return {...report, ...files}
  }
}
