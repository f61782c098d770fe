import {ApiError} from '../../errors.js'
import {clusterArn, regionOfArn} from '../../ids.js'
import type {QueryParams} from '../../protocol/query.js'
import type {ClusterRecord, GlobalClusterRecord, InstanceRecord, SnapshotRecord, Tag, World} from '../../world.js'
import {type CallContext, page, RDS_IDENTIFIER} from '../context.js'
import {clusterByArn, globalStatus, isArn, parseClusterArn, snapshotsIn} from './records.js'

/**
 * What the RDS operations share: the engines simulated, the errors RDS answers with, identifier checks, lookups as
 * the caller's Region sees them, paging and filters.
 */

export const ENGINES: Record<string, {defaultVersion: string; family: (version: string) => string; port: number}> = {
  'aurora-postgresql': {
    defaultVersion: '15.4',
    family: (version) => `aurora-postgresql${version.split('.')[0]}`,
    port: 5432,
  },
  'aurora-mysql': {
    defaultVersion: '8.0.mysql_aurora.3.05.2',
    family: (version) => (version.startsWith('5.7') ? 'aurora-mysql5.7' : 'aurora-mysql8.0'),
    port: 3306,
  },
}

export function defaultParameterGroup(engine: string, version: string): string {
  const spec = ENGINES[engine]
  return spec ? `default.${spec.family(version)}` : `default.${engine}`
}

// ---- Errors ------------------------------------------------------------------------------------------------------

export const clusterNotFound = (id: string) => new ApiError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404)
export const instanceNotFound = (id: string) => new ApiError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404)
export const snapshotNotFound = (id: string) =>
  new ApiError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`, 404)
export const invalidValue = (message: string) => new ApiError('InvalidParameterValue', message)
export const invalidCombination = (message: string) => new ApiError('InvalidParameterCombination', message)
export const invalidGlobalState = (message: string) => new ApiError('InvalidGlobalClusterStateFault', message)
export const invalidClusterState = (message: string) => new ApiError('InvalidDBClusterStateFault', message)

/** A required identifier parameter, validated as RDS does and stored lowercase. */
export function identifier(params: QueryParams, name: string, pattern = RDS_IDENTIFIER): string {
  return checkedIdentifier(params.required(name), name, pattern)
}

export function checkedIdentifier(value: string, name: string, pattern = RDS_IDENTIFIER): string {
  if (!pattern.test(value)) {
    throw invalidValue(
      `The parameter ${name} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    )
  }
  return value.toLowerCase()
}

// ---- Lookups -----------------------------------------------------------------------------------------------------

/** A cluster by identifier or ARN, as the caller's Region sees it: another Region's cluster is "not found". */
export function findCluster(context: CallContext, idOrArn: string): ClusterRecord {
  if (isArn(idOrArn)) {
    const parsed = parseClusterArn(idOrArn)
    const found = parsed && parsed.region === context.region ? clusterByArn(context.world, idOrArn) : undefined
    if (!found) throw clusterNotFound(idOrArn)
    return found
  }
  const id = idOrArn.toLowerCase()
  const found = context.world.rds.clusters.find((cluster) => cluster.region === context.region && cluster.id === id)
  if (!found) throw clusterNotFound(idOrArn)
  return found
}

/** A cluster by ARN in any Region (a replication source, a global cluster's member), or "not found". */
export function clusterOfArn(world: World, arn: string): ClusterRecord {
  const found = clusterByArn(world, arn)
  if (!found) throw clusterNotFound(arn)
  return found
}

export function findInstance(context: CallContext, idOrArn: string): InstanceRecord {
  const id = (isArn(idOrArn) ? (idOrArn.split(':').pop() ?? '') : idOrArn).toLowerCase()
  const regionMatches = !isArn(idOrArn) || regionOfArn(idOrArn) === context.region
  const found = regionMatches
    ? context.world.rds.instances.find((instance) => instance.region === context.region && instance.id === id)
    : undefined
  if (!found) throw instanceNotFound(idOrArn)
  return found
}

/**
 * A cluster snapshot in `region`, by identifier or ARN, or "not found" naming `shownAs` (what the request named it
 * by). A cross-Region copy passes its source ARN's Region.
 */
export function findSnapshot(world: World, region: string, idOrArn: string, shownAs = idOrArn): SnapshotRecord {
  const found = snapshotsIn(world, region).find((snapshot) =>
    isArn(idOrArn) ? snapshot.arn === idOrArn : snapshot.id === idOrArn.toLowerCase(),
  )
  if (!found) throw snapshotNotFound(shownAs)
  return found
}

export function requireSnapshotAvailable(snapshot: SnapshotRecord): void {
  if (snapshot.status !== 'available') {
    throw new ApiError('InvalidDBClusterSnapshotStateFault', `Snapshot ${snapshot.id} is in ${snapshot.status} state`)
  }
}

export function requireAvailable(cluster: ClusterRecord): void {
  if (cluster.status !== 'available') {
    throw invalidClusterState(`DB cluster ${cluster.id} is in ${cluster.status} state; it must be available`)
  }
}

export function requireGlobalAvailable(global: GlobalClusterRecord): void {
  if (global.operation || global.status !== 'available') {
    throw invalidGlobalState(`Global cluster ${global.id} is in ${globalStatus(global)} state; it must be available`)
  }
}

export function requireNewSnapshotId(world: World, region: string, id: string): void {
  if (snapshotsIn(world, region).some((snapshot) => snapshot.id === id)) {
    throw new ApiError(
      'DBClusterSnapshotAlreadyExistsFault',
      `Cannot create the cluster snapshot because one with the identifier ${id} already exists.`,
    )
  }
}

export function readTags(params: QueryParams): Tag[] {
  return params.structures('Tags').map((tag) => ({Key: tag.string('Key') ?? '', Value: tag.string('Value') ?? ''}))
}

// ---- Paging and filters --------------------------------------------------------------------------------------------

export function paged<T>(params: QueryParams, items: T[]): {items: T[]; marker?: string} {
  const maxRecords = params.integer('MaxRecords') ?? 100
  if (maxRecords < 20 || maxRecords > 100) {
    throw invalidValue(`Invalid value ${maxRecords} for MaxRecords. Must be between 20 and 100`)
  }
  const result = page(items, params.string('Marker'), maxRecords, () => invalidValue('Invalid marker'))
  return {items: result.items, marker: result.next}
}

export function filters(params: QueryParams, known: string[]): Map<string, string[]> {
  const result = new Map<string, string[]>()
  for (const filter of params.structures('Filters')) {
    const name = filter.required('Name')
    if (!known.includes(name)) throw invalidValue(`Unrecognized filter name: ${name}`)
    result.set(name, filter.list('Values'))
  }
  return result
}

/** Matches an identifier-or-ARN filter value against a cluster. */
export function clusterMatches(cluster: {id: string; arn: string}, values: string[]): boolean {
  return values.some((value) => value.toLowerCase() === cluster.id || value === cluster.arn)
}

/** Matches an identifier-or-ARN filter value against the cluster an instance or snapshot belongs to. */
export function ownerMatches(world: World, owned: {region: string; clusterId: string}, values: string[]): boolean {
  return clusterMatches({id: owned.clusterId, arn: clusterArn(owned.region, world.account, owned.clusterId)}, values)
}
