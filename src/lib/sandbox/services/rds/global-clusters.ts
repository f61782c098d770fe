import {ApiError} from '../../errors.js'
import {outageSince, regionDown} from '../../faults.js'
import {derivedId, globalClusterArn, nextSeed, regionOfArn, upperId} from '../../ids.js'
import type {QueryOperation} from '../../protocol/query.js'
import {xmlList} from '../../protocol/xml.js'
import {detachData, globalFromClusterData} from '../../data/lineage.js'
import {auroraLagMs} from '../../replication-lag.js'
import {DURATIONS, scaled} from '../../time.js'
import {type ClusterRecord, type GlobalClusterRecord, type GlobalMemberRecord, membershipOf} from '../../world.js'
import type {CallContext} from '../context.js'
import {
  checkedIdentifier,
  clusterMatches,
  clusterOfArn,
  ENGINES,
  filters,
  identifier,
  invalidClusterState,
  invalidCombination,
  invalidGlobalState,
  invalidValue,
  paged,
  readTags,
  requireAvailable,
  requireGlobalAvailable,
} from './lookup.js'
import {
  clusterByArn,
  findGlobal,
  globalStatus,
  instancesOf,
  isArn,
  parseClusterArn,
  synchronizationStatus,
} from './records.js'
import {renderGlobal} from './render.js'

/**
 * Aurora global databases (aws-reference §2): switchover and managed failover (each requested in its own Region),
 * detaching a member, renaming, creating and deleting the global cluster.
 */

export const describeGlobalClusters: QueryOperation = (context, params) => {
  const id = params.string('GlobalClusterIdentifier')
  let list = context.world.rds.globalClusters
  if (id !== undefined) list = [findGlobal(context.world, id)]
  const byFilter = filters(params, ['region', 'db-cluster-id'])
  const regions = byFilter.get('region')
  if (regions)
    list = list.filter((global) => global.members.some((member) => regions.includes(regionOfArn(member.clusterArn))))
  const clusterIds = byFilter.get('db-cluster-id')
  if (clusterIds) {
    list = list.filter((global) =>
      global.members.some((member) =>
        clusterMatches({id: member.clusterArn.split(':').pop() ?? '', arn: member.clusterArn}, clusterIds),
      ),
    )
  }
  const {items, marker} = paged(params, list)
  return {
    GlobalClusters: xmlList(
      'GlobalClusterMember',
      items.map((global) => renderGlobal(context, global)),
    ),
    Marker: marker,
  }
}

function targetMember(context: CallContext, global: GlobalClusterRecord, target: string): GlobalMemberRecord {
  if (!isArn(target)) {
    throw invalidValue(`The parameter TargetDbClusterIdentifier must be a DB cluster ARN, not ${target}`)
  }
  clusterOfArn(context.world, target)
  const member = global.members.find((candidate) => candidate.clusterArn === target)
  if (!member) throw invalidValue(`The cluster ${target} is not found in global cluster ${global.id}`)
  if (member.isWriter) {
    throw invalidClusterState(`The cluster ${target} is already the primary cluster of global cluster ${global.id}`)
  }
  if (member.leavingAt !== undefined) {
    throw invalidClusterState(`The cluster ${target} is being removed from global cluster ${global.id}`)
  }
  return member
}

function requireWriterInstance(context: CallContext, cluster: ClusterRecord): void {
  const ready = instancesOf(context.world, cluster).some((instance) => instance.status === 'available')
  if (!ready) {
    throw invalidClusterState(
      `The cluster ${cluster.arn} has no DB instance in the available state; add an instance before promoting it`,
    )
  }
}

