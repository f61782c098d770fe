import type {ArcEndpoint, AwsPorts, DbCluster, DbClusterSnapshot, DbInstance} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import {arcEndpoints} from '../topology/readers/routing.js'
import type {Topology} from '../topology/views.js'
import {declared, readsOnly} from '../aws/iam-calls.js'

/** What gatherFallbackFacts calls. */
export const FALLBACK_FACT_READS = {
  calls: readsOnly(
    ['DescribeDBClusters', 'DescribeDBInstances', 'DescribeDBClusterSnapshots'].map((operation) =>
      declared('RDS', operation),
    ),
    [declared('ARC control', 'DescribeCluster', 'arc-cluster-uncached')],
  ),
}

/** Live facts beyond the observation that a fallback needs: the old primary's full settings, system snapshots. */
export interface FallbackFacts {
  clusters: Record<string, {cluster: DbCluster; instances: DbInstance[]} | undefined>
  systemSnapshots: Record<string, DbClusterSnapshot | undefined>
  /** The ARC endpoints a switch-back uses (cached, or fetched once at planning so a resume never needs the control plane). */
  endpoints: ArcEndpoint[]
}

/** RDS identifiers are at most 63 characters and may not end in a hyphen. */
export function boundedIdentifier(base: string, suffix: string): string {
  return `${base.slice(0, 63 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`
}

export const SYSTEM_SNAPSHOT_PREFIX = 'rds:unplanned-global-failover-'

/**
 * The manual copy of a managed failover's system snapshot, named after it (`drctl-preserved-<cluster>-<its date>`)
 * so that running fallback again finds the copy made before instead of copying it once more.
 */
export function preservedCopyId(snapshot: DbClusterSnapshot, stamp: string): string {
  const prefix = `${SYSTEM_SNAPSHOT_PREFIX}${snapshot.clusterId}-`
  const date = snapshot.id.startsWith(prefix) ? snapshot.id.slice(prefix.length) : ''
  return boundedIdentifier(`drctl-preserved-${snapshot.clusterId}`, /^[\d-]+$/.test(date) ? date : stamp)
}

/** A Region counts as reachable unless observe found it unreachable (one it did not try included). */
export const reachable = (topology: Topology, region: string) =>
  topology.regions.find((candidate) => candidate.region === region)?.reachable !== false

/** Reads what the plan needs that `observe` does not: old primaries' settings, managed-failover snapshots, ARC endpoints. */
export async function gatherFallbackFacts(
  config: DrctlConfig,
  aws: AwsPorts,
  topology: Topology,
  home: string,
): Promise<FallbackFacts> {
  const facts: FallbackFacts = {clusters: {}, systemSnapshots: {}, endpoints: []}
  await Promise.all([
    ...topology.aurora.flatMap((view) => {
      const reads: Promise<void>[] = []
      const oldPrimary = view.detachedSurvivor?.found
        ? view.members.find((member) => member.role === 'writer')
        : undefined
      if (oldPrimary && reachable(topology, oldPrimary.region)) {
        reads.push(
          (async () => {
            const rds = aws.rds(oldPrimary.region)
            const [cluster, instances] = await Promise.all([
              rds.describeDbCluster(oldPrimary.clusterArn),
              rds.describeDbInstances([oldPrimary.clusterId]),
            ])
            facts.clusters[oldPrimary.clusterArn] = cluster ? {cluster, instances} : undefined
          })(),
        )
      }
      const homeMember = view.members.find((member) => member.region === home && member.role === 'secondary')
      if (homeMember && reachable(topology, home)) {
        reads.push(
          (async () => {
            const snapshots = await aws
              .rds(home)
              .describeDbClusterSnapshots({clusterId: homeMember.clusterId, type: 'automated'})
            facts.systemSnapshots[view.id] = snapshots
              .filter((snapshot) => snapshot.id.startsWith(SYSTEM_SNAPSHOT_PREFIX))
              .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0]
          })(),
        )
      }
      return reads
    }),
    (async () => {
      if (topology.routing) facts.endpoints = await arcEndpoints(config, aws, [])
    })(),
  ])
  return facts
}
