import type {Mutation} from './mutation.js'

export interface FailoverState {
  status: string
  fromClusterArn?: string
  toClusterArn?: string
  isDataLossAllowed: boolean
}

export interface GlobalClusterMember {
  clusterArn: string
  clusterId: string
  region: string
  isWriter: boolean
  readers: string[]
  writeForwarding?: string
  synchronizationStatus?: string
}

export interface GlobalCluster {
  id: string
  arn: string
  status: string
  engine: string
  engineVersion: string
  deletionProtection: boolean
  endpoint?: string
  members: GlobalClusterMember[]
  failoverState?: FailoverState
}

export interface DbClusterMember {
  instanceId: string
  isWriter: boolean
}

export interface DbCluster {
  id: string
  arn: string
  region: string
  status: string
  engine: string
  engineVersion: string
  globalClusterId?: string
  replicationSourceArn?: string
  deletionProtection: boolean
  endpoint?: string
  readerEndpoint?: string
  writeForwarding?: string
  members: DbClusterMember[]
  subnetGroup?: string
  securityGroupIds: string[]
  kmsKeyId?: string
  storageEncrypted: boolean
  parameterGroup?: string
  /** Whether the RDS Data API reaches the cluster (EnableHttpEndpoint). */
  httpEndpointEnabled?: boolean
  /** The cluster's tags (DescribeDBClusters returns them); drctl marks a detached survivor with one. */
  tags?: Record<string, string>
}

export interface DbInstance {
  id: string
  arn: string
  status: string
  clusterId?: string
  instanceClass: string
  engine: string
  parameterGroup?: string
}

export interface DbClusterSnapshot {
  id: string
  arn: string
  clusterId: string
  status: string
  type: string
  createdAt?: string
  kmsKeyId?: string
  engine?: string
  engineVersion?: string
}

export interface CreateDbClusterInput {
  id: string
  engine: string
  engineVersion?: string
  globalClusterId?: string
  subnetGroup?: string
  securityGroupIds?: string[]
  kmsKeyId?: string
  storageEncrypted?: boolean
  parameterGroup?: string
  deletionProtection?: boolean
}

export interface RestoreDbClusterInput {
  id: string
  snapshotId: string
  engine: string
  engineVersion?: string
  subnetGroup?: string
  securityGroupIds?: string[]
  kmsKeyId?: string
  tags?: Record<string, string>
}

export interface CreateDbInstanceInput {
  id: string
  clusterId: string
  instanceClass: string
  engine: string
  parameterGroup?: string
}

export interface RdsPort {
  readonly region: string
  describeGlobalClusters(): Promise<GlobalCluster[]>
  /** `undefined` when the global cluster does not exist. */
  describeGlobalCluster(id: string): Promise<GlobalCluster | undefined>
  describeDbCluster(idOrArn: string): Promise<DbCluster | undefined>
  /** The clusters listed (ids or ARNs), or every cluster in the Region; paged, one call per page. */
  describeDbClusters(clusterIds?: string[]): Promise<DbCluster[]>
  /** The instances of the clusters listed (ids or ARNs); paged, one call per page. */
  describeDbInstances(clusterIds: string[]): Promise<DbInstance[]>
  describeDbClusterSnapshots(filter: {
    clusterId?: string
    snapshotId?: string
    type?: string
  }): Promise<DbClusterSnapshot[]>
  switchoverGlobalCluster(globalClusterId: string, targetClusterArn: string): Promise<Mutation>
  failoverGlobalCluster(globalClusterId: string, targetClusterArn: string, allowDataLoss: boolean): Promise<Mutation>
  removeFromGlobalCluster(globalClusterId: string, clusterArn: string): Promise<Mutation>
  modifyGlobalCluster(id: string, change: {newId?: string; deletionProtection?: boolean}): Promise<Mutation>
  createGlobalCluster(input: {id: string; sourceClusterArn: string; deletionProtection?: boolean}): Promise<Mutation>
  deleteGlobalCluster(id: string): Promise<Mutation>
  createDbCluster(input: CreateDbClusterInput): Promise<Mutation>
  createDbInstance(input: CreateDbInstanceInput): Promise<Mutation>
  deleteDbInstance(id: string): Promise<Mutation>
  /** Without `finalSnapshotId` the cluster is deleted with SkipFinalSnapshot. */
  deleteDbCluster(id: string, finalSnapshotId?: string): Promise<Mutation>
  modifyDbCluster(id: string, change: {deletionProtection: boolean}): Promise<Mutation>
  tagCluster(arn: string, tags: Record<string, string>): Promise<Mutation>
  promoteReadReplicaDbCluster(id: string): Promise<Mutation>
  createDbClusterSnapshot(clusterId: string, snapshotId: string): Promise<Mutation>
  copyDbClusterSnapshot(sourceSnapshot: string, targetSnapshotId: string): Promise<Mutation>
  /** A new cluster, without instances, from a snapshot (never with deletion protection). */
  restoreDbClusterFromSnapshot(input: RestoreDbClusterInput): Promise<Mutation>
  /** Lets the RDS Data API reach the cluster (restores have no such member: aws-reference-steps §8). */
  enableHttpEndpoint(clusterArn: string): Promise<Mutation>
}
