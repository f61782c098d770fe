import type {Mutation} from './mutation.js'

export interface EcsDeployment {
  id: string
  /** `PRIMARY` (the newest), `ACTIVE` (being replaced) or `INACTIVE`. */
  status: string
  /** `IN_PROGRESS`, `COMPLETED` or `FAILED`; absent when ECS does not report it (CLB, external controllers). */
  rolloutState?: string
  rolloutStateReason?: string
  desiredCount: number
  runningCount: number
  failedTasks: number
}

export interface EcsService {
  name: string
  arn: string
  /** `ACTIVE`, `DRAINING` or `INACTIVE` (deleted). */
  status: string
  desiredCount: number
  runningCount: number
  deployments: EcsDeployment[]
}

/** What DescribeServices found: a service that does not exist is listed in `missing`, not thrown. */
export interface EcsServices {
  services: EcsService[]
  missing: string[]
}

/** Amazon ECS, in one Region (clusters and services are Regional). */
export interface EcsPort {
  readonly region: string
  /** Every service of every cluster in the Region, by cluster and service name, all pages. */
  listServices(): Promise<{cluster: string; service: string}[]>
  /** ClusterNotFoundException is thrown (kind not-found). */
  describeServices(cluster: string, services: string[]): Promise<EcsServices>
  /** The new deployment's id comes back: it is the one to wait for. */
  forceNewDeployment(cluster: string, service: string): Promise<Mutation & {deploymentId?: string}>
  setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<Mutation>
}
