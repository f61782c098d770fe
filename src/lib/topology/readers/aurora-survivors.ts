import type {DbCluster} from '../../aws/ports.js'
import {regionOfArn, resourceIdOfArn} from '../../core/arn.js'
import type {Read} from '../region-reader.js'
import {type AuroraGlobalView, DETACHED_BY_RUN_TAG, DETACHED_FROM_TAG, type KnownSurvivor} from '../views.js'
import {instanceViews, readClusterWithInstances} from './aurora-clusters.js'
import type {ReadContext} from './service-reader.js'

/**
 * Reads, for each global cluster it is given, the cluster a run detached from it: the latest one drctl's journals
 * know, else one drctl tagged. The Regions' cluster listings are shared between global clusters.
 */
export function detachedSurvivorReader(context: ReadContext): (view: AuroraGlobalView) => Promise<void> {
  const {aws, reader} = context
  const clustersIn = memoized((region: string) =>
    reader.read('rds', region, () => aws.rds(region).describeDbClusters()),
  )
  return async (view) => {
    const known =
      [...context.survivors].reverse().find((survivor) => survivor.globalClusterId === view.id) ??
      (await findTaggedSurvivor(view, context.regions, clustersIn))
    if (known) await readSurvivor(context, view, known)
  }
}

/**
 * A survivor this machine has no journal of: a standalone cluster drctl tagged when it detached it, in a Region
 * where the global cluster has no member any more (a whole global cluster costs no extra call).
 */
async function findTaggedSurvivor(
  view: AuroraGlobalView,
  regions: string[],
  clustersIn: (region: string) => Promise<Read<DbCluster[]>>,
): Promise<KnownSurvivor | undefined> {
  if (!view.found) return undefined
  const missing = regions.filter((region) => !view.members.some((member) => member.region === region))
  for (const region of missing) {
    const listing = await clustersIn(region)
    const tagged = listing.ok
      ? listing.value.find((cluster) => !cluster.globalClusterId && cluster.tags?.[DETACHED_FROM_TAG] === view.id)
      : undefined
    if (tagged) {
      return {globalClusterId: view.id, clusterArn: tagged.arn, runId: tagged.tags?.[DETACHED_BY_RUN_TAG] ?? 'unknown'}
    }
  }
  return undefined
}

function memoized<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>()
  return (key) => {
    if (!cache.has(key)) cache.set(key, load(key))
    return cache.get(key) as Promise<T>
  }
}

async function readSurvivor({aws, reader}: ReadContext, view: AuroraGlobalView, known: KnownSurvivor): Promise<void> {
  if (view.members.some((member) => member.clusterArn === known.clusterArn)) return
  const region = regionOfArn(known.clusterArn)
  const details = await readClusterWithInstances(aws, reader, region, known.clusterArn)
  const base = {clusterId: resourceIdOfArn(known.clusterArn), clusterArn: known.clusterArn, region, runId: known.runId}
  if (!details.ok) {
    view.detachedSurvivor = {...base, found: false, instances: [], unreadable: details.error}
    return
  }
  const cluster = details.value.cluster
  // Joined to a global cluster again (fallback rebuilt it): no longer a detached survivor.
  if (cluster?.globalClusterId) return
  view.detachedSurvivor = cluster
    ? {
        ...base,
        found: true,
        status: cluster.status,
        deletionProtection: cluster.deletionProtection,
        engineVersion: cluster.engineVersion,
        instances: instanceViews(cluster, details.value.instances),
      }
    : {...base, found: false, instances: []}
}
