import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultAlarm extends FaultCommand<typeof SandboxFaultAlarm> {
  static override summary = 'Put a CloudWatch alarm used as an FIS stop condition into ALARM.'
  static override description = `From now on the alarm named NAME is in ALARM: every FIS experiment with it among its stop conditions stops (stopping, then stopped, with the alarm as the reason), and one started while it is in ALARM stops at once. Use it to rehearse the guardrail that ends a game day early. \`drctl sandbox fault clear alarm\` puts it back to OK.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> retail-orders-error-rate',
    '<%= config.bin %> sandbox fault clear alarm',
  ]
  static override args = {
    name: Args.string({description: 'The alarm name (as in the stop condition’s alarm ARN).', required: true}),
  }

  async run() {
    const {name} = this.args
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'alarm', alarm: name})
    return {
      fault,
      ...this.report(`alarm ${name} is in ALARM: experiments with it as a stop condition stop`, faults),
    }
  }
}
