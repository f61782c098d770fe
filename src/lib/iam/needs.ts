/**
 * What each command calls, as the plan describes calls (`RDS SwitchoverGlobalCluster`): the source of `drctl iam
 * policy` and of the README's IAM table. The resources a call acts on are named by kind; policy.ts turns kinds into
 * ARNs from drctl.yaml.
 */
export type IamRole = 'read-only' | 'operator' | 'destructive'
export const IAM_ROLES: readonly IamRole[] = ['read-only', 'operator', 'destructive']

/** The resources a call acts on: every kind listed must be granted (a switchover names the global and member clusters). */
export type ResourceKind =
  | 'any'
  | 'global-clusters'
  | 'clusters'
  | 'instances'
  | 'cluster-snapshots'
  | 'tables'
  | 'state-table'
  | 'reports-bucket'
  | 'reports'
  | 'routing-controls'
  | 'fis-templates'
  | 'fis-experiments'
  | 'stacks'
  | 'kms-keys'

export interface CallNeed {
  /** As a PlannedCall names it: `RDS`, `ARC cluster`, `DynamoDB` … */
  service: string
  operation: string
  resources: ResourceKind[]
}

export interface CommandNeeds {
  role: IamRole
  /** Reads (status, gates, read-back): never change anything. */
  reads: CallNeed[]
  writes: CallNeed[]
  /** Application steps' calls join this command's (`steps:` with these runbooks). */
  appSteps?: 'reads' | 'moves'
  /** Runs keep their lock and journal in the state table when `state.backend: dynamodb`. */
  run?: boolean
}

const any = (service: string, ...operations: string[]): CallNeed[] =>
  operations.map((operation) => ({service, operation, resources: ['any']}))
const on = (service: string, resources: ResourceKind[], ...operations: string[]): CallNeed[] =>
  operations.map((operation) => ({service, operation, resources}))

/** What `status` reads, and with it the gates of every change. */
const STATUS_READS: CallNeed[] = [
  ...any('RDS', 'DescribeGlobalClusters', 'DescribeDBClusters', 'DescribeDBInstances'),
  ...any('DynamoDB', 'DescribeTable'),
  ...any('CloudWatch', 'GetMetricData'),
  ...any('ARC cluster', 'ListRoutingControls'),
  ...any('FIS', 'ListExperiments'),
  ...any('CloudFormation', 'DescribeStacks'),
]
const ROUTING_WRITES = on('ARC cluster', ['routing-controls'], 'UpdateRoutingControlStates')
const CHAOS_LIST_READS = any('FIS', 'ListExperimentTemplates', 'GetExperimentTemplate')
const CHAOS_STATUS_READS = any('FIS', 'ListExperimentTemplates', 'ListExperiments', 'GetExperiment')
const MEMBER_CHANGE: ResourceKind[] = ['global-clusters', 'clusters']

const FAILOVER: CommandNeeds = {
  role: 'operator',
  reads: STATUS_READS,
  writes: [
    ...on('RDS', MEMBER_CHANGE, 'SwitchoverGlobalCluster', 'FailoverGlobalCluster', 'RemoveFromGlobalCluster'),
    ...on('RDS', ['clusters'], 'AddTagsToResource'),
    ...ROUTING_WRITES,
  ],
  appSteps: 'moves',
  run: true,
}

const FALLBACK: CommandNeeds = {
  role: 'operator',
  reads: [...STATUS_READS, ...any('RDS', 'DescribeDBClusterSnapshots'), ...any('KMS', 'DescribeKey')],
  writes: [
    ...on('RDS', MEMBER_CHANGE, 'SwitchoverGlobalCluster', 'RemoveFromGlobalCluster'),
    ...on('RDS', ['global-clusters'], 'ModifyGlobalCluster', 'CreateGlobalCluster', 'DeleteGlobalCluster'),
    ...on('RDS', ['clusters', 'cluster-snapshots'], 'CreateDBClusterSnapshot', 'CopyDBClusterSnapshot'),
    ...on('RDS', ['clusters'], 'DeleteDBCluster', 'CreateDBCluster', 'ModifyDBCluster'),
    ...on('RDS', ['instances', 'clusters'], 'DeleteDBInstance', 'CreateDBInstance'),
    ...on('KMS', ['kms-keys'], 'CreateGrant'),
    ...ROUTING_WRITES,
  ],
  appSteps: 'moves',
  run: true,
}

const TEARDOWN: CommandNeeds = {
  role: 'destructive',
  reads: [
    ...STATUS_READS,
    ...any('RDS', 'DescribeDBClusterSnapshots'),
    ...any('CloudFormation', 'DescribeStackResources'),
  ],
  writes: [
    ...on('FIS', ['fis-experiments'], 'StopExperiment'),
    ...on('RDS', MEMBER_CHANGE, 'RemoveFromGlobalCluster'),
    ...on('RDS', ['global-clusters'], 'DeleteGlobalCluster', 'ModifyGlobalCluster'),
    ...on('RDS', ['clusters'], 'PromoteReadReplicaDBCluster', 'DeleteDBCluster', 'ModifyDBCluster'),
    ...on('RDS', ['clusters', 'cluster-snapshots'], 'CreateDBClusterSnapshot'),
    ...on('RDS', ['instances', 'clusters'], 'DeleteDBInstance'),
    ...on('DynamoDB', ['tables'], 'UpdateTable', 'DeleteTableReplica', 'DeleteTable'),
    ...on('CloudFormation', ['stacks'], 'DeleteStack'),
  ],
  run: true,
}

