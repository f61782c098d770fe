import {z} from 'zod'

import {quote} from '../core/quote.js'
import {closest} from './suggest.js'

/**
 * Application steps (drctl.yaml `steps:`): what moves with the database besides ARC routing controls — DNS records,
 * CloudFront origins, Global Accelerator dials, RDS Proxy targets, ECS services, Lambda actions, SSM parameters and
 * manual approvals. Each kind's values are keyed by Region: a move to Region R uses R's entry.
 */

export const RUNBOOKS_WITH_STEPS = ['failover-planned', 'failover-unplanned', 'fallback'] as const
export type StepRunbook = (typeof RUNBOOKS_WITH_STEPS)[number]

/** Where a step runs in a move: before the databases move, after them, or once traffic follows. */
export const STEP_PHASES = ['before-database', 'after-database', 'after-traffic'] as const
export type StepPhase = (typeof STEP_PHASES)[number]

const STEP_ID = /^[a-z0-9][a-z0-9-]{0,62}$/
const HOSTED_ZONE_ID = /^(\/hostedzone\/)?[A-Z0-9]{1,32}$/
const DISTRIBUTION_ID = /^[A-Z0-9]{1,32}$/
const GA_ENDPOINT_GROUP_ARN =
  /^arn:aws[a-z-]*:globalaccelerator::\d{12}:accelerator\/[a-z0-9-]+\/listener\/[a-z0-9]+\/endpoint-group\/[a-z0-9]+$/
const GA_ACCELERATOR_ARN = /^arn:aws[a-z-]*:globalaccelerator::\d{12}:accelerator\/[a-z0-9-]+$/
const RDS_IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/
const SSM_PARAMETER_NAME = /^[a-zA-Z0-9_.\-/]{1,1011}$/
const LAMBDA_FUNCTION = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9-_]{1,64}(:[a-zA-Z0-9$_-]+)?$/
const DOMAIN_NAME =
  /^(?=.{1,253}\.?$)([a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.?$/

const shaped = (pattern: RegExp, what: string) =>
  z.string().regex(pattern, {error: (issue) => `${quote(issue.input)} is not ${what}`})

function strictStep<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape)
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined
      return issue.keys
        .map((key) => {
          const suggestion = closest(key, known)
          return `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`
        })
        .join('\n')
    },
  })
}

/** Fields every step has. */
const common = {
  id: shaped(STEP_ID, 'a step id (lowercase letters, digits, hyphens)'),
  /** The runbooks the step joins. */
  runbooks: z.array(z.enum(RUNBOOKS_WITH_STEPS)).min(1).optional(),
  phase: z.enum(STEP_PHASES).optional(),
  /** In an unplanned failover a step that cannot run becomes a follow-up, unless it is required: then the run stops. */
  required: z.boolean().default(false),
  /** How long the step may wait for AWS (default: the kind's own). */
  timeoutMs: z.number().int().positive().optional(),
}

const perRegion = <T extends z.ZodType>(value: T) => z.record(z.string(), value)

const aliasTarget = strictStep({
  dnsName: shaped(DOMAIN_NAME, 'a DNS name'),
  hostedZoneId: shaped(HOSTED_ZONE_ID, 'a hosted zone id'),
  evaluateTargetHealth: z.boolean().default(false),
})

const route53Record = strictStep({
  ...common,
  kind: z.literal('route53-record'),
  hostedZoneId: shaped(HOSTED_ZONE_ID, 'a hosted zone id (like Z0123456789ABC)'),
  name: shaped(DOMAIN_NAME, 'a record name'),
  type: z.enum(['CNAME', 'A', 'AAAA']),
  /** `simple`: one record whose value follows the writer; `weighted`: R's record gets weight 100, the others 0. */
  routing: z.enum(['simple', 'weighted']).default('simple'),
  ttl: z.number().int().min(0).max(2_147_483_647).default(60),
  regions: perRegion(
    strictStep({
      value: z.string().min(1).optional(),
      alias: aliasTarget.optional(),
      setIdentifier: z.string().min(1).max(128).optional(),
    }),
  ),
})

