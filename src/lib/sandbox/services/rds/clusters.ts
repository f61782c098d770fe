import {ApiError} from '../../errors.js'
import {clusterArn, nextSeed, regionOfArn, upperId} from '../../ids.js'
import type {QueryOperation, QueryParams} from '../../protocol/query.js'
import {xmlList} from '../../protocol/xml.js'
import {DURATIONS, scaled} from '../../time.js'
import {type ClusterRecord, type GlobalClusterRecord, membershipOf} from '../../world.js'
import {type CallContext, RDS_SNAPSHOT_IDENTIFIER} from '../context.js'
import {
  checkedIdentifier,
  clusterMatches,
  clusterOfArn,
  defaultParameterGroup,
  ENGINES,
  filters,
  findCluster,
  identifier,
  invalidClusterState,
  invalidCombination,
  invalidGlobalState,
  invalidValue,
  paged,
  readTags,
  requireAvailable,
  requireGlobalAvailable,
  requireNewSnapshotId,
} from './lookup.js'
import {findGlobal, instancesOf, newSnapshot} from './records.js'
import {renderCluster} from './render.js'

/** Aurora DB clusters: create (alone, in a global cluster, or as a read replica), modify, delete, promote, fail over. */

export const describeDbClusters: QueryOperation = (context, params) => {
  const id = params.string('DBClusterIdentifier')
  let list = context.world.rds.clusters.filter((cluster) => cluster.region === context.region)
  if (id !== undefined) list = [findCluster(context, id)]
  const byFilter = filters(params, ['db-cluster-id', 'engine', 'db-cluster-resource-id', 'clone-group-id', 'domain'])
  const ids = byFilter.get('db-cluster-id')
  if (ids) list = list.filter((cluster) => clusterMatches(cluster, ids))
  const engines = byFilter.get('engine')
  if (engines) list = list.filter((cluster) => engines.includes(cluster.engine))
  const resourceIds = byFilter.get('db-cluster-resource-id')
  if (resourceIds) list = list.filter((cluster) => resourceIds.includes(cluster.resourceId))
  if (byFilter.has('clone-group-id') || byFilter.has('domain')) list = []
  const {items, marker} = paged(params, list)
  return {
    Marker: marker,
    DBClusters: xmlList(
      'DBCluster',
      items.map((cluster) => renderCluster(context, cluster)),
    ),
  }
}

/** The DBClusterIdentifier of a cluster to create or restore; refused if the caller's Region has one already. */
export function newClusterId(context: CallContext, params: QueryParams): string {
  const id = identifier(params, 'DBClusterIdentifier')
  if (context.world.rds.clusters.some((cluster) => cluster.region === context.region && cluster.id === id)) {
    throw new ApiError('DBClusterAlreadyExistsFault', 'DB Cluster already exists')
  }
  return id
}

/**
 * A new cluster in the caller's Region, `creating`, from the parameters CreateDBCluster and
 * RestoreDBClusterFromSnapshot share; `settled` is what each works out itself (from a global cluster, a replication
 * source or a snapshot).
 */
export function newCluster(
  context: CallContext,
  params: QueryParams,
  settled: Pick<ClusterRecord, 'id' | 'engine' | 'engineVersion' | 'storageEncrypted' | 'kmsKeyId'> & {
    defaultPort: number
  },
): ClusterRecord & {transition: {kind: 'create'; until: number}} {
  const {world, now} = context
  const {id, engine, engineVersion} = settled
  const seed = nextSeed(world, `cluster:${context.region}:${id}`)
  return {
    id,
    region: context.region,
    arn: clusterArn(context.region, world.account, id),
    resourceId: `cluster-${upperId(seed, 26)}`,
    engine,
    engineVersion,
    status: 'creating',
    transition: {kind: 'create', until: now + scaled(world, DURATIONS.clusterCreate)},
    deletionProtection: params.boolean('DeletionProtection') ?? false,
    storageEncrypted: settled.storageEncrypted,
    kmsKeyId: settled.kmsKeyId,
    subnetGroup: params.string('DBSubnetGroupName') ?? 'default',
    securityGroupIds: params.list('VpcSecurityGroupIds'),
    parameterGroup: params.string('DBClusterParameterGroupName') ?? defaultParameterGroup(engine, engineVersion),
    port: params.integer('Port') ?? settled.defaultPort,
    createdAt: now,
    tags: readTags(params),
  }
}

