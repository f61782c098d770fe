import type {AwsPorts, DbCluster, DbInstance} from '../../aws/ports.js'
import type {DrctlConfig} from '../../config/schema.js'
import {resourceIdOfArn} from '../../core/arn.js'
import type {Read, RegionReader} from '../region-reader.js'
import type {BinlogReplicaView, InstanceView} from '../views.js'

/** A cluster (`cluster` undefined when it does not exist) and its instances, read side by side. */
export async function readClusterWithInstances(
  aws: AwsPorts,
  reader: RegionReader,
  region: string,
  idOrArn: string,
): Promise<Read<{cluster?: DbCluster; instances: DbInstance[]}>> {
  const clusterId = resourceIdOfArn(idOrArn)
  const [cluster, instances] = await Promise.all([
    reader.read('rds', region, () => aws.rds(region).describeDbCluster(idOrArn)),
    reader.read('rds', region, () => aws.rds(region).describeDbInstances(clusterId)),
  ])
  if (!cluster.ok) return cluster
  if (!instances.ok) return instances
  return {ok: true, value: {cluster: cluster.value, instances: instances.value}}
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

/** The cross-Region binlog replica clusters drctl.yaml lists. */
export async function readBinlogReplicas(
  config: DrctlConfig,
  aws: AwsPorts,
  reader: RegionReader,
): Promise<BinlogReplicaView[]> {
  return Promise.all(
    config.aurora.replicas.map(async ({cluster, region}): Promise<BinlogReplicaView> => {
      const clusterId = resourceIdOfArn(cluster)
      const details = await readClusterWithInstances(aws, reader, region, cluster)
      if (!details.ok) return {clusterId, region, found: false, instances: [], unreadable: details.error}
      const found = details.value.cluster
      if (!found) return {clusterId, region, found: false, instances: []}
      return {
        clusterId,
        region,
        found: true,
        status: found.status,
        replicationSourceArn: found.replicationSourceArn,
        deletionProtection: found.deletionProtection,
        instances: instanceViews(found, details.value.instances),
      }
    }),
  )
}