/** Restore, compare through the Data API (which reads the secret as the caller), delete the temporary cluster. */
const RECONCILE: CommandNeeds = {
  role: 'operator',
  reads: [
    ...any('RDS', 'DescribeDBClusters', 'DescribeDBInstances', 'DescribeDBClusterSnapshots'),
    ...on('RDS Data', ['clusters'], 'ExecuteStatement'),
    ...any('Secrets Manager', 'GetSecretValue'),
  ],
  writes: [
    ...on('RDS', ['clusters', 'cluster-snapshots'], 'RestoreDBClusterFromSnapshot', 'CreateDBClusterSnapshot'),
    ...on('RDS', ['clusters'], 'AddTagsToResource', 'EnableHttpEndpoint', 'DeleteDBCluster'),
    ...on('RDS', ['instances', 'clusters'], 'CreateDBInstance', 'DeleteDBInstance'),
  ],
  run: true,
}

/** Every command that calls AWS (or keeps runs), by its id as typed (`routing set`). */
export const COMMAND_NEEDS: Readonly<Record<string, CommandNeeds>> = {
  status: {role: 'read-only', reads: STATUS_READS, writes: [], appSteps: 'reads'},
  'routing list': {role: 'read-only', reads: any('ARC cluster', 'ListRoutingControls'), writes: []},
  'routing endpoints': {
    role: 'read-only',
    reads: any('ARC control', 'DescribeCluster', 'ListControlPanels', 'ListRoutingControls', 'ListSafetyRules'),
    writes: [],
  },
  'chaos list': {role: 'read-only', reads: CHAOS_LIST_READS, writes: []},
  'chaos status': {role: 'read-only', reads: CHAOS_STATUS_READS, writes: []},
  'runs list': {role: 'read-only', reads: [], writes: [], run: true},
  'runs show': {role: 'read-only', reads: [], writes: [], run: true},
  'routing set': {role: 'operator', reads: any('ARC cluster', 'ListRoutingControls'), writes: ROUTING_WRITES},
  'routing shift': {role: 'operator', reads: any('ARC cluster', 'ListRoutingControls'), writes: ROUTING_WRITES},
  failover: FAILOVER,
  fallback: FALLBACK,
  reconcile: RECONCILE,
  'aurora rename-global': {
    role: 'operator',
    reads: any('RDS', 'DescribeGlobalClusters'),
    writes: on('RDS', ['global-clusters'], 'ModifyGlobalCluster'),
  },
  'chaos start': {
    role: 'operator',
    reads: [
      ...STATUS_READS,
      ...CHAOS_LIST_READS,
      ...any('CloudWatch', 'DescribeAlarms'),
      ...any('FIS', 'GetExperiment'),
    ],
    writes: [
      ...on('FIS', ['fis-templates', 'fis-experiments'], 'StartExperiment'),
      ...on('FIS', ['fis-experiments'], 'TagResource'),
    ],
    run: true,
  },
  'chaos stop': {role: 'operator', reads: CHAOS_STATUS_READS, writes: on('FIS', ['fis-experiments'], 'StopExperiment')},
  // A resumed run makes the calls of the runbook it resumes; an approval or abandonment touches only the run's state.
  'runs resume': {
    role: 'operator',
    reads: [...FAILOVER.reads, ...FALLBACK.reads, ...RECONCILE.reads],
    writes: [...FAILOVER.writes, ...FALLBACK.writes, ...RECONCILE.writes],
    appSteps: 'moves',
    run: true,
  },
  'runs approve': {role: 'operator', reads: [], writes: [], run: true},
  'runs abandon': {role: 'operator', reads: [], writes: [], run: true},
  teardown: TEARDOWN,
}

export const COMMAND_IDS = Object.keys(COMMAND_NEEDS)

/** The team state table (runbook/dynamodb-lock.ts): lock, journal and approvals. */
export const STATE_TABLE_READS = on('DynamoDB', ['state-table'], 'GetItem', 'Query')
export const STATE_TABLE_WRITES = on('DynamoDB', ['state-table'], 'PutItem', 'UpdateItem', 'DeleteItem')
/** The reports bucket (runbook/report-store.ts): HeadBucket (s3:ListBucket) finds its Region; reports are put, read. */
export const REPORT_CALLS = [
  ...on('S3', ['reports-bucket'], 'ListBucket'),
  ...on('S3', ['reports'], 'PutObject', 'GetObject'),
]

/** What each application step kind reads to check and verify itself (its writes come from the step's describe()). */
export const APP_STEP_READS: Readonly<Record<string, CallNeed[]>> = {
  'route53-record': any('Route 53', 'ListResourceRecordSets', 'GetChange'),
  'cloudfront-origin': any('CloudFront', 'GetDistribution', 'GetDistributionConfig'),
  'global-accelerator-dial': any('Global Accelerator', 'DescribeAccelerator', 'DescribeEndpointGroup'),
  'rds-proxy-target': any('RDS', 'DescribeDBProxyTargets'),
  'ecs-service': any('ECS', 'DescribeServices'),
  lambda: any('Lambda', 'GetFunction'),
  'ssm-parameter': any('SSM', 'GetParameter'),
  approval: [],
}
