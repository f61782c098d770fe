import {ApiError} from '../errors.js'
import {tableArn} from '../ids.js'
import type {JsonOperation, JsonService} from '../protocol/aws-json.js'
import {DURATIONS, scaled} from '../time.js'
import {REGION_PATTERN, type ReplicaRecord, type TableRecord, type World} from '../world.js'
import {
  addDue,
  asObject,
  type CallContext,
  type DueEvent,
  epochSeconds,
  optionalArray,
  optionalBoolean,
  requiredString,
} from './context.js'

/**
 * DynamoDB global tables, version 2019.11.21 (awsJson1_0, aws-reference §5): one table with a replica per Region,
 * replica changes one at a time, `UPDATING` while one runs, deletion protection per replica.
 */

const validation = (message: string) => new ApiError('ValidationException', message)
const notFound = (name: string) =>
  new ApiError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`)
const inUse = (message: string) =>
  new ApiError('ResourceInUseException', `Attempt to change a resource which is still in use: ${message}`)

function localReplica(world: World, name: string, region: string): {table: TableRecord; replica: ReplicaRecord} {
  const table = world.dynamodb.tables.find((candidate) => candidate.name === name)
  const replica = table?.replicas.find((candidate) => candidate.region === region)
  if (!table || !replica) throw notFound(name)
  return {table, replica}
}

function tableUpdating(table: TableRecord): boolean {
  return table.replicas.some((replica) => replica.status !== 'ACTIVE')
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
  return {
    AttributeDefinitions: [{AttributeName: table.hashKey, AttributeType: 'S'}],
    TableName: table.name,
    KeySchema: [{AttributeName: table.hashKey, KeyType: 'HASH'}],
    TableStatus: tableStatus(table, replica),
    CreationDateTime: created,
    ProvisionedThroughput: {NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0},
    TableSizeBytes: 0,
    ItemCount: 0,
    TableArn: arn,
    TableId: table.tableId,
    BillingModeSummary: {BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: created},
    StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'},
    LatestStreamLabel: new Date(replica.createdAt).toISOString().replace(/Z$/, ''),
    LatestStreamArn: `${arn}/stream/${new Date(replica.createdAt).toISOString().replace(/Z$/, '')}`,
    GlobalTableVersion: '2019.11.21',
    // As AWS's own example shows, the list seen from one Region names the other Regions.
    Replicas: table.replicas
      .filter((other) => other !== replica)
      .map((other) => ({
        RegionName: other.region,
        ReplicaStatus: other.status,
        ...(other.status === 'CREATING' ? {ReplicaStatusPercentProgress: replicaProgress(other, context.now)} : {}),
        ReplicaTableClassSummary: {TableClass: 'STANDARD'},
      })),
    DeletionProtectionEnabled: replica.deletionProtection,
    TableClassSummary: {TableClass: 'STANDARD'},
    MultiRegionConsistency: 'EVENTUAL',
  }
}

function replicaProgress(replica: ReplicaRecord, now: number): string {
  if (replica.until === undefined) return '100'
  const total = replica.until - replica.createdAt
  return String(Math.max(0, Math.min(99, Math.floor(((now - replica.createdAt) / Math.max(total, 1)) * 100))))
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

/** Tags of a table by its ARN, which must name a replica in the Region called. */
const listTagsOfResource: JsonOperation = (context, input) => {
  const arn = requiredString(input, 'ResourceArn', validation)
  const match = /^arn:aws:dynamodb:([a-z0-9-]+):\d{12}:table\/([a-zA-Z0-9_.-]+)$/.exec(arn)
  if (!match) throw validation(`Invalid TableArn: ${arn}`)
  if (match[1] !== context.region) throw notFound(match[2] as string)
  const {table} = localReplica(context.world, match[2] as string, context.region)
  return {Tags: table.tags ?? []}
}

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

const updateTable: JsonOperation = (context, input) => {
  const {world, now} = context
  const name = requiredString(input, 'TableName', validation)
  const {table, replica} = localReplica(world, name, context.region)
  if (!KNOWN_UPDATES.some((key) => input[key] !== undefined)) {
    throw validation(
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
    )
  }
  if (replica.status === 'DELETING') throw inUse(`Table is being deleted: ${name}`)
  if (tableUpdating(table)) throw inUse(`Table is being updated: ${name}`)
  const deletionProtection = optionalBoolean(input, 'DeletionProtectionEnabled', validation)
  const updates = optionalArray(input, 'ReplicaUpdates', validation)
  if (updates !== undefined) {
    if (updates.length !== 1) {
      throw validation(
        'One or more parameter values were invalid: only one replica can be created or deleted per UpdateTable call',
      )
    }
    const update = asObject(updates[0])
    const actions = ['Create', 'Update', 'Delete'].filter((key) => update[key] !== undefined)
    if (actions.length !== 1) {
      throw validation(
        'One or more parameter values were invalid: a replica update needs exactly one of Create, Update, Delete',
      )
    }
    const action = actions[0] as string
    const region = requiredString(asObject(update[action]), 'RegionName', validation)
    if (!REGION_PATTERN.test(region)) throw validation(`Invalid region name: ${region}`)
    const existing = table.replicas.find((candidate) => candidate.region === region)
    if (action === 'Create') {
      if (existing) {
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

export const dynamodbService: JsonService = {
  protocol: 'awsJson1_0',
  dueEvents: (world, now) => dynamodbDueEvents(world, now),
  targetPrefix: 'DynamoDB_20120810',
  errorNamespace: 'com.amazonaws.dynamodb.v20120810#',
  // DynamoDB answers throttling and its own failures with codes and statuses of its own.
  faultErrors: {
    throttling: {code: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.', status: 400},
    internalCode: 'InternalServerError',
  },
  operations: {
    DescribeTable: describeTable,
    ListTables: listTables,
    ListTagsOfResource: listTagsOfResource,
    UpdateTable: updateTable,
    DeleteTable: deleteTable,
  },
}

export function dynamodbDueEvents(world: World, now: number): DueEvent[] {
  const events: DueEvent[] = []
  for (const table of world.dynamodb.tables) {
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
