import {Args} from '@oclif/core'

import {EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {RoutingChangeCommand, routingChangeFlags} from '../../lib/cli/routing-command.js'
import {desiredForSet, parseState, resolveControl} from '../../lib/runbooks/routing-change.js'

export default class RoutingSet extends RoutingChangeCommand<typeof RoutingSet> {
  static override summary = 'Turn one routing control On or Off (named by name, ARN or Region).'
  static override description = `Reads the current states first: if nothing would change it says so and exits 0. Refuses a change that would leave every control Off (unless --allow-all-off) and explains, before calling AWS, which cached safety rule would block it. After the change the states are read back, possibly through another endpoint; a mismatch is an error. The change is a journaled run.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> us-west-2 on',
    '<%= config.bin %> <%= command.id %> retail-us-east-1 off --dry-run',
    '<%= config.bin %> <%= command.id %> us-east-1 off --yes --allow-all-off',
    '<%= config.bin %> <%= command.id %> us-east-1 off --override-safety-rule arn:aws:route53-recovery-control::111122223333:controlpanel/abc/safetyrule/def',
  ]
  static override args = {
    control: Args.string({description: 'Routing control name, ARN, or Region.', required: true}),
    state: Args.string({description: 'on or off.', required: true}),
  }
  static override flags = routingChangeFlags

  async run() {
    const state = parseState(this.args.state)
    const loaded = await this.loadRouting()
    const control = resolveControl(loaded.routing, this.args.control)
    return this.change(loaded, desiredForSet(control, state), `${control.name} ${state}`, this.flags)
  }
}
