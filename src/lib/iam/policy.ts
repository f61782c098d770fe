import {iamActionOf} from '../aws/errors.js'
import {ARC_CONTROL_PLANE_REGION, CONTROL_PLANE_REGIONS} from '../aws/control-planes.js'
import {type DrctlConfig, routingControlsByRegion, teamState} from '../config/schema.js'
import {RUNBOOKS_WITH_STEPS} from '../config/steps.js'
import {reportsLocation} from '../runbook/report-store.js'
import {appStep} from '../runbooks/app-steps/kinds.js'
import {
  APP_STEP_READS,
  type CallNeed,
  COMMAND_NEEDS,
  type IamRole,
  REPORT_CALLS,
  type ResourceKind,
  STATE_TABLE_READS,
  STATE_TABLE_WRITES,
} from './needs.js'

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

/** The calls `commands` make with this config: their reads, writes, application steps and run state. */
export function callsOf(config: DrctlConfig, command: string): CallNeed[] {
  const needs = COMMAND_NEEDS[command]
  if (!needs) return []
  const state = teamState(config) && needs.run ? [...STATE_TABLE_READS, ...STATE_TABLE_WRITES] : []
  const reports = config.state.reports && needs.run ? REPORT_CALLS : []
  return [
    ...needs.reads,
    ...needs.writes,
    ...state,
    ...reports,
    ...(needs.appSteps ? appStepCalls(config, needs.appSteps) : []),
  ]
}

/**
 * The application steps' calls, from the steps themselves: each step is built for a move to every Region and its
 * describe() lists what it calls (the plan shows the same); its check and verify reads come from its kind.
 */
function appStepCalls(config: DrctlConfig, scope: 'reads' | 'moves'): CallNeed[] {
  const reads = config.steps.flatMap((step) => APP_STEP_READS[step.kind] ?? [])
  if (scope === 'reads') return reads
  const moves = config.regions.flatMap((to) =>
    RUNBOOKS_WITH_STEPS.map((runbook) => ({
      to,
      from: config.regions.filter((region) => region !== to),
      failedRegions: [],
      globalClusters: config.aurora.globalClusters,
      runbook,
    })),
  )
  const writes = config.steps.flatMap((step) =>
    moves.flatMap((move) =>
      appStep({step, move}, config.regions)
        .describe()
        .filter((call) => call.service !== 'drctl')
        .map((call): CallNeed => ({service: call.service, operation: call.operation, resources: ['any']})),
    ),
  )
  return [...reads, ...writes]
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
function documentOf(config: DrctlConfig, account: string, calls: CallNeed[]): PolicyDocument {
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
export function arnsOf(config: DrctlConfig, account: string, kind: ResourceKind): string[] {
  const regional = (service: string, resource: (region: string) => string[]) =>
    config.regions.flatMap((region) =>
      resource(region).map((name) => `arn:aws:${service}:${region}:${account}:${name}`),
    )
  const fisRegion = config.fis?.region
  switch (kind) {
    case 'any':
      return ['*']
    case 'global-clusters':
      return config.aurora.globalClusters.map((id) => `arn:aws:rds::${account}:global-cluster:${id}`)
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
    case 'kms-keys':
      return regional('kms', () => ['key/*'])
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
