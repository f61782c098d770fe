import {ApiError, SandboxError} from '../errors.js'
import {derivedId, nextSeed, uuidFrom} from '../ids.js'
import type {World} from '../world.js'
import {
  type EcsClusterRecord,
  type EcsDeploymentRecord,
  type EcsServiceRecord,
  findCluster,
  invalid,
} from './ecs-records.js'
import {listClusters, listServices} from './ecs-lists.js'
import type {JsonOperation, JsonService} from '../protocol/aws-json.js'
import {DURATIONS, scaled} from '../time.js'
import {
  addDue,
  type DueEvent,
  epochSeconds,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requiredString,
} from './context.js'

/**
 * Amazon ECS services (awsJson1_1, aws-reference-steps §5): rolling deployments and task counts that change with the
 * world's clock. A forced deployment becomes PRIMARY and starts its tasks; the one it replaces becomes ACTIVE and
 * drains once they are healthy; then the new one is COMPLETED. A desired-count change starts or stops tasks of the
 * PRIMARY deployment without a new deployment.
 */

/** DescribeServices takes at most this many services. */
const DESCRIBE_LIMIT = 10
/** ECS keeps the latest 100 events of a service. */
const EVENTS_KEPT = 100

const serviceNotFound = () => new ApiError('ServiceNotFoundException', 'Service not found.')

export function ecsClusterArn(region: string, account: string, name: string): string {
  return `arn:aws:ecs:${region}:${account}:cluster/${name}`
}

function serviceArn(region: string, account: string, cluster: string, name: string): string {
  return `arn:aws:ecs:${region}:${account}:service/${cluster}/${name}`
}

function findService(cluster: EcsClusterRecord, nameOrArn: string): EcsServiceRecord | undefined {
  return cluster.services.find((service) => service.name === nameOrArn || service.arn === nameOrArn)
}

function primaryOf(service: EcsServiceRecord): EcsDeploymentRecord {
  return service.deployments.find((deployment) => deployment.status === 'PRIMARY') as EcsDeploymentRecord
}

function pendingOf(deployment: EcsDeploymentRecord): number {
  return deployment.changeAt === undefined ? 0 : Math.max(0, deployment.desiredCount - deployment.runningCount)
}

function renderDeployment(deployment: EcsDeploymentRecord): Record<string, unknown> {
  return {
    id: deployment.id,
    status: deployment.status,
    taskDefinition: deployment.taskDefinition,
    desiredCount: deployment.desiredCount,
    pendingCount: pendingOf(deployment),
    runningCount: deployment.runningCount,
    failedTasks: 0,
    createdAt: epochSeconds(deployment.createdAt),
    updatedAt: epochSeconds(deployment.updatedAt),
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    rolloutState: deployment.rolloutState,
    rolloutStateReason: deployment.rolloutStateReason,
  }
}

