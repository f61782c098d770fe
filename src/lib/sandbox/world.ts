import type {CloudFrontState} from './services/cloudfront/records.js'
import type {GlobalAcceleratorState} from './services/globalaccelerator/records.js'
import type {Route53State} from './services/route53/records.js'
import type {S3State} from './services/s3/records.js'
import type {EcsClusterRecord} from './services/ecs-records.js'
import type {ExperimentRecord, TemplateRecord} from './services/fis-records.js'
import type {StackRecord} from './services/cloudformation-records.js'
import type {InvocationRecord, LambdaFunctionRecord} from './services/lambda-records.js'
import type {SsmState} from './services/ssm/records.js'
import type {DataCut, DataLineage} from './data/records.js'
import type {ArcState} from './services/arc-records.js'
import type {TableRecord} from './services/dynamodb/records.js'

/**
 * The world: everything the simulated AWS account holds, as plain JSON (it is persisted as world.json). Timestamps
 * are epoch milliseconds of the clock the server runs on; operations that take time store when they end, and
 * `advance()` applies what is due whenever the world is loaded.
 */

export const WORLD_VERSION = 1
export const SANDBOX_ACCOUNT = '111122223333'

/**
 * The one Secrets Manager secret of the sandbox's databases, replicated to every Region: the RDS Data API reads a
 * cluster with the secret of its own Region and refuses any other, as Secrets Manager cannot find it.
 */
export const databaseSecretArn = (region: string) =>
  `arn:aws:secretsmanager:${region}:${SANDBOX_ACCOUNT}:secret:drctl-sandbox-workload`
/** Dummy credentials the sandbox accepts (it never checks signatures, only their scope). */
export const SANDBOX_CREDENTIALS = {
  accessKeyId: 'AKIASANDBOXDRCTL0000',
  secretAccessKey: 'sandbox-secret-not-a-real-key',
} as const
export const ARC_CONTROL_PLANE_REGION = 'us-west-2'
/** The Regions of the ARC cluster's five endpoints, in endpoint order (arc1 … arc5). */
export const ARC_ENDPOINT_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'] as const
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/

export interface Tag {
  Key: string
  Value: string
}

// ---- RDS -------------------------------------------------------------------------------------------------------

export interface GlobalOperation {
  kind: 'switchover' | 'failover'
  fromArn: string
  toArn: string
  startedAt: number
  /** FailoverState.Status leaves `pending` at this time. */
  phaseAt: number
  completesAt: number
  /** Managed failover: the target's replication lag when the call was made (the writes that are lost). */
  dataLossMs?: number
  /** Managed failover: when replication stopped (the call, or the primary Region's outage if earlier). */
  dataCutOff?: number
}

export interface GlobalMemberRecord {
  clusterArn: string
  isWriter: boolean
  /** When the member took its current role (lag metrics exist only for secondaries, from then on). */
  roleSince: number
  /** SynchronizationStatus is `pending-resync` until then. */
  resyncUntil?: number
  /** RemoveFromGlobalCluster was called: the member is listed until this time. */
  leavingAt?: number
  writeForwarding: string
}

export interface GlobalClusterRecord {
  id: string
  resourceId: string
  engine: string
  engineVersion: string
  status: string
  /** A transient status (`creating`, `modifying`, `deleting`) ends at this time. */
  statusUntil?: number
  deletionProtection: boolean
  storageEncrypted: boolean
  databaseName?: string
  endpointHash: string
  createdAt: number
  members: GlobalMemberRecord[]
  /** When the last member left: DeleteGlobalCluster still says "not empty" for a while. */
  emptySince?: number
  operation?: GlobalOperation
  /** Old primaries of a managed failover, waiting for their Region to come back before they rejoin. */
  pendingRejoins: {clusterArn: string; since: number; oldVolume?: DataCut}[]
  tags: Tag[]
  /** The data its members share (data/lineage.ts); absent: an empty log of its own. */
  data?: DataLineage
}

export type ClusterTransition =
  | {kind: 'create'; until: number}
  | {kind: 'detach-promote'; until: number}
  | {kind: 'replica-promote'; until: number}
  | {kind: 'final-snapshot'; until: number; snapshotId: string}
  | {kind: 'delete'; until: number}
  | {kind: 'failover'; until: number; targetInstanceId?: string}

export interface ClusterRecord {
  id: string
  region: string
  arn: string
  resourceId: string
  engine: string
  engineVersion: string
  status: string
  transition?: ClusterTransition
  deletionProtection: boolean
  storageEncrypted: boolean
  kmsKeyId?: string
  subnetGroup: string
  securityGroupIds: string[]
  parameterGroup: string
  /** Set on a cross-Region binlog read replica: the source cluster's ARN. */
  replicationSourceArn?: string
  port: number
  databaseName?: string
  masterUsername?: string
  createdAt: number
  tags: Tag[]
  /** The RDS Data API answers for it (EnableHttpEndpoint). */
  httpEndpointEnabled?: boolean
  /** Its own data, once detached or restored (data/lineage.ts); absent: its global cluster's, or an empty log. */
  data?: DataLineage
}

export interface InstanceRecord {
  id: string
  region: string
  arn: string
  resourceId: string
  clusterId: string
  instanceClass: string
  engine: string
  engineVersion: string
  status: string
  transition?: {kind: 'create' | 'delete'; until: number}
  isWriter: boolean
  parameterGroup: string
  availabilityZone: string
  promotionTier: number
  createdAt: number
}

export interface SnapshotRecord {
  id: string
  region: string
  arn: string
  clusterId: string
  clusterResourceId?: string
  engine: string
  engineVersion: string
  type: 'manual' | 'automated'
  status: string
  availableAt?: number
  createdAt: number
  clusterCreatedAt: number
  storageEncrypted: boolean
  kmsKeyId?: string
  sourceArn?: string
  tags: Tag[]
  /** The data it holds (data/lineage.ts). */
  data?: DataCut
}

