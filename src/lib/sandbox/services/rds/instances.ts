import {ApiError} from '../../errors.js'
import {instanceArn, nextSeed, upperId} from '../../ids.js'
import type {QueryOperation} from '../../protocol/query.js'
import {xmlList} from '../../protocol/xml.js'
import {DURATIONS, scaled} from '../../time.js'
import {type ClusterRecord, type InstanceRecord, membershipOf, type World} from '../../world.js'
import {
  defaultParameterGroup,
  filters,
  findCluster,
  findInstance,
  identifier,
  invalidClusterState,
  invalidCombination,
  invalidValue,
  ownerMatches,
  paged,
} from './lookup.js'
import {clusterOf, instancesOf, promoteAnotherWriter} from './records.js'
import {renderInstance} from './render.js'

/** Aurora DB instances: the writer role goes to the first instance of a cluster that has a writer role at all. */

export const describeDbInstances: QueryOperation = (context, params) => {
  const id = params.string('DBInstanceIdentifier')
  let list = context.world.rds.instances.filter((instance) => instance.region === context.region)
  if (id !== undefined) list = [findInstance(context, id)]
  const byFilter = filters(params, ['db-cluster-id', 'db-instance-id', 'dbi-resource-id', 'engine', 'domain'])
  const clusterIds = byFilter.get('db-cluster-id')
  if (clusterIds) {
    list = list.filter((instance) => ownerMatches(context.world, instance, clusterIds))
  }
  const instanceIds = byFilter.get('db-instance-id')
  if (instanceIds) {
    list = list.filter((instance) =>
      instanceIds.some((value) => value.toLowerCase() === instance.id || value === instance.arn),
    )
  }
  const resourceIds = byFilter.get('dbi-resource-id')
  if (resourceIds) list = list.filter((instance) => resourceIds.includes(instance.resourceId))
  const engines = byFilter.get('engine')
  if (engines) list = list.filter((instance) => engines.includes(instance.engine))
  if (byFilter.has('domain')) list = []
  const {items, marker} = paged(params, list)
  return {
    Marker: marker,
    DBInstances: xmlList(
      'DBInstance',
      items.map((instance) => renderInstance(context, instance)),
    ),
  }
}

/** Whether a new instance of `cluster` becomes its writer: only where the cluster has a writer role at all. */
function takesWriterRole(world: World, cluster: ClusterRecord): boolean {
  const member = membershipOf(world, cluster.arn)?.member
  if (member && !member.isWriter) return false
  if (cluster.status === 'promoting') return false
  return !instancesOf(world, cluster).some((instance) => instance.isWriter)
}

export const createDbInstance: QueryOperation = (context, params) => {
  const {world, now} = context
  const id = identifier(params, 'DBInstanceIdentifier')
  if (world.rds.instances.some((instance) => instance.region === context.region && instance.id === id)) {
    throw new ApiError('DBInstanceAlreadyExists', 'DB instance already exists')
  }
  const instanceClass = params.required('DBInstanceClass')
  const engine = params.required('Engine')
  if (params.boolean('DeletionProtection')) {
    throw invalidCombination(
      'Deletion Protection can only be applied on the Cluster level for Aurora instances. Please enable it on the Cluster.',
    )
  }
  const clusterId = params.string('DBClusterIdentifier')
  if (clusterId === undefined) {
    throw invalidValue(`DBClusterIdentifier is required for ${engine} instances`)
  }
  const cluster = findCluster(context, clusterId)
  if (cluster.engine !== engine) {
    throw invalidCombination(
      `The engine name requested for your DB instance (${engine}) doesn't match the engine name of your DB cluster (${cluster.engine}).`,
    )
  }
  if (cluster.status === 'deleting' || cluster.transition?.kind === 'final-snapshot') {
    throw invalidClusterState(`DB cluster ${cluster.id} is being deleted`)
  }
  const siblings = instancesOf(world, cluster)
  const seed = nextSeed(world, `instance:${context.region}:${id}`)
  const record: InstanceRecord = {
    id,
    region: context.region,
    arn: instanceArn(context.region, world.account, id),
    resourceId: `db-${upperId(seed, 26)}`,
    clusterId: cluster.id,
    instanceClass,
    engine,
    engineVersion: cluster.engineVersion,
    status: 'creating',
    transition: {kind: 'create', until: now + scaled(world, DURATIONS.instanceCreate)},
    isWriter: takesWriterRole(world, cluster),
    parameterGroup: params.string('DBParameterGroupName') ?? defaultParameterGroup(engine, cluster.engineVersion),
    availabilityZone: params.string('AvailabilityZone') ?? `${context.region}${'abc'[siblings.length % 3]}`,
    promotionTier: params.integer('PromotionTier') ?? 1,
    createdAt: now,
  }
  world.rds.instances.push(record)
  return {DBInstance: renderInstance(context, record)}
}

export const deleteDbInstance: QueryOperation = (context, params) => {
  const {world, now} = context
  const instance = findInstance(context, params.required('DBInstanceIdentifier'))
  if (params.has('FinalDBSnapshotIdentifier')) {
    throw invalidCombination('FinalDBSnapshotIdentifier cannot be specified when deleting a cluster instance')
  }
  if (instance.status === 'deleting') {
    throw new ApiError('InvalidDBInstanceState', `Instance ${instance.id} is already being deleted.`)
  }
  const cluster = clusterOf(world, instance)
  if (cluster?.replicationSourceArn) {
    const remaining = instancesOf(world, cluster).filter((other) => other.status !== 'deleting')
    if (remaining.length === 1) {
      throw invalidClusterState(
        'Cannot delete the last instance of the read replica DB cluster. Promote the DB cluster to a standalone DB cluster in order to delete it.',
      )
    }
  }
  instance.status = 'deleting'
  instance.transition = {kind: 'delete', until: now + scaled(world, DURATIONS.instanceDelete)}
  if (instance.isWriter && cluster) {
    instance.isWriter = false
    promoteAnotherWriter(world, cluster)
  }
  return {DBInstance: renderInstance(context, instance)}
}
