import type {
  ArcEndpoint,
  CallerIdentity,
  EndpointAttempt,
  ExperimentSummary,
  FailoverState,
  RoutingControlStateValue,
  TableCapacity,
} from '../aws/ports.js'
import type {SafetyRuleConfig} from '../config/schema.js'

/** Why something could not be read: drctl says "unknown", it never guesses. */
export interface Unreadable {
  kind: string
  message: string
  /** The IAM action of the refused call, when AWS denied access. */
  action?: string
}

export interface RegionReachability {
  region: string
  reachable: boolean
  /** The first network or timeout failure seen in this Region. */
  error?: string
}

export interface InstanceView {
  id: string
  status: string
  isWriter: boolean
  instanceClass: string
}

export interface LagReading {
  ms: number
  metric: 'AuroraGlobalDBRPOLag' | 'AuroraGlobalDBReplicationLag' | 'ReplicationLatency'
  at: string
}

export interface AuroraMemberView {
  region: string
  clusterId: string
  clusterArn: string
  role: 'writer' | 'secondary'
  synchronizationStatus?: string
  writeForwarding?: string
  clusterStatus?: string
  engineVersion?: string
  deletionProtection?: boolean
  instances: InstanceView[]
  /** Secondaries only; absent when CloudWatch has no recent datapoint (unknown, never 0). */
  lag?: LagReading
  /** The member's Region was not called (excluded), or its cluster could not be read. */
  unreadable?: Unreadable
}

export interface AuroraGlobalView {
  id: string
  found: boolean
  unreadable?: Unreadable
  arn?: string
  status?: string
  engine?: string
  engineVersion?: string
  endpoint?: string
  deletionProtection?: boolean
  failoverState?: FailoverState
  writerRegion?: string
  members: AuroraMemberView[]
  /** A cluster detached from this global cluster by an unplanned failover (known from drctl's journals). */
  detachedSurvivor?: DetachedSurvivorView
  /**
   * Not found: the global clusters drctl.yaml does not name whose members are in the topology's Regions, i.e. what
   * it may have been renamed to outside drctl.
   */
  renamedTo?: string[]
}

/**
 * Tags drctl puts on a cluster it detached and promoted: nothing else in AWS links it to the global cluster it left,
 * and any operator's drctl (not only the one holding the run's journal) must find it.
 */
export const DETACHED_FROM_TAG = 'drctl:detached-from'
export const DETACHED_BY_RUN_TAG = 'drctl:detached-by-run'

/** A cluster a run of drctl detached from a global cluster, as its journal recorded it. */
export interface KnownSurvivor {
  globalClusterId: string
  clusterArn: string
  runId: string
}

export interface DetachedSurvivorView {
  clusterId: string
  clusterArn: string
  region: string
  found: boolean
  status?: string
  globalClusterId?: string
  deletionProtection?: boolean
  engineVersion?: string
  instances: InstanceView[]
  runId: string
  unreadable?: Unreadable
}

export interface BinlogReplicaView {
  clusterId: string
  region: string
  found: boolean
  status?: string
  replicationSourceArn?: string
  deletionProtection?: boolean
  instances: InstanceView[]
  unreadable?: Unreadable
}

export interface TableReplicaView {
  region: string
  status: string
  /** Known for the Regions whose table was read directly. */
  deletionProtection?: boolean
  /** Known for the Regions whose table was read directly. */
  capacity?: TableCapacity
}

export interface TableView {
  name: string
  found: boolean
  replicas: TableReplicaView[]
  deletionProtection?: boolean
  /** `strong`: multi-Region strong consistency, where a failover moves traffic only and loses no write. */
  consistency: 'eventual' | 'strong'
  witness?: {region: string; status: string}
  /** Source Region → receiving Region → ReplicationLatency. */
  latency: {from: string; to: string; reading?: LagReading}[]
  unreadable?: Unreadable
}

export interface RoutingControlView {
  arn: string
  name: string
  region: string
  state?: RoutingControlStateValue
}

export interface RoutingView {
  controls: RoutingControlView[]
  /** The state of every control the endpoint listed (safety rules may name controls the topology does not route on). */
  panelStates?: Record<string, RoutingControlStateValue>
  safetyRules: SafetyRuleConfig[]
  endpoint?: ArcEndpoint
  attempts: EndpointAttempt[]
  endpointsCached: boolean
  unreadable?: Unreadable
}

export interface ExperimentView extends ExperimentSummary {
  region: string
}

export interface ChaosView {
  running: ExperimentView[]
  unreadable: {region: string; reason: Unreadable}[]
}

export interface StackView {
  region: string
  name: string
  found: boolean
  status?: string
  statusReason?: string
  unreadable?: Unreadable
}

/** An application step of drctl.yaml (steps:) as it stands: where it points now. */
export interface AppStepView {
  id: string
  kind: string
  required: boolean
  /** The runbooks it joins (failover-planned, failover-unplanned, fallback). */
  joins: string[]
  /** A global service's control-plane Region (Route 53 and CloudFront: us-east-1; Global Accelerator: us-west-2). */
  controlPlane?: string
  /**
   * The Regions whose endpoints a move through this step calls: a global service's control plane (Route 53 and
   * CloudFront: us-east-1; Global Accelerator: us-west-2), or the Regions it writes in.
   */
  callRegions: string[]
  /** The topology Region it points at now; `any` when its state does not depend on the Region; absent: unknown or mixed. */
  pointsAt?: string
  /** What it points at, in words (origin domain, record value, dials, proxy target, task counts). */
  state: string
  /** Its resource does not exist (a move through it would fail): the reason, naming the resource. */
  missing?: string
  unreadable?: Unreadable
}

/** Everything drctl knows about the live state of a topology at one moment. */
export interface Topology {
  name: string
  observedAt: string
  durationMs: number
  pinnedAccount?: string
  regions: RegionReachability[]
  /** Regions that were deliberately not called (an unplanned failover never calls the failed Region). */
  excludedRegions: string[]
  warnings: string[]
  // One or more fields per service, each filled in by its reader in topology/readers/.
  identity?: CallerIdentity
  identityError?: Unreadable
  aurora: AuroraGlobalView[]
  replicas: BinlogReplicaView[]
  dynamodb: TableView[]
  routing?: RoutingView
  chaos?: ChaosView
  stacks: StackView[]
  steps: AppStepView[]
}

/** The fields of a Topology that observe() records itself; every other one is a service reader's. */
export type ObservationFields =
  'name' | 'observedAt' | 'durationMs' | 'pinnedAccount' | 'regions' | 'excludedRegions' | 'warnings'

/** The service readers' part of a Topology. */
export type ServiceViews = Omit<Topology, ObservationFields>
