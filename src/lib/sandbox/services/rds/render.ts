import {clusterEndpoint, globalClusterArn, hexId, rdsEndpointLabel} from '../../ids.js'
import {type XmlValue, xmlList} from '../../protocol/xml.js'
import {
  type ClusterRecord,
  type GlobalClusterRecord,
  type InstanceRecord,
  membershipOf,
  type SnapshotRecord,
  type Tag,
} from '../../world.js'
import type {CallContext} from '../context.js'
import {clusterOf, failoverStateOf, globalStatus, instancesOf, synchronizationStatus} from './records.js'

/** RDS resources as the 2014-10-31 query API renders them (DBCluster, DBInstance, GlobalCluster, DBClusterSnapshot). */

export function tags(list: Tag[]): XmlValue {
  return xmlList(
    'Tag',
    list.map((tag) => ({Key: tag.Key, Value: tag.Value})),
  )
}

export function renderGlobal(context: CallContext, global: GlobalClusterRecord): XmlValue {
  const writer = global.members.find((member) => member.isWriter)
  return {
    GlobalClusterIdentifier: global.id,
    GlobalClusterResourceId: global.resourceId,
    GlobalClusterArn: globalClusterArn(context.world.account, global.id),
    Status: globalStatus(global),
    Engine: global.engine,
    EngineVersion: global.engineVersion,
    EngineLifecycleSupport: 'open-source-rds-extended-support',
    DatabaseName: global.databaseName,
    StorageEncrypted: global.storageEncrypted,
    StorageEncryptionType: global.storageEncrypted ? 'sse-kms' : 'none',
    DeletionProtection: global.deletionProtection,
    GlobalClusterMembers: xmlList(
      'GlobalClusterMember',
      global.members.map((member) => ({
        DBClusterArn: member.clusterArn,
        Readers: xmlList(
          'member',
          member.isWriter ? global.members.filter((other) => other !== writer).map((other) => other.clusterArn) : [],
        ),
        IsWriter: member.isWriter,
        GlobalWriteForwardingStatus: member.isWriter ? undefined : member.writeForwarding,
        SynchronizationStatus: synchronizationStatus(member, context.now),
      })),
    ),
    Endpoint: `${global.id}.global-${global.endpointHash}.global.rds.amazonaws.com`,
    FailoverState: failoverStateOf(global, context.now),
    TagList: tags(global.tags),
  }
}

export function renderCluster(context: CallContext, cluster: ClusterRecord): XmlValue {
  const world = context.world
  const membership = membershipOf(world, cluster.arn)
  const label = rdsEndpointLabel(world.account, cluster.region)
  const replicas = world.rds.clusters.filter((other) => other.replicationSourceArn === cluster.arn)
  return {
    AllocatedStorage: 1,
    AvailabilityZones: xmlList(
      'AvailabilityZone',
      ['a', 'b', 'c'].map((zone) => `${cluster.region}${zone}`),
    ),
    BackupRetentionPeriod: 7,
    DatabaseName: cluster.databaseName,
    DBClusterIdentifier: cluster.id,
    DBClusterParameterGroup: cluster.parameterGroup,
    DBSubnetGroup: cluster.subnetGroup,
    Status: cluster.status,
    EarliestRestorableTime: cluster.status === 'creating' ? undefined : new Date(cluster.createdAt),
    Endpoint: clusterEndpoint(world.account, cluster.region, cluster.id),
    ReaderEndpoint: `${cluster.id}.cluster-ro-${label}.${cluster.region}.rds.amazonaws.com`,
    MultiAZ: instancesOf(world, cluster).length > 1,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    LatestRestorableTime: cluster.status === 'creating' ? undefined : new Date(context.now),
    Port: cluster.port,
    MasterUsername: cluster.masterUsername,
    PreferredBackupWindow: '07:00-07:30',
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    ReplicationSourceIdentifier: cluster.replicationSourceArn,
    ReadReplicaIdentifiers: xmlList(
      'ReadReplicaIdentifier',
      replicas.map((replica) => replica.arn),
    ),
    DBClusterMembers: xmlList(
      'DBClusterMember',
      instancesOf(world, cluster).map((instance) => ({
        DBInstanceIdentifier: instance.id,
        IsClusterWriter: instance.isWriter,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: instance.promotionTier,
      })),
    ),
    VpcSecurityGroups: xmlList(
      'VpcSecurityGroupMembership',
      cluster.securityGroupIds.map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    ),
    HostedZoneId: 'Z2R2ITUGPM61AM',
    StorageEncrypted: cluster.storageEncrypted,
    StorageEncryptionType: cluster.storageEncrypted ? 'sse-kms' : 'none',
    KmsKeyId: cluster.kmsKeyId,
    DbClusterResourceId: cluster.resourceId,
    DBClusterArn: cluster.arn,
    IAMDatabaseAuthenticationEnabled: false,
    ClusterCreateTime: new Date(cluster.createdAt),
    EngineMode: 'provisioned',
    DeletionProtection: cluster.deletionProtection,
    HttpEndpointEnabled: cluster.httpEndpointEnabled ?? false,
    CopyTagsToSnapshot: true,
    CrossAccountClone: false,
    TagList: tags(cluster.tags),
    GlobalClusterIdentifier: membership?.member ? membership.global.id : undefined,
    GlobalWriteForwardingStatus:
      membership?.member && !membership.member.isWriter ? membership.member.writeForwarding : undefined,
    NetworkType: 'IPV4',
    AutoMinorVersionUpgrade: true,
    EngineLifecycleSupport: 'open-source-rds-extended-support',
  }
}

