import {Args} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {activeAndRecent, renderExperiment, renderExperimentList, unlistedRegions} from '../../lib/cli/render-chaos.js'
import {findExperiment, listExperiments} from '../../lib/runbooks/chaos/experiments.js'

const RECENT = 5

export default class ChaosStatus extends BaseCommand<typeof ChaosStatus> {
  static override summary = 'Show one FIS experiment, or those active and recent in the topology’s Regions.'
  static override description = `With ID: the experiment's state and FIS's reason, its template, its times, and each action's state. Without: the experiments active (pending, initiating, running, stopping) in any Region of the topology, whoever started them, and the ${RECENT} most recent that ended.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> EXP1a2b3c4d5e6f7',
    '<%= config.bin %> <%= command.id %> --sandbox --json',
  ]
  static override args = {id: Args.string({description: 'Experiment id (default: the active and recent ones).'})}

  async run() {
    const {config} = await this.loadConfig()
    const aws = await this.awsSession(config, {readOnly: true})
    if (this.args.id) {
      const experiment = await findExperiment(config, aws, this.args.id)
      this.out(renderExperiment(experiment, this.style))
      return {experiment}
    }
    const listing = await listExperiments(config, aws)
    for (const warning of unlistedRegions(listing)) this.note(warning)
    const shown = activeAndRecent(listing, RECENT)
    this.out(renderExperimentList(shown, config.regions, this.style))
    return {regions: config.regions, ...shown, unreadable: listing.unreadable}
  }
}
