import {Flags} from '@oclif/core'

import {EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {RunbookCommand} from '../lib/cli/runbook-command.js'
import {reconcileLeftovers} from '../lib/runbooks/reconcile-facts.js'
import {parseParts, partsTornDown, planTeardown, TEARDOWN_OBSERVED, TEARDOWN_PARTS} from '../lib/runbooks/teardown.js'
import {observe} from '../lib/topology/observe.js'

export default class Teardown extends RunbookCommand<typeof Teardown> {
  static override summary = 'Delete the whole multi-Region topology, in the only order AWS accepts.'
  static override description = `Computes the order from live roles, never from stack names or the config's Region order: running FIS experiments are stopped; for each global cluster the secondaries (wherever they are now) are removed from it, their instances and clusters deleted; binlog replicas are promoted, then deleted; then the writers' instances and clusters (a final cluster snapshot each, named drctl-final-<cluster>-<stamp>, unless --skip-final-snapshot) and the global clusters; DynamoDB replicas one at a time, then the last table; CloudFormation stacks, secondary Regions first. Clusters that drctl detached in an unplanned failover are included, and so are temporary drctl-reconcile-* clusters an interrupted reconcile left.

Deletion protection stops the plan at the gate (exit 3), naming every protected resource, unless --disable-deletion-protection. The plan is printed first; you type the topology name (or pass --yes). Resumable after any interruption: resources already gone are steps already done.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --yes --disable-deletion-protection',
    '<%= config.bin %> <%= command.id %> --only dynamodb,stacks --skip-final-snapshot',
    '<%= config.bin %> <%= command.id %> --sandbox --yes --json',
  ]
  static override flags = {
    'final-snapshot': Flags.boolean({
      summary: 'Take a final snapshot of every writer cluster (the default).',
      exclusive: ['skip-final-snapshot'],
    }),
    'skip-final-snapshot': Flags.boolean({summary: 'Delete writer clusters without a final snapshot.'}),
    'disable-deletion-protection': Flags.boolean({summary: 'Turn deletion protection off where it is on.'}),
    only: Flags.string({
      summary: `Tear down only these parts (${TEARDOWN_PARTS.join(', ')}); comma-separated or repeated.`,
      multiple: true,
      helpValue: 'PART',
    }),
  }

  async run() {
    const only = parseParts(this.flags.only)
    const {path: configPath, config} = await this.loadConfig()
    this.refuseIfUnfinished(config)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const survivors = this.survivors(config)
    const topology = await this.observeForPlan(config, aws, {survivors, parts: TEARDOWN_OBSERVED})
    const reachable = topology.regions.filter((region) => region.reachable).map((region) => region.region)
    const plan = planTeardown(config, topology, {
      reconcileLeftovers: partsTornDown(only).has('aurora') ? await reconcileLeftovers(aws, reachable) : [],
      finalSnapshot: !this.flags['skip-final-snapshot'],
      disableDeletionProtection: this.flags['disable-deletion-protection'],
      only,
      stamp: this.nameStamp(),
    })
    return this.execute(plan, {
      config,
      configPath,
      aws,
      before: topology,
      observe: () => observe(config, aws, {survivors, parts: TEARDOWN_OBSERVED}),
      flags: {
        'skip-final-snapshot': this.flags['skip-final-snapshot'],
        'disable-deletion-protection': this.flags['disable-deletion-protection'],
        only: only.join(',') || undefined,
      },
    })
  }
}
