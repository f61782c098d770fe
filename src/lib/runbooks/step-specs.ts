import type {DrctlConfig} from '../config/schema.js'
import type {PlanItem, Step} from '../runbook/types.js'
import {appStep} from './app-steps/kinds.js'
import type {AppStepSpec} from './app-steps/move.js'
import {
  DeleteClusterStep,
  DeleteGlobalClusterStep,
  DeleteInstancesStep,
  PromoteReplicaStep,
  RemoveMemberStep,
} from './aurora-delete-steps.js'
import {type GlobalMove, SwitchoverStep} from './aurora-steps.js'
import {CreateGlobalStep, RenameGlobalStep} from './global-cluster-steps.js'
import {DisableProtectionStep, type ProtectedResource} from './protection-step.js'
import {RetireStep} from './retire-step.js'
import {type TrafficChange, TrafficChangeStep} from './routing-control-step.js'
import {CreateSecondaryStep, type SecondarySpec, type SecondaryTarget, WaitForSecondaryStep} from './secondary-steps.js'
import {type CompareSpec, CompareStep} from './reconcile-compare-step.js'
import {ReconcileReportStep, type ReportSpec} from './reconcile-report.js'
import {ReconcileHeartbeatStep, type ReconcileHeartbeatSpec} from './heartbeat-step.js'
import {
  CreateInstanceStep,
  EnableDataApiStep,
  type InstanceSpec,
  type RestoreSpec,
  RestoreClusterStep,
} from './reconcile-steps.js'
import {ClusterSnapshotStep, CopySnapshotStep} from './snapshot-steps.js'
import {DeleteStackStep} from './stack-delete-step.js'
import {StopExperimentStep} from './stop-experiment-step.js'
import {type SwitchBackGates, SwitchBackGatesStep} from './switch-back-gates-step.js'
import {DeleteTableStep, RemoveTableReplicaStep} from './table-delete-steps.js'
import {type ExpectedTopology, VerifyTopologyStep} from './verify-step.js'

/** Plain-data description of one step, journaled so that a resume rebuilds exactly the same steps. */
export type StepSpec =
  | {kind: 'app-step'; spec: AppStepSpec}
  | {kind: 'stop-experiment'; experimentId: string; region: string}
  | {kind: 'protection'; resource: ProtectedResource}
  | {kind: 'remove-member'; globalClusterId: string; clusterArn: string; region: string}
  | {kind: 'promote-replica'; clusterId: string; region: string}
  | {kind: 'delete-instances'; clusterId: string; region: string; instanceIds: string[]}
  | {kind: 'delete-cluster'; clusterId: string; region: string; finalSnapshotId?: string}
  | {kind: 'delete-global'; globalClusterId: string; region: string}
  | {kind: 'remove-replica'; table: string; replicaRegion: string; viaRegion: string}
  | {kind: 'delete-table'; table: string; region: string}
  | {kind: 'delete-stack'; stack: string; region: string}
  | {kind: 'snapshot-cluster'; clusterId: string; region: string; snapshotId: string}
  | {kind: 'copy-snapshot'; source: string; region: string; targetId: string}
  | {kind: 'rename-global'; currentId: string; newId: string; region: string}
  | {
      kind: 'create-global'
      globalClusterId: string
      sourceClusterArn: string
      region: string
      deletionProtection?: boolean
    }
  | {kind: 'create-secondary'; secondary: SecondarySpec}
  | {kind: 'wait-secondary'; globalClusterId: string; target: SecondaryTarget; maxLagMs: number}
  | {kind: 'switch-back-gates'; gates: SwitchBackGates}
  | {kind: 'switchover'; move: GlobalMove}
  | {kind: 'traffic'; change: TrafficChange}
  /** Retires an old primary whose replacement reuses its identifiers (done once that cluster joined the global). */
  | {kind: 'retire'; clusterId: string; region: string; replacedIn: string; step: StepSpec}
  | {kind: 'verify'; expected: ExpectedTopology}
  | {kind: 'reconcile-restore'; restore: RestoreSpec}
  | {kind: 'reconcile-instance'; instance: InstanceSpec}
  | {kind: 'reconcile-data-api'; clusterArn: string; clusterId: string; region: string}
  | {kind: 'reconcile-compare'; compare: CompareSpec}
  | {kind: 'reconcile-heartbeats'; spec: ReconcileHeartbeatSpec}
  | {kind: 'reconcile-report'; report: ReportSpec}

