import {ApiError} from '../../errors.js'
import type {JsonInput, JsonOperation} from '../../protocol/aws-json.js'
import type {ItemRecord, ReplicaRecord, TableRecord} from './records.js'
import {type CallContext, optionalBoolean, optionalNumber, optionalString, requiredString} from '../context.js'
import {type AttributeValue, Expressions, type StoredItem} from './expressions.js'
import {
  checkAttributeValue,
  checkItem,
  checkItemSize,
  encodeKey,
  itemSize,
  keyAttributes,
  keyOf,
  liveItems,
  PAGE_SIZE_LIMIT,
  readItem,
  validation,
  writeItem,
} from './storage.js'
import {findReplica} from './table-state.js'

/**
 * DynamoDB item operations (awsJson1_0): PutItem, UpdateItem, DeleteItem with ConditionExpression, GetItem, Query
 * with paging, against the replica of the Region the call was signed for. Errors as DynamoDB answers them:
 * ConditionalCheckFailedException (with the item as stored when ReturnValuesOnConditionCheckFailure is ALL_OLD),
 * ValidationException, ResourceNotFoundException (no table here, or not ACTIVE yet).
 */

function activeReplica(context: CallContext, input: JsonInput): {table: TableRecord; replica: ReplicaRecord} {
  const name = requiredString(input, 'TableName', validation)
  const found = findReplica(context.world, name, context.region)
  if (!found || found.replica.status !== 'ACTIVE') {
    throw new ApiError('ResourceNotFoundException', 'Requested resource not found')
  }
  return found
}

/** The request's placeholders; refused when there is no expression to use them in. */
function expressionsOf(input: JsonInput, expressionMembers: string[]): Expressions {
  const names = input.ExpressionAttributeNames
  const values = input.ExpressionAttributeValues
  const anyExpression = expressionMembers.some((member) => input[member] !== undefined)
  for (const [member, given] of [
    ['ExpressionAttributeNames', names],
    ['ExpressionAttributeValues', values],
  ] as const) {
    if (given === undefined) continue
    if (!anyExpression) throw validation(`${member} can only be specified when using expressions`)
    if (!given || typeof given !== 'object' || Object.keys(given).length === 0) {
      throw validation(`${member} must not be empty`)
    }
  }
  for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
    checkAttributeValue(value, `ExpressionAttributeValues contains invalid value for key ${name}`)
  }
  return new Expressions({
    names: (names ?? {}) as Record<string, string>,
    values: (values ?? {}) as Record<string, AttributeValue>,
  })
}

function oneOf(input: JsonInput, member: string, allowed: string[]): string {
  const value = optionalString(input, member, validation) ?? 'NONE'
  if (!allowed.includes(value)) throw validation(`${member} can only be ${allowed.join(', ')}`)
  return value
}

/** The condition of a write, as a test of the item as stored (always true without one). */
function conditionOf(input: JsonInput, expressions: Expressions): (item: StoredItem | undefined) => boolean {
  const expression = optionalString(input, 'ConditionExpression', validation)
  return expression === undefined ? () => true : expressions.condition(expression)
}

function conditionFailed(input: JsonInput, old: ItemRecord | undefined): ApiError {
  const returnOld = oneOf(input, 'ReturnValuesOnConditionCheckFailure', ['NONE', 'ALL_OLD']) === 'ALL_OLD'
  return new ApiError('ConditionalCheckFailedException', 'The conditional request failed', 400, {
    fields: returnOld && old ? {Item: old} : {},
  })
}

function project(item: ItemRecord, paths: string[] | undefined): ItemRecord {
  if (!paths) return item
  return Object.fromEntries(Object.entries(item).filter(([name]) => paths.includes(name))) as ItemRecord
}

