import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultThrottle extends FaultCommand<typeof SandboxFaultThrottle> {
  static override summary = 'Answer a fraction of all calls with the service’s throttling error.'
  static override description = `RATE (0 to 1) of the calls, chosen at random, get the error each service really sends when it throttles: Throttling (HTTP 400) from RDS, STS, CloudFormation and CloudWatch, ThrottlingException from DynamoDB (400) and from ARC and FIS (429). The AWS SDKs retry these, so a moderate rate tests retry and back-off rather than failure.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> <%= command.id %> 0.3', '<%= config.bin %> <%= command.id %> 1']
  static override args = {
    rate: Args.string({description: 'Fraction of calls to throttle, from 0 to 1.', required: true}),
  }

  async run() {
    const rate = Number(this.args.rate)
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'throttle', rate})
    return {fault, ...this.report(`${Math.round(rate * 100)}% of calls are now throttled`, faults)}
  }
}
