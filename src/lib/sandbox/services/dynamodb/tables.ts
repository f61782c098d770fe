import {ApiError} from '../../errors.js'
import {nextSeed, tableArn, uuidFrom} from '../../ids.js'
import type {JsonInput, JsonOperation} from '../../protocol/aws-json.js'
import {DURATIONS, scaled} from '../../time.js'
import {type KeyAttributeType, REGION_PATTERN, type ReplicaRecord, type TableRecord, type World} from '../../world.js'
import {
  addDue,
  asObject,
  type CallContext,
  type DueEvent,
  epochSeconds,
  optionalArray,
  optionalBoolean,
  optionalString,
  requiredString,
} from '../context.js'
import {copyItems, itemSize, keyAttributes, liveItems, validation} from './storage.js'

/**
 * DynamoDB tables and global tables, version 2019.11.21 (aws-reference §5, aws-reference-steps §10): CreateTable
 * (CREATING, then ACTIVE), one table with a replica per Region, replica changes one at a time (`UPDATING` while one
 * runs), MRSC set once with the Create actions that make the table global, deletion protection per replica.
 */

export const notFound = (name: string) =>
  new ApiError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`)
const inUse = (message: string) =>
  new ApiError('ResourceInUseException', `Attempt to change a resource which is still in use: ${message}`)

/** The table `name` as the Region of the call has it (tables of one name in two Regions may be unrelated). */
export function findReplica(
  world: World,
  name: string,
  region: string,
): {table: TableRecord; replica: ReplicaRecord} | undefined {
  for (const table of world.dynamodb.tables) {
    if (table.name !== name) continue
    const replica = table.replicas.find((candidate) => candidate.region === region)
    if (replica) return {table, replica}
  }
  return undefined
}

function localReplica(world: World, name: string, region: string): {table: TableRecord; replica: ReplicaRecord} {
  const found = findReplica(world, name, region)
  if (!found) throw notFound(name)
  return found
}

function tableUpdating(table: TableRecord): boolean {
  return table.replicas.some((replica) => replica.status !== 'ACTIVE') || table.witness?.status === 'CREATING'
}

function isGlobal(table: TableRecord): boolean {
  return table.replicas.length > 1 || table.witness !== undefined
}

/** TableStatus as the Region of `replica` reports it: its own change, else UPDATING while any replica changes. */
export function tableStatus(table: TableRecord, replica: ReplicaRecord): string {
  if (replica.status === 'CREATING') return 'CREATING'
  if (replica.status === 'DELETING') return 'DELETING'
  return tableUpdating(table) ? 'UPDATING' : 'ACTIVE'
}

function describe(context: CallContext, table: TableRecord, replica: ReplicaRecord): Record<string, unknown> {
  const arn = tableArn(replica.region, context.world.account, table.name)
  const created = epochSeconds(replica.createdAt)
  const keys = keyAttributes(table)
  const items = liveItems(replica)
  const stream = new Date(replica.createdAt).toISOString().replace(/Z$/, '')
  const provisioned = replica.provisioned ?? table.provisioned
  return {
    AttributeDefinitions: keys.map(({name, type}) => ({AttributeName: name, AttributeType: type})),
    TableName: table.name,
    KeySchema: keys.map(({name}, index) => ({AttributeName: name, KeyType: index === 0 ? 'HASH' : 'RANGE'})),
    TableStatus: tableStatus(table, replica),
    CreationDateTime: created,
    ProvisionedThroughput: {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: provisioned?.readUnits ?? 0,
      WriteCapacityUnits: provisioned?.writeUnits ?? 0,
    },
    TableSizeBytes: items.reduce((sum, item) => sum + itemSize(item), 0),
    ItemCount: items.length,
    TableArn: arn,
    TableId: table.tableId,
    ...(provisioned
      ? {}
      : {BillingModeSummary: {BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: created}}),
    StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'},
    LatestStreamLabel: stream,
    LatestStreamArn: `${arn}/stream/${stream}`,
    ...(isGlobal(table) ? {GlobalTableVersion: '2019.11.21'} : {}),
    // As AWS's own example shows, the list seen from one Region names the other Regions.
    Replicas: table.replicas
      .filter((other) => other !== replica)
      .map((other) => ({
        RegionName: other.region,
        ReplicaStatus: other.status,
        ...(other.status === 'CREATING' ? {ReplicaStatusPercentProgress: replicaProgress(other, context.now)} : {}),
        ReplicaTableClassSummary: {TableClass: 'STANDARD'},
      })),
    ...(table.witness
      ? {GlobalTableWitnesses: [{RegionName: table.witness.region, WitnessStatus: table.witness.status}]}
      : {}),
    DeletionProtectionEnabled: replica.deletionProtection,
    TableClassSummary: {TableClass: 'STANDARD'},
    ...(isGlobal(table) ? {MultiRegionConsistency: table.consistency ?? 'EVENTUAL'} : {}),
  }
}

function replicaProgress(replica: ReplicaRecord, now: number): string {
  if (replica.until === undefined) return '100'
  const total = replica.until - replica.createdAt
  return String(Math.max(0, Math.min(99, Math.floor(((now - replica.createdAt) / Math.max(total, 1)) * 100))))
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/

function keySchemaOf(input: JsonInput): {
  hashKey: string
  rangeKey?: string
  keyTypes: Record<string, KeyAttributeType>
} {
  const schema = (optionalArray(input, 'KeySchema', validation) ?? []).map(asObject)
  const definitions = (optionalArray(input, 'AttributeDefinitions', validation) ?? []).map(asObject)
  const hash = schema[0]
  const range = schema[1]
  if (
    schema.length === 0 ||
    schema.length > 2 ||
    hash?.KeyType !== 'HASH' ||
    (range !== undefined && range.KeyType !== 'RANGE')
  ) {
    throw validation(
      'One or more parameter values were invalid: the KeySchema must be one HASH key, optionally followed by one RANGE key',
    )
  }
  if (definitions.length !== schema.length) {
    throw validation(
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    )
  }
  const keyTypes: Record<string, KeyAttributeType> = {}
  for (const key of schema) {
    const name = String(key.AttributeName ?? '')
    const definition = definitions.find((candidate) => candidate.AttributeName === name)
    if (!definition) {
      throw validation(
        `One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${name}], AttributeDefinitions: [${definitions.map((d) => String(d.AttributeName)).join(', ')}]`,
      )
    }
    const type = definition.AttributeType
    if (type !== 'S' && type !== 'N' && type !== 'B') {
      throw validation(`One or more parameter values were invalid: Invalid AttributeType for ${name}: ${String(type)}`)
    }
    keyTypes[name] = type
  }
  return {hashKey: String(hash.AttributeName), ...(range ? {rangeKey: String(range.AttributeName)} : {}), keyTypes}
}

function provisionedOf(input: JsonInput): TableRecord['provisioned'] {
  const mode = optionalString(input, 'BillingMode', validation) ?? 'PROVISIONED'
  const throughput = input.ProvisionedThroughput === undefined ? undefined : asObject(input.ProvisionedThroughput)
  if (mode === 'PAY_PER_REQUEST') {
    if (throughput) {
      throw validation(
        'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
      )
    }
    return undefined
  }
  if (mode !== 'PROVISIONED') throw validation(`BillingMode must be PROVISIONED or PAY_PER_REQUEST, not ${mode}`)
  const read = throughput?.ReadCapacityUnits
  const write = throughput?.WriteCapacityUnits
  if (typeof read !== 'number' || typeof write !== 'number' || read < 1 || write < 1) {
    throw validation(
      'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
    )
  }
  return {readUnits: read, writeUnits: write}
}

const createTable: JsonOperation = (context, input) => {
  const {world, now, region} = context
  const name = requiredString(input, 'TableName', validation)
  if (!TABLE_NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ (3 to 255 characters)`,
    )
  }
  const keys = keySchemaOf(input)
  const provisioned = provisionedOf(input)
  if (findReplica(world, name, region)) throw new ApiError('ResourceInUseException', `Table already exists: ${name}`)
  const table: TableRecord = {
    name,
    tableId: uuidFrom(nextSeed(world, `table:${name}`)),
    createdAt: now,
    ...keys,
    ...(provisioned ? {provisioned} : {}),
    replicas: [
      {
        region,
        status: 'CREATING',
        until: now + scaled(world, DURATIONS.tableCreate),
        deletionProtection: optionalBoolean(input, 'DeletionProtectionEnabled', validation) ?? false,
        createdAt: now,
        items: {},
      },
    ],
  }
  world.dynamodb.tables.push(table)
  return {TableDescription: describe(context, table, table.replicas[0] as ReplicaRecord)}
}

