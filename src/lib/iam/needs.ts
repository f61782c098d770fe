/**
 * Which steps and readers each command runs: its calls are their declarations (aws/iam-calls.ts), the same ones their
 * plans are described from. `drctl iam policy` and the README's IAM table are made from this.
 */
import type {StepKind} from '../config/steps.js'
import {ARC_DISCOVERY_READS} from '../topology/arc-discovery.js'
import {observeCalls} from '../topology/observe.js'
import {
  DeleteClusterStep,
  DeleteGlobalClusterStep,
  DeleteInstancesStep,
  PromoteReplicaStep,
  RemoveMemberStep,
} from '../runbooks/aurora-delete-steps.js'
import {DetachStep, ManagedFailoverStep, SwitchoverStep} from '../runbooks/aurora-steps.js'
import {EXPERIMENT_READS, EXPERIMENT_STOP} from '../runbooks/chaos/experiments.js'
import {FollowExperimentStep, StartExperimentStep} from '../runbooks/chaos/steps.js'
import {STOP_ALARM_READS, TEMPLATE_READS} from '../runbooks/chaos/templates.js'
import {FALLBACK_FACT_READS} from '../runbooks/fallback-facts.js'
import {CreateGlobalStep, RenameGlobalStep} from '../runbooks/global-cluster-steps.js'
import {DisableProtectionStep} from '../runbooks/protection-step.js'
import {RENAME_READS} from '../runbooks/rename.js'
import {CompareStep} from '../runbooks/reconcile-compare-step.js'
import {RECONCILE_FACT_READS} from '../runbooks/reconcile-facts.js'
import {CreateInstanceStep, EnableDataApiStep, RestoreClusterStep} from '../runbooks/reconcile-steps.js'
import {RetireStep} from '../runbooks/retire-step.js'
import {HeartbeatStep, ReconcileHeartbeatStep} from '../runbooks/heartbeat-step.js'
import {HEARTBEAT_READS} from '../reconcile/heartbeat.js'
import {MOVE_PARTS} from '../runbooks/failover.js'
import {TEARDOWN_OBSERVED} from '../runbooks/teardown.js'
import {TrafficChangeStep} from '../runbooks/routing-control-step.js'
import {CreateSecondaryStep, WaitForSecondaryStep} from '../runbooks/secondary-steps.js'
import {ClusterSnapshotStep, CopySnapshotStep} from '../runbooks/snapshot-steps.js'
import {DeleteStackStep} from '../runbooks/stack-delete-step.js'
import {StopExperimentStep} from '../runbooks/stop-experiment-step.js'
import {SwitchBackGatesStep} from '../runbooks/switch-back-gates-step.js'
import {DeleteTableStep, RemoveTableReplicaStep} from '../runbooks/table-delete-steps.js'
import {VerifyTopologyStep} from '../runbooks/verify-step.js'
import {declared, type DeclaredCall, type DeclaresCalls, declaredEach, readsOnly} from '../aws/iam-calls.js'
import {AddStateReplicas, CreateStateTable} from '../runbooks/state-table-steps.js'
import {STATE_SHOW_READS} from '../runbooks/state-show.js'
import {STATE_UNLOCK_CALLS} from '../runbooks/state-unlock.js'
import {DISCOVERY_READS} from '../topology/discover/discover.js'

export type IamRole = 'read-only' | 'operator' | 'destructive'
export const IAM_ROLES: readonly IamRole[] = ['read-only', 'operator', 'destructive']

export interface CommandNeeds {
  role: IamRole
  /** The step classes its runbook can build and the readers it reads with (status, gates, planning). */
  runs: DeclaresCalls[]
  /** Application steps' calls join this command's: their readers' (`reads`), or their steps' too (`moves`). */
  appSteps?: {calls: 'reads' | 'moves'; kinds?: StepKind[]}
  /** Runs keep their lock and journal in the state table when `state.backend: dynamodb`. */
  run?: boolean
}

/** `status`, and the observation chaos plans and gates on. */
const STATUS = {calls: observeCalls()}
/** What a failover or fallback observes, and a teardown. */
const MOVE_OBSERVATION = {calls: observeCalls(MOVE_PARTS)}
const TEARDOWN_OBSERVATION = {calls: observeCalls(TEARDOWN_OBSERVED)}
const ROUTING = {calls: observeCalls(['routing'])}

const FAILOVER: CommandNeeds = {
  role: 'operator',
  runs: [
    MOVE_OBSERVATION,
    SwitchoverStep,
    ManagedFailoverStep,
    DetachStep,
    HeartbeatStep,
    TrafficChangeStep,
    VerifyTopologyStep,
  ],
  appSteps: {calls: 'moves'},
  run: true,
}

/** After a managed failover: switch back; after a detach, the rebuild first (fallback-rebuild.ts). */
const FALLBACK: CommandNeeds = {
  role: 'operator',
  runs: [
    MOVE_OBSERVATION,
    FALLBACK_FACT_READS,
    CopySnapshotStep,
    WaitForSecondaryStep,
    SwitchBackGatesStep,
    SwitchoverStep,
    TrafficChangeStep,
    VerifyTopologyStep,
    {calls: DisableProtectionStep.callsFor(['global-cluster', 'cluster'])},
    RenameGlobalStep,
    CreateGlobalStep,
    ClusterSnapshotStep,
    CreateSecondaryStep,
    RetireStep,
    RemoveMemberStep,
    DeleteInstancesStep,
    DeleteClusterStep,
    DeleteGlobalClusterStep,
  ],
  appSteps: {calls: 'moves'},
  run: true,
}

