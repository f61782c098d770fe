import {restoredData} from '../../data/lineage.js'
import {ApiError} from '../../errors.js'
import type {QueryOperation} from '../../protocol/query.js'
import type {ClusterRecord} from '../../world.js'
import {newCluster, newClusterId} from './clusters.js'
import {
  ENGINES,
  findCluster,
  findSnapshot,
  invalidCombination,
  invalidValue,
  requireSnapshotAvailable,
} from './lookup.js'
import {renderCluster} from './render.js'

/**
 * RestoreDBClusterFromSnapshot (aws-reference-steps §9): a new cluster, without instances, holding the snapshot's
 * data; and Enable/DisableHttpEndpoint, which let the RDS Data API reach a cluster (restores have no such member).
 */

export const restoreDbClusterFromSnapshot: QueryOperation = (context, params) => {
  const {world} = context
  const id = newClusterId(context, params)
  const snapshot = findSnapshot(world, context.region, params.required('SnapshotIdentifier'))
  requireSnapshotAvailable(snapshot)
  const engine = params.required('Engine')
  const spec = ENGINES[engine]
  if (!spec) throw invalidValue(`Invalid DB engine: ${engine}`)
  if (engine !== snapshot.engine) {
    throw invalidCombination(`The engine ${engine} does not match the snapshot's engine ${snapshot.engine}`)
  }
  const record = newCluster(context, params, {
    id,
    engine,
    engineVersion: params.string('EngineVersion') ?? snapshot.engineVersion,
    storageEncrypted: snapshot.storageEncrypted,
    kmsKeyId: params.string('KmsKeyId') ?? snapshot.kmsKeyId,
    defaultPort: spec.port,
  })
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
