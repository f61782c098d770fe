import type {DbCluster, GlobalCluster, ProxyTarget, ProxyTargets} from '../../../aws/ports.js'
import type {StepOfKind} from '../../../config/steps.js'
import {DETACHED_FROM_TAG} from '../../views.js'
import type {StepReading} from '../app-steps.js'
import type {ReadContext} from '../service-reader.js'

/** A global cluster's cluster in a Region: its member there. */
export function memberIn(global: GlobalCluster | undefined, region: string): string | undefined {
  return global?.members.find((member) => member.region === region)?.clusterId
}

/** The standalone cluster an unplanned failover detached from a global cluster (drctl tagged it). */
export function detachedFrom(clusters: DbCluster[], globalClusterId: string): string | undefined {
  return clusters.find((cluster) => !cluster.globalClusterId && cluster.tags?.[DETACHED_FROM_TAG] === globalClusterId)
    ?.id
}

/** The clusters a target group points at (a group holds one; more would be a half-done retarget). */
export function targetedClusters(targets: ProxyTarget[]): string[] {
  return [...new Set(targets.flatMap((target) => (target.clusterId ? [target.clusterId] : [])))]
}

/** Whether a proxy's targets of `clusterId` are AVAILABLE (and, for writes, one of them READ_WRITE). */
export interface ProxyHealth {
  ready: boolean
  /** In words: `AVAILABLE`, `REGISTERING`, `orders-usw2-a UNAVAILABLE (AUTH_FAILURE: …)`. */
  summary: string
  /** AWS's reason for the first unavailable target, if any. */
  reason?: string
}

export function proxyHealth(targets: ProxyTarget[], clusterId: string, needs: 'writes' | 'reads'): ProxyHealth {
  const own = targets.filter((target) => target.clusterId === clusterId)
  const instances = own.filter((target) => target.type === 'RDS_INSTANCE')
  // Write health is judged on the instances; a group reporting only the tracked cluster is judged on that entry.
  const judged = instances.length > 0 ? instances : own
  if (judged.length === 0) return {ready: false, summary: `${clusterId} not registered`}
  const unhealthy = judged.find((target) => target.health?.state !== 'AVAILABLE')
  if (unhealthy) {
    const name = unhealthy.instanceId ?? clusterId
    const state = unhealthy.health?.state ?? 'no health reported'
    const why = [unhealthy.health?.reason, unhealthy.health?.description].filter(Boolean).join(': ')
    return {ready: false, summary: `${name} ${state}${why ? ` (${why})` : ''}`, reason: unhealthy.health?.reason}
  }
  if (instances.length === 0 || instances.some((target) => target.role === 'READ_WRITE'))
    return {ready: true, summary: 'AVAILABLE'}
  return needs === 'reads'
    ? {ready: true, summary: 'AVAILABLE, read-only'}
    : {ready: false, summary: `AVAILABLE, but no READ_WRITE instance (${clusterId} is not the writer)`}
}

export function missingProxy(read: ProxyTargets & {found: false}, proxy: string, group: string, region: string) {
  return read.missing === 'proxy'
    ? `RDS Proxy ${proxy} does not exist in ${region}`
    : `RDS Proxy ${proxy} has no target group ${group} in ${region}`
}

/**
 * Each Region's proxy: the cluster its target group points at and its health. The step points at the Region whose
 * proxy targets that Region's cluster of the global cluster; `any` when every Region's does (one proxy per Region
 * following its own cluster, the usual setup: a move needs no retarget). A move to R calls only R, so an observation
 * for an unplanned failover (of the target alone) judges the target's proxy alone.
 */
export async function readRdsProxyTarget(
  step: StepOfKind<'rds-proxy-target'>,
  {config, aws, reader, regions: callable}: ReadContext,
): Promise<StepReading> {
  const regions = config.regions.filter((region) => callable.includes(region))
  const [listing, proxies] = await Promise.all([
    reader.first('rds', callable, (region) => aws.rds(region).describeGlobalCluster(step.globalCluster)),
    Promise.all(
      regions.map(async (region) => {
        const proxy = step.regions[region]?.proxy ?? ''
        const read = await reader.read('rds', region, () =>
          aws.rdsProxy(region).describeTargets(proxy, step.targetGroup),
        )
        return {region, proxy, read}
      }),
    ),
  ])
  const global = listing.ok ? listing.value : undefined
  const lines: string[] = []
  const missing: string[] = []
  const pointing: string[] = []
  let unreadable = listing.ok ? undefined : listing.error
  for (const {region, proxy, read} of proxies) {
    if (!read.ok) {
      unreadable ??= read.error
      lines.push(`${proxy} in ${region}: not read`)
      continue
    }
    if (!read.value.found) {
      missing.push(missingProxy(read.value, proxy, step.targetGroup, region))
      lines.push(`${proxy} in ${region}: missing`)
      continue
    }
    const targets = read.value.targets
    const clusters = targetedClusters(targets)
    const own = memberIn(global, region) ?? (await detachedIn(region))
    const health = clusters.length === 1 ? ` (${proxyHealth(targets, clusters[0] as string, 'reads').summary})` : ''
    lines.push(`${proxy} in ${region} → ${clusters.join(' + ') || 'nothing'}${health}`)
    if (own && clusters.length === 1 && clusters[0] === own) pointing.push(region)
  }
  const base = {callRegions: regions, state: lines.join('; ')}
  if (missing.length > 0) return {...base, missing: missing.join('; ')}
  if (unreadable) return {...base, unreadable}
  if (pointing.length === config.regions.length) return {...base, pointsAt: 'any'}
  return pointing.length === 1 ? {...base, pointsAt: pointing[0]} : base

  async function detachedIn(region: string): Promise<string | undefined> {
    if (!global) return undefined
    const listed = await reader.read('rds', region, () => aws.rds(region).describeDbClusters())
    return listed.ok ? detachedFrom(listed.value, global.id) : undefined
  }
}
