import {derivedId, nextSeed} from '../ids.js'
import {auroraLagMs} from '../replication-lag.js'
import {type ClusterRecord, type GlobalClusterRecord, type GlobalOperation, membershipOf, type World} from '../world.js'
import type {DataCut, DataLineage} from './records.js'

/**
 * Which data each cluster has, as the RDS operations change it (all synchronous, on the world): a global cluster's
 * members share its lineage; a detached or restored cluster gets a new one on top of a cut of the old data.
 */

function globalLineage(global: GlobalClusterRecord): DataLineage {
  return global.data ?? {key: `global-${global.resourceId}`, losses: []}
}

/** The lineage a cluster's data follows now. */
export function lineageOf(world: World, cluster: ClusterRecord): DataLineage {
  if (cluster.data) return cluster.data
  const membership = membershipOf(world, cluster.arn)
  return membership ? globalLineage(membership.global) : {key: `cluster-${cluster.resourceId}`, losses: []}
}

/**
 * The data `cluster` holds at `at`: a secondary of a global cluster trails its writer by its replication lag (the
 * statements committed within the lag have not reached it yet).
 */
export function clusterCut(world: World, cluster: ClusterRecord, at: number): DataCut {
  const lineage = lineageOf(world, cluster)
  const membership = cluster.data ? undefined : membershipOf(world, cluster.arn)
  const member = membership?.member
  const lagMs = membership && member && !member.isWriter ? auroraLagMs(world, membership.global, cluster.arn, at) : 0
  return {key: lineage.key, through: at - lagMs, losses: [...lineage.losses], base: lineage.base}
}

/** A new lineage on top of `base` (its log starts empty). */
function forkedLineage(world: World, base: DataCut): DataLineage {
  return {key: `data-${derivedId(nextSeed(world, 'data'), 16)}`, base, losses: []}
}

/** A cluster leaves its global cluster (detach-and-promote): it keeps what had replicated to it, and goes its own way. */
export function detachData(world: World, cluster: ClusterRecord, at: number): void {
  cluster.data = forkedLineage(world, clusterCut(world, cluster, at))
}

/** A cluster restored from a snapshot starts with the snapshot's data. */
export function restoredData(world: World, cluster: ClusterRecord, snapshot: DataCut): void {
  cluster.data = forkedLineage(world, snapshot)
}

/** A global cluster created from a cluster: its members share that cluster's data from now on. */
export function globalFromClusterData(
  world: World,
  global: GlobalClusterRecord,
  source: ClusterRecord,
  at: number,
): void {
  global.data = forkedLineage(world, clusterCut(world, source, at))
  source.data = undefined
}

/**
 * A managed failover completes at `at`: the old primary's writes that had not replicated to the new one (committed
 * after the cut-off minus the target's lag) are lost for the global cluster. Returns the old primary's volume as it
 * was, which Aurora snapshots when that cluster rejoins.
 */
export function recordFailoverLoss(global: GlobalClusterRecord, operation: GlobalOperation, at: number): DataCut {
  const lineage = (global.data ??= globalLineage(global))
  const oldVolume: DataCut = {key: lineage.key, through: at, losses: [...lineage.losses], base: lineage.base}
  const cutOff = operation.dataCutOff ?? operation.startedAt
  lineage.losses.push({writer: operation.fromArn, after: cutOff - (operation.dataLossMs ?? 0), at})
  return oldVolume
}
