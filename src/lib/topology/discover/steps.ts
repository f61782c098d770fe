import type {SsmParameter} from '../../aws/ports.js'
import type {GlobalMember} from './databases.js'
import {type DiscoverContext, type Finding, readEveryRegion, type SectionResult} from './findings.js'
import {
  discoverAcceleratorSteps,
  discoverCloudFrontSteps,
  discoverDnsSteps,
  type DiscoveredStep,
  row,
  type StepsFound,
} from './steps-traffic.js'

// Application steps (drctl.yaml `steps:`) recognised in the account, each only when its counterpart in every Region
// is known: what is half-found is a skipped row saying what is missing.

export interface StepsDiscovery extends SectionResult {
  steps: Record<string, unknown>[]
}

/** What discovery never recognises, said once in the table so that nobody waits for it. */
const NOT_RECOGNISED: Finding[] = [
  row(
    'Lambda step',
    '—',
    [],
    'not recognised: nothing in a function says it is a DR action (add lambda steps by hand)',
  ),
  row('approval step', '—', [], 'a person’s decision, not in the account (add an approval step by hand)'),
]

/** Every step kind drctl can recognise, read at once; `members` are the discovered global clusters' members. */
export async function discoverSteps(context: DiscoverContext, members: GlobalMember[]): Promise<StepsDiscovery> {
  const parts = await Promise.all([
    discoverDnsSteps(context, members),
    discoverCloudFrontSteps(context),
    discoverAcceleratorSteps(context),
    discoverProxySteps(context, members),
    discoverEcsSteps(context),
    discoverParameterSteps(context, members),
  ])
  const found = parts.flatMap((part) => part.steps)
  const used = new Set<string>()
  const steps = found.map(({step, name}) => ({id: uniqueId(name, used), ...step}))
  return {
    steps,
    found: found.map((entry) => entry.finding),
    skipped: [...parts.flatMap((part) => part.skipped), ...NOT_RECOGNISED],
    notes: found.map(
      (entry, index) => `${steps[index]!.id}: ${entry.finding.kind} ${entry.finding.name}, ${entry.finding.detail}`,
    ),
  }
}

/** A step id (lowercase letters, digits, hyphens) from a name, numbered when another step has it. */
function uniqueId(name: string, used: Set<string>): string {
  const stem =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 58) || 'step'
  let id = stem
  for (let count = 2; used.has(id); count++) id = `${stem}-${count}`
  used.add(id)
  return id
}

/**
 * RDS proxies whose default target group holds a member of a discovered global cluster, with their counterparts in
 * the other Regions: the proxy of the same name, or of the name with the Region's name in place of the first's.
 */
async function discoverProxySteps(context: DiscoverContext, members: GlobalMember[]): Promise<StepsFound> {
  const {aws, reader, regions} = context
  const found: StepsFound = {steps: [], skipped: []}
  const lists = await readEveryRegion(context, 'rds', (region) => aws.rdsProxy(region).listProxies(), {
    section: 'steps',
    kind: 'RDS proxies',
    skipped: found.skipped,
  })
  const proxies = new Map(lists.map(({region, value}) => [region, value]))
  const targeting = await Promise.all(
    [...proxies].flatMap(([region, names]) =>
      names.map(async (proxy) => {
        const read = await reader.read('rds', region, () => aws.rdsProxy(region).describeTargets(proxy, 'default'))
        const clusters = read.ok && read.value.found ? read.value.targets.map((target) => target.clusterId) : []
        const member = members.find(
          (candidate) => candidate.region === region && clusters.includes(candidate.clusterId),
        )
        return {region, proxy, member}
      }),
    ),
  )
  const seen = new Set<string>()
  for (const {region, proxy, member} of targeting) {
    if (!member || seen.has(member.globalCluster)) continue
    seen.add(member.globalCluster)
    const counterpart = (target: string) =>
      targeting.find(
        (entry) =>
          entry.region === target &&
          (entry.member?.globalCluster === member.globalCluster ||
            entry.proxy === proxy ||
            entry.proxy === proxy.replace(region, target)),
      )?.proxy
    const missing = regions.filter((target) => !counterpart(target))
    if (missing.length > 0) {
      found.skipped.push(
        row(
          'RDS proxy',
          proxy,
          [region],
          `targets ${member.clusterId}; no proxy of that name in ${missing.join(', ')}`,
        ),
      )
      continue
    }
    found.steps.push({
      name: `proxy-${member.globalCluster}`,
      step: {
        kind: 'rds-proxy-target',
        globalCluster: member.globalCluster,
        regions: Object.fromEntries(regions.map((target) => [target, {proxy: counterpart(target)}])),
      },
      finding: row(
        'RDS proxy',
        proxy,
        regions,
        `targets ${member.clusterId} (${member.globalCluster}); one proxy per Region`,
      ),
    })
  }
  return found
}

