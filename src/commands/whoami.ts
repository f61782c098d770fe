import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {symbols} from '../lib/cli/style.js'
import {renderTable} from '../lib/cli/table.js'
import {verifyAccount} from '../lib/topology/identity.js'

export default class Whoami extends BaseCommand<typeof Whoami> {
  static override summary = 'Show the AWS identity drctl acts as, and check the pinned account.'
  static override description = `Calls STS GetCallerIdentity (which needs no IAM permission) in the topology's first Region. When drctl.yaml pins an account and the credentials belong to another one, exits 3.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile dr-breakglass',
    '<%= config.bin %> <%= command.id %> --sandbox --json',
  ]
  static override flags = {
    region: Flags.string({summary: 'Region to call STS in (default: the first Region of the topology).'}),
  }

  async run() {
    const {config} = await this.loadConfig()
    const region = this.flags.region ?? (config.regions[0] as string)
    const aws = await this.awsSession(config, {readOnly: true})
    const identity = await aws.sts(region).getCallerIdentity()
    const profile = this.flags.profile ?? (typeof config.profile === 'string' ? config.profile : undefined)
    const result = {
      account: identity.account,
      arn: identity.arn,
      userId: identity.userId,
      region,
      profile: this.flags.sandbox ? 'sandbox' : (profile ?? 'default credential chain'),
      pinnedAccount: config.account,
    }
    this.out(
      renderTable(undefined, [
        ['Account', identity.account],
        ['Caller', identity.arn],
        ['User id', identity.userId],
        ['Credentials', result.profile],
        ...(config.account
          ? [['Pinned', `${config.account} ${identity.account === config.account ? this.style.green(symbols.ok) : ''}`]]
          : []),
      ]),
    )
    verifyAccount(config.account, identity)
    return result
  }
}