export const createDbCluster: QueryOperation = (context, params) => {
  const {world} = context
  const id = newClusterId(context, params)
  const engine = params.required('Engine')
  const spec = ENGINES[engine]
  if (!spec)
    throw invalidValue(`Invalid DB engine: ${engine}; the sandbox simulates aurora-mysql and aurora-postgresql`)
  const globalId = params.string('GlobalClusterIdentifier')
  const sourceArn = params.string('ReplicationSourceIdentifier')
  if (globalId !== undefined && sourceArn !== undefined) {
    throw invalidCombination('GlobalClusterIdentifier and ReplicationSourceIdentifier cannot be combined')
  }
  let engineVersion = params.string('EngineVersion') ?? spec.defaultVersion
  const kmsKeyId = params.string('KmsKeyId')
  let storageEncrypted = params.boolean('StorageEncrypted') ?? kmsKeyId !== undefined
  let joins: GlobalClusterRecord | undefined

  if (globalId !== undefined) {
    const global = findGlobal(world, globalId)
    requireGlobalAvailable(global)
    if (global.engine !== engine) {
      throw invalidCombination(
        `The engine name requested for your DB cluster (${engine}) doesn't match the engine name of global cluster ${global.id} (${global.engine})`,
      )
    }
    const requested = params.string('EngineVersion')
    if (requested !== undefined && requested !== global.engineVersion) {
      throw invalidCombination(
        `The engine version requested for your DB cluster (${requested}) doesn't match the engine version of global cluster ${global.id} (${global.engineVersion})`,
      )
    }
    engineVersion = global.engineVersion
    const occupied = [...global.members.map((m) => m.clusterArn), ...global.pendingRejoins.map((p) => p.clusterArn)]
    if (occupied.some((memberArn) => regionOfArn(memberArn) === context.region)) {
      throw invalidValue(`Global cluster ${global.id} already has a DB cluster in ${context.region}`)
    }
    const secondary = global.members.length > 0
    if (secondary && global.storageEncrypted && kmsKeyId === undefined) {
      throw invalidCombination('For encrypted cross-region replica, kmsKeyId should be explicitly specified')
    }
    storageEncrypted ||= global.storageEncrypted
    joins = global
  }
  if (sourceArn !== undefined) {
    const source = clusterOfArn(world, sourceArn)
    if (source.engine !== engine) {
      throw invalidCombination(`The replica's engine (${engine}) must match the source cluster's (${source.engine})`)
    }
    if (source.storageEncrypted && kmsKeyId === undefined && source.region !== context.region) {
      throw invalidCombination('For encrypted cross-region replica, kmsKeyId should be explicitly specified')
    }
    storageEncrypted ||= source.storageEncrypted
  }

  const record = {
    ...newCluster(context, params, {id, engine, engineVersion, storageEncrypted, kmsKeyId, defaultPort: spec.port}),
    replicationSourceArn: sourceArn,
    databaseName: params.string('DatabaseName'),
    masterUsername: params.string('MasterUsername'),
  }
  world.rds.clusters.push(record)
  if (joins) {
    const primary = joins.members.length === 0
    const createdBy = record.transition.until
    joins.members.push({
      clusterArn: record.arn,
      isWriter: primary,
      roleSince: createdBy,
      resyncUntil: primary ? undefined : createdBy,
      writeForwarding: params.boolean('EnableGlobalWriteForwarding') ? 'enabled' : 'disabled',
    })
    joins.emptySince = undefined
  }
  return {DBCluster: renderCluster(context, record)}
}

export const modifyDbCluster: QueryOperation = (context, params) => {
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  if (cluster.status === 'deleting') throw invalidClusterState(`DB cluster ${cluster.id} is being deleted`)
  if (params.has('NewDBClusterIdentifier')) {
    throw invalidValue('Renaming DB clusters is not simulated by the sandbox')
  }
  const deletionProtection = params.boolean('DeletionProtection')
  if (deletionProtection !== undefined) cluster.deletionProtection = deletionProtection
  const forwarding = params.boolean('EnableGlobalWriteForwarding')
  if (forwarding !== undefined) {
    const member = membershipOf(context.world, cluster.arn)?.member
    if (!member || member.isWriter) {
      throw invalidCombination('Global write forwarding can only be set on a secondary cluster of a global cluster')
    }
    member.writeForwarding = forwarding ? 'enabled' : 'disabled'
  }
  return {DBCluster: renderCluster(context, cluster)}
}

