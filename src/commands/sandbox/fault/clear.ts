import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {clearFaults, FAULT_KINDS} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultClear extends FaultCommand<typeof SandboxFaultClear> {
  static override summary = 'Clear every fault, or those of one KIND.'
  static override description = `Kinds: ${FAULT_KINDS.join(', ')}. Clearing a region-outage brings the Region back: an old primary left out of its global cluster by a managed failover rejoins it as a secondary (after Aurora's system snapshot), first pending-resync, then connected.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> region-outage',
  ]
  static override args = {
    kind: Args.string({description: `The kind of fault to clear (${FAULT_KINDS.join(', ')}); default: all.`}),
  }

  async run() {
    const {cleared, faults} = await clearFaults(this.sandboxHome(), this.args.kind)
    const what = cleared.length === 0 ? 'nothing to clear' : `cleared ${cleared.map((f) => f.description).join('; ')}`
    return {cleared, ...this.report(what, faults)}
  }
}
