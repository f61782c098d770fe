import {
  AddTagsToResourceCommand,
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteGlobalClusterCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  EnableHttpEndpointCommand,
  FailoverGlobalClusterCommand,
  type Filter,
  ModifyDBClusterCommand,
  ModifyGlobalClusterCommand,
  PromoteReadReplicaDBClusterCommand,
  type RDSClient,
  RemoveFromGlobalClusterCommand,
  RestoreDBClusterFromSnapshotCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'

import {AwsCallError} from './errors.js'
import type {Caller} from './session.js'
import {
  type CreateDbClusterInput,
  type CreateDbInstanceInput,
  type DbCluster,
  type DbClusterSnapshot,
  type DbInstance,
  type GlobalCluster,
  type Mutation,
  type RdsPort,
  type RestoreDbClusterInput,
} from './ports.js'
import {toDbCluster, toDbClusterSnapshot, toDbInstance, toGlobalCluster} from './rds-shapes.js'

/** Cluster ids per `db-cluster-id` filter (a conservative batch; the API takes a list of ids or ARNs). */
const CLUSTER_FILTER_BATCH = 50

export class RdsAdapter implements RdsPort {
  constructor(
    readonly region: string,
    private readonly client: RDSClient,
    private readonly call: Caller,
  ) {}

  async describeGlobalClusters(): Promise<GlobalCluster[]> {
    const result: GlobalCluster[] = []
    let marker: string | undefined
    do {
      const page = await this.call('DescribeGlobalClusters', false, (abortSignal) =>
        this.client.send(new DescribeGlobalClustersCommand({Marker: marker, MaxRecords: 100}), {abortSignal}),
      )
      result.push(...(page.GlobalClusters ?? []).map(toGlobalCluster))
      marker = page.Marker
    } while (marker)
    return result
  }

  async describeGlobalCluster(id: string): Promise<GlobalCluster | undefined> {
    const page = await notFoundAsUndefined(
      this.call('DescribeGlobalClusters', false, (abortSignal) =>
        this.client.send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: id}), {abortSignal}),
      ),
    )
    const found = page?.GlobalClusters?.[0]
    return found ? toGlobalCluster(found) : undefined
  }

  async describeDbCluster(idOrArn: string): Promise<DbCluster | undefined> {
    const page = await notFoundAsUndefined(
      this.call('DescribeDBClusters', false, (abortSignal) =>
        this.client.send(new DescribeDBClustersCommand({DBClusterIdentifier: idOrArn}), {abortSignal}),
      ),
    )
    const found = page?.DBClusters?.[0]
    return found ? toDbCluster(found, this.region) : undefined
  }

  async describeDbClusters(clusterIds?: string[]): Promise<DbCluster[]> {
    const pages = await this.pagesFilteredBy(clusterIds, (Filters, Marker) =>
      this.call('DescribeDBClusters', false, (abortSignal) =>
        this.client.send(new DescribeDBClustersCommand({Filters, Marker, MaxRecords: 100}), {abortSignal}),
      ),
    )
    return pages.flatMap((page) => (page.DBClusters ?? []).map((cluster) => toDbCluster(cluster, this.region)))
  }

  async describeDbInstances(clusterIds: string[]): Promise<DbInstance[]> {
    if (clusterIds.length === 0) return []
    const pages = await this.pagesFilteredBy(clusterIds, (Filters, Marker) =>
      this.call('DescribeDBInstances', false, (abortSignal) =>
        this.client.send(new DescribeDBInstancesCommand({Filters, Marker, MaxRecords: 100}), {abortSignal}),
      ),
    )
    return pages.flatMap((page) => (page.DBInstances ?? []).map(toDbInstance))
  }

  /**
   * Every page of a listing, filtered by cluster (id or ARN) in batches, or unfiltered without `clusterIds`: one
   * call per page and batch, however many clusters a Region holds (status at scale, issue of 100 global clusters).
   */
  private async pagesFilteredBy<T extends {Marker?: string}>(
    clusterIds: string[] | undefined,
    fetch: (filters: Filter[] | undefined, marker: string | undefined) => Promise<T>,
  ): Promise<T[]> {
    const unique = [...new Set(clusterIds)]
    const batches: (Filter[] | undefined)[] =
      clusterIds === undefined
        ? [undefined]
        : Array.from({length: Math.ceil(unique.length / CLUSTER_FILTER_BATCH)}, (_, index) => [
            {
              Name: 'db-cluster-id',
              Values: unique.slice(index * CLUSTER_FILTER_BATCH, (index + 1) * CLUSTER_FILTER_BATCH),
            },
          ])
    const pages: T[] = []
    for (const filters of batches) {
      let marker: string | undefined
      do {
        const page = await fetch(filters, marker)
        pages.push(page)
        marker = page.Marker
      } while (marker)
    }
    return pages
  }

  async describeDbClusterSnapshots(filter: {
    clusterId?: string
    snapshotId?: string
    type?: string
  }): Promise<DbClusterSnapshot[]> {
    const result: DbClusterSnapshot[] = []
    let marker: string | undefined
    do {
      const page = await notFoundAsUndefined(
        this.call('DescribeDBClusterSnapshots', false, (abortSignal) =>
          this.client.send(
            new DescribeDBClusterSnapshotsCommand({
              DBClusterIdentifier: filter.clusterId,
              DBClusterSnapshotIdentifier: filter.snapshotId,
              SnapshotType: filter.type,
              Marker: marker,
              MaxRecords: 100,
            }),
            {abortSignal},
          ),
        ),
      )
      result.push(...(page?.DBClusterSnapshots ?? []).map(toDbClusterSnapshot))
      marker = page?.Marker
    } while (marker)
    return result
  }

  switchoverGlobalCluster(globalClusterId: string, targetClusterArn: string): Promise<Mutation> {
    return this.mutate('SwitchoverGlobalCluster', (abortSignal) =>
      this.client.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalClusterId,
          TargetDbClusterIdentifier: targetClusterArn,
        }),
        {abortSignal},
      ),
    )
  }

  failoverGlobalCluster(globalClusterId: string, targetClusterArn: string, allowDataLoss: boolean): Promise<Mutation> {
    return this.mutate('FailoverGlobalCluster', (abortSignal) =>
      this.client.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalClusterId,
          TargetDbClusterIdentifier: targetClusterArn,
          ...(allowDataLoss ? {AllowDataLoss: true} : {Switchover: true}),
        }),
        {abortSignal},
      ),
    )
  }

  removeFromGlobalCluster(globalClusterId: string, clusterArn: string): Promise<Mutation> {
    return this.mutate('RemoveFromGlobalCluster', (abortSignal) =>
      this.client.send(
        new RemoveFromGlobalClusterCommand({GlobalClusterIdentifier: globalClusterId, DbClusterIdentifier: clusterArn}),
        {abortSignal},
      ),
    )
  }

  modifyGlobalCluster(id: string, change: {newId?: string; deletionProtection?: boolean}): Promise<Mutation> {
    return this.mutate('ModifyGlobalCluster', (abortSignal) =>
      this.client.send(
        new ModifyGlobalClusterCommand({
          GlobalClusterIdentifier: id,
          NewGlobalClusterIdentifier: change.newId,
          DeletionProtection: change.deletionProtection,
        }),
        {abortSignal},
      ),
    )
  }

  createGlobalCluster(input: {id: string; sourceClusterArn: string; deletionProtection?: boolean}): Promise<Mutation> {
    return this.mutate('CreateGlobalCluster', (abortSignal) =>
      this.client.send(
        new CreateGlobalClusterCommand({
          GlobalClusterIdentifier: input.id,
          SourceDBClusterIdentifier: input.sourceClusterArn,
          DeletionProtection: input.deletionProtection,
        }),
        {abortSignal},
      ),
    )
  }

  deleteGlobalCluster(id: string): Promise<Mutation> {
    return this.mutate('DeleteGlobalCluster', (abortSignal) =>
      this.client.send(new DeleteGlobalClusterCommand({GlobalClusterIdentifier: id}), {abortSignal}),
    )
  }

  createDbCluster(input: CreateDbClusterInput): Promise<Mutation> {
    return this.mutate('CreateDBCluster', (abortSignal) =>
      this.client.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: input.id,
          Engine: input.engine,
          EngineVersion: input.engineVersion,
          GlobalClusterIdentifier: input.globalClusterId,
          DBSubnetGroupName: input.subnetGroup,
          VpcSecurityGroupIds: input.securityGroupIds,
          KmsKeyId: input.kmsKeyId,
          StorageEncrypted: input.storageEncrypted,
          DBClusterParameterGroupName: input.parameterGroup,
          DeletionProtection: input.deletionProtection,
        }),
        {abortSignal},
      ),
    )
  }

  createDbInstance(input: CreateDbInstanceInput): Promise<Mutation> {
    return this.mutate('CreateDBInstance', (abortSignal) =>
      this.client.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: input.id,
          DBClusterIdentifier: input.clusterId,
          DBInstanceClass: input.instanceClass,
          Engine: input.engine,
          DBParameterGroupName: input.parameterGroup,
        }),
        {abortSignal},
      ),
    )
  }

  deleteDbInstance(id: string): Promise<Mutation> {
    // Aurora instances never take FinalDBSnapshotIdentifier: snapshots are cluster-level (aws-reference §2.9).
    return this.mutate('DeleteDBInstance', (abortSignal) =>
      this.client.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: id}), {abortSignal}),
    )
  }

  deleteDbCluster(id: string, finalSnapshotId?: string): Promise<Mutation> {
    return this.mutate('DeleteDBCluster', (abortSignal) =>
      this.client.send(
        new DeleteDBClusterCommand({
          DBClusterIdentifier: id,
          ...(finalSnapshotId ? {FinalDBSnapshotIdentifier: finalSnapshotId} : {SkipFinalSnapshot: true}),
        }),
        {abortSignal},
      ),
    )
  }

  tagCluster(arn: string, tags: Record<string, string>): Promise<Mutation> {
    return this.mutate('AddTagsToResource', (abortSignal) =>
      this.client.send(
        new AddTagsToResourceCommand({
          ResourceName: arn,
          Tags: Object.entries(tags).map(([Key, Value]) => ({Key, Value})),
        }),
        {abortSignal},
      ),
    )
  }

  modifyDbCluster(id: string, change: {deletionProtection: boolean}): Promise<Mutation> {
    return this.mutate('ModifyDBCluster', (abortSignal) =>
      this.client.send(
        new ModifyDBClusterCommand({
          DBClusterIdentifier: id,
          DeletionProtection: change.deletionProtection,
          ApplyImmediately: true,
        }),
        {abortSignal},
      ),
    )
  }

  promoteReadReplicaDbCluster(id: string): Promise<Mutation> {
    return this.mutate('PromoteReadReplicaDBCluster', (abortSignal) =>
      this.client.send(new PromoteReadReplicaDBClusterCommand({DBClusterIdentifier: id}), {abortSignal}),
    )
  }

  createDbClusterSnapshot(clusterId: string, snapshotId: string): Promise<Mutation> {
    return this.mutate('CreateDBClusterSnapshot', (abortSignal) =>
      this.client.send(
        new CreateDBClusterSnapshotCommand({DBClusterIdentifier: clusterId, DBClusterSnapshotIdentifier: snapshotId}),
        {abortSignal},
      ),
    )
  }

  copyDbClusterSnapshot(sourceSnapshot: string, targetSnapshotId: string): Promise<Mutation> {
    return this.mutate('CopyDBClusterSnapshot', (abortSignal) =>
      this.client.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: sourceSnapshot,
          TargetDBClusterSnapshotIdentifier: targetSnapshotId,
          CopyTags: true,
        }),
        {abortSignal},
      ),
    )
  }

  restoreDbClusterFromSnapshot(input: RestoreDbClusterInput): Promise<Mutation> {
    return this.mutate('RestoreDBClusterFromSnapshot', (abortSignal) =>
      this.client.send(
        new RestoreDBClusterFromSnapshotCommand({
          DBClusterIdentifier: input.id,
          SnapshotIdentifier: input.snapshotId,
          Engine: input.engine,
          EngineVersion: input.engineVersion,
          DBSubnetGroupName: input.subnetGroup,
          VpcSecurityGroupIds: input.securityGroupIds,
          KmsKeyId: input.kmsKeyId,
          DeletionProtection: false,
          Tags: Object.entries(input.tags ?? {}).map(([Key, Value]) => ({Key, Value})),
        }),
        {abortSignal},
      ),
    )
  }

  enableHttpEndpoint(clusterArn: string): Promise<Mutation> {
    return this.mutate('EnableHttpEndpoint', (abortSignal) =>
      this.client.send(new EnableHttpEndpointCommand({ResourceArn: clusterArn}), {abortSignal}),
    )
  }

  private async mutate(
    operation: string,
    send: (abortSignal: AbortSignal) => Promise<{$metadata?: {requestId?: string}}>,
  ): Promise<Mutation> {
    const output = await this.call(operation, true, send)
    return {requestId: output.$metadata?.requestId}
  }
}

async function notFoundAsUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
    throw error
  }
}
