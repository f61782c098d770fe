import {BaseCommand, EXIT_CODES_HELP} from '../../../lib/cli/base-command.js'
import {symbols} from '../../../lib/cli/style.js'
import {stopWorkload, workloadSummary} from '../../../lib/sandbox/index.js'

export default class SandboxWorkloadStop extends BaseCommand<typeof SandboxWorkloadStop> {
  static override summary = 'Stop the sandbox workload and show what it wrote.'
  static override description = `Stops the process started by drctl sandbox workload start (it finishes the write under way) and waits until it has exited. Its record of acknowledged writes stays in $DRCTL_SANDBOX_HOME/sandbox/workload.jsonl (a sandbox reset empties it). Stopping when nothing runs is not an error.

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run() {
    const status = await stopWorkload(this.sandboxHome())
    const change = status.wasRunning ? 'stopped' : 'nothing was running'
    this.out(`${this.style.green(symbols.ok)} ${change}; ${workloadSummary(status)}`)
    return status
  }
}
