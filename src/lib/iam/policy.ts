import {iamActionOf} from '../aws/errors.js'
import {ARC_CONTROL_PLANE_REGION, CONTROL_PLANE_REGIONS} from '../aws/control-planes.js'
import {bareId} from '../aws/route53.js'
import {type DrctlConfig, routingControlsByRegion, teamState} from '../config/schema.js'
import {type StepKind, type StepOfKind} from '../config/steps.js'
import {heartbeatTable} from '../reconcile/heartbeat.js'
import {secretIn} from '../reconcile/data-api-source.js'
import {reportsLocation} from '../runbook/report-store.js'
import {appStepCallsOf} from '../runbooks/app-steps/kinds.js'
import {STEP_READS} from '../topology/readers/app-steps.js'
import {callsOfAll, type DeclaredCall, type ResourceKind} from '../aws/iam-calls.js'
import {COMMAND_NEEDS, type CommandNeeds, type IamRole, REPORT_CALLS, STATE_TABLE_CALLS} from './needs.js'

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow'
  Action: string[]
  Resource: string[]
  Condition?: {StringEquals: {'aws:RequestedRegion': string[]}}
}

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

export interface RolePolicy {
  role: IamRole
  commands: string[]
  document: PolicyDocument
}

/** The calls `command` makes with this config: its steps' and readers', application steps' and run state's. */
export function callsOf(config: DrctlConfig, command: string): DeclaredCall[] {
  const needs = COMMAND_NEEDS[command]
  if (!needs) return []
  const state = teamState(config) && needs.run ? STATE_TABLE_CALLS : []
  const reports = config.state.reports && needs.run ? REPORT_CALLS : []
  const {reads, writes} = callsOfAll(...needs.runs)
  return [...reads, ...writes, ...state, ...reports, ...appStepCalls(config, needs.appSteps)]
}

/** The application steps' calls: for each kind drctl.yaml configures, its reader's, and its step's for a move. */
function appStepCalls(config: DrctlConfig, scope: CommandNeeds['appSteps']): DeclaredCall[] {
  if (!scope) return []
  const kinds = new Set(config.steps.map((step) => step.kind).filter((kind) => scope.kinds?.includes(kind) ?? true))
  return [...kinds].flatMap((kind) => {
    const step = appStepCallsOf(kind)
    return [...STEP_READS[kind], ...(scope.calls === 'moves' ? [...step.reads, ...step.writes] : [])]
  })
}

/** One policy document per role that the chosen commands span. */
export function rolePolicies(config: DrctlConfig, commands: string[]): RolePolicy[] {
  const account = config.account ?? '*'
  return (['read-only', 'operator', 'destructive'] as const).flatMap((role) => {
    const chosen = commands.filter((command) => COMMAND_NEEDS[command]?.role === role)
    if (chosen.length === 0) return []
    const calls = chosen.flatMap((command) => callsOf(config, command))
    return [{role, commands: chosen, document: documentOf(config, account, calls)}]
  })
}

/** Statements grouped by what they grant on: the same resources and Regions share one statement. */
function documentOf(config: DrctlConfig, account: string, calls: DeclaredCall[]): PolicyDocument {
  const groups = new Map<string, {actions: Set<string>; resources: string[]; regions: string[]; name: string}>()
  for (const call of calls) {
    const resources = [...new Set(call.resources.flatMap((kind) => arnsOf(config, account, kind)))]
    // A call on resources the config does not have (no tables, no stacks) is never made: nothing to grant.
    if (resources.length === 0) continue
    const regions = requestedRegions(config, call.service)
    const key = JSON.stringify([resources, regions])
    const group = groups.get(key) ?? {
      actions: new Set<string>(),
      resources,
      regions,
      name: call.resources.includes('any') ? 'Read' : call.resources.join(' '),
    }
    group.actions.add(iamActionOf(call))
    groups.set(key, group)
  }
  const sids = new Set<string>()
  const statements = [...groups.values()].map((group): PolicyStatement => {
    // A statement of one service's actions is named after it; reads of several services are just `Read`.
    const prefixes = new Set([...group.actions].map((action) => action.split(':')[0]))
    const prefix = prefixes.size === 1 ? [...prefixes][0] : ''
    const sid = uniqueSid(sids, pascal(`${prefix} ${group.name}`))
    return {
      Sid: sid,
      Effect: 'Allow',
      Action: [...group.actions].sort(),
      Resource: group.resources,
      ...(group.regions.length > 0 ? {Condition: {StringEquals: {'aws:RequestedRegion': group.regions}}} : {}),
    }
  })
  return {Version: '2012-10-17', Statement: statements}
}