const ROUTING_CHANGE: CommandNeeds = {role: 'operator', runs: [ROUTING, TrafficChangeStep], run: true}

const RENAME: CommandNeeds = {
  role: 'operator',
  runs: [{calls: observeCalls(['aurora'])}, RENAME_READS, RenameGlobalStep],
  // The SSM parameters that hold the global cluster's name are put again.
  appSteps: {calls: 'moves', kinds: ['ssm-parameter']},
  run: true,
}

const CHAOS_START: CommandNeeds = {
  role: 'operator',
  runs: [STATUS, TEMPLATE_READS, STOP_ALARM_READS, EXPERIMENT_READS, StartExperimentStep, FollowExperimentStep],
  run: true,
}

const TEARDOWN: CommandNeeds = {
  role: 'destructive',
  runs: [
    TEARDOWN_OBSERVATION,
    RECONCILE_FACT_READS,
    StopExperimentStep,
    DisableProtectionStep,
    RemoveMemberStep,
    PromoteReplicaStep,
    DeleteInstancesStep,
    DeleteClusterStep,
    DeleteGlobalClusterStep,
    RemoveTableReplicaStep,
    DeleteTableStep,
    DeleteStackStep,
  ],
  run: true,
}

/** Where the reports bucket is (HeadBucket, judged as s3:ListBucket): `state init` checks it, runs store reports there. */
const REPORTS_BUCKET: DeclaredCall[] = [declared('S3', 'HeadBucket', 'reports-bucket')]

/** Restore the old primary's snapshot (after a detach: take it), compare through the Data API, delete the copy. */
const RECONCILE: CommandNeeds = {
  role: 'operator',
  runs: [
    STATUS,
    RECONCILE_FACT_READS,
    ClusterSnapshotStep,
    RestoreClusterStep,
    CreateInstanceStep,
    EnableDataApiStep,
    CompareStep,
    ReconcileHeartbeatStep,
    DeleteInstancesStep,
    DeleteClusterStep,
  ],
  run: true,
}

/** Every command that calls AWS (or keeps runs), by its id as typed (`routing set`). */
export const COMMAND_NEEDS: Readonly<Record<string, CommandNeeds>> = {
  status: {role: 'read-only', runs: [STATUS, {calls: HEARTBEAT_READS}], appSteps: {calls: 'reads'}},
  'routing list': {role: 'read-only', runs: [ROUTING]},
  'routing endpoints': {role: 'read-only', runs: [ARC_DISCOVERY_READS]},
  'chaos list': {role: 'read-only', runs: [TEMPLATE_READS]},
  'chaos status': {role: 'read-only', runs: [EXPERIMENT_READS]},
  'runs list': {role: 'read-only', runs: [], run: true},
  'runs show': {role: 'read-only', runs: [], run: true},
  'routing set': ROUTING_CHANGE,
  'routing shift': ROUTING_CHANGE,
  failover: FAILOVER,
  fallback: FALLBACK,
  reconcile: RECONCILE,
  'rpo probe': {role: 'read-only', runs: [{calls: observeCalls(['aurora'])}, {calls: HEARTBEAT_READS}]},
  'aurora rename-global': RENAME,
  'chaos start': CHAOS_START,
  'chaos stop': {role: 'operator', runs: [EXPERIMENT_READS, EXPERIMENT_STOP]},
  // A resumed run makes the calls of the runbook it resumes (a teardown's need the destructive role's); an approval
  // or abandonment touches only the run's state.
  'runs resume': {
    role: 'operator',
    runs: [
      ...FAILOVER.runs,
      ...FALLBACK.runs,
      ...ROUTING_CHANGE.runs,
      ...RENAME.runs,
      ...CHAOS_START.runs,
      ...RECONCILE.runs,
    ],
    appSteps: {calls: 'moves'},
    run: true,
  },
  'runs approve': {role: 'operator', runs: [], run: true},
  'runs abandon': {role: 'operator', runs: [], run: true},
  teardown: TEARDOWN,
  'config init': {role: 'read-only', runs: [DISCOVERY_READS, ARC_DISCOVERY_READS, STATUS]},
  'state init': {role: 'operator', runs: [CreateStateTable, AddStateReplicas, {calls: readsOnly(REPORTS_BUCKET)}]},
  'state show': {role: 'read-only', runs: [STATE_SHOW_READS]},
  'state unlock': {role: 'operator', runs: [STATE_UNLOCK_CALLS]},
}

export const COMMAND_IDS = Object.keys(COMMAND_NEEDS)

/** The team state table (runbook/dynamodb-lock.ts): lock, journal and approvals. */
export const STATE_TABLE_CALLS: DeclaredCall[] = declaredEach(
  'DynamoDB',
  ['DescribeTable', 'GetItem', 'Query', 'PutItem', 'UpdateItem'],
  'state-table',
)
/** The reports bucket (runbook/report-store.ts): HeadBucket (s3:ListBucket) finds its Region; reports are put, read. */
export const REPORT_CALLS: DeclaredCall[] = [
  ...REPORTS_BUCKET,
  ...declaredEach('S3', ['PutObject', 'GetObject'], 'reports'),
]
