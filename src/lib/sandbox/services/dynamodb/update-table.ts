import type {JsonInput, JsonOperation} from '../../protocol/aws-json.js'
import {DURATIONS, scaled} from '../../time.js'
import {REGION_PATTERN} from '../../world.js'
import type {ReplicaRecord, TableRecord} from './records.js'
import {asObject, optionalArray, optionalBoolean, optionalString, requiredString} from '../context.js'
import {copyItems, liveItems, validation} from './storage.js'
import {describe, findReplica, inUse, isGlobal, localReplica, tableUpdating} from './table-state.js'

// UpdateTable: replicas added or removed one at a time, MRSC set once with the Create actions that make the table
// global (with its witness), deletion protection per replica.

const KNOWN_UPDATES = [
  'AttributeDefinitions',
  'BillingMode',
  'ProvisionedThroughput',
  'GlobalSecondaryIndexUpdates',
  'StreamSpecification',
  'SSESpecification',
  'ReplicaUpdates',
  'TableClass',
  'DeletionProtectionEnabled',
  'OnDemandThroughput',
  'WarmThroughput',
  'MultiRegionConsistency',
  'GlobalTableWitnessUpdates',
]

type ReplicaAction = {action: 'Create' | 'Update' | 'Delete'; region: string}

function replicaActions(input: JsonInput): ReplicaAction[] {
  return (optionalArray(input, 'ReplicaUpdates', validation) ?? []).map((entry) => {
    const update = asObject(entry)
    const actions = (['Create', 'Update', 'Delete'] as const).filter((key) => update[key] !== undefined)
    if (actions.length !== 1) {
      throw validation(
        'One or more parameter values were invalid: a replica update needs exactly one of Create, Update, Delete',
      )
    }
    const action = actions[0] as ReplicaAction['action']
    const region = requiredString(asObject(update[action]), 'RegionName', validation)
    if (!REGION_PATTERN.test(region)) throw validation(`Invalid region name: ${region}`)
    return {action, region}
  })
}

function witnessCreates(input: JsonInput): string[] {
  return (optionalArray(input, 'GlobalTableWitnessUpdates', validation) ?? []).map((entry) => {
    const update = asObject(entry)
    if (update.Create === undefined) {
      throw validation('One or more parameter values were invalid: the sandbox only creates witnesses (Create)')
    }
    return requiredString(asObject(update.Create), 'RegionName', validation)
  })
}

/**
 * MRSC is chosen once, when the table becomes global: only with Create actions, on an empty single-Region table,
 * for exactly three Regions (three replicas, or two and a witness).
 */
function checkStrong(table: TableRecord, replica: ReplicaRecord, actions: ReplicaAction[], witnesses: string[]): void {
  const refuse = (why: string) =>
    validation(`One or more parameter values were invalid: MultiRegionConsistency STRONG ${why}`)
  if (actions.length === 0 || actions.some(({action}) => action !== 'Create')) {
    throw refuse('is only valid together with Create actions in ReplicaUpdates')
  }
  if (isGlobal(table)) throw refuse('cannot be set on a table that is already global: the mode cannot be changed')
  if (liveItems(replica).length > 0) throw refuse('can only be set on an empty table')
  if (1 + actions.length + witnesses.length !== 3 || witnesses.length > 1) {
    throw refuse('needs exactly three Regions: three replicas, or two replicas and one witness')
  }
}

export const updateTable: JsonOperation = (context, input) => {
  const {world, now} = context
  const name = requiredString(input, 'TableName', validation)
  const {table, replica} = localReplica(world, name, context.region)
  if (!KNOWN_UPDATES.some((key) => input[key] !== undefined)) {
    throw validation(
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
    )
  }
  if (replica.status === 'CREATING') throw inUse(`Table is being created: ${name}`)
  if (replica.status === 'DELETING') throw inUse(`Table is being deleted: ${name}`)
  if (tableUpdating(table)) throw inUse(`Table is being updated: ${name}`)
  const deletionProtection = optionalBoolean(input, 'DeletionProtectionEnabled', validation)
  const consistency = optionalString(input, 'MultiRegionConsistency', validation)
  const actions = replicaActions(input)
  const witnesses = witnessCreates(input)
  if (consistency !== undefined && consistency !== 'EVENTUAL' && consistency !== 'STRONG') {
    throw validation(`MultiRegionConsistency must be EVENTUAL or STRONG, not ${consistency}`)
  }
  if (consistency === 'STRONG') checkStrong(table, replica, actions, witnesses)
  else if (consistency !== undefined && !actions.some(({action}) => action === 'Create')) {
    throw validation(
      'One or more parameter values were invalid: MultiRegionConsistency is only valid together with Create actions in ReplicaUpdates',
    )
  } else if (witnesses.length > 0) {
    throw validation('One or more parameter values were invalid: a witness is only for MultiRegionConsistency STRONG')
  } else if (actions.length > 1) {
    throw validation(
      'One or more parameter values were invalid: only one replica can be created or deleted per UpdateTable call',
    )
  }
  if (table.consistency === 'STRONG' && actions.some(({action}) => action === 'Create')) {
    throw validation('One or more parameter values were invalid: an MRSC table has its three Regions already')
  }
  for (const {action, region} of actions) {
    const existing = table.replicas.find((candidate) => candidate.region === region)
    if (action === 'Create') {
      if (existing || findReplica(world, name, region)) {
        throw validation(
          `Failed to create a the new replica of table with name: '${name}' because one or more replicas already existed as tables.`,
        )
      }
      table.replicas.push({
        region,
        status: 'CREATING',
        until: now + scaled(world, DURATIONS.tableReplicaCreate),
        deletionProtection: false,
        createdAt: now,
        // The new replica is filled from this one; writes made meanwhile replicate to it as to any replica.
        items: copyItems(replica),
      })
    } else if (action === 'Delete') {
      if (!existing) {
        throw validation(`Failed to delete the replica of table with name: '${name}': no replica exists in ${region}`)
      }
      if (existing.deletionProtection) {
        throw validation(
          `Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first. (replica ${region})`,
        )
      }
      existing.status = 'DELETING'
      existing.until = now + scaled(world, DURATIONS.tableReplicaDelete)
    } else if (!existing) {
      throw validation(`Failed to update the replica of table with name: '${name}': no replica exists in ${region}`)
    }
  }
  const witness = witnesses[0]
  if (witness !== undefined) {
    table.witness = {region: witness, status: 'CREATING', until: now + scaled(world, DURATIONS.tableReplicaCreate)}
  }
  if (consistency !== undefined) table.consistency = consistency
  if (deletionProtection !== undefined) replica.deletionProtection = deletionProtection
  return {TableDescription: describe(context, table, replica)}
}
