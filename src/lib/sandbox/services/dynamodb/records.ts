// DynamoDB in the sandbox world: tables, their replicas and items, as world.json holds them.

import type {Tag} from '../../world.js'

/** A DynamoDB attribute value as it travels on the wire (`{S: "…"}`, `{N: "1"}`, `{BOOL: true}`, `{M: {…}}` …). */
export type AttributeValueRecord = Record<string, unknown>
export type ItemRecord = Record<string, AttributeValueRecord>

/**
 * The latest write of one key in one replica: the item, or none once deleted (kept, so that an older write arriving
 * later by replication does not bring it back). `at` and `region` order writes: the last writer wins, as in MREC.
 */
export interface ItemVersion {
  item?: ItemRecord
  at: number
  region: string
}

/** A write made in one Region on its way to another replica (MREC replicates asynchronously). */
export interface PendingReplication {
  /** When it lands in `to`. */
  at: number
  to: string
  /** The encoded primary key (see services/dynamodb/storage.ts). */
  key: string
  version: ItemVersion
}

export interface ReplicaRecord {
  region: string
  status: 'ACTIVE' | 'CREATING' | 'DELETING'
  until?: number
  /** DeleteTable in this Region (rather than a replica removal from another Region). */
  tableDelete?: boolean
  deletionProtection: boolean
  createdAt: number
  /** This replica's items by encoded primary key; absent in worlds saved before items were simulated (none). */
  items?: Record<string, ItemVersion>
  /** Provisioned capacity of this replica when it differs from the table's (`TableRecord.provisioned`). */
  provisioned?: {readUnits: number; writeUnits: number}
}

export type KeyAttributeType = 'S' | 'N' | 'B'

export interface TableRecord {
  name: string
  tableId: string
  createdAt: number
  hashKey: string
  /** The sort key, for tables that have one. */
  rangeKey?: string
  /** The types of the key attributes; `S` where absent (the scenario's tables). */
  keyTypes?: Record<string, KeyAttributeType>
  /** Provisioned capacity; absent: on demand (PAY_PER_REQUEST). */
  provisioned?: {readUnits: number; writeUnits: number}
  /** `STRONG`: multi-Region strong consistency (MRSC), fixed when the table became global. Absent: eventual. */
  consistency?: 'EVENTUAL' | 'STRONG'
  /** An MRSC table's witness Region (it holds change data, it cannot be read or written). */
  witness?: {region: string; status: 'CREATING' | 'ACTIVE'; until?: number}
  replicas: ReplicaRecord[]
  /** The same tags in every Region (ListTagsOfResource); absent: none. */
  tags?: Tag[]
  /** MREC writes still replicating, earliest first. */
  replication?: PendingReplication[]
}
