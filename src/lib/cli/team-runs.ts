import type {AwsPorts} from '../aws/ports.js'
import type {DrctlConfig, TeamState} from '../config/schema.js'
import {systemClock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {RunStartEvent} from '../runbook/journal.js'
import {loadRun} from '../runbook/runs.js'
import {pullTeamRuns, runsLocally, runStateRegion, type TeamStores, teamStores} from '../runbook/team-state.js'

// How the runs commands use the team state table: pull first (a colleague's runs become this home's), then the
// local logic as without a table; a run that changes (resume, abandon, approve) goes through the Region its lock
// and journal are written to.

export interface TeamContext {
  state: TeamState
  config: DrctlConfig
  aws: AwsPorts
  home: string
}

function localStart(home: string, runId: string): RunStartEvent | undefined {
  try {
    return loadRun(home, runId).events.find((event): event is RunStartEvent => event.type === 'run-start')
  } catch {
    return undefined
  }
}

/**
 * For commands that only read runs (list, show): brings the table's runs (or `runId`) here. A table that cannot be
 * read leaves the runs this machine has: the warning to show, if so.
 */
export async function pullForReading(team: TeamContext | undefined, runId?: string): Promise<string | undefined> {
  if (!team) return undefined
  try {
    await pullTeamRuns(team.state, team.aws, {home: team.home, clock: systemClock, runId})
    return undefined
  } catch (error) {
    if (!(error instanceof DrctlError)) throw error
    return `the team state table ${team.state.table} cannot be read (${error.message}): showing this machine's runs only`
  }
}

/**
 * The team lock store and journal mirror run `runId` is driven, abandoned or approved through, after pulling it
 * here; none for a run that keeps its lock and journal on its machine (--local-state), or without a table.
 */
export async function teamStoresForRun(team: TeamContext | undefined, runId: string): Promise<TeamStores | undefined> {
  if (!team || runsLocally(localStart(team.home, runId))) return undefined
  await pullTeamRuns(team.state, team.aws, {home: team.home, clock: systemClock, runId})
  const start = localStart(team.home, runId)
  if (!start || runsLocally(start)) return undefined
  return teamStores(team.state, team.aws, {
    home: team.home,
    region: runStateRegion(team.state, start),
    clock: systemClock,
  })
}
