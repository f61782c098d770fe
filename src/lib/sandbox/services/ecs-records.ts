import {ApiError} from '../errors.js'

// The ECS slice of the sandbox world: clusters, services and their deployments.

export const invalid = (message: string) => new ApiError('InvalidParameterException', message)

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
