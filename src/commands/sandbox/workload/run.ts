import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {runWorkload} from '../../../lib/sandbox/index.js'

export default class SandboxWorkloadRun extends BaseCommand<typeof SandboxWorkloadRun> {
  static override hidden = true
  static override summary = 'The workload process itself (started detached by drctl sandbox workload start).'
  static override flags = {
    rate: Flags.integer({summary: 'Orders per second.', default: 5, min: 1, max: 100}),
  }

  async run() {
    const stop = new AbortController()
    process.once('SIGTERM', () => stop.abort())
    process.once('SIGINT', () => stop.abort())
    await runWorkload(this.sandboxHome(), this.flags.rate, stop.signal)
    return {stopped: true}
  }
}
