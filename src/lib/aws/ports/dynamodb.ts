import type {Mutation} from './mutation.js'

export interface TableReplica {
  region: string
  status: string
  statusDescription?: string
  percentProgress?: string
}

export interface Table {
  name: string
  arn: string
  region: string
  status: string
  deletionProtection: boolean
  globalTableVersion?: string
  replicas: TableReplica[]
}

export interface DynamoDbPort {
  readonly region: string
  describeTable(name: string): Promise<Table | undefined>
  removeReplica(table: string, region: string): Promise<Mutation>
  setDeletionProtection(table: string, enabled: boolean): Promise<Mutation>
  deleteTable(table: string): Promise<Mutation>
}
