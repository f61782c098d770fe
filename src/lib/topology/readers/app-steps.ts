import {RUNBOOKS_WITH_STEPS, type StepConfig, type StepKind, type StepOfKind} from '../../config/steps.js'
import {type DeclaredCall, declared} from '../../aws/iam-calls.js'
import type {AppStepView} from '../views.js'
import type {ReadContext, ServiceReader} from './service-reader.js'
import {readCloudFrontOrigin} from './steps/cloudfront-origin.js'
import {readEcsService} from './steps/ecs-service.js'
import {readAcceleratorDial} from './steps/global-accelerator-dial.js'
import {readLambda} from './steps/lambda.js'
import {readRdsProxyTarget} from './steps/rds-proxy-target.js'
import {readRoute53Record} from './steps/route53-record.js'
import {readSsmParameter} from './steps/ssm-parameter.js'

/** What a step's reader finds; the id, kind and required flag come from drctl.yaml. */
export type StepReading = Omit<AppStepView, 'id' | 'kind' | 'required' | 'joins'>

type StepReader<K extends StepKind> = (step: StepOfKind<K>, context: ReadContext) => Promise<StepReading>

/** One reader per kind of application step; a new kind is one entry here and its file in steps/. */
const STEP_READERS: {[K in StepKind]: StepReader<K>} = {
  approval: async (step) => ({callRegions: [], pointsAt: 'any', state: `manual approval: ${step.message}`}),
  'ssm-parameter': readSsmParameter,
  'route53-record': readRoute53Record,
  'cloudfront-origin': readCloudFrontOrigin,
  'global-accelerator-dial': readAcceleratorDial,
  'rds-proxy-target': readRdsProxyTarget,
  'ecs-service': readEcsService,
  lambda: readLambda,
}

/** What each kind's reader calls (`status`, and every gate and verification that observes). */
export const STEP_READS: {[K in StepKind]: DeclaredCall[]} = {
  approval: [],
  'ssm-parameter': [declared('SSM', 'GetParameter', 'ssm-parameters')],
  'route53-record': [declared('Route 53', 'ListResourceRecordSets', 'hosted-zones')],
  'cloudfront-origin': [declared('CloudFront', 'GetDistribution', 'distributions')],
  'global-accelerator-dial': [
    declared('Global Accelerator', 'DescribeAccelerator', 'accelerators'),
    declared('Global Accelerator', 'DescribeEndpointGroup', 'endpoint-groups'),
  ],
  'rds-proxy-target': [
    declared('RDS', 'DescribeGlobalClusters'),
    declared('RDS', 'DescribeDBClusters'),
    declared('RDS', 'DescribeDBProxyTargets', 'db-proxies', 'proxy-target-groups'),
  ],
  'ecs-service': [declared('ECS', 'DescribeServices', 'ecs-services')],
  lambda: [declared('Lambda', 'GetFunction', 'lambda-functions')],
}

async function readStep(step: StepConfig, context: ReadContext): Promise<AppStepView> {
  const reader = STEP_READERS[step.kind] as StepReader<StepKind>
  const reading = await reader(step, context)
  return {
    id: step.id,
    kind: step.kind,
    required: step.required,
    joins: [...(step.runbooks ?? RUNBOOKS_WITH_STEPS)],
    ...reading,
  }
}

/** Where each application step of drctl.yaml points now, read as concurrently as the rest of the observation. */
export const appStepsReader: ServiceReader<'steps', 'steps'> = {
  part: 'steps',
  // Each kind's reads (STEP_READS) are granted for the kinds drctl.yaml configures.
  calls: {reads: [], writes: []},
  unread: {steps: []},
  async read(context) {
    return {steps: await Promise.all(context.config.steps.map((step) => readStep(step, context)))}
  },
}
