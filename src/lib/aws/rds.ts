import {
  AddTagsToResourceCommand,
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  EnableHttpEndpointCommand,
  type Filter,
  ModifyDBClusterCommand,
  PromoteReadReplicaDBClusterCommand,
  RestoreDBClusterFromSnapshotCommand,
} from '@aws-sdk/client-rds'

import {absentIfNotFound} from './errors.js'
import {allPages, type Page} from './pages.js'
import {
  type CreateDbClusterInput,
  type CreateDbInstanceInput,
  type DbCluster,
  type DbClusterSnapshot,
  type DbInstance,
  type Mutation,
  type RdsPort,
  type RestoreDbClusterInput,
} from './ports.js'
import {RdsGlobalClusterCalls} from './rds-global-clusters.js'
import {toDbCluster, toDbClusterSnapshot, toDbInstance} from './rds-shapes.js'

/** Cluster ids per `db-cluster-id` filter (a conservative batch; the API takes a list of ids or ARNs). */
const CLUSTER_FILTER_BATCH = 50

/** RDS in one Region: its clusters, instances and snapshots here, its global-cluster calls in rds-global-clusters.ts. */
export class RdsAdapter extends RdsGlobalClusterCalls implements RdsPort {
  async describeDbCluster(idOrArn: string): Promise<DbCluster | undefined> {
    const page = await absentIfNotFound(
      this.call('DescribeDBClusters', false, (abortSignal) =>
        this.client.send(new DescribeDBClustersCommand({DBClusterIdentifier: idOrArn}), {abortSignal}),
      ),
    )
    const found = page?.DBClusters?.[0]
    return found ? toDbCluster(found, this.region) : undefined
  }

  describeDbClusters(clusterIds?: string[]): Promise<DbCluster[]> {
    return this.listFilteredBy(clusterIds, async (Filters, Marker) => {
      const page = await this.call('DescribeDBClusters', false, (abortSignal) =>
        this.client.send(new DescribeDBClustersCommand({Filters, Marker, MaxRecords: 100}), {abortSignal}),
      )
      return {items: (page.DBClusters ?? []).map((cluster) => toDbCluster(cluster, this.region)), next: page.Marker}
    })
  }

  async describeDbInstances(clusterIds: string[]): Promise<DbInstance[]> {
    if (clusterIds.length === 0) return []
    return this.listFilteredBy(clusterIds, async (Filters, Marker) => {
      const page = await this.call('DescribeDBInstances', false, (abortSignal) =>
        this.client.send(new DescribeDBInstancesCommand({Filters, Marker, MaxRecords: 100}), {abortSignal}),
      )
      return {items: (page.DBInstances ?? []).map(toDbInstance), next: page.Marker}
    })
  }

  /**
   * Every item of a listing, filtered by cluster (id or ARN) in batches, or unfiltered without `clusterIds`: one
   * call per page and batch, however many clusters a Region holds (status at scale, issue of 100 global clusters).
   */
  private async listFilteredBy<T>(
    clusterIds: string[] | undefined,
    fetch: (filters: Filter[] | undefined, marker: string | undefined) => Promise<Page<T, string>>,
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
    const items: T[] = []
    for (const filters of batches) items.push(...(await allPages((marker) => fetch(filters, marker))))
    return items
  }

  describeDbClusterSnapshots(filter: {
    clusterId?: string
    snapshotId?: string
    type?: string
  }): Promise<DbClusterSnapshot[]> {
    return allPages(async (marker) => {
      const page = await absentIfNotFound(
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
      return {items: (page?.DBClusterSnapshots ?? []).map(toDbClusterSnapshot), next: page?.Marker}
    })
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
}
