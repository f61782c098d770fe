/**
 * Narrow, drctl-shaped views of the AWS services drctl uses. Library code depends on these interfaces only;
 * the SDK adapters implement them, unit tests use in-memory fakes.
 */

/** What every mutating call returns: the request id goes into the run journal. */
export interface Mutation {
  requestId?: string
}

export interface CallerIdentity {
  account: string
  arn: string
  userId: string
}

export interface StsPort {
  getCallerIdentity(): Promise<CallerIdentity>
}

// ---- RDS / Aurora ----------------------------------------------------------------------------------------------

export interface FailoverState {
  status: string
  fromClusterArn?: string
  toClusterArn?: string
  isDataLossAllowed: boolean
}

export interface GlobalClusterMember {
  clusterArn: string
  clusterId: string
  region: string
  isWriter: boolean
  readers: string[]
  writeForwarding?: string
  synchronizationStatus?: string
}

export interface GlobalCluster {
  id: string
  arn: string
  status: string
  engine: string
  engineVersion: string
  deletionProtection: boolean
  endpoint?: string
  members: GlobalClusterMember[]
  failoverState?: FailoverState
}

export interface DbClusterMember {
  instanceId: string
  isWriter: boolean
}

export interface DbCluster {
  id: string
  arn: string
  region: string
  status: string
  engine: string
  engineVersion: string
  globalClusterId?: string
  replicationSourceArn?: string
  deletionProtection: boolean
  endpoint?: string
  readerEndpoint?: string
  writeForwarding?: string
  members: DbClusterMember[]
  subnetGroup?: string
  securityGroupIds: string[]
  kmsKeyId?: string
  storageEncrypted: boolean
  parameterGroup?: string
  /** The cluster's tags (DescribeDBClusters returns them); drctl marks a detached survivor with one. */
  tags?: Record<string, string>
}

export interface DbInstance {
  id: string
  arn: string
  status: string
  clusterId?: string
  instanceClass: string
  engine: string
  parameterGroup?: string
}

export interface DbClusterSnapshot {
  id: string
  arn: string
  clusterId: string
  status: string
  type: string
  createdAt?: string
  kmsKeyId?: string
}

export interface CreateDbClusterInput {
  id: string
  engine: string
  engineVersion?: string
  globalClusterId?: string
  subnetGroup?: string
  securityGroupIds?: string[]
  kmsKeyId?: string
  storageEncrypted?: boolean
  parameterGroup?: string
  deletionProtection?: boolean
}

export interface CreateDbInstanceInput {
  id: string
  clusterId: string
  instanceClass: string
  engine: string
  parameterGroup?: string
}

export interface RdsPort {
  readonly region: string
  describeGlobalClusters(): Promise<GlobalCluster[]>
  /** `undefined` when the global cluster does not exist. */
  describeGlobalCluster(id: string): Promise<GlobalCluster | undefined>
  describeDbCluster(idOrArn: string): Promise<DbCluster | undefined>
  /** Every cluster in the Region (paged). */
  describeDbClusters(): Promise<DbCluster[]>
  describeDbInstances(clusterId: string): Promise<DbInstance[]>
  describeDbClusterSnapshots(filter: {
    clusterId?: string
    snapshotId?: string
    type?: string
  }): Promise<DbClusterSnapshot[]>
  switchoverGlobalCluster(globalClusterId: string, targetClusterArn: string): Promise<Mutation>
  failoverGlobalCluster(globalClusterId: string, targetClusterArn: string, allowDataLoss: boolean): Promise<Mutation>
  removeFromGlobalCluster(globalClusterId: string, clusterArn: string): Promise<Mutation>
  modifyGlobalCluster(id: string, change: {newId?: string; deletionProtection?: boolean}): Promise<Mutation>
  createGlobalCluster(input: {id: string; sourceClusterArn: string; deletionProtection?: boolean}): Promise<Mutation>
  deleteGlobalCluster(id: string): Promise<Mutation>
  createDbCluster(input: CreateDbClusterInput): Promise<Mutation>
  createDbInstance(input: CreateDbInstanceInput): Promise<Mutation>
  deleteDbInstance(id: string): Promise<Mutation>
  /** Without `finalSnapshotId` the cluster is deleted with SkipFinalSnapshot. */
  deleteDbCluster(id: string, finalSnapshotId?: string): Promise<Mutation>
  modifyDbCluster(id: string, change: {deletionProtection: boolean}): Promise<Mutation>
  tagCluster(arn: string, tags: Record<string, string>): Promise<Mutation>
  promoteReadReplicaDbCluster(id: string): Promise<Mutation>
  createDbClusterSnapshot(clusterId: string, snapshotId: string): Promise<Mutation>
  copyDbClusterSnapshot(sourceSnapshot: string, targetSnapshotId: string): Promise<Mutation>
}

// ---- DynamoDB --------------------------------------------------------------------------------------------------

export interface TableReplica {
  region: string
  status: string
  statusDescription?: string
  percentProgress?: string
}

export interface Table {
  name: string
  arn: string
  region: string
  status: string
  deletionProtection: boolean
  globalTableVersion?: string
  replicas: TableReplica[]
}

export interface DynamoDbPort {
  readonly region: string
  describeTable(name: string): Promise<Table | undefined>
  removeReplica(table: string, region: string): Promise<Mutation>
  setDeletionProtection(table: string, enabled: boolean): Promise<Mutation>
  deleteTable(table: string): Promise<Mutation>
}

// ---- CloudWatch ------------------------------------------------------------------------------------------------

export interface MetricQuery {
  id: string
  namespace: string
  metric: string
  dimensions: Record<string, string>
  stat: 'Maximum' | 'Average' | 'Minimum'
}

