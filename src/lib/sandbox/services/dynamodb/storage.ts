import {ApiError} from '../../errors.js'
import {DURATIONS, scaled} from '../../time.js'
import type {World} from '../../world.js'
import type {
  AttributeValueRecord,
  ItemRecord,
  ItemVersion,
  KeyAttributeType,
  ReplicaRecord,
  TableRecord,
} from './records.js'
import {addDue, type DueEvent} from '../context.js'

/**
 * Items of each replica, and their replication. A write lands in the replica of the Region it was sent to; on an
 * MREC table it reaches the other replicas a moment later (conditions are evaluated against the local copy only,
 * and the last writer wins, aws-reference-steps §10); on an MRSC table it is in every replica at once.
 */

export const validation = (message: string) => new ApiError('ValidationException', message)

/** Where item operations and replication say "too big" (400 KB per item, 1 MB per Query page). */
export const ITEM_SIZE_LIMIT = 400 * 1024
export const PAGE_SIZE_LIMIT = 1024 * 1024

const ATTRIBUTE_TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'] as const

export interface KeyAttributeRecord {
  name: string
  type: KeyAttributeType
}

/** The partition key, then the sort key if the table has one. */
export function keyAttributes(table: TableRecord): KeyAttributeRecord[] {
  const type = (name: string): KeyAttributeType => table.keyTypes?.[name] ?? 'S'
  return [
    {name: table.hashKey, type: type(table.hashKey)},
    ...(table.rangeKey ? [{name: table.rangeKey, type: type(table.rangeKey)}] : []),
  ]
}

/** Refuses an attribute value that is not exactly one of DynamoDB's data types. */
export function checkAttributeValue(value: unknown, where: string): AttributeValueRecord {
  const members = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : []
  if (members.length !== 1 || !(ATTRIBUTE_TYPES as readonly string[]).includes(members[0] as string)) {
    throw validation(
      `One or more parameter values were invalid: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes (${where})`,
    )
  }
  return value as AttributeValueRecord
}

/** An item (or key) of the request: an object of attribute values. */
export function checkItem(value: unknown, member: string): ItemRecord {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw validation(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    )
  }
  for (const [name, attribute] of Object.entries(value)) checkAttributeValue(attribute, name)
  return value as ItemRecord
}

/**
 * The encoded primary key of `item`. A whole item (PutItem) must hold the key attributes with their types; a key
 * (GetItem, UpdateItem, DeleteItem, ExclusiveStartKey) must hold exactly them.
 */
export function encodeKey(table: TableRecord, item: ItemRecord, what: 'item' | 'key'): string {
  const keys = keyAttributes(table)
  if (what === 'key' && Object.keys(item).length !== keys.length) {
    throw validation('The provided key element does not match the schema')
  }
  const values = keys.map(({name, type}) => {
    const value = item[name]
    if (!value) {
      throw validation(
        what === 'item'
          ? `One or more parameter values were invalid: Missing the key ${name} in the item`
          : 'The provided key element does not match the schema',
      )
    }
    const actual = Object.keys(value)[0]
    if (actual !== type) {
      throw validation(
        what === 'item'
          ? `One or more parameter values were invalid: Type mismatch for key ${name} expected: ${type} actual: ${actual}`
          : 'The provided key element does not match the schema',
      )
    }
    const scalar = value[type]
    if (typeof scalar !== 'string') throw validation('The provided key element does not match the schema')
    if (scalar === '') {
      throw validation(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${name}`,
      )
    }
    return scalar
  })
  return JSON.stringify(values)
}

/** The key attributes of `item` alone (a LastEvaluatedKey, the item an UpdateItem creates). */
export function keyOf(table: TableRecord, item: ItemRecord): ItemRecord {
  return Object.fromEntries(
    keyAttributes(table).flatMap(({name}) => (item[name] ? [[name, item[name]] as const] : [])),
  ) as ItemRecord
}

function attributeSize(value: AttributeValueRecord): number {
  const [type, content] = Object.entries(value)[0] ?? ['NULL', true]
  const bytes = (text: unknown) => Buffer.byteLength(String(text), 'utf8')
  switch (type) {
    case 'S':
      return bytes(content)
    case 'N':
      return Math.ceil(String(content).replace(/^-|\.|e.*$/gi, '').length / 2) + 1
    case 'B':
      return Buffer.from(String(content), 'base64').length
    case 'SS':
    case 'NS':
    case 'BS':
      return (content as unknown[]).reduce<number>((sum, member) => sum + bytes(member), 0)
    case 'L':
      return 3 + (content as AttributeValueRecord[]).reduce<number>((sum, member) => sum + 1 + attributeSize(member), 0)
    case 'M':
      return 3 + itemSize(content as ItemRecord)
    default:
      return 1
  }
}

/** An item's size as DynamoDB counts it: the names and values of its attributes. */
export function itemSize(item: ItemRecord): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + attributeSize(value),
    0,
  )
}

export function checkItemSize(item: ItemRecord): void {
  if (itemSize(item) > ITEM_SIZE_LIMIT) throw validation('Item size has exceeded the maximum allowed size')
}

/** The item of `key` in `replica`, as its Region reads it now. */
export function readItem(replica: ReplicaRecord, key: string): ItemRecord | undefined {
  return replica.items?.[key]?.item
}

/** Every live item of `replica`. */
export function liveItems(replica: ReplicaRecord): ItemRecord[] {
  return Object.values(replica.items ?? {}).flatMap((version) => (version.item ? [version.item] : []))
}

/** Whether `a` was written after `b`: time first, then the Region's name, so every replica picks the same winner. */
function later(a: ItemVersion, b: ItemVersion): boolean {
  return a.at > b.at || (a.at === b.at && a.region > b.region)
}

/**
 * Writes (or, with no item, deletes) the item of `key` in `replica`'s Region at `now`: at once in every replica of
 * an MRSC table; in the others after the replication lag on an MREC table.
 */
export function writeItem(
  world: World,
  table: TableRecord,
  replica: ReplicaRecord,
  key: string,
  item: ItemRecord | undefined,
  now: number,
): void {
  const version: ItemVersion = {...(item ? {item} : {}), at: now, region: replica.region}
  // The local write always lands: its condition was checked against this very copy.
  ;(replica.items ??= {})[key] = version
  const others = table.replicas.filter((other) => other !== replica && other.status !== 'DELETING')
  if (table.consistency === 'STRONG') {
    for (const other of others) (other.items ??= {})[key] = version
    return
  }
  const lag = scaled(world, DURATIONS.tableReplication)
  const pending = (table.replication ??= [])
  for (const other of others) pending.push({at: now + lag, to: other.region, key, version})
  pending.sort((a, b) => a.at - b.at)
}

/** A copy of the items of `source`, for a replica being created from it. */
export function copyItems(source: ReplicaRecord): Record<string, ItemVersion> {
  return structuredClone(source.items ?? {})
}

/** The next MREC write due to land in another replica (last writer wins there), one per table. */
export function replicationDueEvents(world: World, now: number): DueEvent[] {
  const events: DueEvent[] = []
  for (const table of world.dynamodb.tables) {
    const next = table.replication?.[0]
    addDue(events, next?.at, now, () => {
      table.replication?.shift()
      if (table.replication?.length === 0) delete table.replication
      const target = table.replicas.find((replica) => replica.region === next?.to && replica.status !== 'DELETING')
      if (!next || !target) return
      const current = target.items?.[next.key]
      if (!current || later(next.version, current)) (target.items ??= {})[next.key] = next.version
    })
  }
  return events
}