/** ECS services of the same cluster and name in every Region: redeployed once traffic has moved (no cached writer IP). */
async function discoverEcsSteps(context: DiscoverContext): Promise<StepsFound> {
  const {aws, regions} = context
  const found: StepsFound = {steps: [], skipped: []}
  const lists = await readEveryRegion(context, 'ecs', (region) => aws.ecs(region).listServices(), {
    section: 'steps',
    kind: 'ECS services',
    skipped: found.skipped,
  })
  const regionsOf = new Map<string, string[]>()
  for (const {region, value} of lists) {
    for (const {cluster, service} of value) {
      const key = `${cluster}/${service}`
      regionsOf.set(key, [...(regionsOf.get(key) ?? []), region])
    }
  }
  const everywhere = new Map<string, string[]>()
  for (const [key, where] of regionsOf) {
    const [cluster = '', service = ''] = key.split('/')
    if (where.length === regions.length) everywhere.set(cluster, [...(everywhere.get(cluster) ?? []), service])
    else
      found.skipped.push(
        row('ECS service', key, where, `not in ${regions.filter((region) => !where.includes(region)).join(', ')}`),
      )
  }
  for (const [cluster, services] of everywhere) {
    found.steps.push({
      name: `ecs-${cluster}`,
      step: {
        kind: 'ecs-service',
        action: 'redeploy',
        regions: Object.fromEntries(regions.map((region) => [region, {cluster, services}])),
      },
      finding: row(
        'ECS service',
        `${cluster}/${services.join(', ')}`,
        regions,
        'in every Region: redeployed after traffic moves',
      ),
    })
  }
  return found
}

/**
 * SSM parameters (hierarchical names) with the same value in every Region, that value a discovered global cluster's
 * name (kept in step by `aurora rename-global`) or one of the Regions (the one writes go to).
 */
async function discoverParameterSteps(context: DiscoverContext, members: GlobalMember[]): Promise<StepsFound> {
  const {aws, regions} = context
  const found: StepsFound = {steps: [], skipped: []}
  const lists = await readEveryRegion(context, 'ssm', (region) => aws.ssm(region).listParameters('/'), {
    section: 'steps',
    kind: 'SSM parameters',
    skipped: found.skipped,
  })
  const byName = new Map<string, SsmParameter[]>()
  for (const {value} of lists) {
    for (const parameter of value) byName.set(parameter.name, [...(byName.get(parameter.name) ?? []), parameter])
  }
  const globals = new Set(members.map((member) => member.globalCluster))
  for (const [name, copies] of byName) {
    const value = copies[0]!.value
    if (copies.length !== regions.length || copies.some((copy) => copy.value !== value)) continue
    const placeholder = globals.has(value)
      ? `{{globalCluster ${value}}}`
      : regions.includes(value)
        ? '{{target}}'
        : undefined
    if (!placeholder || !['String', 'StringList'].includes(copies[0]!.type)) continue
    const step: DiscoveredStep['step'] = {kind: 'ssm-parameter', name, value: placeholder}
    if (copies[0]!.type === 'StringList') step.type = 'StringList'
    found.steps.push({
      name: `ssm-${name}`,
      step,
      finding: row('SSM parameter', name, regions, `${value} in every Region: written as ${placeholder}`),
    })
  }
  return found
}