export interface MetricPoint {
  value: number
  timestamp: string
}

export interface AlarmState {
  name: string
  arn?: string
  /** OK, ALARM or INSUFFICIENT_DATA. */
  state: string
  reason?: string
}

export interface CloudWatchPort {
  readonly region: string
  /** The newest datapoint of each query within the window; a query with no data is absent (unknown, never 0). */
  latest(queries: MetricQuery[], windowMs: number): Promise<Record<string, MetricPoint>>
  /** The named alarms (metric and composite) that exist; a name that does not is absent. */
  describeAlarms(names: string[]): Promise<AlarmState[]>
}

// ---- CloudFormation --------------------------------------------------------------------------------------------

export interface Stack {
  name: string
  id: string
  status: string
  statusReason?: string
}

export interface StackResourceFailure {
  logicalId: string
  type: string
  status: string
  reason?: string
}

export interface CloudFormationPort {
  readonly region: string
  describeStack(name: string): Promise<Stack | undefined>
  failedResources(name: string): Promise<StackResourceFailure[]>
  deleteStack(name: string): Promise<Mutation>
}

// ---- FIS -------------------------------------------------------------------------------------------------------

export interface ExperimentTemplateSummary {
  id: string
  description: string
  tags: Record<string, string>
}

export interface ExperimentTemplate extends ExperimentTemplateSummary {
  roleArn?: string
  targets: Record<
    string,
    {resourceType: string; resourceArns: string[]; resourceTags: Record<string, string>; selectionMode: string}
  >
  actions: Record<
    string,
    {
      actionId: string
      description?: string
      parameters: Record<string, string>
      targets: Record<string, string>
      startAfter: string[]
    }
  >
  stopConditions: {source: string; value?: string}[]
}

export interface ExperimentAction {
  name: string
  actionId: string
  status: string
  reason?: string
  startTime?: string
  endTime?: string
}

export interface Experiment {
  id: string
  templateId: string
  status: string
  reason?: string
  actions: ExperimentAction[]
  creationTime?: string
  startTime?: string
  endTime?: string
  tags: Record<string, string>
}

export interface ExperimentSummary {
  id: string
  templateId: string
  status: string
  creationTime?: string
  tags: Record<string, string>
}

export interface FisPort {
  readonly region: string
  listExperimentTemplates(): Promise<ExperimentTemplateSummary[]>
  getExperimentTemplate(id: string): Promise<ExperimentTemplate | undefined>
  startExperiment(input: {
    templateId: string
    clientToken: string
    tags: Record<string, string>
  }): Promise<Mutation & {experiment: Experiment}>
  getExperiment(id: string): Promise<Experiment | undefined>
  listExperiments(): Promise<ExperimentSummary[]>
  stopExperiment(id: string): Promise<Mutation>
}

// ---- Route 53 ARC ----------------------------------------------------------------------------------------------

export type RoutingControlStateValue = 'On' | 'Off'

export interface ArcEndpoint {
  region: string
  url: string
}

export interface ArcCluster {
  arn: string
  name: string
  status: string
  endpoints: ArcEndpoint[]
}

export interface ControlPanel {
  arn: string
  name: string
  status: string
  isDefault: boolean
  routingControlCount: number
}

export interface RoutingControl {
  arn: string
  name: string
  controlPanelArn: string
  status: string
}

export interface SafetyRule {
  arn: string
  name: string
  type: 'ASSERTION' | 'GATING'
  controlPanelArn?: string
  assertedControls?: string[]
  gatingControls?: string[]
  targetControls?: string[]
  ruleConfig: {type: 'ATLEAST' | 'AND' | 'OR'; threshold: number; inverted: boolean}
  waitPeriodMs?: number
}

/** The ARC control plane: only in us-west-2, so never on the DR path. */
export interface ArcControlPort {
  describeCluster(clusterArn: string): Promise<ArcCluster>
  listControlPanels(clusterArn: string): Promise<ControlPanel[]>
  listRoutingControls(controlPanelArn: string): Promise<RoutingControl[]>
  listSafetyRules(controlPanelArn: string): Promise<SafetyRule[]>
}

export interface RoutingControlState {
  arn: string
  name: string
  state: RoutingControlStateValue
  controlPanelArn?: string
  controlPanelName?: string
}

export interface EndpointAttempt {
  endpoint: ArcEndpoint
  ok: boolean
  error?: string
}

/** A data-plane answer and the cluster endpoint that gave it. */
export interface Answered<T> {
  value: T
  endpoint: ArcEndpoint
  attempts: EndpointAttempt[]
}

export interface ArcDataPort {
  readonly endpoints: ArcEndpoint[]
  listRoutingControls(controlPanelArn?: string): Promise<Answered<RoutingControlState[]>>
  updateRoutingControlStates(
    entries: {arn: string; state: RoutingControlStateValue}[],
    safetyRulesToOverride: string[],
  ): Promise<Answered<Mutation>>
}

export interface ArcDataOptions {
  /** Endpoints in these Regions are tried last (the impaired Region during an unplanned failover). */
  avoidRegions?: string[]
}

// ---- All of them -----------------------------------------------------------------------------------------------

export interface AwsPorts {
  sts(region: string): StsPort
  rds(region: string): RdsPort
  dynamodb(region: string): DynamoDbPort
  cloudwatch(region: string): CloudWatchPort
  cloudformation(region: string): CloudFormationPort
  fis(region: string): FisPort
  arcControl(): ArcControlPort
  arcData(endpoints: ArcEndpoint[], options?: ArcDataOptions): ArcDataPort
}
