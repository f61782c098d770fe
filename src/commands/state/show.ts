import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {renderStateView} from '../../lib/cli/render-state.js'
import {requireTeamState} from '../../lib/cli/state-command.js'
import {showState} from '../../lib/runbooks/state-show.js'

export default class StateShow extends BaseCommand<typeof StateShow> {
  static override summary = 'Show the team state table: its Regions, consistency, the lock holder and recent runs.'
  static override description = `Reads the table of state.table in every state Region (a Region that does not answer is shown as unreachable), then, in the first that has it, who holds this topology's lock (run, caller, pid, host, since when, until when) and the latest runs of the team.

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run() {
    const {path, config} = await this.loadConfig()
    const state = requireTeamState(config, path)
    const aws = await this.awsSession(config, {readOnly: true})
    const view = await showState(state, aws, {topologyKey: this.topologyKey(config), clock: await this.clock()})
    for (const region of view.regions.filter((candidate) => candidate.status === 'unreachable')) {
      this.note(`${state.table} in ${region.region} cannot be read: ${region.error}`)
    }
    this.out(renderStateView(view, this.style))
    return view
  }
}
