import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultLatency extends FaultCommand<typeof SandboxFaultLatency> {
  static override summary = 'Add MS milliseconds to every answer.'
  static override description = `Every call, to any service and Region, is answered MS milliseconds later than it would be. Use it to see how drctl behaves when AWS is slow: call timeouts, progress output, parallel reads.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> <%= command.id %> 250', '<%= config.bin %> <%= command.id %> 3000']
  static override args = {
    ms: Args.string({description: 'Milliseconds to add to each call.', required: true}),
  }

  async run() {
    const ms = Number(this.args.ms)
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'latency', ms})
    return {fault, ...this.report(`every call now takes ${ms}ms longer`, faults)}
  }
}
