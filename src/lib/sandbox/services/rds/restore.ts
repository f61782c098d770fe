import {restoredData} from '../../data/lineage.js'
import {ApiError} from '../../errors.js'
import {clusterArn, nextSeed, upperId} from '../../ids.js'
import type {QueryOperation} from '../../protocol/query.js'
import {DURATIONS, scaled} from '../../time.js'
import type {ClusterRecord} from '../../world.js'
import {
  defaultParameterGroup,
  ENGINES,
  findCluster,
  identifier,
  invalidCombination,
  invalidValue,
  readTags,
  snapshotNotFound,
} from './lookup.js'
import {isArn, snapshotsIn} from './records.js'
import {renderCluster} from './render.js'

/**
 * RestoreDBClusterFromSnapshot (aws-reference-steps §9): a new cluster, without instances, holding the snapshot's
 * data; and Enable/DisableHttpEndpoint, which let the RDS Data API reach a cluster (restores have no such member).
 */

export const restoreDbClusterFromSnapshot: QueryOperation = (context, params) => {
  const {world, now} = context
  const id = identifier(params, 'DBClusterIdentifier')
  if (world.rds.clusters.some((cluster) => cluster.region === context.region && cluster.id === id)) {
    throw new ApiError('DBClusterAlreadyExistsFault', 'DB Cluster already exists')
  }
  const snapshotId = params.required('SnapshotIdentifier')
  const snapshot = snapshotsIn(world, context.region).find((candidate) =>
    isArn(snapshotId) ? candidate.arn === snapshotId : candidate.id === snapshotId.toLowerCase(),
  )
  if (!snapshot) throw snapshotNotFound(snapshotId)
  if (snapshot.status !== 'available') {
    throw new ApiError('InvalidDBClusterSnapshotStateFault', `Snapshot ${snapshot.id} is in ${snapshot.status} state`)
  }
  const engine = params.required('Engine')
  const spec = ENGINES[engine]
  if (!spec) throw invalidValue(`Invalid DB engine: ${engine}`)
  if (engine !== snapshot.engine) {
    throw invalidCombination(`The engine ${engine} does not match the snapshot's engine ${snapshot.engine}`)
  }
  const engineVersion = params.string('EngineVersion') ?? snapshot.engineVersion
  const kmsKeyId = params.string('KmsKeyId') ?? snapshot.kmsKeyId
  const seed = nextSeed(world, `cluster:${context.region}:${id}`)
  const record: ClusterRecord = {
    id,
    region: context.region,
    arn: clusterArn(context.region, world.account, id),
    resourceId: `cluster-${upperId(seed, 26)}`,
    engine,
    engineVersion,
    status: 'creating',
    transition: {kind: 'create', until: now + scaled(world, DURATIONS.clusterCreate)},
    deletionProtection: params.boolean('DeletionProtection') ?? false,
    storageEncrypted: snapshot.storageEncrypted,
    kmsKeyId,
    subnetGroup: params.string('DBSubnetGroupName') ?? 'default',
    securityGroupIds: params.list('VpcSecurityGroupIds'),
    parameterGroup: params.string('DBClusterParameterGroupName') ?? defaultParameterGroup(engine, engineVersion),
    port: params.integer('Port') ?? spec.port,
    createdAt: now,
    tags: readTags(params),
  }
  if (snapshot.data) restoredData(world, record, snapshot.data)
  world.rds.clusters.push(record)
  return {DBCluster: renderCluster(context, record)}
}

function setHttpEndpoint(enabled: boolean): QueryOperation {
  return (context, params) => {
    const arn = params.required('ResourceArn')
    let cluster: ClusterRecord
    try {
      cluster = findCluster(context, arn)
    } catch {
      throw new ApiError('ResourceNotFoundFault', `The specified resource ARN ${arn} can't be found.`, 404)
    }
    if (cluster.status !== 'available') {
      throw new ApiError('InvalidResourceStateFault', `DB cluster ${cluster.id} is in ${cluster.status} state`)
    }
    cluster.httpEndpointEnabled = enabled
    return {ResourceArn: cluster.arn, HttpEndpointEnabled: enabled}
  }
}

export const enableHttpEndpoint = setHttpEndpoint(true)
export const disableHttpEndpoint = setHttpEndpoint(false)