const cloudfrontOrigin = strictStep({
  ...common,
  kind: z.literal('cloudfront-origin'),
  distributionId: shaped(DISTRIBUTION_ID, 'a CloudFront distribution id'),
  /** The origin to repoint; with `originGroupId` instead, the group's primary (first) member is repointed. */
  originId: z.string().min(1).optional(),
  originGroupId: z.string().min(1).optional(),
  regions: perRegion(strictStep({domain: shaped(DOMAIN_NAME, 'a domain name'), originPath: z.string().optional()})),
})

const acceleratorDial = strictStep({
  ...common,
  kind: z.literal('global-accelerator-dial'),
  acceleratorArn: shaped(GA_ACCELERATOR_ARN, 'a Global Accelerator accelerator ARN'),
  regions: perRegion(
    strictStep({endpointGroupArn: shaped(GA_ENDPOINT_GROUP_ARN, 'a Global Accelerator endpoint group ARN')}),
  ),
})

const rdsProxyTarget = strictStep({
  ...common,
  kind: z.literal('rds-proxy-target'),
  /** The global cluster whose member in R R's proxy must target. */
  globalCluster: shaped(RDS_IDENTIFIER, 'an RDS identifier').transform((id) => id.toLowerCase()),
  targetGroup: z.string().min(1).default('default'),
  regions: perRegion(strictStep({proxy: shaped(RDS_IDENTIFIER, 'an RDS Proxy name')})),
})

const ecsService = strictStep({
  ...common,
  kind: z.literal('ecs-service'),
  /** `redeploy`: force a new deployment (no task keeps a cached IP); `scale`: set the desired count in R. */
  action: z.enum(['redeploy', 'scale']),
  regions: perRegion(
    strictStep({
      cluster: z.string().min(1),
      services: z.array(z.string().min(1)).min(1),
      /** `scale`: the count to set (default: the source Region's current desired count). */
      desiredCount: z.number().int().min(0).optional(),
    }),
  ),
})

const lambdaInvoke = strictStep({
  ...common,
  kind: z.literal('lambda'),
  /** Added to the payload drctl sends (run id, step id, mode, from and to Regions). */
  payload: z.record(z.string(), z.unknown()).default({}),
  regions: perRegion(strictStep({function: shaped(LAMBDA_FUNCTION, 'a Lambda function name or ARN')})),
})

const ssmParameter = strictStep({
  ...common,
  kind: z.literal('ssm-parameter'),
  name: shaped(SSM_PARAMETER_NAME, 'an SSM parameter name'),
  /**
   * The value, with placeholders: {{target}} (the Region writes move to), {{from}}, {{region}} (the Region being
   * written), {{runId}}, {{globalCluster NAME}} (a global cluster's current name: `aurora rename-global` keeps it).
   */
  value: z.string().min(1),
  type: z.enum(['String', 'StringList']).default('String'),
  /** The Regions to write it in (default: every Region of the topology). */
  writeIn: z.array(z.string()).min(1).optional(),
})

const approval = strictStep({
  ...common,
  kind: z.literal('approval'),
  /** What the approver is asked. */
  message: z.string().min(1).default('Approve this move?'),
})

const STEP_SCHEMAS = [
  route53Record,
  cloudfrontOrigin,
  acceleratorDial,
  rdsProxyTarget,
  ecsService,
  lambdaInvoke,
  ssmParameter,
  approval,
] as const

export const STEP_KINDS = STEP_SCHEMAS.map((schema) => schema.shape.kind.value)

export const stepSchema = z.discriminatedUnion('kind', STEP_SCHEMAS, {
  error: (issue) => {
    if (issue.code !== 'invalid_union' || !('note' in issue) || issue.note !== 'No matching discriminator')
      return undefined
    const input = (issue.input as {kind?: unknown} | undefined)?.kind
    if (typeof input !== 'string') return `expected a kind: one of ${STEP_KINDS.join(', ')}`
    const suggestion = closest(input, STEP_KINDS)
    return `unknown kind ${quote(input)}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; kinds: ${STEP_KINDS.join(', ')}`
  },
})

