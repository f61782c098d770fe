import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {describeSafetyRule} from '../../lib/cli/render-status.js'
import {symbols} from '../../lib/cli/style.js'
import {renderTable} from '../../lib/cli/table.js'
import {DrctlError} from '../../lib/core/errors.js'
import {cacheArcDiscovery, discoverArc} from '../../lib/topology/arc-discovery.js'

export default class RoutingEndpoints extends BaseCommand<typeof RoutingEndpoints> {
  static override summary =
    'Fetch the ARC cluster endpoints, control panel, routing controls and safety rules (--save caches them).'
  static override description = `Reads the ARC control plane, which exists only in us-west-2. With --save, writes the cluster endpoints, the control panel, the safety rules (and routing controls for Regions that have none, when a control's name names the Region) into drctl.yaml, keeping its comments, so that routing changes and failovers never depend on the control plane's Region. Run it after creating or changing ARC resources. Makes no change in AWS.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --save',
    '<%= config.bin %> <%= command.id %> --save --config prod/drctl.yaml',
  ]
  static override flags = {
    save: Flags.boolean({summary: 'Write what was fetched into drctl.yaml.'}),
  }

  async run() {
    const {path, config} = await this.loadConfig()
    if (!config.arc)
      throw new DrctlError('DRCTL_USAGE', `${path} has no arc: section`, {
        hints: ['add arc.clusterArn (`drctl config init --print` shows where)'],
      })
    const aws = await this.awsSession(config, {readOnly: true})
    const discovery = (await discoverArc(config, aws))!
    const panel = discovery.panels.find((candidate) => candidate.arn === discovery.controlPanelArn)
    this.out(this.style.bold(`ARC cluster ${discovery.cluster.name} (${discovery.cluster.status})`))
    this.out(
      renderTable(
        ['REGION', 'ENDPOINT'],
        discovery.cluster.endpoints.map((endpoint) => [endpoint.region, endpoint.url]),
        {indent: 2},
      ),
    )
    for (const candidate of discovery.panels) {
      this.out(
        `\n${this.style.bold(`control panel ${candidate.name}`)}${candidate.arn === discovery.controlPanelArn ? ' (this topology)' : ''}${candidate.isDefault ? this.style.dim(' default') : ''}`,
      )
      this.out(
        candidate.routingControls.length > 0
          ? renderTable(
              undefined,
              candidate.routingControls.map((routing) => ['control', routing.name, routing.arn]),
              {indent: 2},
            )
          : this.style.dim('  no routing controls'),
      )
      if (candidate.safetyRules.length > 0) {
        this.out(
          renderTable(
            undefined,
            candidate.safetyRules.map((rule) => ['rule', describeSafetyRule(rule), rule.arn]),
            {indent: 2},
          ),
        )
      }
    }
    const result = {
      cluster: discovery.cluster,
      controlPanelArn: discovery.controlPanelArn,
      routingControls: discovery.routingControls,
      safetyRules: panel?.safetyRules ?? [],
      saved: false,
      path,
    }
    if (!this.flags.save) {
      this.out(
        this.style.dim(
          `\nnothing written: --save caches the endpoints${panel ? ', panel and safety rules' : ''} in ${path}`,
        ),
      )
      return result
    }
    await cacheArcDiscovery(path, discovery)
    this.out(
      `\n${this.style.green(symbols.ok)} cached ${discovery.cluster.endpoints.length} endpoints${panel ? `, control panel ${panel.name} and ${panel.safetyRules.length} safety rule(s)` : ''} in ${path}`,
    )
    for (const line of discovery.inferred) this.out(`  routing control for ${line} (inferred from its name)`)
    return {...result, saved: true}
  }
}