const describeTable: JsonOperation = (context, input) => {
  const name = requiredString(input, 'TableName', validation)
  const {table, replica} = localReplica(context.world, name, context.region)
  return {Table: describe(context, table, replica)}
}

const listTables: JsonOperation = (context) => ({
  TableNames: context.world.dynamodb.tables
    .filter((table) => table.replicas.some((replica) => replica.region === context.region))
    .map((table) => table.name)
    .sort(),
})

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

const updateTable: JsonOperation = (context, input) => {
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

const deleteTable: JsonOperation = (context, input) => {
  const {world, now} = context
  const name = requiredString(input, 'TableName', validation)
  const {table, replica} = localReplica(world, name, context.region)
  if (replica.status === 'DELETING') return {TableDescription: describe(context, table, replica)}
  if (replica.status === 'CREATING') throw inUse(`Table is being created: ${name}`)
  if (tableUpdating(table)) throw inUse(`Table is being updated: ${name}`)
  if (replica.deletionProtection) {
    throw validation(
      'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    )
  }
  replica.status = 'DELETING'
  replica.tableDelete = true
  replica.until = now + scaled(world, DURATIONS.tableDelete)
  return {TableDescription: describe(context, table, replica)}
}

/** Tags of a table by its ARN, which must name a replica in the Region called. */
const listTagsOfResource: JsonOperation = (context, input) => {
  const arn = requiredString(input, 'ResourceArn', validation)
  const match = /^arn:aws:dynamodb:([a-z0-9-]+):\d{12}:table\/([a-zA-Z0-9_.-]+)$/.exec(arn)
  if (!match) throw validation(`Invalid TableArn: ${arn}`)
  if (match[1] !== context.region) throw notFound(match[2] as string)
  const {table} = localReplica(context.world, match[2] as string, context.region)
  return {Tags: table.tags ?? []}
}

export const tableOperations = {
  CreateTable: createTable,
  DescribeTable: describeTable,
  ListTables: listTables,
  ListTagsOfResource: listTagsOfResource,
  UpdateTable: updateTable,
  DeleteTable: deleteTable,
} satisfies Record<string, JsonOperation>

/** Tables, replicas and witnesses whose change has come due: created (ACTIVE) or gone. */
export function tableDueEvents(world: World, now: number): DueEvent[] {
  const events: DueEvent[] = []
  for (const table of world.dynamodb.tables) {
    const witness = table.witness
    if (witness) {
      addDue(events, witness.until, now, () => {
        witness.until = undefined
        witness.status = 'ACTIVE'
      })
    }
    for (const replica of table.replicas) {
      addDue(events, replica.until, now, () => {
        replica.until = undefined
        if (replica.status === 'CREATING') {
          replica.status = 'ACTIVE'
          return
        }
        table.replicas = table.replicas.filter((candidate) => candidate !== replica)
        if (table.replicas.length === 0) world.dynamodb.tables = world.dynamodb.tables.filter((t) => t !== table)
      })
    }
  }
  return events
}
