import type {JsonOperation} from '../../protocol/aws-json.js'
import {DURATIONS, scaled} from '../../time.js'
import type {World} from '../../world.js'
import {addDue, type DueEvent, requiredString} from '../context.js'
import {createTable} from './create-table.js'
import {validation} from './storage.js'
import {describe, inUse, localReplica, notFound, tableUpdating} from './table-state.js'
import {updateTable} from './update-table.js'

/**
 * DynamoDB tables and global tables, version 2019.11.21 (aws-reference §5, aws-reference-steps §10): CreateTable
 * (CREATING, then ACTIVE), one table with a replica per Region, replica changes one at a time (`UPDATING` while one
 * runs), MRSC set once with the Create actions that make the table global, deletion protection per replica.
 * CreateTable and UpdateTable have files of their own.
 */

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
