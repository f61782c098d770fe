import {Args} from '@oclif/core'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {buildReport, renderReportMarkdown} from '../../lib/runbook/report.js'
import {journalPath, loadRun} from '../../lib/runbook/runs.js'

export default class RunsShow extends BaseCommand<typeof RunsShow> {
  static override summary = 'Show one run: steps, AWS calls, timeline, RTO/RPO, topology before and after.'
  static override description = `Prints the run's report (built from its journal, so it is complete even for a run that crashed). With --json, the report as data.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 20261122-031500-failover-planned-retail-7f3a',
    '<%= config.bin %> <%= command.id %> RUN_ID --json',
  ]
  static override args = {id: Args.string({description: 'Run id (see drctl runs list).', required: true})}

  async run() {
    const {summary, events} = loadRun(this.home(), this.args.id)
    const report = buildReport(summary.id, summary.dir, events)
    this.out(renderReportMarkdown(report).trimEnd())
    const reportPath = join(summary.dir, 'report.md')
    return {
      ...report,
      journal: journalPath(this.home(), summary.id),
      reportPath: existsSync(reportPath) ? reportPath : undefined,
      journalEvents: events.length,
    }
  }
}
