import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../../lib/cli/base-command.js'
import {symbols} from '../../../lib/cli/style.js'
import {ensureWorld, startWorkload, workloadSummary} from '../../../lib/sandbox/index.js'

export default class SandboxWorkloadStart extends BaseCommand<typeof SandboxWorkloadStart> {
  static override summary = 'Write orders and heartbeats to the sandbox’s Aurora writer, in the background.'
  static override description = `Starts a detached process that writes to the current writer of the world's first Aurora global cluster through the RDS Data API (enabling the Data API on its members): N orders a second into orders(id, customer, amount, updated_at) and, every second, a new heartbeat row into heartbeat(ts) (rows are only added, so the newest beat a failover kept shows what the new primary received). Tables are created on the first start. The writer is looked up before every write, so the workload follows a switchover or failover; writes that fail are not retried.

Every acknowledged write is recorded in $DRCTL_SANDBOX_HOME/sandbox/workload.jsonl, so a rehearsal can tell exactly which rows an unplanned failover lost. Stop it with drctl sandbox workload stop.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --rate 20 --json',
  ]
  static override flags = {
    rate: Flags.integer({summary: 'Orders per second (1–100).', default: 5, min: 1, max: 100, helpValue: 'N'}),
  }

  async run() {
    const home = this.sandboxHome()
    await ensureWorld(home)
    const run = {file: process.execPath, args: [join(this.config.root, 'bin', 'run.js'), 'sandbox', 'workload', 'run']}
    run.args.push('--rate', String(this.flags.rate))
    const status = await startWorkload(home, this.flags.rate, run)
    this.out(`${this.style.green(symbols.ok)} ${workloadSummary(status)}`)
    return status
  }
}
