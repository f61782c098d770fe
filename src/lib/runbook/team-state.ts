import {AwsCallError, isTransient} from '../aws/errors.js'
import type {AwsPorts, DynamoDbPort, Table} from '../aws/ports.js'
import type {TeamState} from '../config/schema.js'
import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import {dynamoLockStore} from './dynamodb-lock.js'
import type {RunStartEvent} from './journal.js'
import type {LockStore} from './lock.js'
import {JournalMirror} from './team-journal.js'

/** The key schema of the team state table: a string partition key and a string sort key. */
export const STATE_KEYS = {partition: {name: 'pk', type: 'S'}, sort: {name: 'sk', type: 'S'}} as const

/** The key schema of a table that is not keyed as drctl writes the team state (`pk:HASH`); none when it is. */
export function keySchemaProblem(table: Table): string | undefined {
  const keys = (table.keySchema ?? []).map((key) => `${key.name}:${key.type}`).join(',')
  if (!table.keySchema || keys === `${STATE_KEYS.partition.name}:HASH,${STATE_KEYS.sort.name}:RANGE`) return undefined
  return keys || 'unknown'
}

export interface TeamStores {
  /** The one Region every lock and journal write of this process goes to. */
  region: string
  table: string
  locks: LockStore
  mirror: JournalMirror
}

/**
 * The Region this process writes the team state to: for a run that avoids Regions (an unplanned failover must not
 * depend on the failed Region), its target when that is a replica Region; else the first replica Region it does not
 * avoid (the home). Every other run writes to the home Region, so that on an MREC table all lock writes meet there.
 */
export function stateRegion(state: TeamState, avoid: string[] = [], target?: string): string {
  if (avoid.length > 0 && target && state.regions.includes(target)) return target
  const region = state.regions.find((candidate) => !avoid.includes(candidate))
  if (!region) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `every Region of the state table ${state.table} (${state.regions.join(', ')}) is avoided by this run`,
      {hints: ['add a replica Region that is up to state.regions, or run with --local-state (recorded in the report)']},
    )
  }
  return region
}

/**
 * Checks that the state table is there, shaped as drctl writes it, and reachable, in `region`: a run never starts
 * on a state store it cannot write. Unreachable: refused, unless the operator runs with --local-state.
 */
export async function assertStateTable(port: DynamoDbPort, table: string): Promise<void> {
  let found
  try {
    found = await port.describeTable(table)
  } catch (error) {
    if (error instanceof AwsCallError && isTransient(error.kind)) {
      throw new DrctlError(
        'DRCTL_AWS_UNREACHABLE',
        `the team state table ${table} in ${port.region} cannot be reached: ${error.message}`,
        {
          cause: error,
          hints: [
            'retry when it answers, or run with --local-state to keep the lock and journal on this machine only ' +
              '(recorded in the report; colleagues will not see the run)',
          ],
        },
      )
    }
    throw error
  }
  if (!found) {
    throw new DrctlError('DRCTL_AWS_NOT_FOUND', `the team state table ${table} does not exist in ${port.region}`, {
      hints: ['create it: drctl state init (or run with --local-state, recorded in the report)'],
    })
  }
  const keys = keySchemaProblem(found)
  if (keys) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `the table ${table} in ${port.region} is not a drctl state table: its key schema is ${keys}, ` +
        `drctl needs ${STATE_KEYS.partition.name} (HASH) and ${STATE_KEYS.sort.name} (RANGE)`,
      {hints: ['name another table in state.table, or create one with drctl state init']},
    )
  }
}

/** The lock store and journal mirror of the team state table in `region`, after checking the table there. */
export async function teamStores(
  state: TeamState,
  aws: AwsPorts,
  options: {home: string; region: string; clock: Clock; owner?: string},
): Promise<TeamStores> {
  const port = aws.dynamodb(options.region)
  await assertStateTable(port, state.table)
  return {
    region: options.region,
    table: state.table,
    locks: dynamoLockStore(port, state.table, {clock: options.clock, owner: options.owner}),
    mirror: new JournalMirror(port, state.table, options.home),
  }
}

/** The Region a run's lock and journal are written to: the one its start chose (see `stateRegion`). */
export function runStateRegion(state: TeamState, start: Pick<RunStartEvent, 'excludedRegions' | 'params'>): string {
  return stateRegion(
    state,
    start.excludedRegions,
    typeof start.params.target === 'string' ? start.params.target : undefined,
  )
}

/** Whether a run keeps its lock and journal on its machine only (started with --local-state). */
export function runsLocally(start: Pick<RunStartEvent, 'flags'> | undefined): boolean {
  return start?.flags['local-state'] === true
}

/**
 * Brings the table's runs (`runId` only, when given) into `home`, read in the first state Region that answers: the
 * home Region, or, when it is down, a replica (on an MREC table it may lag a second behind the Region written).
 * Which Region was read, and whether the table knows `runId`; the last Region's error when none answers.
 */
export async function pullTeamRuns(
  state: TeamState,
  aws: AwsPorts,
  options: {home: string; clock: Clock; runId?: string},
): Promise<{region: string; found: boolean}> {
  let unreachable: unknown
  for (const region of state.regions) {
    let stores: TeamStores
    try {
      stores = await teamStores(state, aws, {home: options.home, region, clock: options.clock})
    } catch (error) {
      if (!(error instanceof DrctlError) || error.code !== 'DRCTL_AWS_UNREACHABLE') throw error
      unreachable = error
      continue
    }
    if (options.runId === undefined) return {region, found: (await stores.mirror.pullAll()).length > 0}
    return {region, found: await stores.mirror.pull(options.runId)}
  }
  throw unreachable
}