export type StepConfig = z.output<typeof stepSchema>
export type StepKind = StepConfig['kind']
export type StepOfKind<K extends StepKind> = Extract<StepConfig, {kind: K}>

const DEFAULT_PHASES: Record<StepKind, StepPhase> = {
  'route53-record': 'after-database',
  'cloudfront-origin': 'after-database',
  'global-accelerator-dial': 'after-database',
  'rds-proxy-target': 'after-database',
  'ecs-service': 'after-traffic',
  lambda: 'after-traffic',
  'ssm-parameter': 'after-database',
  approval: 'before-database',
}

export function phaseOf(step: StepConfig): StepPhase {
  if (step.phase) return step.phase
  // Capacity goes up before writes and traffic arrive; a restart follows the DNS change.
  if (step.kind === 'ecs-service' && step.action === 'scale') return 'before-database'
  return DEFAULT_PHASES[step.kind]
}

export function runsIn(step: StepConfig, runbook: StepRunbook): boolean {
  return (step.runbooks ?? RUNBOOKS_WITH_STEPS).includes(runbook)
}

/** The Regions a step writes for a move (a step with a value per Region writes in the target only). */
export function writeRegions(step: StepConfig, topologyRegions: string[]): string[] | undefined {
  if (step.kind === 'ssm-parameter') return step.writeIn ?? topologyRegions
  return undefined
}

const TEMPLATE_PLACEHOLDERS = ['target', 'from', 'region', 'runId', 'globalCluster']
const GLOBAL_CLUSTER_PLACEHOLDER = /\{\{\s*globalCluster\s+([^}\s]+)\s*\}\}/g

/** The global clusters a template names with {{globalCluster NAME}} (lowercase, as RDS stores them). */
export function templatedGlobalClusters(template: string): string[] {
  return [...template.matchAll(GLOBAL_CLUSTER_PLACEHOLDER)].map((match) => (match[1] as string).toLowerCase())
}

/** The template after a global cluster's rename: {{globalCluster OLD}} becomes {{globalCluster NEW}}. */
export function renameInTemplate(template: string, from: string, to: string): string {
  return template.replace(GLOBAL_CLUSTER_PLACEHOLDER, (whole, name: string) =>
    name.toLowerCase() === from.toLowerCase() ? `{{globalCluster ${to}}}` : whole,
  )
}

/** What the placeholders of a template stand for in one write. */
export interface TemplateValues {
  /** The Region writes move to. */
  target: string
  from: string[]
  /** The Region being written. */
  region: string
  runId: string
  /** The global clusters drctl.yaml lists (what {{globalCluster NAME}} resolves to). */
  globalClusters: string[]
}

/** A value with its placeholders filled in; an unknown one is left as written (config validation refuses it). */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{\{\s*([a-zA-Z]+)(?:\s+([^}\s]+))?\s*\}\}/g, (whole, name: string, argument?: string) => {
    switch (name) {
      case 'target':
        return values.target
      case 'from':
        return values.from.join(',')
      case 'region':
        return values.region
      case 'runId':
        return values.runId
      case 'globalCluster': {
        const id = argument?.toLowerCase()
        return id && values.globalClusters.includes(id) ? id : whole
      }
      default:
        return whole
    }
  })
}

/** Whether a template's value depends on the run itself ({{runId}}, {{from}}): status cannot predict it. */
export function dependsOnRun(template: string): boolean {
  return /\{\{\s*(runId|from)\s*\}\}/.test(template)
}

type Path = (string | number)[]

