import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {IAM_ROLES} from '../../lib/iam/needs.js'
import {rolePolicies} from '../../lib/iam/policy.js'
import {selectCommands} from '../../lib/iam/select.js'

export default class IamPolicy extends BaseCommand<typeof IamPolicy> {
  static override summary = 'Print the least-privilege IAM policies drctl needs, with the ARNs of drctl.yaml.'
  static override description = `One policy document per role: read-only (status, routing list, chaos list and status, runs), operator (failover, fallback, routing set and shift, chaos start and stop, aurora rename-global, runs resume) and destructive (teardown). Actions come from the calls each command makes, application steps from drctl.yaml included; actions are scoped to the topology's global clusters, tables, routing controls, FIS templates, stacks and the application steps' resources (member clusters and RDS proxies by Region, as their ids are found live), and every statement is limited to the Regions its calls are signed for (aws:RequestedRegion). Describe and List actions that take no resource are granted on *.

With --role, stdout is that one document, ready for aws iam put-role-policy or the sandbox's --enforce-iam; without, each document follows a header line on stderr.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --role operator > operator.json',
    '<%= config.bin %> <%= command.id %> --command status --command "routing list"',
    '<%= config.bin %> <%= command.id %> --role destructive --json',
    'DRCTL_SANDBOX_POLICY=operator.json <%= config.bin %> failover --planned --to us-west-2 --sandbox',
  ]
  static override flags = {
    command: Flags.string({
      summary: 'Only the policy for these commands (default: every command); repeated or comma-separated.',
      multiple: true,
      helpValue: 'NAME',
    }),
    role: Flags.string({summary: 'Only the document of this role.', options: [...IAM_ROLES]}),
  }

  async run() {
    const role = IAM_ROLES.find((name) => name === this.flags.role)
    const commands = selectCommands(this.flags.command, role)
    const {config} = await this.loadConfig()
    const policies = rolePolicies(config, commands)
    for (const policy of policies) {
      if (!role) this.outBeside(`# ${policy.role}: ${policy.commands.join(', ')}`)
      this.out(JSON.stringify(policy.document, null, 2))
    }
    return {policies}
  }
}
