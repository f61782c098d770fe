import {EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {regionFlag} from '../../lib/cli/flags.js'
import {RoutingChangeCommand, routingChangeFlags} from '../../lib/cli/routing-command.js'
import {desiredForShift} from '../../lib/runbooks/routing-change.js'

export default class RoutingShift extends RoutingChangeCommand<typeof RoutingShift> {
  static override summary = 'Send all traffic to one Region: its control(s) On, all others Off, in one batch.'
  static override description = `One UpdateRoutingControlStates call sets the target Region's control(s) On and every other control Off, so assertion rules such as "at least one On" see the final state, never an intermediate one. It does not move the databases (drctl failover does both). Journaled, dry-runnable, read back after the change.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --to us-west-2',
    '<%= config.bin %> <%= command.id %> --to us-west-2 --dry-run --json',
    '<%= config.bin %> <%= command.id %> --to us-east-1 --yes',
  ]
  static override flags = {
    to: regionFlag({summary: 'Region to send all traffic to.', required: true}),
    ...routingChangeFlags,
  }

  async run() {
    const loaded = await this.loadRouting()
    return this.change(
      loaded,
      desiredForShift(loaded.config, loaded.routing, this.flags.to),
      `all traffic to ${this.flags.to}`,
      this.flags,
    )
  }
}