/** Cross-key rules of `steps:` on the raw document: unique ids, a value for every Region, one of a pair of keys. */
export function crossCheckSteps(
  steps: unknown[],
  regions: string[],
  globalClusters: string[],
): {path: Path; message: string}[] {
  const problems: {path: Path; message: string}[] = []
  const seen = new Set<string>()
  steps.forEach((raw, index) => {
    const step = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
    const path = ['steps', index]
    if (typeof step.id === 'string') {
      if (seen.has(step.id)) problems.push({path: [...path, 'id'], message: `duplicate step id "${step.id}"`})
      seen.add(step.id)
    }
    const kind = step.kind
    const values = step.regions && typeof step.regions === 'object' ? (step.regions as Record<string, unknown>) : {}
    if (
      kind !== 'approval' &&
      kind !== 'ssm-parameter' &&
      typeof kind === 'string' &&
      STEP_KINDS.includes(kind as StepKind)
    ) {
      for (const region of regions) {
        if (!(region in values))
          problems.push({
            path: [...path, 'regions', region],
            message: `missing: every Region of the topology needs a value`,
          })
      }
      for (const region of Object.keys(values)) {
        if (!regions.includes(region)) {
          const suggestion = closest(region, regions)
          problems.push({
            path: [...path, 'regions', region],
            message: `Region ${quote(region)} is not listed in regions${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          })
        }
      }
    }
    if (kind === 'ssm-parameter' && typeof step.value === 'string') {
      for (const match of step.value.matchAll(/\{\{\s*([a-zA-Z]+)(?:\s+([^}\s]+))?\s*\}\}/g)) {
        const [placeholder, name, argument] = match as unknown as [string, string, string | undefined]
        if (!TEMPLATE_PLACEHOLDERS.includes(name)) {
          problems.push({
            path: [...path, 'value'],
            message: `unknown placeholder ${placeholder}; placeholders: ${TEMPLATE_PLACEHOLDERS.map((known) => `{{${known}}}`).join(', ')}`,
          })
        } else if (name === 'globalCluster' && !globalClusters.includes((argument ?? '').toLowerCase())) {
          problems.push({
            path: [...path, 'value'],
            message: `${placeholder} names no global cluster of aurora.globalClusters (${globalClusters.join(', ') || 'none'})`,
          })
        }
      }
    }
    if (kind === 'ssm-parameter' && Array.isArray(step.writeIn)) {
      step.writeIn.forEach((region, position) => {
        if (typeof region === 'string' && !regions.includes(region))
          problems.push({path: [...path, 'writeIn', position], message: `Region "${region}" is not listed in regions`})
      })
    }
    if (
      kind === 'rds-proxy-target' &&
      typeof step.globalCluster === 'string' &&
      !globalClusters.includes(step.globalCluster.toLowerCase())
    )
      problems.push({
        path: [...path, 'globalCluster'],
        message: `${quote(step.globalCluster)} is not one of aurora.globalClusters (${globalClusters.join(', ') || 'none'})`,
      })
    if (kind === 'ecs-service' && step.action === 'scale') {
      // Without a desiredCount, R's services copy the source Region's counts position by position.
      const counts = new Set(
        Object.values(values).map((value) =>
          value && typeof value === 'object' && Array.isArray((value as {services?: unknown}).services)
            ? (value as {services: unknown[]}).services.length
            : undefined,
        ),
      )
      if (counts.size > 1)
        problems.push({
          path: [...path, 'regions'],
          message: 'a scale step lists the same number of services in every Region (they pair up by position)',
        })
    }
    if (kind === 'cloudfront-origin' && 'originId' in step === 'originGroupId' in step)
      problems.push({path, message: 'give exactly one of originId and originGroupId'})
    if (kind === 'route53-record') {
      const routing = step.routing ?? 'simple'
      for (const [region, value] of Object.entries(values)) {
        const entry = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
        const at = [...path, 'regions', region]
        if (routing === 'weighted' && typeof entry.setIdentifier !== 'string')
          problems.push({path: at, message: 'a weighted record needs setIdentifier (the record of this Region)'})
        if (routing === 'simple' && 'value' in entry === 'alias' in entry)
          problems.push({path: at, message: 'give exactly one of value and alias'})
      }
    }
  })
  return problems
}
