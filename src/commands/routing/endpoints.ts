import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {arcDiscoveryResult, renderArcCached, renderArcDiscovery} from '../../lib/cli/render-routing.js'
import {cacheArcSettings} from '../../lib/config/update.js'
import {DrctlError} from '../../lib/core/errors.js'
import {arcCacheOf, discoverArc} from '../../lib/topology/arc-discovery.js'

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
    this.out(renderArcDiscovery(discovery, this.style))
    if (this.flags.save) await cacheArcSettings(path, arcCacheOf(discovery))
    this.out(renderArcCached(discovery, path, this.flags.save, this.style))
    return arcDiscoveryResult(discovery, path, this.flags.save)
  }
}
