import {clusterSnapshotArn, regionOfArn} from '../../ids.js'
import type {QueryOperation} from '../../protocol/query.js'
import {xmlList} from '../../protocol/xml.js'
import {DURATIONS, scaled} from '../../time.js'
import type {SnapshotRecord} from '../../world.js'
import {RDS_SNAPSHOT_IDENTIFIER} from '../context.js'
import {
  filters,
  findCluster,
  findSnapshot,
  identifier,
  invalidValue,
  ownerMatches,
  paged,
  readTags,
  requireAvailable,
  requireNewSnapshotId,
  requireSnapshotAvailable,
  snapshotNotFound,
} from './lookup.js'
import {isArn, newSnapshot, snapshotsIn} from './records.js'
import {renderSnapshot} from './render.js'

/** Aurora cluster snapshots: describe, create, and copy (also across Regions, with a KMS key when encrypted). */

export const describeDbClusterSnapshots: QueryOperation = (context, params) => {
  const world = context.world
  let list = snapshotsIn(world, context.region)
  const clusterId = params.string('DBClusterIdentifier')
  if (clusterId !== undefined) {
    list = list.filter((snapshot) => ownerMatches(world, snapshot, [clusterId]))
  }
  const snapshotId = params.string('DBClusterSnapshotIdentifier')
  if (snapshotId !== undefined) {
    list = list.filter((snapshot) => snapshot.id === snapshotId.toLowerCase() || snapshot.arn === snapshotId)
    if (list.length === 0) throw snapshotNotFound(snapshotId)
  }
  const type = params.string('SnapshotType')
  if (type !== undefined) list = list.filter((snapshot) => snapshot.type === type)
  const byFilter = filters(params, ['db-cluster-id', 'db-cluster-snapshot-id', 'snapshot-type', 'engine'])
  const ids = byFilter.get('db-cluster-id')
  if (ids) {
    list = list.filter((snapshot) => ownerMatches(world, snapshot, ids))
  }
  const snapshotIds = byFilter.get('db-cluster-snapshot-id')
  if (snapshotIds) list = list.filter((snapshot) => snapshotIds.some((v) => v === snapshot.id || v === snapshot.arn))
  const types = byFilter.get('snapshot-type')
  if (types) list = list.filter((snapshot) => types.includes(snapshot.type))
  const engines = byFilter.get('engine')
  if (engines) list = list.filter((snapshot) => engines.includes(snapshot.engine))
  const {items, marker} = paged(params, list)
  return {Marker: marker, DBClusterSnapshots: xmlList('DBClusterSnapshot', items.map(renderSnapshot))}
}

export const createDbClusterSnapshot: QueryOperation = (context, params) => {
  const {world, now} = context
  const snapshotId = identifier(params, 'DBClusterSnapshotIdentifier', RDS_SNAPSHOT_IDENTIFIER)
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  requireNewSnapshotId(world, cluster.region, snapshotId)
  requireAvailable(cluster)
  const snapshot = newSnapshot(world, cluster, snapshotId, 'manual', now, now + scaled(world, DURATIONS.snapshotCreate))
  snapshot.tags = readTags(params)
  world.rds.snapshots.push(snapshot)
  return {DBClusterSnapshot: renderSnapshot(snapshot)}
}

export const copyDbClusterSnapshot: QueryOperation = (context, params) => {
  const {world, now} = context
  const sourceId = params.required('SourceDBClusterSnapshotIdentifier')
  const targetId = identifier(params, 'TargetDBClusterSnapshotIdentifier', RDS_SNAPSHOT_IDENTIFIER)
  const source = findSnapshot(world, isArn(sourceId) ? regionOfArn(sourceId) : context.region, sourceId)
  requireSnapshotAvailable(source)
  requireNewSnapshotId(world, context.region, targetId)
  const kmsKeyId = params.string('KmsKeyId')
  const crossRegion = source.region !== context.region
  if (crossRegion && source.storageEncrypted && kmsKeyId === undefined) {
    throw invalidValue('KmsKeyId must be specified to copy an encrypted snapshot to another Region')
  }
  const copy: SnapshotRecord = {
    ...source,
    id: targetId,
    region: context.region,
    arn: clusterSnapshotArn(context.region, world.account, targetId),
    type: 'manual',
    status: 'copying',
    availableAt: now + scaled(world, DURATIONS.snapshotCopy),
    createdAt: now,
    kmsKeyId: kmsKeyId ?? source.kmsKeyId,
    sourceArn: source.arn,
    tags: params.boolean('CopyTags') ? [...source.tags, ...readTags(params)] : readTags(params),
  }
  world.rds.snapshots.push(copy)
  return {DBClusterSnapshot: renderSnapshot(copy)}
}
