import {recordFailoverLoss} from '../../data/lineage.js'
import {regionDown} from '../../faults.js'
import {regionOfArn} from '../../ids.js'
import {DURATIONS, scaled} from '../../time.js'
import type {ClusterRecord, GlobalClusterRecord, World} from '../../world.js'
import {addDue, type DueEvent} from '../context.js'
import {clusterByArn, instancesOf, newSnapshot, promoteAnotherWriter} from './records.js'

/** How RDS changes with time: transitions started by the operations complete when they are due. */

function pad(value: number): string {
  return String(value).padStart(2, '0')
}

/** `rds:unplanned-global-failover-<cluster>-<yyyy-mm-dd-hh-mm>` (aws-reference §2.3). */
function unplannedFailoverSnapshotId(clusterId: string, at: number): string {
  const date = new Date(at)
  return `rds:unplanned-global-failover-${clusterId}-${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}-${pad(date.getUTCHours())}-${pad(date.getUTCMinutes())}`
}

/** The old primary of a managed failover comes back as a secondary, after Aurora snapshots its old volume. */
function rejoin(world: World, global: GlobalClusterRecord, arn: string, at: number): void {
  const oldVolume = global.pendingRejoins.find((pending) => pending.clusterArn === arn)?.oldVolume
  global.pendingRejoins = global.pendingRejoins.filter((pending) => pending.clusterArn !== arn)
  const cluster = clusterByArn(world, arn)
  if (!cluster) return
  const snapshotId = unplannedFailoverSnapshotId(cluster.id, at)
  if (!world.rds.snapshots.some((snapshot) => snapshot.region === cluster.region && snapshot.id === snapshotId)) {
    const snapshot = newSnapshot(world, cluster, snapshotId, 'automated', at, at)
    snapshot.data = oldVolume ?? snapshot.data
    world.rds.snapshots.push(snapshot)
  }
  for (const instance of instancesOf(world, cluster)) instance.isWriter = false
  global.members.push({
    clusterArn: arn,
    isWriter: false,
    roleSince: at,
    resyncUntil: at + scaled(world, DURATIONS.rejoin),
    writeForwarding: 'disabled',
  })
  world.history.push({
    at,
    event: 'rejoin',
    summary: `${cluster.id} (${cluster.region}) rejoined ${global.id} as a secondary (pending-resync); system snapshot ${snapshotId}`,
  })
}

function completeOperation(world: World, global: GlobalClusterRecord, at: number): void {
  const operation = global.operation
  if (!operation) return
  global.operation = undefined
  global.status = 'available'
  const from = global.members.find((member) => member.clusterArn === operation.fromArn)
  const to = global.members.find((member) => member.clusterArn === operation.toArn)
  const target = clusterByArn(world, operation.toArn)
  if (!to || !target) return
  to.isWriter = true
  to.roleSince = at
  to.resyncUntil = undefined
  promoteAnotherWriter(world, target)
  const fromCluster = clusterByArn(world, operation.fromArn)
  const fromName = fromCluster ? `${fromCluster.id} (${fromCluster.region})` : operation.fromArn
  const toName = `${target.id} (${target.region})`
  if (operation.kind === 'switchover') {
    if (from) {
      from.isWriter = false
      from.roleSince = at
    }
    if (fromCluster) for (const instance of instancesOf(world, fromCluster)) instance.isWriter = false
    world.history.push({at, event: 'switchover', summary: `${global.id}: writer moved from ${fromName} to ${toName}`})
    return
  }
  const lost = operation.dataLossMs ?? 0
  world.history.push({
    at,
    event: 'managed-failover',
    summary: `${global.id}: managed failover from ${fromName} to ${toName}; about ${Math.round(lost)} ms of writes lost`,
    dataLossMs: lost,
  })
  // The other secondaries are rebuilt from the new primary.
  for (const member of global.members) {
    if (member !== to && member !== from) {
      member.resyncUntil = at + scaled(world, DURATIONS.rejoin)
      member.roleSince = at
    }
  }
  global.members = global.members.filter((member) => member !== from)
  const oldVolume = recordFailoverLoss(global, operation, at)
  global.pendingRejoins.push({clusterArn: operation.fromArn, since: at, oldVolume})
  if (fromCluster && !regionDown(world, fromCluster.region)) rejoin(world, global, operation.fromArn, at)
}

function removeCluster(world: World, cluster: ClusterRecord, at: number): void {
  world.rds.clusters = world.rds.clusters.filter((c) => c !== cluster)
  world.rds.instances = world.rds.instances.filter(
    (instance) => !(instance.region === cluster.region && instance.clusterId === cluster.id),
  )
  for (const global of world.rds.globalClusters) {
    const before = global.members.length
    global.members = global.members.filter((member) => member.clusterArn !== cluster.arn)
    global.pendingRejoins = global.pendingRejoins.filter((pending) => pending.clusterArn !== cluster.arn)
    if (before > 0 && global.members.length === 0) global.emptySince = at
  }
}

/** Everything in RDS that is due by `now`, each applied at its own time. */
export function rdsDueEvents(world: World, now: number): DueEvent[] {
  const events: DueEvent[] = []
  for (const global of world.rds.globalClusters) {
    addDue(events, global.statusUntil, now, () => {
      global.statusUntil = undefined
      if (global.status === 'deleting') world.rds.globalClusters = world.rds.globalClusters.filter((g) => g !== global)
      else global.status = 'available'
    })
    addDue(events, global.operation?.completesAt, now, (at) => completeOperation(world, global, at))
    for (const member of global.members) {
      addDue(events, member.leavingAt, now, (at) => {
        global.members = global.members.filter((m) => m !== member)
        if (global.members.length === 0) global.emptySince = at
      })
    }
    for (const pending of global.pendingRejoins) {
      if (!regionDown(world, regionOfArn(pending.clusterArn))) {
        events.push({at: Math.max(pending.since, now), apply: () => rejoin(world, global, pending.clusterArn, now)})
      }
    }
  }
  for (const cluster of world.rds.clusters) {
    const transition = cluster.transition
    if (!transition) continue
    addDue(events, transition.until, now, () => {
      cluster.transition = undefined
      switch (transition.kind) {
        case 'create':
        case 'replica-promote':
          cluster.status = 'available'
          if (transition.kind === 'replica-promote') {
            cluster.replicationSourceArn = undefined
            if (!instancesOf(world, cluster).some((i) => i.isWriter)) promoteAnotherWriter(world, cluster)
          }
          break
        case 'detach-promote':
          cluster.status = 'available'
          promoteAnotherWriter(world, cluster)
          break
        case 'failover':
          cluster.status = 'available'
          promoteAnotherWriter(
            world,
            cluster,
            transition.targetInstanceId ??
              instancesOf(world, cluster).find((i) => !i.isWriter && i.status === 'available')?.id,
          )
          break
        case 'final-snapshot':
          cluster.status = 'deleting'
          cluster.transition = {kind: 'delete', until: transition.until + scaled(world, DURATIONS.clusterDelete)}
          break
        case 'delete':
          removeCluster(world, cluster, transition.until)
          break
      }
    })
  }
  for (const instance of world.rds.instances) {
    const transition = instance.transition
    if (!transition) continue
    addDue(events, transition.until, now, () => {
      instance.transition = undefined
      if (transition.kind === 'create') instance.status = 'available'
      else world.rds.instances = world.rds.instances.filter((i) => i !== instance)
    })
  }
  for (const snapshot of world.rds.snapshots) {
    addDue(events, snapshot.availableAt, now, () => {
      snapshot.availableAt = undefined
      snapshot.status = 'available'
    })
  }
  return events
}
