import type {Mutation} from './mutation.js'

export interface TableReplica {
  region: string
  status: string
  statusDescription?: string
  percentProgress?: string
}

/** How a table's capacity is paid for in one Region: what a failover moving load there must find. */
export type TableCapacity = {mode: 'on-demand'} | {mode: 'provisioned'; readUnits: number; writeUnits: number}

export interface Table {
  name: string
  arn: string
  region: string
  status: string
  deletionProtection: boolean
  globalTableVersion?: string
  replicas: TableReplica[]
  /** `STRONG`: multi-Region strong consistency (MRSC); absent for a table that is eventual or not global. */
  consistency?: 'EVENTUAL' | 'STRONG'
  /** An MRSC table's witness Region (it holds change data, it cannot be read or written). */
  witnesses?: {region: string; status: string}[]
  capacity?: TableCapacity
  /** `HASH` then `RANGE` attribute names, as the table was created. */
  keySchema?: {name: string; type: 'HASH' | 'RANGE'}[]
}

/** An item's attribute values as drctl stores them: strings, numbers and booleans only. */
export type ItemValue = string | number | boolean
export type Item = Record<string, ItemValue>

/** A condition on the item as stored, with its `#name` and `:value` placeholders. */
export interface Condition {
  expression: string
  names?: Record<string, string>
  values?: Item
}

/** A conditional write either lands or finds the condition false: then `current` is the item as stored, if any. */
export type WriteResult = {written: true} | {written: false; current?: Item}

export interface KeyAttribute {
  name: string
  type: 'S' | 'N'
}

export interface DynamoDbPort {
  readonly region: string
  describeTable(name: string): Promise<Table | undefined>
  /** The names of every table in this Region; paged, one call per page. */
  listTables(): Promise<string[]>
  /** A table's tags (by its ARN in this Region); paged, one call per page. */
  listTags(tableArn: string): Promise<Record<string, string>>
  removeReplica(table: string, region: string): Promise<Mutation>
  setDeletionProtection(table: string, enabled: boolean): Promise<Mutation>
  deleteTable(table: string): Promise<Mutation>
  /** Writes the whole item, if `condition` holds (a false condition is a result, not an error). */
  putItem(table: string, item: Item, condition?: Condition): Promise<WriteResult>
  /** Applies `update` (`SET #a = :a, …`) to the item of `key`, if `condition` holds. */
  updateItem(table: string, key: Item, update: Condition, condition?: Condition): Promise<WriteResult>
  /** Deletes the item of `key`, if `condition` holds. */
  deleteItem(table: string, key: Item, condition?: Condition): Promise<WriteResult>
  /** The item of `key`; `consistent` reads the latest write of this Region. */
  getItem(table: string, key: Item, options?: {consistent?: boolean}): Promise<Item | undefined>
  /** Every item of one partition (`#pk = :pk`, …), in sort key order, read page by page. */
  query(table: string, keyCondition: Condition, options?: {consistent?: boolean}): Promise<Item[]>
  /** Creates an on-demand table keyed by `partitionKey` (and `sortKey`), with streams for replication. */
  createTable(table: string, partitionKey: KeyAttribute, sortKey?: KeyAttribute): Promise<Mutation>
  /**
   * Adds replicas in `regions` (sent to an existing replica's Region); `STRONG` makes the table MRSC, with a witness
   * in `witness` when it has two replicas.
   */
  addReplicas(
    table: string,
    regions: string[],
    consistency?: 'EVENTUAL' | 'STRONG',
    witness?: string,
  ): Promise<Mutation>
}
