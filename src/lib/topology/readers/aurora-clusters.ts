import type {AwsPorts, DbCluster, DbInstance} from '../../aws/ports.js'
import type {DrctlConfig} from '../../config/schema.js'
import {resourceIdOfArn} from '../../core/arn.js'
import type {Read, RegionReader} from '../region-reader.js'
import type {BinlogReplicaView, InstanceView} from '../views.js'

/** The clusters of one Region asked for, and their instances. */
export interface ClustersOfRegion {
  /** `undefined` when the cluster does not exist. */
  cluster(idOrArn: string): DbCluster | undefined
  instancesOf(cluster: DbCluster): DbInstance[]
}

/**
 * Clusters (ids or ARNs) of one Region and their instances, read side by side with two filtered, paged listings: the
 * calls grow with pages, not with clusters (status at 100 global clusters).
 */
export async function readClustersIn(
  aws: AwsPorts,
  reader: RegionReader,
  region: string,
  idsOrArns: string[],
): Promise<Read<ClustersOfRegion>> {
  const [clusters, instances] = await Promise.all([
    reader.read('rds', region, () => aws.rds(region).describeDbClusters(idsOrArns)),
    reader.read('rds', region, () => aws.rds(region).describeDbInstances(idsOrArns)),
  ])
  if (!clusters.ok) return clusters
  if (!instances.ok) return instances
  return {
    ok: true,
    value: {
      cluster: (idOrArn) => {
        const id = resourceIdOfArn(idOrArn).toLowerCase()
        return clusters.value.find((cluster) => cluster.arn === idOrArn || cluster.id.toLowerCase() === id)
      },
      instancesOf: (cluster) => instances.value.filter((instance) => instance.clusterId === cluster.id),
    },
  }
}

/** One cluster (`cluster` undefined when it does not exist) and its instances. */
export async function readClusterWithInstances(
  aws: AwsPorts,
  reader: RegionReader,
  region: string,
  idOrArn: string,
): Promise<Read<{cluster?: DbCluster; instances: DbInstance[]}>> {
  const read = await readClustersIn(aws, reader, region, [idOrArn])
  if (!read.ok) return read
  const cluster = read.value.cluster(idOrArn)
  return {ok: true, value: {cluster, instances: cluster ? read.value.instancesOf(cluster) : []}}
}

export function instanceViews(cluster: DbCluster, instances: DbInstance[]): InstanceView[] {
  // Writer/reader is known only from the cluster's member list (aws-reference §2.8).
  const writers = new Set(cluster.members.filter((member) => member.isWriter).map((member) => member.instanceId))
  return instances
    .map((instance) => ({
      id: instance.id,
      status: instance.status,
      isWriter: writers.has(instance.id),
      instanceClass: instance.instanceClass,
    }))
    .sort((a, b) => Number(b.isWriter) - Number(a.isWriter) || a.id.localeCompare(b.id))
}

/** The cross-Region binlog replica clusters drctl.yaml lists, read one batch per Region. */
export async function readBinlogReplicas(
  config: DrctlConfig,
  aws: AwsPorts,
  reader: RegionReader,
): Promise<BinlogReplicaView[]> {
  const regions = [...new Set(config.aurora.replicas.map(({region}) => region))]
  const byRegion = new Map(
    await Promise.all(
      regions.map(
        async (region) =>
          [
            region,
            await readClustersIn(
              aws,
              reader,
              region,
              config.aurora.replicas.filter((replica) => replica.region === region).map(({cluster}) => cluster),
            ),
          ] as const,
      ),
    ),
  )
  return config.aurora.replicas.map(({cluster, region}): BinlogReplicaView => {
    const clusterId = resourceIdOfArn(cluster)
    const read = byRegion.get(region)
    if (!read?.ok) return {clusterId, region, found: false, instances: [], unreadable: read?.error}
    const found = read.value.cluster(cluster)
    if (!found) return {clusterId, region, found: false, instances: []}
    return {
      clusterId,
      region,
      found: true,
      status: found.status,
      replicationSourceArn: found.replicationSourceArn,
      deletionProtection: found.deletionProtection,
      instances: instanceViews(found, read.value.instancesOf(found)),
    }
  })
}