/** The item at `key` before a PutItem or DeleteItem writes it, once the call's ConditionExpression (if any) holds. */
function conditionalOld(input: JsonInput, replica: ReplicaRecord, key: string): ItemRecord | undefined {
  const expressions = expressionsOf(input, ['ConditionExpression'])
  const condition = conditionOf(input, expressions)
  expressions.assertAllUsed()
  const old = readItem(replica, key)
  if (!condition(old as StoredItem | undefined)) throw conditionFailed(input, old)
  return old
}

const putItem: JsonOperation = (context, input) => {
  const {table, replica} = activeReplica(context, input)
  const item = checkItem(input.Item, 'item')
  const key = encodeKey(table, item, 'item')
  checkItemSize(item)
  const returnValues = oneOf(input, 'ReturnValues', ['NONE', 'ALL_OLD'])
  const old = conditionalOld(input, replica, key)
  writeItem(context.world, table, replica, key, item, context.now)
  return returnValues === 'ALL_OLD' && old ? {Attributes: old} : {}
}

const updateItem: JsonOperation = (context, input) => {
  const {table, replica} = activeReplica(context, input)
  const keyItem = checkItem(input.Key, 'key')
  const key = encodeKey(table, keyItem, 'key')
  const returnValues = oneOf(input, 'ReturnValues', ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'])
  const expressions = expressionsOf(input, ['ConditionExpression', 'UpdateExpression'])
  const expression = optionalString(input, 'UpdateExpression', validation)
  const change = expression === undefined ? undefined : expressions.update(expression)
  const condition = conditionOf(input, expressions)
  expressions.assertAllUsed()
  const keyNames = keyAttributes(table).map(({name}) => name)
  const keyPath = change?.paths.find((path) => keyNames.includes(path))
  if (keyPath !== undefined) {
    throw validation(
      `One or more parameter values were invalid: Cannot update attribute ${keyPath}. This attribute is part of the key`,
    )
  }
  const old = readItem(replica, key)
  if (!condition(old as StoredItem | undefined)) throw conditionFailed(input, old)
  const base = (old ?? keyItem) as StoredItem
  const next = (change ? change(base) : structuredClone(base)) as ItemRecord
  checkItemSize(next)
  writeItem(context.world, table, replica, key, next, context.now)
  const updated = change?.paths ?? []
  switch (returnValues) {
    case 'ALL_OLD':
      return old ? {Attributes: old} : {}
    case 'ALL_NEW':
      return {Attributes: next}
    case 'UPDATED_OLD':
      return old ? {Attributes: project(old, updated)} : {}
    case 'UPDATED_NEW':
      return {Attributes: project(next, updated)}
    default:
      return {}
  }
}

const deleteItem: JsonOperation = (context, input) => {
  const {table, replica} = activeReplica(context, input)
  const key = encodeKey(table, checkItem(input.Key, 'key'), 'key')
  const returnValues = oneOf(input, 'ReturnValues', ['NONE', 'ALL_OLD'])
  const old = conditionalOld(input, replica, key)
  if (old) writeItem(context.world, table, replica, key, undefined, context.now)
  return returnValues === 'ALL_OLD' && old ? {Attributes: old} : {}
}

/** The attribute names a ProjectionExpression keeps, if the request has one. */
function projectionOf(input: JsonInput, expressions: Expressions): string[] | undefined {
  const expression = optionalString(input, 'ProjectionExpression', validation)
  return expression === undefined ? undefined : expressions.projection(expression)
}

// A strongly consistent read returns the latest write of this Region's replica; an eventually consistent one may
// in AWS be a moment older: the sandbox answers both from the same copy.
const getItem: JsonOperation = (context, input) => {
  const {table, replica} = activeReplica(context, input)
  optionalBoolean(input, 'ConsistentRead', validation)
  const key = encodeKey(table, checkItem(input.Key, 'key'), 'key')
  const expressions = expressionsOf(input, ['ProjectionExpression'])
  const projection = projectionOf(input, expressions)
  expressions.assertAllUsed()
  const item = readItem(replica, key)
  return item ? {Item: project(item, projection)} : {}
}

/** Sort key order: numbers by value, strings and binaries by their bytes (UTF-8), as DynamoDB sorts them. */
function compareSortKeys(a: ItemRecord, b: ItemRecord, name: string, type: string): number {
  const left = String(a[name]?.[type] ?? '')
  const right = String(b[name]?.[type] ?? '')
  if (type === 'N') return Number(left) - Number(right)
  const encoding = type === 'B' ? 'base64' : 'utf8'
  return Buffer.compare(Buffer.from(left, encoding), Buffer.from(right, encoding))
}

const query: JsonOperation = (context, input) => {
  const {table, replica} = activeReplica(context, input)
  if (input.IndexName !== undefined) {
    throw validation(`The table does not have the specified index: ${String(input.IndexName)}`)
  }
  const keyExpression = optionalString(input, 'KeyConditionExpression', validation)
  if (keyExpression === undefined) {
    throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.')
  }
  const limit = optionalNumber(input, 'Limit', validation)
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw validation(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    )
  }
  const select = oneOf(input, 'Select', ['NONE', 'ALL_ATTRIBUTES', 'COUNT', 'SPECIFIC_ATTRIBUTES'])
  const forward = optionalBoolean(input, 'ScanIndexForward', validation) ?? true
  optionalBoolean(input, 'ConsistentRead', validation)
  const [partitionKey, sortKey] = keyAttributes(table)
  const expressions = expressionsOf(input, ['KeyConditionExpression', 'FilterExpression', 'ProjectionExpression'])
  const keyCondition = expressions.keyCondition(keyExpression, {
    partition: partitionKey?.name ?? '',
    sort: sortKey?.name,
  })
  const filterExpression = optionalString(input, 'FilterExpression', validation)
  const filter =
    filterExpression === undefined ? () => true : expressions.condition(filterExpression, 'FilterExpression')
  const projection = projectionOf(input, expressions)
  expressions.assertAllUsed()
  const partitionValue = JSON.stringify(keyCondition.partition)
  let items = liveItems(replica).filter(
    (item) =>
      JSON.stringify(item[partitionKey?.name ?? '']) === partitionValue &&
      (keyCondition.sort?.(item as StoredItem) ?? true),
  )
  if (sortKey) items.sort((a, b) => compareSortKeys(a, b, sortKey.name, sortKey.type))
  if (!forward) items.reverse()
  if (input.ExclusiveStartKey !== undefined) {
    const start = checkItem(input.ExclusiveStartKey, 'exclusiveStartKey')
    const startKey = encodeKey(table, start, 'key')
    if (JSON.stringify(start[partitionKey?.name ?? '']) !== partitionValue) {
      throw validation('The provided starting key is outside query boundaries based on provided conditions')
    }
    const after = sortKey
      ? (item: ItemRecord) => (forward ? 1 : -1) * compareSortKeys(item, start, sortKey.name, sortKey.type) > 0
      : (item: ItemRecord) => encodeKey(table, item, 'item') !== startKey
    items = items.filter(after)
  }
  // A page ends at Limit evaluated items or 1 MB read; it then names its last item, even when no more follow.
  const page: ItemRecord[] = []
  let bytes = 0
  let cut = false
  for (const item of items) {
    if (page.length === limit || (page.length > 0 && bytes + itemSize(item) > PAGE_SIZE_LIMIT)) {
      cut = true
      break
    }
    page.push(item)
    bytes += itemSize(item)
  }
  if (limit !== undefined && page.length === limit) cut = true
  const returned = page.filter((item) => filter(item as StoredItem))
  const last = page.at(-1)
  return {
    ...(select === 'COUNT' ? {} : {Items: returned.map((item) => project(item, projection))}),
    Count: returned.length,
    ScannedCount: page.length,
    ...(cut && last ? {LastEvaluatedKey: keyOf(table, last)} : {}),
  }
}

export const itemOperations = {
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  GetItem: getItem,
  Query: query,
} satisfies Record<string, JsonOperation>