/** The ARNs of a kind of resource, from drctl.yaml; member ids are discovered live, so they are Region wildcards. */
function arnsOf(config: DrctlConfig, account: string, kind: ResourceKind): string[] {
  const regional = (service: string, resource: (region: string) => string[]) =>
    config.regions.flatMap((region) =>
      resource(region).map((name) => `arn:aws:${service}:${region}:${account}:${name}`),
    )
  const fisRegion = config.fis?.region
  switch (kind) {
    case 'any':
      return ['*']
    case 'global-clusters':
      // Fallback renames an orphaned global cluster out of the way (fallback-rebuild.ts) before it removes its members.
      return config.aurora.globalClusters.flatMap((id) => [
        `arn:aws:rds::${account}:global-cluster:${id}`,
        `arn:aws:rds::${account}:global-cluster:${id}-orphan-*`,
      ])
    case 'clusters':
      return regional('rds', () => ['cluster:*'])
    case 'instances':
      return regional('rds', () => ['db:*'])
    case 'cluster-snapshots':
      return regional('rds', () => ['cluster-snapshot:*'])
    case 'tables':
      return regional('dynamodb', () => config.dynamodb.tables.map((table) => `table/${table}`))
    case 'state-table': {
      const state = teamState(config)
      return state ? state.regions.map((region) => `arn:aws:dynamodb:${region}:${account}:table/${state.table}`) : []
    }
    case 'reports-bucket':
    case 'reports': {
      const location = reportsLocation(config)
      if (!location) return []
      const objects = [location.bucket, location.prefix, '*'].filter(Boolean).join('/')
      return [`arn:aws:s3:::${kind === 'reports' ? objects : location.bucket}`]
    }
    case 'routing-controls':
      return Object.values(routingControlsByRegion(config)).flat()
    case 'fis-templates':
      return fisRegion ? [`arn:aws:fis:${fisRegion}:${account}:experiment-template/*`] : []
    case 'fis-experiments':
      return fisRegion ? [`arn:aws:fis:${fisRegion}:${account}:experiment/*`] : []
    case 'stacks':
      return Object.entries(config.stacks).flatMap(([region, stacks]) =>
        stacks.map((stack) => `arn:aws:cloudformation:${region}:${account}:stack/${stack}/*`),
      )
    case 'heartbeat-clusters':
      return config.rpo ? regional('rds', () => ['cluster:*']) : []
    case 'heartbeat-secrets':
    case 'reconcile-secrets': {
      const secretArn = kind === 'heartbeat-secrets' ? heartbeatTable(config)?.secretArn : config.reconcile?.secretArn
      return secretArn ? [...new Set(config.regions.map((region) => secretIn(secretArn, region)))] : []
    }
    case 'kms-keys':
      return regional('kms', () => ['key/*'])
    case 'arc-cluster-uncached':
      return config.arc && (config.arc.endpoints ?? []).length === 0 ? [config.arc.clusterArn] : []
    default:
      return appStepArns(config, account, kind)
  }
}

