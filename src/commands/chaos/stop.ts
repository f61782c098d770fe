import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, MutatingCommand} from '../../lib/cli/base-command.js'
import {stopFromTerminal} from '../../lib/cli/chaos-stop.js'
import {drctlCommand, renderExperiment, unlistedRegions} from '../../lib/cli/render-chaos.js'
import {symbols} from '../../lib/cli/style.js'
import {DrctlError} from '../../lib/core/errors.js'
import {
  type ExperimentListing,
  findExperiment,
  isActive,
  isTerminal,
  listExperiments,
} from '../../lib/runbooks/chaos/experiments.js'

export default class ChaosStop extends MutatingCommand<typeof ChaosStop> {
  static override summary = 'Stop an FIS experiment and wait until FIS says it is stopped.'
  static override description = `Without ID: the one experiment active in the topology's Regions (none: says so and exits 0; several: lists them, exit 2). An experiment that already ended is reported and left alone (exit 0). Needs confirmation (--yes without a terminal). Stopping is never refused because a run is unfinished: it is how a game day is ended early.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> EXP1a2b3c4d5e6f7 --yes',
    '<%= config.bin %> <%= command.id %> --sandbox --yes --json',
  ]
  static override args = {id: Args.string({description: 'Experiment id (default: the one active experiment).'})}

  async run() {
    const {config} = await this.loadConfig()
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const id = this.args.id ?? this.theActiveOne(config.regions, await listExperiments(config, aws))
    if (!id) {
      this.out(`no FIS experiment is active in ${config.regions.join(', ')}; nothing to stop`)
      return {stopped: false}
    }
    const experiment = await findExperiment(config, aws, id)
    if (isTerminal(experiment.status)) {
      this.out(`FIS experiment ${experiment.id} already ended (${experiment.status}); nothing to stop`)
      return {stopped: false, experiment}
    }
    this.out(renderExperiment(experiment, this.style))
    if (this.flags['dry-run']) {
      this.out(this.style.dim(`\ndry run: would call FIS StopExperiment in ${experiment.region} for ${experiment.id}`))
      return {dryRun: true, experiment}
    }
    this.out('')
    const confirmed = await this.prompter(this.flags.yes).confirm(
      `Stop FIS experiment ${experiment.id} (${experiment.templateName ?? experiment.templateId}, ${experiment.status}) in ${experiment.region}?`,
    )
    if (!confirmed) throw new DrctlError('DRCTL_CONFIRMATION_DECLINED', 'not confirmed; the experiment keeps running')
    const final = await stopFromTerminal(aws, experiment, {
      clock: await this.clock(),
      progress: this.progress(),
      flags: this.flags,
    })
    this.out(`${this.style.green(symbols.ok)} FIS experiment ${experiment.id} ${final.status}`)
    return {stopped: true, experiment: {...final, region: experiment.region, templateName: experiment.templateName}}
  }

  /** The id of the only active experiment, if any; several are a usage error (which one?). */
  private theActiveOne(regions: string[], listing: ExperimentListing): string | undefined {
    for (const warning of unlistedRegions(listing)) this.note(warning)
    const active = listing.experiments.filter((experiment) => isActive(experiment.status))
    if (active.length > 1) {
      throw new DrctlError(
        'DRCTL_USAGE',
        `${active.length} FIS experiments are active in ${regions.join(', ')}: name the one to stop (${active.map((experiment) => `${experiment.id} ${experiment.status} in ${experiment.region}`).join(', ')})`,
        {hints: [drctlCommand(`chaos stop ${active[0]?.id}`, this.flags)]},
      )
    }
    return active[0]?.id
  }
}
