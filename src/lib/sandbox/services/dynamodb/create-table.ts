import {ApiError} from '../../errors.js'
import {nextSeed, uuidFrom} from '../../ids.js'
import type {JsonInput, JsonOperation} from '../../protocol/aws-json.js'
import {DURATIONS, scaled} from '../../time.js'
import type {KeyAttributeType, ReplicaRecord, TableRecord} from './records.js'
import {asObject, optionalArray, optionalBoolean, optionalString, requiredString} from '../context.js'
import {validation} from './storage.js'
import {describe, findReplica} from './table-state.js'

// CreateTable: a single-Region table, CREATING and then ACTIVE, validated as DynamoDB does.

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

export const createTable: JsonOperation = (context, input) => {
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
