import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {renderTable} from '../../lib/cli/table.js'
import {listRuns} from '../../lib/runbook/runs.js'

export default class RunsList extends BaseCommand<typeof RunsList> {
  static override summary = 'List journaled runs, newest first, with their outcome.'
  static override description = `Every mutating run (failover, fallback, routing change, chaos, teardown) is journaled under $DRCTL_HOME/runs/<id>/. A run that is not completed or abandoned can be resumed: it stopped on an error, a timeout, Ctrl-C, or a crash (shown as "stopped").

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run() {
    const runs = listRuns(this.home())
    if (runs.length === 0) this.out('no runs yet')
    else {
      this.out(
        renderTable(
          ['RUN', 'STATUS', 'STARTED', 'TITLE'],
          runs.map((run) => [
            run.id,
            run.status,
            run.startedAt.replace('T', ' ').slice(0, 19),
            `${run.title}${run.sandbox ? ' (sandbox)' : ''}`,
          ]),
        ),
      )
    }
    return {
      runs: runs.map(({dir: _dir, steps, ...run}) => ({
        ...run,
        steps: steps.map((step) => ({id: step.id, status: step.status})),
      })),
    }
  }
}
