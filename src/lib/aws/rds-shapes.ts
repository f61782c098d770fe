import type {
  DBCluster as SdkDbCluster,
  DBClusterSnapshot as SdkDbClusterSnapshot,
  DBInstance as SdkDbInstance,
  GlobalCluster as SdkGlobalCluster,
} from '@aws-sdk/client-rds'

import {regionOfArn, resourceIdOfArn} from '../core/arn.js'
import type {DbCluster, DbClusterSnapshot, DbInstance, GlobalCluster} from './ports.js'

// The RDS API's shapes, as the port's: absent fields get their documented defaults.

export function toGlobalCluster(sdk: SdkGlobalCluster): GlobalCluster {
  const failover = sdk.FailoverState
  return {
    id: sdk.GlobalClusterIdentifier ?? '',
    arn: sdk.GlobalClusterArn ?? '',
    status: sdk.Status ?? 'unknown',
    engine: sdk.Engine ?? '',
    engineVersion: sdk.EngineVersion ?? '',
    deletionProtection: sdk.DeletionProtection ?? false,
    endpoint: sdk.Endpoint,
    members: (sdk.GlobalClusterMembers ?? []).map((member) => {
      const arn = member.DBClusterArn ?? ''
      return {
        clusterArn: arn,
        clusterId: resourceIdOfArn(arn),
        region: regionOfArn(arn),
        isWriter: member.IsWriter ?? false,
        readers: member.Readers ?? [],
        writeForwarding: member.GlobalWriteForwardingStatus,
        synchronizationStatus: member.SynchronizationStatus,
      }
    }),
    // FailoverState is absent (or empty) unless a switchover/failover is pending or running (aws-reference §2.1).
    failoverState: failover?.Status
      ? {
          status: failover.Status,
          fromClusterArn: failover.FromDbClusterArn,
          toClusterArn: failover.ToDbClusterArn,
          isDataLossAllowed: failover.IsDataLossAllowed ?? false,
        }
      : undefined,
  }
}

export function toDbCluster(sdk: SdkDbCluster, region: string): DbCluster {
  const arn = sdk.DBClusterArn ?? ''
  return {
    id: sdk.DBClusterIdentifier ?? '',
    arn,
    region: arn ? regionOfArn(arn) : region,
    status: sdk.Status ?? 'unknown',
    engine: sdk.Engine ?? '',
    engineVersion: sdk.EngineVersion ?? '',
    globalClusterId: sdk.GlobalClusterIdentifier || undefined,
    replicationSourceArn: sdk.ReplicationSourceIdentifier || undefined,
    deletionProtection: sdk.DeletionProtection ?? false,
    httpEndpointEnabled: sdk.HttpEndpointEnabled,
    endpoint: sdk.Endpoint,
    readerEndpoint: sdk.ReaderEndpoint,
    writeForwarding: sdk.GlobalWriteForwardingStatus,
    members: (sdk.DBClusterMembers ?? []).map((member) => ({
      instanceId: member.DBInstanceIdentifier ?? '',
      isWriter: member.IsClusterWriter ?? false,
    })),
    subnetGroup: sdk.DBSubnetGroup,
    securityGroupIds: (sdk.VpcSecurityGroups ?? []).map((group) => group.VpcSecurityGroupId ?? '').filter(Boolean),
    kmsKeyId: sdk.KmsKeyId,
    storageEncrypted: sdk.StorageEncrypted ?? false,
    parameterGroup: sdk.DBClusterParameterGroup,
    tags: Object.fromEntries((sdk.TagList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  }
}

export function toDbInstance(sdk: SdkDbInstance): DbInstance {
  return {
    id: sdk.DBInstanceIdentifier ?? '',
    arn: sdk.DBInstanceArn ?? '',
    status: sdk.DBInstanceStatus ?? 'unknown',
    clusterId: sdk.DBClusterIdentifier,
    instanceClass: sdk.DBInstanceClass ?? '',
    engine: sdk.Engine ?? '',
    parameterGroup: sdk.DBParameterGroups?.[0]?.DBParameterGroupName,
  }
}

export function toDbClusterSnapshot(sdk: SdkDbClusterSnapshot): DbClusterSnapshot {
  return {
    id: sdk.DBClusterSnapshotIdentifier ?? '',
    arn: sdk.DBClusterSnapshotArn ?? '',
    clusterId: sdk.DBClusterIdentifier ?? '',
    status: sdk.Status ?? 'unknown',
    type: sdk.SnapshotType ?? 'manual',
    createdAt: sdk.SnapshotCreateTime?.toISOString(),
    kmsKeyId: sdk.KmsKeyId,
    engine: sdk.Engine,
    engineVersion: sdk.EngineVersion,
  }
}