export interface RdsState {
  globalClusters: GlobalClusterRecord[]
  clusters: ClusterRecord[]
  instances: InstanceRecord[]
  snapshots: SnapshotRecord[]
  proxies: ProxyRecord[]
}

/**
 * The global cluster the cluster `arn` belongs to: as a member, or (without `member`) as an old primary waiting to
 * rejoin. It lives with the model because both the RDS service and data/lineage.ts need it, and the RDS service's
 * records.ts imports lineage.ts.
 */
export function membershipOf(
  world: World,
  arn: string,
): {global: GlobalClusterRecord; member?: GlobalMemberRecord} | undefined {
  for (const global of world.rds.globalClusters) {
    const member = global.members.find((candidate) => candidate.clusterArn === arn)
    if (member) return {global, member}
    if (global.pendingRejoins.some((pending) => pending.clusterArn === arn)) return {global}
  }
  return undefined
}

// ---- RDS Proxy -------------------------------------------------------------------------------------------------

/** A cluster registered with a proxy's target group; its instances are its targets, as the cluster has them now. */
export interface ProxyClusterTargetRecord {
  clusterId: string
  registeredAt: number
  /** Its targets are REGISTERING until this time. */
  availableAt: number
}

export interface ProxyTargetGroupRecord {
  name: string
  arn: string
  isDefault: boolean
  createdAt: number
  targets: ProxyClusterTargetRecord[]
}

export interface ProxyRecord {
  name: string
  region: string
  arn: string
  /** `POSTGRESQL` or `MYSQL`: the engines of the clusters it may target. */
  engineFamily: string
  createdAt: number
  targetGroups: ProxyTargetGroupRecord[]
}

// ---- Faults and history ----------------------------------------------------------------------------------------

export type FaultMode = 'refuse' | 'hang'

export type FaultRecord =
  | {kind: 'region-outage'; region: string; mode: FaultMode; since: number}
  | {kind: 'arc-endpoints-down'; endpoints: number[]; mode: FaultMode; since: number}
  | {kind: 'throttle'; rate: number; since: number}
  | {kind: 'latency'; ms: number; since: number}
  | {kind: 'lag'; globalClusterResourceId: string; globalClusterId: string; region: string; ms: number; since: number}
  | {kind: 'stack-delete-fails'; stack: string; region: string; since: number}
  | {kind: 'alarm'; alarm: string; since: number}
  | {kind: 'lambda-fails'; function: string; region?: string; message?: string; since: number}
  /** A global service's control plane answers nothing (route53, cloudfront, globalaccelerator). */
  | {kind: 'control-plane-outage'; service: string; mode: FaultMode; since: number}
  | {kind: 'distribution-stuck'; distributionId: string; since: number}
  /** Route 53 refuses changes to the zone with PriorRequestNotComplete while an earlier one is PENDING. */
  | {kind: 'zone-busy'; hostedZoneId: string; since: number}

export type FaultKind = FaultRecord['kind']

export const FAULT_KINDS: FaultKind[] = [
  'region-outage',
  'arc-endpoints-down',
  'throttle',
  'latency',
  'lag',
  'stack-delete-fails',
  'alarm',
  'lambda-fails',
  'control-plane-outage',
  'distribution-stuck',
  'zone-busy',
]

/** Notable things that happened (shown by `drctl sandbox show`), e.g. the data lost by a managed failover. */
export interface HistoryEntry {
  at: number
  event: string
  summary: string
  dataLossMs?: number
}

export interface World {
  version: number
  scenario: string
  account: string
  timeScale: number
  createdAt: number
  regions: string[]
  /** Feeds identifiers that must be unique within the world. */
  sequence: number
  rds: RdsState
  dynamodb: {tables: TableRecord[]}
  arc: ArcState
  fis: {templates: TemplateRecord[]; experiments: ExperimentRecord[]}
  cloudformation: {stacks: StackRecord[]}
  ssm: SsmState
  ecs: {clusters: EcsClusterRecord[]}
  lambda: {functions: LambdaFunctionRecord[]; invocations: InvocationRecord[]}
  route53: Route53State
  cloudfront: CloudFrontState
  globalaccelerator: GlobalAcceleratorState
  s3: S3State
  faults: FaultRecord[]
  history: HistoryEntry[]
}

/**
 * The slices of services added after worlds were first saved, empty. A saved world without one is read with it
 * empty (it is not corrupt): a new service needs no new WORLD_VERSION.
 */
export const LATER_SLICES = {
  ssm: (): SsmState => ({parameters: []}),
  ecs: (): World['ecs'] => ({clusters: []}),
  lambda: (): World['lambda'] => ({functions: [], invocations: []}),
  route53: (): Route53State => ({hostedZones: [], changes: []}),
  cloudfront: (): CloudFrontState => ({distributions: []}),
  globalaccelerator: (): GlobalAcceleratorState => ({accelerators: []}),
  s3: (): S3State => ({buckets: []}),
} satisfies {
  [K in keyof World]?: () => World[K]
}

/** Every later slice, empty: what a new world starts with. */
export function emptyLaterSlices(): {[K in keyof typeof LATER_SLICES]: ReturnType<(typeof LATER_SLICES)[K]>} {
  return {
    ssm: LATER_SLICES.ssm(),
    ecs: LATER_SLICES.ecs(),
    lambda: LATER_SLICES.lambda(),
    route53: LATER_SLICES.route53(),
    cloudfront: LATER_SLICES.cloudfront(),
    globalaccelerator: LATER_SLICES.globalaccelerator(),
    s3: LATER_SLICES.s3(),
  }
}
