import {CONTROL_PLANE_REGIONS} from '../../aws/control-planes.js'
import type {StepKind, StepOfKind} from '../../config/steps.js'
import type {CallDeclaration} from '../../aws/iam-calls.js'
import type {Step} from '../../runbook/types.js'
import {ApprovalStep} from './approval.js'
import {CloudFrontOriginStep} from './cloudfront-origin.js'
import {EcsServiceStep} from './ecs-service.js'
import {GlobalAcceleratorDialStep} from './global-accelerator-dial.js'
import {LambdaStep} from './lambda.js'
import type {AppStepSpec, StepMove} from './move.js'
import {RdsProxyTargetStep} from './rds-proxy-target.js'
import {Route53RecordStep} from './route53-record.js'
import {SsmParameterStep} from './ssm-parameter.js'

/** How one kind of application step is built for a move, and which Regions its calls go to. */
export interface AppStepKind<K extends StepKind> {
  /** The Regions the step calls (a global service's control plane, or the Regions it writes in). */
  callRegions(step: StepOfKind<K>, move: StepMove, topologyRegions: string[]): string[]
  build(step: StepOfKind<K>, move: StepMove, topologyRegions: string[]): Step
  /** What its step calls (the step class's declaration). */
  calls: CallDeclaration
}

/** Every kind drctl.yaml accepts; a new kind is one entry here and its step file. */
const KINDS: {[K in StepKind]: AppStepKind<K>} = {
  approval: {callRegions: () => [], build: (step, move) => new ApprovalStep(step, move), calls: ApprovalStep.calls},
  'ssm-parameter': {
    // A failed Region is left out of the writes (a follow-up), so the step never calls it.
    callRegions: (step, move, regions) =>
      (step.writeIn ?? regions).filter((region) => !move.failedRegions.includes(region)),
    build: (step, move, regions) => new SsmParameterStep(step, move, step.writeIn ?? regions),
    calls: SsmParameterStep.calls,
  },
  // Global services: every call goes to the control plane, whichever Regions the move is between.
  'route53-record': {
    callRegions: () => [CONTROL_PLANE_REGIONS.route53],
    build: (step, move) => new Route53RecordStep(step, move),
    calls: Route53RecordStep.calls,
  },
  'cloudfront-origin': {
    callRegions: () => [CONTROL_PLANE_REGIONS.cloudfront],
    build: (step, move) => new CloudFrontOriginStep(step, move),
    calls: CloudFrontOriginStep.calls,
  },
  'global-accelerator-dial': {
    callRegions: () => [CONTROL_PLANE_REGIONS.globalaccelerator],
    build: (step, move) => new GlobalAcceleratorDialStep(step, move),
    calls: GlobalAcceleratorDialStep.calls,
  },
  // Regional resources of the target Region: the Region moved to is never a failed one.
  'rds-proxy-target': {
    callRegions: (_, move) => [move.to],
    build: (step, move) => new RdsProxyTargetStep(step, move),
    calls: RdsProxyTargetStep.calls,
  },
  'ecs-service': {
    callRegions: (_, move) => [move.to],
    build: (step, move) => new EcsServiceStep(step, move),
    calls: EcsServiceStep.calls,
  },
  lambda: {
    callRegions: (_, move) => [move.to],
    build: (step, move) => new LambdaStep(step, move),
    calls: LambdaStep.calls,
  },
}

/** What the step of a kind calls. */
export const appStepCallsOf = (kind: StepKind): CallDeclaration => KINDS[kind].calls

/** In an unplanned failover, a step whose control plane is in the failed Region gets this long. */
export const FAILED_CONTROL_PLANE_DEADLINE_MS = 20_000

/** The step of an application step spec, with a short deadline when it depends on a failed Region. */
export function appStep(spec: AppStepSpec, topologyRegions: string[]): Step {
  const kind = KINDS[spec.step.kind] as AppStepKind<StepKind>
  const step = kind.build(spec.step, spec.move, topologyRegions)
  const failed = kind
    .callRegions(spec.step, spec.move, topologyRegions)
    .filter((region) => spec.move.failedRegions.includes(region))
  if (failed.length > 0) {
    step.deadline = {
      ms: FAILED_CONTROL_PLANE_DEADLINE_MS,
      onMiss: spec.step.required ? 'stop' : 'defer',
      followUp: `step ${spec.step.id} (${spec.step.kind}) was not done: its control plane is in ${failed.join(', ')}, which failed; once it answers, drctl failover --planned --to ${spec.move.to} re-checks every step and runs what is left`,
    }
  }
  return step
}
