import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {describeWorld, setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultDistributionStuck extends FaultCommand<typeof SandboxFaultDistributionStuck> {
  static override summary = 'Keep a CloudFront distribution InProgress after an update.'
  static override description = `An update of DISTRIBUTION in progress, or the next one, never reaches Deployed: GetDistribution keeps answering Status InProgress, so a cloudfront-origin step waits until its timeout (exit 7, resumable). The update itself is applied and reads back. \`drctl sandbox fault clear distribution-stuck\` lets the deployment finish at once.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> E2QWRUHAPOMQZL',
    '<%= config.bin %> sandbox fault clear distribution-stuck',
  ]
  static override args = {
    distribution: Args.string({description: 'The distribution id (sandbox show lists them).', required: true}),
  }

  async run() {
    const home = this.sandboxHome()
    const known = (await describeWorld(home)).cloudfront.distributions.map((distribution) => distribution.id)
    const id = this.oneOf('DISTRIBUTION', this.args.distribution, known, {
      one: 'a CloudFront distribution',
      all: 'CloudFront distributions',
    })
    const {fault, faults} = await setFault(home, {kind: 'distribution-stuck', distributionId: id})
    return {fault, ...this.report(`distribution ${id} will stay InProgress after an update`, faults)}
  }
}
