import type {World} from './world.js'

/** Realistic durations in seconds (aws-reference §6a); the world multiplies them by its time scale. */
export const DURATIONS = {
  switchover: 60,
  /** FailoverState stays `pending` for this fraction of a switchover or failover. */
  pendingFraction: 0.2,
  managedFailover: 90,
  detachPromote: 30,
  detachMembership: 20,
  rejoin: 120,
  replicaPromote: 30,
  clusterFailover: 30,
  clusterCreate: 300,
  clusterDelete: 120,
  finalSnapshot: 60,
  instanceCreate: 300,
  instanceDelete: 180,
  snapshotCreate: 60,
  snapshotCopy: 60,
  globalCreate: 20,
  globalDelete: 10,
  globalModify: 5,
  globalNotEmpty: 60,
  /** An on-demand table is CREATING for a few seconds. */
  tableCreate: 10,
  tableReplicaCreate: 180,
  /** MREC: a write reaches the other replicas within about a second (aws-reference-steps §10). */
  tableReplication: 1,
  tableReplicaDelete: 120,
  tableDelete: 60,
  fisInitiating: 5,
  fisStopping: 10,
  /** Actions without a `duration` parameter (e.g. a cluster failover) still take a moment. */
  fisInstantAction: 10,
  stackDelete: 120,
  /** ECS: new tasks pulled, started and healthy (a deployment's or a scale-up's). */
  ecsTasksStart: 60,
  /** ECS: tasks stopped by a scale-down. */
  ecsTasksStop: 20,
  /** ECS: a replaced deployment's tasks drain (load balancer deregistration) once the new ones are healthy. */
  ecsDrain: 45,
  /** RDS Proxy: a registered cluster's targets stay REGISTERING this long. */
  proxyTargetRegister: 90,
  /** A Route 53 change reaches every name server (PENDING → INSYNC): "generally within 60 seconds". */
  route53Propagation: 40,
  /** A CloudFront distribution update reaches every edge location (InProgress → Deployed). */
  distributionDeploy: 300,
  /** A Global Accelerator change spreads (IN_PROGRESS → DEPLOYED). */
  acceleratorDeploy: 60,
} as const

export const DEFAULT_TIME_SCALE = 0.1

/** Real milliseconds that `seconds` of world time take at the world's time scale. */
export function scaled(world: Pick<World, 'timeScale'>, seconds: number): number {
  return Math.round(seconds * 1000 * world.timeScale)
}

/** World seconds that `realMs` of clock time represent. */
export function worldSeconds(world: Pick<World, 'timeScale'>, realMs: number): number {
  return realMs / 1000 / world.timeScale
}

/** ISO-8601 durations as FIS uses them (`PT10M`, `PT1H30M`, `PT45S`), in seconds; `undefined` when not one. */
export function parseIsoDuration(text: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text)
  if (!match || text === 'P' || text.endsWith('T')) return undefined
  const [, days, hours, minutes, seconds] = match
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)
}