function startGlobalOperation(
  context: CallContext,
  global: GlobalClusterRecord,
  targetArn: string,
  allowDataLoss: boolean,
): void {
  const {world, now} = context
  const writer = global.members.find((member) => member.isWriter)
  if (!writer) throw invalidGlobalState(`Global cluster ${global.id} has no primary cluster`)
  if (global.operation) {
    throw invalidGlobalState(`Global cluster ${global.id} is already ${globalStatus(global)}`)
  }
  const member = targetMember(context, global, targetArn)
  const target = clusterByArn(world, targetArn) as ClusterRecord
  const primaryRegion = regionOfArn(writer.clusterArn)
  const lagMs = auroraLagMs(world, global, targetArn, now)

  if (!allowDataLoss) {
    if (context.region !== primaryRegion) {
      throw invalidValue(
        `Switchover of global cluster ${global.id} must be requested in the Region of its primary cluster (${primaryRegion}), not ${context.region}`,
      )
    }
    if (global.status !== 'available') {
      throw invalidGlobalState(`Global cluster ${global.id} is in ${global.status} state; it must be available`)
    }
    if (synchronizationStatus(member, now) !== 'connected') {
      throw invalidClusterState(`The cluster ${targetArn} is not synchronized with the primary (pending-resync)`)
    }
    for (const other of global.members) {
      const cluster = clusterByArn(world, other.clusterArn)
      if (!cluster || cluster.status !== 'available' || regionDown(world, cluster.region)) {
        throw invalidGlobalState(
          `Global cluster ${global.id} is not healthy: member ${other.clusterArn} is ${cluster && !regionDown(world, cluster.region) ? cluster.status : 'unreachable'}`,
        )
      }
    }
    requireWriterInstance(context, target)
    const duration = scaled(world, DURATIONS.switchover + lagMs / 1000)
    global.operation = {
      kind: 'switchover',
      fromArn: writer.clusterArn,
      toArn: targetArn,
      startedAt: now,
      phaseAt: now + Math.round(duration * DURATIONS.pendingFraction),
      completesAt: now + duration,
    }
    return
  }

  if (context.region !== target.region) {
    throw invalidValue(
      `A failover that allows data loss must be requested in the Region of the target cluster (${target.region}), not ${context.region}`,
    )
  }
  if (global.status === 'deleting' || global.status === 'creating') {
    throw invalidGlobalState(`Global cluster ${global.id} is in ${global.status} state`)
  }
  if (target.status !== 'available') {
    throw invalidClusterState(`The cluster ${targetArn} is in ${target.status} state; it must be available`)
  }
  requireWriterInstance(context, target)
  // The writes lost are those not yet replicated when the primary's Region went away (or now, if it did not).
  const cutOff = Math.min(now, outageSince(world, primaryRegion) ?? now)
  const duration = scaled(world, DURATIONS.managedFailover)
  global.operation = {
    kind: 'failover',
    fromArn: writer.clusterArn,
    toArn: targetArn,
    startedAt: now,
    phaseAt: now + Math.round(duration * DURATIONS.pendingFraction),
    completesAt: now + duration,
    dataLossMs: auroraLagMs(world, global, targetArn, cutOff),
    dataCutOff: cutOff,
  }
}

export const switchoverGlobalCluster: QueryOperation = (context, params) => {
  const global = findGlobal(context.world, params.required('GlobalClusterIdentifier'))
  startGlobalOperation(context, global, params.required('TargetDbClusterIdentifier'), false)
  return {GlobalCluster: renderGlobal(context, global)}
}

export const failoverGlobalCluster: QueryOperation = (context, params) => {
  const global = findGlobal(context.world, params.required('GlobalClusterIdentifier'))
  const target = params.required('TargetDbClusterIdentifier')
  const allowDataLoss = params.boolean('AllowDataLoss') ?? false
  const switchover = params.boolean('Switchover') ?? false
  if (allowDataLoss && switchover) {
    throw invalidCombination('AllowDataLoss and Switchover cannot both be set: choose one')
  }
  startGlobalOperation(context, global, target, allowDataLoss)
  return {GlobalCluster: renderGlobal(context, global)}
}

export const removeFromGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const global = findGlobal(world, params.required('GlobalClusterIdentifier'))
  const arn = params.required('DbClusterIdentifier')
  if (!parseClusterArn(arn)) {
    throw invalidValue(`The parameter DbClusterIdentifier must be a DB cluster ARN; ${arn} is malformed`)
  }
  const member = global.members.find((candidate) => candidate.clusterArn === arn)
  if (!member) throw invalidValue(`The cluster ${arn} is not found in global cluster ${global.id}`)
  if (context.region !== regionOfArn(arn)) {
    throw invalidValue(
      `RemoveFromGlobalCluster must be requested in the Region of the cluster being removed (${regionOfArn(arn)}), not ${context.region}`,
    )
  }
  if (member.leavingAt !== undefined) {
    throw invalidClusterState(`The cluster ${arn} is already being removed from global cluster ${global.id}`)
  }
  if (global.operation) throw invalidGlobalState(`Global cluster ${global.id} is ${globalStatus(global)}`)
  if (member.isWriter && global.members.length > 1) {
    throw invalidGlobalState(
      `The primary cluster ${arn} cannot be removed from global cluster ${global.id} while it has secondary clusters; remove them first`,
    )
  }
  const cluster = clusterByArn(world, arn) as ClusterRecord
  requireAvailable(cluster)
  detachData(world, cluster, now)
  member.leavingAt = now + scaled(world, DURATIONS.detachMembership)
  if (!member.isWriter) {
    cluster.status = 'promoting'
    cluster.transition = {kind: 'detach-promote', until: now + scaled(world, DURATIONS.detachPromote)}
  }
  world.history.push({
    at: now,
    event: 'detach',
    summary: `${cluster.id} (${cluster.region}) detached from ${global.id}; replication stopped`,
  })
  return {GlobalCluster: renderGlobal(context, global)}
}

