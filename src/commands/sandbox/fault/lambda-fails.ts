import {Args, Flags} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {regionFlag} from '../../../lib/cli/flags.js'
import {setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultLambdaFails extends FaultCommand<typeof SandboxFaultLambdaFails> {
  static override summary = 'Make a Lambda function fail when it is invoked.'
  static override description = `From now on every invocation of FUNCTION fails as a function that throws does: Invoke still answers 200, with X-Amz-Function-Error: Unhandled and the error object {errorType, errorMessage} as the payload (MESSAGE, if given). Use it to rehearse a lambda step failing: drctl stops the run (exit 5) with the function's message, and a resume after \`drctl sandbox fault clear lambda-fails\` invokes it again. Without --region the function fails in every Region that has it.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> warm-caches',
    '<%= config.bin %> <%= command.id %> warm-caches --region us-west-2 --message "cache cluster unreachable"',
    '<%= config.bin %> sandbox fault clear lambda-fails',
  ]
  static override args = {
    function: Args.string({description: 'The function name.', required: true}),
  }
  static override flags = {
    region: regionFlag({summary: 'Only the function of this Region fails (default: every Region).'}),
    message: Flags.string({summary: 'The errorMessage the function answers with.', helpValue: 'TEXT'}),
  }

  async run() {
    const {function: name} = this.args
    const {region, message} = this.flags
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'lambda-fails', function: name, region, message})
    return {fault, ...this.report(`invocations of ${name}${region ? ` in ${region}` : ''} now fail`, faults)}
  }
}
