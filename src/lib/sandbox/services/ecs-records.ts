import {ApiError} from '../errors.js'
import {type CallContext, optionalString} from './context.js'

// The ECS slice of the sandbox world: clusters, services and their deployments.

const DEFAULT_CLUSTER = 'default'

export const invalid = (message: string) => new ApiError('InvalidParameterException', message)
const clusterNotFound = () => new ApiError('ClusterNotFoundException', 'Cluster not found.')

/** The cluster a call names (name or ARN; `default` when omitted), in the caller's Region. */
export function findCluster(context: CallContext, input: Record<string, unknown>): EcsClusterRecord {
  const given = optionalString(input, 'cluster', invalid) ?? DEFAULT_CLUSTER
  const found = context.world.ecs.clusters.find(
    (cluster) => cluster.region === context.region && (cluster.name === given || cluster.arn === given),
  )
  if (!found) throw clusterNotFound()
  return found
}

export interface EcsDeploymentRecord {
  id: string
  /** `PRIMARY` (the newest) or `ACTIVE` (being replaced); a drained deployment is dropped. */
  status: 'PRIMARY' | 'ACTIVE'
  taskDefinition: string
  desiredCount: number
  runningCount: number
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'
  rolloutStateReason: string
  createdAt: number
  updatedAt: number
  /** When its running count reaches its target: the desired count (PRIMARY), 0 (an ACTIVE one draining). */
  changeAt?: number
}

export interface EcsServiceEvent {
  id: string
  createdAt: number
  message: string
}

export interface EcsServiceRecord {
  name: string
  arn: string
  taskDefinition: string
  createdAt: number
  deployments: EcsDeploymentRecord[]
  /** Newest first, at most 100, as ECS keeps them. */
  events: EcsServiceEvent[]
}

export interface EcsClusterRecord {
  name: string
  region: string
  arn: string
  createdAt: number
  services: EcsServiceRecord[]
}
