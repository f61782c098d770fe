import {BaseCommand, EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {regionFlag} from '../lib/cli/flags.js'
import {topologyRegion} from '../lib/config/regions.js'
import {symbols} from '../lib/cli/style.js'
import {renderTable} from '../lib/cli/table.js'
import {readIdentity, verifyAccount} from '../lib/topology/identity.js'

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
    region: regionFlag({summary: 'Region of the topology to call STS in (default: its first Region).'}),
  }

  async run() {
    const {config} = await this.loadConfig()
    const region = this.flags.region === undefined ? undefined : topologyRegion(config, '--region', this.flags.region)
    const aws = await this.awsSession(config, {readOnly: true})
    const {account, arn, userId, pinnedAccount, ...identity} = await readIdentity(config, aws, region)
    const profile = this.flags.profile ?? (typeof config.profile === 'string' ? config.profile : undefined)
    const credentials = this.flags.sandbox ? 'sandbox' : (profile ?? 'default credential chain')
    const rows = [
      ['Account', account],
      ['Caller', arn],
      ['User id', userId],
      ['Credentials', credentials],
    ]
    if (pinnedAccount)
      rows.push(['Pinned', `${pinnedAccount} ${account === pinnedAccount ? this.style.green(symbols.ok) : ''}`])
    this.out(renderTable(undefined, rows))
    verifyAccount(pinnedAccount, {account, arn, userId})
    return {account, arn, userId, region: identity.region, profile: credentials, pinnedAccount}
  }
}
