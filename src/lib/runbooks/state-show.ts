import type {AwsPorts} from '../aws/ports.js'
import type {TeamState} from '../config/schema.js'
import type {Clock} from '../core/clock.js'
import {dynamoLockStore} from '../runbook/dynamodb-lock.js'
import type {LockHolder} from '../runbook/lock.js'
import {type IndexedRun, indexedRuns} from '../runbook/team-journal.js'
import {keySchemaProblem} from '../runbook/team-state.js'
import {look} from './state-table.js'
import {isActive} from './state-table-steps.js'
import {declaredEach, readsOnly} from '../aws/iam-calls.js'

// `drctl state show`: the team state table as each of its Regions sees it, its lock and its latest runs.

/** What `state show` reads: the table in each of its Regions, the lock and the runs' index. */
export const STATE_SHOW_READS = {
  calls: readsOnly(declaredEach('DynamoDB', ['DescribeTable', 'GetItem', 'Query'], 'state-table')),
}

export interface StateRegionView {
  region: string
  /** The table's status there; `missing` when it has no replica there, `unreachable` when the Region did not answer. */
  status: string
  error?: string
}

export interface StateView {
  table: string
  /** The Region the lock and runs were read from: the first state Region that answered with the table. */
  readFrom?: string
  regions: StateRegionView[]
  consistency?: 'eventual' | 'strong'
  witness?: {region: string; status: string}
  keySchemaProblem?: string
  lock: {key: string; holder?: LockHolder}
  runs: IndexedRun[]
}

/** What the team state table holds: where it is, its mode, who holds the topology's lock, the latest runs. */
export async function showState(
  state: TeamState,
  aws: AwsPorts,
  options: {topologyKey: string; clock: Clock; limit?: number},
): Promise<StateView> {
  const seen = await Promise.all(state.regions.map((region) => look(aws, state.table, region)))
  const regions = seen.map(({region, table, error}): StateRegionView => {
    if (error) return {region, status: 'unreachable', error}
    return {region, status: table?.status ?? 'missing'}
  })
  const source = seen.find((candidate) => candidate.table && isActive(candidate.table.status))
  const view: StateView = {table: state.table, regions, lock: {key: options.topologyKey}, runs: []}
  if (!source?.table) return view
  const table = source.table
  const witness = table.witnesses?.[0]
  Object.assign(view, {
    readFrom: source.region,
    consistency: table.consistency === 'STRONG' ? 'strong' : 'eventual',
    ...(witness ? {witness} : {}),
    ...(keySchemaProblem(table) ? {keySchemaProblem: keySchemaProblem(table)} : {}),
  })
  if (view.keySchemaProblem) return view
  const port = aws.dynamodb(source.region)
  const holder = await dynamoLockStore(port, state.table, {clock: options.clock}).inspect(options.topologyKey)
  view.lock = {key: options.topologyKey, ...(holder ? {holder} : {})}
  view.runs = (await indexedRuns(port, state.table)).slice(0, options.limit ?? 10)
  return view
}
