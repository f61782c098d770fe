import {teamState, type DrctlConfig, type TeamState} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'

/** The team state drctl.yaml names; a usage error (exit 2) naming the section to add when it names none. */
export function requireTeamState(config: DrctlConfig, configPath: string): TeamState {
  const state = teamState(config)
  if (state) return state
  throw new DrctlError('DRCTL_USAGE', `${configPath} keeps runs on this machine: it has no team state table`, {
    hints: ['add to drctl.yaml: state: {backend: dynamodb, table: drctl-state}  (then: drctl state init)'],
  })
}