function renderService(world: World, cluster: EcsClusterRecord, service: EcsServiceRecord): Record<string, unknown> {
  const primary = primaryOf(service)
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: cluster.arn,
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: primary.desiredCount,
    runningCount: service.deployments.reduce((sum, deployment) => sum + deployment.runningCount, 0),
    pendingCount: service.deployments.reduce((sum, deployment) => sum + pendingOf(deployment), 0),
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: service.taskDefinition,
    deploymentConfiguration: {
      deploymentCircuitBreaker: {enable: false, rollback: false},
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: service.deployments.map(renderDeployment),
    events: service.events.map((event) => ({
      id: event.id,
      createdAt: epochSeconds(event.createdAt),
      message: event.message,
    })),
    createdAt: epochSeconds(service.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: 'REPLICA',
    deploymentController: {type: 'ECS'},
    createdBy: `arn:aws:iam::${world.account}:role/${cluster.name}-deployer`,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
  }
}

function addEvent(world: World, service: EcsServiceRecord, at: number, message: string): void {
  service.events.unshift({id: uuidFrom(nextSeed(world, `ecs-event:${service.arn}`)), createdAt: at, message})
  service.events.splice(EVENTS_KEPT)
}

function newDeploymentId(world: World, service: EcsServiceRecord): string {
  return `ecs-svc/${derivedId(nextSeed(world, `ecs-deployment:${service.arn}`), 19, '0123456789')}`
}

const describeServices: JsonOperation = (context, input) => {
  const cluster = findCluster(context, input)
  const names = (optionalArray(input, 'services', invalid) ?? []).map(String)
  if (names.length === 0) throw invalid('Services cannot be empty.')
  if (names.length > DESCRIBE_LIMIT) throw invalid(`Services cannot contain more than ${DESCRIBE_LIMIT} elements.`)
  const services: Record<string, unknown>[] = []
  const failures: Record<string, unknown>[] = []
  for (const name of names) {
    const service = findService(cluster, name)
    if (service) services.push(renderService(context.world, cluster, service))
    else {
      const arn = name.startsWith('arn:') ? name : serviceArn(context.region, context.world.account, cluster.name, name)
      failures.push({arn, reason: 'MISSING'})
    }
  }
  return {services, failures}
}

const updateService: JsonOperation = (context, input) => {
  const {world, now} = context
  const cluster = findCluster(context, input)
  const service = findService(cluster, requiredString(input, 'service', invalid))
  if (!service) throw serviceNotFound()
  const desiredCount = optionalNumber(input, 'desiredCount', invalid)
  if (desiredCount !== undefined && (!Number.isInteger(desiredCount) || desiredCount < 0)) {
    throw invalid('desiredCount must be a whole number, 0 or more.')
  }
  if (optionalString(input, 'taskDefinition', invalid) !== undefined) {
    throw invalid('The sandbox does not simulate task definition changes: use forceNewDeployment or desiredCount.')
  }
  const primary = primaryOf(service)
  if (optionalBoolean(input, 'forceNewDeployment', invalid)) {
    startDeployment(world, service, desiredCount ?? primary.desiredCount, now)
  } else if (desiredCount !== undefined && desiredCount !== primary.desiredCount) {
    const starting = desiredCount > primary.runningCount
    primary.desiredCount = desiredCount
    primary.updatedAt = now
    primary.changeAt = now + scaled(world, starting ? DURATIONS.ecsTasksStart : DURATIONS.ecsTasksStop)
  }
  return {service: renderService(world, cluster, service)}
}

/** A new PRIMARY deployment of the same task definition; the current one is replaced (ACTIVE, drained later). */
function startDeployment(world: World, service: EcsServiceRecord, desiredCount: number, now: number): void {
  for (const deployment of service.deployments) {
    if (deployment.status !== 'PRIMARY') continue
    deployment.status = 'ACTIVE'
    deployment.updatedAt = now
    // Its tasks stay as they are until the new deployment's are healthy, then drain.
    deployment.changeAt = undefined
  }
  const id = newDeploymentId(world, service)
  service.deployments.unshift({
    id,
    status: 'PRIMARY',
    taskDefinition: service.taskDefinition,
    desiredCount,
    runningCount: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment in progress.',
    createdAt: now,
    updatedAt: now,
    changeAt: now + scaled(world, DURATIONS.ecsTasksStart),
  })
}

/** The PRIMARY deployment's tasks reached its desired count: replaced deployments start draining. */
function primaryReached(world: World, service: EcsServiceRecord, deployment: EcsDeploymentRecord, at: number): void {
  const change = deployment.desiredCount - deployment.runningCount
  deployment.runningCount = deployment.desiredCount
  deployment.changeAt = undefined
  deployment.updatedAt = at
  if (change > 0) addEvent(world, service, at, `(service ${service.name}) has started ${change} tasks.`)
  if (change < 0) addEvent(world, service, at, `(service ${service.name}) has stopped ${-change} running tasks.`)
  for (const old of service.deployments) {
    if (old.status !== 'ACTIVE' || old.changeAt !== undefined) continue
    old.desiredCount = 0
    old.updatedAt = at
    old.changeAt = at + scaled(world, DURATIONS.ecsDrain)
  }
  settle(world, service, at)
}

/** A replaced deployment has drained: it is gone from the service. */
function drained(world: World, service: EcsServiceRecord, deployment: EcsDeploymentRecord, at: number): void {
  service.deployments = service.deployments.filter((candidate) => candidate !== deployment)
  if (deployment.runningCount > 0) {
    addEvent(world, service, at, `(service ${service.name}) has stopped ${deployment.runningCount} running tasks.`)
  }
  settle(world, service, at)
}

/** With one deployment left at its desired count, the rollout has COMPLETED and the service is steady. */
function settle(world: World, service: EcsServiceRecord, at: number): void {
  const primary = primaryOf(service)
  if (service.deployments.length > 1 || primary.changeAt !== undefined) return
  if (primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED'
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`
    addEvent(world, service, at, `(service ${service.name}) (deployment ${primary.id}) deployment completed.`)
  }
  addEvent(world, service, at, `(service ${service.name}) has reached a steady state.`)
}

export function ecsDueEvents(world: World, now: number): DueEvent[] {
  const events: DueEvent[] = []
  for (const cluster of world.ecs.clusters) {
    for (const service of cluster.services) {
      for (const deployment of service.deployments) {
        addDue(events, deployment.changeAt, now, (at) =>
          deployment.status === 'PRIMARY'
            ? primaryReached(world, service, deployment, at)
            : drained(world, service, deployment, at),
        )
      }
    }
  }
  return events
}

export const ecsService: JsonService = {
  protocol: 'awsJson1_1',
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  dueEvents: ecsDueEvents,
  operations: {
    DescribeServices: describeServices,
    UpdateService: updateService,
    ListClusters: listClusters,
    ListServices: listServices,
  },
}

// ---- Seeding -------------------------------------------------------------------------------------------------------

export interface EcsServiceSeed {
  name: string
  desiredCount: number
  /** `family:revision` (default `<service>:1`). */
  taskDefinition?: string
}

/**
 * Adds services to an ECS cluster of `region` (creating the cluster if needed), each steady at `at`: one COMPLETED
 * PRIMARY deployment running its desired count. For scenarios and tests.
 */
export function seedEcsServices(
  world: World,
  spec: {region: string; cluster: string; services: EcsServiceSeed[]},
  at: number,
): EcsClusterRecord {
  const {region} = spec
  let cluster = world.ecs.clusters.find((candidate) => candidate.region === region && candidate.name === spec.cluster)
  if (!cluster) {
    cluster = {
      name: spec.cluster,
      region,
      arn: ecsClusterArn(region, world.account, spec.cluster),
      createdAt: at,
      services: [],
    }
    world.ecs.clusters.push(cluster)
  }
  for (const seed of spec.services) {
    if (findService(cluster, seed.name)) {
      throw new SandboxError('bad-argument', `ECS service ${spec.cluster}/${seed.name} already exists in ${region}`)
    }
    const taskDefinition = `arn:aws:ecs:${region}:${world.account}:task-definition/${seed.taskDefinition ?? `${seed.name}:1`}`
    const service: EcsServiceRecord = {
      name: seed.name,
      arn: serviceArn(region, world.account, spec.cluster, seed.name),
      taskDefinition,
      createdAt: at,
      deployments: [],
      events: [],
    }
    const id = newDeploymentId(world, service)
    service.deployments.push({
      id,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: seed.desiredCount,
      runningCount: seed.desiredCount,
      rolloutState: 'COMPLETED',
      rolloutStateReason: `ECS deployment ${id} completed.`,
      createdAt: at,
      updatedAt: at,
    })
    addEvent(world, service, at, `(service ${seed.name}) has reached a steady state.`)
    cluster.services.push(service)
  }
  return cluster
}

// ---- sandbox show --------------------------------------------------------------------------------------------------

export interface EcsClusterView {
  name: string
  services: {
    name: string
    desiredCount: number
    runningCount: number
    deployments: {id: string; status: string; rolloutState: string; desiredCount: number; runningCount: number}[]
  }[]
}

export function viewEcs(world: World, region: string): EcsClusterView[] {
  return world.ecs.clusters
    .filter((cluster) => cluster.region === region)
    .map((cluster) => ({
      name: cluster.name,
      services: cluster.services.map((service) => ({
        name: service.name,
        desiredCount: primaryOf(service).desiredCount,
        runningCount: service.deployments.reduce((sum, deployment) => sum + deployment.runningCount, 0),
        deployments: service.deployments.map(({id, status, rolloutState, desiredCount, runningCount}) => ({
          id,
          status,
          rolloutState,
          desiredCount,
          runningCount,
        })),
      })),
    }))
}