export type ItemSpec = StepSpec | {kind: 'group'; id: string; title: string; steps: StepSpec[]}

function stepFromSpec(spec: StepSpec, config: DrctlConfig): Step {
  switch (spec.kind) {
    case 'stop-experiment':
      return new StopExperimentStep(spec.experimentId, spec.region)
    case 'protection':
      return new DisableProtectionStep(spec.resource)
    case 'remove-member':
      return new RemoveMemberStep(spec.globalClusterId, spec.clusterArn, spec.region)
    case 'promote-replica':
      return new PromoteReplicaStep(spec.clusterId, spec.region)
    case 'delete-instances':
      return new DeleteInstancesStep(spec.clusterId, spec.region, spec.instanceIds)
    case 'delete-cluster':
      return new DeleteClusterStep(spec.clusterId, spec.region, spec.finalSnapshotId)
    case 'delete-global':
      return new DeleteGlobalClusterStep(spec.globalClusterId, spec.region)
    case 'remove-replica':
      return new RemoveTableReplicaStep(spec.table, spec.replicaRegion, spec.viaRegion)
    case 'delete-table':
      return new DeleteTableStep(spec.table, spec.region)
    case 'delete-stack':
      return new DeleteStackStep(spec.stack, spec.region)
    case 'snapshot-cluster':
      return new ClusterSnapshotStep(spec.clusterId, spec.region, spec.snapshotId)
    case 'copy-snapshot':
      return new CopySnapshotStep(spec.source, spec.region, spec.targetId)
    case 'rename-global':
      return new RenameGlobalStep(spec.currentId, spec.newId, spec.region)
    case 'create-global':
      return new CreateGlobalStep(spec.globalClusterId, spec.sourceClusterArn, spec.region, spec.deletionProtection)
    case 'create-secondary':
      return new CreateSecondaryStep(spec.secondary)
    case 'wait-secondary':
      return new WaitForSecondaryStep(spec.globalClusterId, spec.target, spec.maxLagMs)
    case 'switch-back-gates':
      return new SwitchBackGatesStep(config, spec.gates)
    case 'switchover':
      return new SwitchoverStep(spec.move)
    case 'traffic':
      return new TrafficChangeStep(spec.change)
    case 'retire':
      return new RetireStep(stepFromSpec(spec.step, config), spec.clusterId, spec.region, spec.replacedIn)
    case 'verify':
      return new VerifyTopologyStep(config, spec.expected)
    case 'app-step':
      return appStep(spec.spec, config.regions)
    case 'reconcile-restore':
      return new RestoreClusterStep(spec.restore)
    case 'reconcile-instance':
      return new CreateInstanceStep(spec.instance)
    case 'reconcile-data-api':
      return new EnableDataApiStep(spec.clusterArn, spec.clusterId, spec.region)
    case 'reconcile-compare':
      return new CompareStep(spec.compare)
    case 'reconcile-heartbeats':
      return new ReconcileHeartbeatStep(spec.spec)
    case 'reconcile-report':
      return new ReconcileReportStep(spec.report)
  }
}

/** The steps of a plan from their journaled specs (the config gives the steps that observe what to read). */
export function itemsFromSpecs(specs: ItemSpec[], config: DrctlConfig): PlanItem[] {
  return specs.map((spec) =>
    spec.kind === 'group'
      ? {id: spec.id, title: spec.title, parallel: spec.steps.map((step) => stepFromSpec(step, config))}
      : stepFromSpec(spec, config),
  )
}
