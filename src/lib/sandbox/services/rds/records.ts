import {clusterCut} from '../../data/lineage.js'
import {ApiError} from '../../errors.js'
import {clusterSnapshotArn} from '../../ids.js'
import {auroraLagMs, writerRegion} from '../../replication-lag.js'
import type {
  ClusterRecord,
  GlobalClusterRecord,
  GlobalMemberRecord,
  InstanceRecord,
  SnapshotRecord,
  World,
} from '../../world.js'

/** The RDS part of the world: lookups and derived state shared by the operations, the clock and `show`. */

const globalNotFound = (id: string) =>
  new ApiError('GlobalClusterNotFoundFault', `Global cluster ${id} not found.`, 404)

export function isArn(value: string): boolean {
  return value.startsWith('arn:')
}

export function parseClusterArn(value: string): {region: string; id: string} | undefined {
  const match = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):cluster:([A-Za-z0-9-]+)$/.exec(value)
  return match ? {region: match[1] as string, id: (match[3] as string).toLowerCase()} : undefined
}

export function findGlobal(world: World, id: string): GlobalClusterRecord {
  const found = world.rds.globalClusters.find((global) => global.id === id.toLowerCase())
  if (!found) throw globalNotFound(id)
  return found
}

export function clusterByArn(world: World, arn: string): ClusterRecord | undefined {
  const parsed = parseClusterArn(arn)
  if (!parsed) return undefined
  return world.rds.clusters.find((cluster) => cluster.region === parsed.region && cluster.id === parsed.id)
}

/** The cluster an instance belongs to. */
export function clusterOf(world: World, instance: InstanceRecord): ClusterRecord | undefined {
  return world.rds.clusters.find((cluster) => cluster.region === instance.region && cluster.id === instance.clusterId)
}

export function instancesOf(world: World, cluster: ClusterRecord): InstanceRecord[] {
  return world.rds.instances.filter(
    (instance) => instance.region === cluster.region && instance.clusterId === cluster.id,
  )
}

export function snapshotsIn(world: World, region: string): SnapshotRecord[] {
  return world.rds.snapshots.filter((snapshot) => snapshot.region === region)
}

export function globalStatus(global: GlobalClusterRecord): string {
  if (global.operation) return global.operation.kind === 'switchover' ? 'switching-over' : 'failing-over'
  return global.status
}

export function failoverStateOf(
  global: GlobalClusterRecord,
  now: number,
): {Status: string; FromDbClusterArn: string; ToDbClusterArn: string; IsDataLossAllowed: boolean} | undefined {
  const operation = global.operation
  if (!operation) return undefined
  const running = operation.kind === 'switchover' ? 'switching-over' : 'failing-over'
  return {
    Status: now < operation.phaseAt ? 'pending' : running,
    FromDbClusterArn: operation.fromArn,
    ToDbClusterArn: operation.toArn,
    IsDataLossAllowed: operation.kind === 'failover',
  }
}

export function synchronizationStatus(member: GlobalMemberRecord, now: number): string {
  return member.resyncUntil !== undefined && now < member.resyncUntil ? 'pending-resync' : 'connected'
}

/** Hands the writer role to another instance of the cluster, as Aurora does when the writer goes away. */
export function promoteAnotherWriter(world: World, cluster: ClusterRecord, preferredId?: string): void {
  const candidates = instancesOf(world, cluster)
    .filter((instance) => instance.status === 'available')
    .sort((a, b) => a.promotionTier - b.promotionTier || a.id.localeCompare(b.id))
  const next = candidates.find((instance) => instance.id === preferredId) ?? candidates[0]
  for (const instance of instancesOf(world, cluster)) instance.isWriter = instance === next
}

export function newSnapshot(
  world: World,
  cluster: ClusterRecord,
  id: string,
  type: 'manual' | 'automated',
  now: number,
  availableAt: number,
): SnapshotRecord {
  return {
    id,
    region: cluster.region,
    arn: clusterSnapshotArn(cluster.region, world.account, id),
    clusterId: cluster.id,
    clusterResourceId: cluster.resourceId,
    engine: cluster.engine,
    engineVersion: cluster.engineVersion,
    type,
    status: availableAt > now ? 'creating' : 'available',
    availableAt: availableAt > now ? availableAt : undefined,
    createdAt: now,
    clusterCreatedAt: cluster.createdAt,
    storageEncrypted: cluster.storageEncrypted,
    kmsKeyId: cluster.kmsKeyId,
    tags: [],
    data: clusterCut(world, cluster, now),
  }
}

/** The replication lag (ms) of a global cluster's secondary, for display; undefined for the writer. */
export function secondaryLagMs(
  world: World,
  global: GlobalClusterRecord,
  arn: string,
  now: number,
): number | undefined {
  const member = global.members.find((candidate) => candidate.clusterArn === arn)
  if (!member || member.isWriter || writerRegion(global) === undefined) return undefined
  return auroraLagMs(world, global, arn, now)
}
