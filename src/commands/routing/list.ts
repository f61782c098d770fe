import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {routingStates} from '../../lib/cli/render-status.js'
import {requireArcSection, routingUnreadable} from '../../lib/cli/routing-command.js'
import {renderTable} from '../../lib/cli/table.js'
import {observe} from '../../lib/topology/observe.js'

export default class RoutingList extends BaseCommand<typeof RoutingList> {
  static override summary = 'List the topology’s routing controls, their states, and the endpoint that answered.'
  static override description = `Reads every routing control in drctl.yaml through the ARC cluster's data-plane endpoints, starting at a random endpoint and moving on after errors, timeouts and throttling: the answer comes as long as one endpoint works. Only the cached endpoints are used; without them the control plane (us-west-2) is asked, with a warning.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --sandbox',
  ]

  async run() {
    const {path, config} = await this.loadConfig()
    requireArcSection(config, path)
    const aws = await this.awsSession(config, {readOnly: true})
    const topology = await observe(config, aws, {parts: ['routing']})
    for (const warning of topology.warnings) this.note(warning)
    const routing = topology.routing
    if (!routing || routing.unreadable) throw routingUnreadable(routing)
    const failed = routing.attempts.filter((attempt) => !attempt.ok)
    this.out(
      renderTable(
        ['CONTROL', 'REGION', 'STATE'],
        routing.controls.map((control) => [
          control.name,
          control.region,
          control.state ?? this.style.yellow('not found'),
        ]),
      ),
    )
    this.out(
      this.style.dim(
        `\nanswered by the ${routing.endpoint?.region} endpoint ${routing.endpoint?.url}${failed.length > 0 ? ` after ${failed.length} failed: ${failed.map((attempt) => `${attempt.endpoint.region} (${attempt.error})`).join(', ')}` : ''}`,
      ),
    )
    const {controls, safetyRules} = routingStates(routing)
    return {controls, endpoint: routing.endpoint, attempts: routing.attempts, safetyRules}
  }
}