export const modifyGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const global = findGlobal(world, params.required('GlobalClusterIdentifier'))
  const rawNewId = params.string('NewGlobalClusterIdentifier')
  const deletionProtection = params.boolean('DeletionProtection')
  if (params.has('EngineVersion')) {
    throw invalidValue('Engine version upgrades of global clusters are not simulated by the sandbox')
  }
  if (rawNewId === undefined && deletionProtection === undefined) {
    throw invalidCombination('No modifications were requested')
  }
  requireGlobalAvailable(global)
  if (rawNewId !== undefined) {
    const newId = checkedIdentifier(rawNewId, 'NewGlobalClusterIdentifier')
    if (newId !== global.id && world.rds.globalClusters.some((other) => other.id === newId)) {
      throw new ApiError('GlobalClusterAlreadyExistsFault', `Global cluster ${newId} already exists`)
    }
    if (newId !== global.id) {
      world.history.push({at: now, event: 'rename', summary: `global cluster ${global.id} renamed to ${newId}`})
      global.id = newId
    }
  }
  if (deletionProtection !== undefined) global.deletionProtection = deletionProtection
  global.status = 'modifying'
  global.statusUntil = now + scaled(world, DURATIONS.globalModify)
  return {GlobalCluster: renderGlobal(context, global)}
}

export const createGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const id = identifier(params, 'GlobalClusterIdentifier')
  if (world.rds.globalClusters.some((global) => global.id === id)) {
    throw new ApiError('GlobalClusterAlreadyExistsFault', `Global cluster ${id} already exists`)
  }
  const source = params.string('SourceDBClusterIdentifier')
  const engineParams = ['Engine', 'EngineVersion', 'DatabaseName', 'StorageEncrypted'].filter((name) =>
    params.has(name),
  )
  const seed = nextSeed(world, `global:${id}`)
  const record: GlobalClusterRecord = {
    id,
    resourceId: `cluster-${upperId(seed, 26).toLowerCase()}`,
    engine: '',
    engineVersion: '',
    status: 'creating',
    statusUntil: now + scaled(world, DURATIONS.globalCreate),
    deletionProtection: params.boolean('DeletionProtection') ?? false,
    storageEncrypted: false,
    endpointHash: derivedId(seed, 12),
    createdAt: now,
    members: [],
    pendingRejoins: [],
    tags: readTags(params),
  }
  if (source !== undefined) {
    if (engineParams.length > 0) {
      throw invalidCombination(
        `${engineParams.join(', ')} cannot be specified when creating a global cluster from an existing DB cluster (SourceDBClusterIdentifier)`,
      )
    }
    if (!parseClusterArn(source)) {
      throw invalidValue(`The parameter SourceDBClusterIdentifier must be a DB cluster ARN; ${source} is malformed`)
    }
    const cluster = clusterOfArn(world, source)
    if (cluster.region !== context.region) {
      throw invalidValue(
        `The source cluster ${source} is in ${cluster.region}; create the global cluster in that Region, not ${context.region}`,
      )
    }
    const existing = membershipOf(world, cluster.arn)
    if (existing) {
      throw invalidClusterState(`The cluster ${source} is already a member of global cluster ${existing.global.id}`)
    }
    requireAvailable(cluster)
    if (cluster.replicationSourceArn) {
      throw invalidClusterState(`The cluster ${source} is a read replica; promote it first`)
    }
    record.engine = cluster.engine
    record.engineVersion = cluster.engineVersion
    record.storageEncrypted = cluster.storageEncrypted
    record.databaseName = cluster.databaseName
    record.members.push({clusterArn: cluster.arn, isWriter: true, roleSince: now, writeForwarding: 'disabled'})
    globalFromClusterData(world, record, cluster, now)
  } else {
    const engine = params.string('Engine')
    if (engine === undefined) {
      throw invalidValue('When creating standalone global cluster, value for engineName should be specified')
    }
    const spec = ENGINES[engine]
    if (!spec)
      throw invalidValue(`Invalid DB engine: ${engine}; global clusters need aurora-mysql or aurora-postgresql`)
    record.engine = engine
    record.engineVersion = params.string('EngineVersion') ?? spec.defaultVersion
    record.storageEncrypted = params.boolean('StorageEncrypted') ?? false
    record.databaseName = params.string('DatabaseName')
  }
  world.rds.globalClusters.push(record)
  return {GlobalCluster: renderGlobal(context, record)}
}

export const deleteGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const global = findGlobal(world, params.required('GlobalClusterIdentifier'))
  const arn = globalClusterArn(world.account, global.id)
  if (global.status === 'deleting') throw invalidGlobalState(`Global Cluster ${arn} is already being deleted`)
  if (global.deletionProtection) {
    throw invalidCombination(
      'Cannot delete protected Global Cluster, please disable deletion protection and try again.',
    )
  }
  const recentlyEmptied =
    global.emptySince !== undefined && now < global.emptySince + scaled(world, DURATIONS.globalNotEmpty)
  if (global.members.length > 0 || global.pendingRejoins.length > 0 || recentlyEmptied) {
    throw invalidGlobalState(`Global Cluster ${arn} is not empty`)
  }
  if (global.operation) throw invalidGlobalState(`Global cluster ${global.id} is ${globalStatus(global)}`)
  global.status = 'deleting'
  global.statusUntil = now + scaled(world, DURATIONS.globalDelete)
  return {GlobalCluster: renderGlobal(context, global)}
}
