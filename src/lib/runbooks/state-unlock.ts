import type {AwsPorts} from '../aws/ports.js'
import type {TeamState} from '../config/schema.js'
import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import {dynamoLockStore} from '../runbook/dynamodb-lock.js'
import type {LockHolder} from '../runbook/lock.js'
import {indexedRuns} from '../runbook/team-journal.js'
import {stateRegion} from '../runbook/team-state.js'
import {declared, declaredEach} from '../aws/iam-calls.js'

// `drctl state unlock`: break-glass release of a run's lock in the team state table.

/**
 * Breaks the lock `runId` holds (break-glass): its process, if alive, loses the lease at its next heartbeat and
 * stops. The lock key is the run's topology as the table's index has it, else `topologyKey`. Written in `region`
 * (default: the home Region).
 */
/** What `state unlock` calls: the runs' index and the lock, broken with one conditional write. */
export const STATE_UNLOCK_CALLS = {
  calls: {
    reads: declaredEach('DynamoDB', ['GetItem', 'Query'], 'state-table'),
    writes: [declared('DynamoDB', 'UpdateItem', 'state-table')],
  },
}

export async function unlockRun(
  state: TeamState,
  aws: AwsPorts,
  options: {runId: string; topologyKey: string; clock: Clock; region?: string},
): Promise<{key: string; region: string; holder: LockHolder}> {
  const region = options.region ?? stateRegion(state)
  if (!state.regions.includes(region)) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `--region ${region} is not a Region of the state table (${state.regions.join(', ')})`,
    )
  }
  const port = aws.dynamodb(region)
  const indexed = (await indexedRuns(port, state.table)).find((run) => run.runId === options.runId)
  const key = indexed?.topologyKey || options.topologyKey
  const locks = dynamoLockStore(port, state.table, {clock: options.clock})
  const holder = await locks.breakGlass(key, {runId: options.runId})
  if (!holder) {
    const current = await locks.inspect(key)
    throw new DrctlError('DRCTL_USAGE', `run ${options.runId} holds no lock on ${key}; nothing was changed`, {
      hints: [current?.runId ? `the lock is held by run ${current.runId}` : `the lock on ${key} is free`],
    })
  }
  return {key, region, holder}
}
