import {BaseCommand, EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../lib/cli/base-command.js'
import {renderSandbox} from '../../lib/cli/render-sandbox.js'
import {describeWorld, sandboxPaths} from '../../lib/sandbox/index.js'

export default class SandboxShow extends BaseCommand<typeof SandboxShow> {
  static override summary = 'Summarize the sandbox world: roles, statuses, routing, experiments, faults.'
  static override description = `Brings the sandbox world up to now (operations that take time progress with the clock) and prints a compact summary per service and Region: Aurora global clusters with their writer and secondaries (synchronization, lag), clusters and instances, DynamoDB replicas, ARC routing control states and endpoints, FIS templates and experiments, CloudFormation stacks, Route 53 records, CloudFront origins and Global Accelerator dials (when the world has them), active faults and recent events (such as the data lost by a managed failover).

With --json, every resource by service and Region.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    "<%= config.bin %> <%= command.id %> --json | jq '.result.rds.globalClusters'",
  ]

  async run() {
    const view = await describeWorld(this.sandboxHome())
    this.out(renderSandbox(view, this.style, sandboxPaths(this.sandboxHome()).world))
    return view
  }
}
