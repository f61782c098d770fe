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
}