/** The ARNs of application steps' resources, from their drctl.yaml entries. */
function appStepArns(config: DrctlConfig, account: string, kind: ResourceKind): string[] {
  const stepsOf = <K extends StepKind>(stepKind: K) =>
    config.steps.filter((step): step is StepOfKind<K> => step.kind === stepKind)
  const perRegion = <K extends StepKind>(stepKind: K, arns: (step: StepOfKind<K>, region: string) => string[]) =>
    stepsOf(stepKind).flatMap((step) =>
      Object.keys((step as {regions?: Record<string, unknown>}).regions ?? {}).flatMap((region) => arns(step, region)),
    )
  const unique = (arns: string[]) => [...new Set(arns)]
  switch (kind) {
    case 'hosted-zones':
      return unique(
        stepsOf('route53-record').map((step) => `arn:aws:route53:::hostedzone/${bareId(step.hostedZoneId)}`),
      )
    case 'route53-changes':
      return stepsOf('route53-record').length > 0 ? ['arn:aws:route53:::change/*'] : []
    case 'distributions':
      return unique(
        stepsOf('cloudfront-origin').map(
          (step) => `arn:aws:cloudfront::${account}:distribution/${step.distributionId}`,
        ),
      )
    case 'accelerators':
      return unique(stepsOf('global-accelerator-dial').map((step) => step.acceleratorArn))
    case 'endpoint-groups':
      return unique(
        perRegion('global-accelerator-dial', (step, region) => [step.regions[region]?.endpointGroupArn ?? '']),
      )
    // A proxy's ARN carries its resource id, found live: the proxies and target groups of the step's Regions.
    case 'db-proxies':
      return unique(perRegion('rds-proxy-target', (_, region) => [`arn:aws:rds:${region}:${account}:db-proxy:*`]))
    case 'proxy-target-groups':
      return unique(perRegion('rds-proxy-target', (_, region) => [`arn:aws:rds:${region}:${account}:target-group:*`]))
    case 'ecs-services':
      return unique(
        perRegion('ecs-service', (step, region) => {
          const entry = step.regions[region]
          return (entry?.services ?? []).map(
            (service) => `arn:aws:ecs:${region}:${account}:service/${entry?.cluster}/${service}`,
          )
        }),
      )
    case 'lambda-functions':
      return unique(
        perRegion('lambda', (step, region) => {
          const name = step.regions[region]?.function ?? ''
          return [name.startsWith('arn:') ? name : `arn:aws:lambda:${region}:${account}:function:${name}`]
        }),
      )
    case 'ssm-parameters':
      return unique(
        stepsOf('ssm-parameter').flatMap((step) =>
          (step.writeIn ?? config.regions).map(
            (region) => `arn:aws:ssm:${region}:${account}:parameter/${step.name.replace(/^\//, '')}`,
          ),
        ),
      )
    default:
      return []
  }
}

/**
 * The Regions a service's calls are signed for (the `aws:RequestedRegion` condition): the topology's Regions, the ARC
 * cluster endpoints' Regions, or a global service's control plane. Empty: no condition (no endpoints known yet).
 */
function requestedRegions(config: DrctlConfig, service: string): string[] {
  switch (service) {
    case 'ARC cluster':
      return [...new Set((config.arc?.endpoints ?? []).map((endpoint) => endpoint.region))]
    case 'ARC control':
      return [ARC_CONTROL_PLANE_REGION]
    case 'Route 53':
      return [CONTROL_PLANE_REGIONS.route53]
    case 'CloudFront':
      return [CONTROL_PLANE_REGIONS.cloudfront]
    case 'Global Accelerator':
      return [CONTROL_PLANE_REGIONS.globalaccelerator]
    case 'S3': // the bucket's Region, wherever it is
      return []
    default:
      return [
        ...new Set([
          ...config.regions,
          ...(config.fis ? [config.fis.region] : []),
          ...(teamState(config)?.regions ?? []),
        ]),
      ]
  }
}

function pascal(words: string): string {
  return words
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => `${word[0]?.toUpperCase() ?? ''}${word.slice(1)}`)
    .join('')
}

function uniqueSid(taken: Set<string>, base: string): string {
  let sid = base
  for (let n = 2; taken.has(sid); n++) sid = `${base}${n}`
  taken.add(sid)
  return sid
}