export function renderInstance(context: CallContext, instance: InstanceRecord): XmlValue {
  const world = context.world
  const cluster = clusterOf(world, instance)
  const label = rdsEndpointLabel(world.account, instance.region)
  const port = cluster?.port ?? 3306
  return {
    DBInstanceIdentifier: instance.id,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    DBInstanceStatus: instance.status,
    Endpoint:
      instance.status === 'creating'
        ? undefined
        : {
            Address: `${instance.id}.${label}.${instance.region}.rds.amazonaws.com`,
            Port: port,
            HostedZoneId: 'Z2R2ITUGPM61AM',
          },
    AllocatedStorage: 1,
    InstanceCreateTime: instance.status === 'creating' ? undefined : new Date(instance.createdAt),
    PreferredBackupWindow: '07:00-07:30',
    BackupRetentionPeriod: 7,
    VpcSecurityGroups: xmlList(
      'VpcSecurityGroupMembership',
      (cluster?.securityGroupIds ?? []).map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    ),
    DBParameterGroups: xmlList('DBParameterGroup', [
      {DBParameterGroupName: instance.parameterGroup, ParameterApplyStatus: 'in-sync'},
    ]),
    AvailabilityZone: instance.availabilityZone,
    DBSubnetGroup: cluster
      ? {
          DBSubnetGroupName: cluster.subnetGroup,
          DBSubnetGroupDescription: `${cluster.subnetGroup} subnets`,
          VpcId: `vpc-${hexId(`${world.account}:${instance.region}:vpc`, 17)}`,
          SubnetGroupStatus: 'Complete',
        }
      : undefined,
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    MultiAZ: false,
    EngineVersion: instance.engineVersion,
    AutoMinorVersionUpgrade: true,
    LicenseModel: instance.engine === 'aurora-postgresql' ? 'postgresql-license' : 'general-public-license',
    PubliclyAccessible: false,
    StorageType: 'aurora',
    DbInstancePort: 0,
    DBClusterIdentifier: instance.clusterId,
    StorageEncrypted: cluster?.storageEncrypted ?? false,
    KmsKeyId: cluster?.kmsKeyId,
    DbiResourceId: instance.resourceId,
    CACertificateIdentifier: 'rds-ca-rsa2048-g1',
    CopyTagsToSnapshot: false,
    MonitoringInterval: 0,
    PromotionTier: instance.promotionTier,
    DBInstanceArn: instance.arn,
    IAMDatabaseAuthenticationEnabled: false,
    PerformanceInsightsEnabled: false,
    DeletionProtection: false,
    TagList: tags([]),
    NetworkType: 'IPV4',
  }
}

export function renderSnapshot(snapshot: SnapshotRecord): XmlValue {
  return {
    AvailabilityZones: xmlList(
      'AvailabilityZone',
      ['a', 'b', 'c'].map((zone) => `${snapshot.region}${zone}`),
    ),
    DBClusterSnapshotIdentifier: snapshot.id,
    DBClusterIdentifier: snapshot.clusterId,
    SnapshotCreateTime: new Date(snapshot.createdAt),
    Engine: snapshot.engine,
    EngineMode: 'provisioned',
    AllocatedStorage: 0,
    Status: snapshot.status,
    Port: 0,
    VpcId: undefined,
    ClusterCreateTime: new Date(snapshot.clusterCreatedAt),
    EngineVersion: snapshot.engineVersion,
    LicenseModel: snapshot.engine === 'aurora-postgresql' ? 'postgresql-license' : 'general-public-license',
    SnapshotType: snapshot.type,
    PercentProgress: snapshot.status === 'available' ? 100 : 0,
    StorageEncrypted: snapshot.storageEncrypted,
    KmsKeyId: snapshot.kmsKeyId,
    DBClusterSnapshotArn: snapshot.arn,
    SourceDBClusterSnapshotArn: snapshot.sourceArn,
    IAMDatabaseAuthenticationEnabled: false,
    TagList: tags(snapshot.tags),
    DbClusterResourceId: snapshot.clusterResourceId,
  }
}