export const deleteDbCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  const skip = params.boolean('SkipFinalSnapshot') ?? false
  const finalSnapshotId = params.string('FinalDBSnapshotIdentifier')
  if (cluster.deletionProtection) {
    throw invalidCombination('Cannot delete protected Cluster, please disable deletion protection and try again.')
  }
  const membership = membershipOf(world, cluster.arn)
  if (membership?.member && !membership.member.isWriter) {
    throw invalidClusterState('This cluster is a part of a global cluster, please remove it from globalcluster first')
  }
  if (membership?.member?.isWriter && membership.global.members.length > 1) {
    throw invalidGlobalState(
      'Unable to delete cluster that is a primary member of global cluster while there are other global cluster members',
    )
  }
  const instances = instancesOf(world, cluster)
  if (instances.some((instance) => instance.status !== 'deleting')) {
    throw invalidClusterState('Cluster cannot be deleted, it still contains DB instances in non-deleting state.')
  }
  if (cluster.status === 'deleting' || cluster.transition?.kind === 'final-snapshot') {
    throw invalidClusterState(`Cluster ${cluster.id} is already being deleted.`)
  }
  requireAvailable(cluster)
  if (!skip && finalSnapshotId === undefined) {
    throw invalidCombination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.')
  }
  if (skip && finalSnapshotId !== undefined) {
    throw invalidCombination(
      'FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot enabled.',
    )
  }
  // Instances still deleting hold the cluster until they are gone.
  const instancesGone = Math.max(now, ...instances.map((instance) => instance.transition?.until ?? now))
  if (finalSnapshotId !== undefined) {
    const snapshotId = checkedIdentifier(finalSnapshotId, 'FinalDBSnapshotIdentifier', RDS_SNAPSHOT_IDENTIFIER)
    requireNewSnapshotId(world, cluster.region, snapshotId)
    const until = Math.max(now + scaled(world, DURATIONS.finalSnapshot), instancesGone)
    world.rds.snapshots.push(newSnapshot(world, cluster, snapshotId, 'manual', now, until))
    cluster.transition = {kind: 'final-snapshot', until, snapshotId}
  } else {
    cluster.status = 'deleting'
    cluster.transition = {kind: 'delete', until: Math.max(now + scaled(world, DURATIONS.clusterDelete), instancesGone)}
  }
  return {DBCluster: renderCluster(context, cluster)}
}

export const promoteReadReplicaDbCluster: QueryOperation = (context, params) => {
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  if (!cluster.replicationSourceArn) {
    throw invalidClusterState(`DB cluster ${cluster.id} is not a read replica.`)
  }
  requireAvailable(cluster)
  cluster.status = 'promoting'
  cluster.transition = {kind: 'replica-promote', until: context.now + scaled(context.world, DURATIONS.replicaPromote)}
  return {DBCluster: renderCluster(context, cluster)}
}

export const failoverDbCluster: QueryOperation = (context, params) => {
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  requireAvailable(cluster)
  const member = membershipOf(context.world, cluster.arn)?.member
  if (member && !member.isWriter) {
    throw invalidClusterState(`DB cluster ${cluster.id} is a secondary cluster of a global cluster and has no writer`)
  }
  const targetId = params.string('TargetDBInstanceIdentifier')?.toLowerCase()
  const candidates = instancesOf(context.world, cluster).filter(
    (instance) => instance.status === 'available' && !instance.isWriter,
  )
  if (targetId !== undefined && !candidates.some((instance) => instance.id === targetId)) {
    throw invalidValue(`DB instance ${targetId} is not an available reader of cluster ${cluster.id}`)
  }
  if (candidates.length === 0) throw invalidClusterState(`DB cluster ${cluster.id} has no reader to fail over to`)
  cluster.status = 'failing-over'
  cluster.transition = {
    kind: 'failover',
    until: context.now + scaled(context.world, DURATIONS.clusterFailover),
    targetInstanceId: targetId,
  }
  return {DBCluster: renderCluster(context, cluster)}
}
