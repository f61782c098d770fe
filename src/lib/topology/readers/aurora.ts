import type {GlobalCluster} from '../../aws/ports.js'
import type {DrctlConfig} from '../../config/schema.js'
import type {AuroraGlobalView, AuroraMemberView} from '../views.js'
import {instanceViews, readBinlogReplicas, readClustersIn} from './aurora-clusters.js'
import {readAuroraLag} from './aurora-lag.js'
import {detachedSurvivorReader} from './aurora-survivors.js'
import type {ReadContext, ServiceReader} from './service-reader.js'
import {declared, readsOnly} from '../../aws/iam-calls.js'

/**
 * Aurora: the global clusters drctl.yaml names (members, their instances, secondaries' lag, a survivor a run
 * detached) and the binlog replicas it lists. Two rounds: the listing, then what needs its membership.
 */
export const auroraReader: ServiceReader<'aurora', 'aurora' | 'replicas'> = {
  part: 'aurora',
  calls: readsOnly(
    ['DescribeGlobalClusters', 'DescribeDBClusters', 'DescribeDBInstances'].map((operation) =>
      declared('RDS', operation),
    ),
    [declared('CloudWatch', 'GetMetricData')],
  ),
  unread: {aurora: [], replicas: []},
  async read(context) {
    const [aurora, replicas] = await Promise.all([
      readGlobalClusters(context),
      readBinlogReplicas(context.config, context.aws, context.reader),
    ])
    return {aurora, replicas}
  },
}

async function readGlobalClusters(context: ReadContext): Promise<AuroraGlobalView[]> {
  const {config, aws, reader, regions} = context
  const ids = config.aurora.globalClusters
  if (ids.length === 0) return []
  // Global clusters are visible from every member Region: ask all of them, use the first answer.
  const listing = await reader.first('rds', regions, (region) => aws.rds(region).describeGlobalClusters())
  if (!listing.ok) return ids.map((id) => ({id, found: false, unreadable: listing.error, members: []}))

  const views = ids.map((id): AuroraGlobalView => {
    const global = listing.value.find((candidate) => candidate.id.toLowerCase() === id)
    return global
      ? globalView(global)
      : {id, found: false, members: [], renamedTo: renameCandidates(listing.value, config)}
  })
  await Promise.all([
    readMemberDetails(
      context,
      views.flatMap((view) => view.members),
    ),
    readAuroraLag(aws, reader, regions, views, context.metricWindowMs),
    ...views.map(detachedSurvivorReader(context)),
  ])
  return views
}

/**
 * A global cluster renamed outside drctl is no longer found by the name drctl.yaml has: it is among the global
 * clusters drctl.yaml does not name that have a member in the topology's Regions. Taken from the listing in hand,
 * so it costs no call.
 */
function renameCandidates(listing: GlobalCluster[], config: DrctlConfig): string[] | undefined {
  const named = new Set(config.aurora.globalClusters)
  const candidates = listing
    .filter((global) => !named.has(global.id.toLowerCase()))
    .filter((global) => global.members.some((member) => config.regions.includes(member.region)))
    .map((global) => global.id)
  return candidates.length > 0 ? candidates : undefined
}

function globalView(global: GlobalCluster): AuroraGlobalView {
  const writer = global.members.find((member) => member.isWriter)
  return {
    id: global.id,
    found: true,
    arn: global.arn,
    status: global.status,
    engine: global.engine,
    engineVersion: global.engineVersion,
    endpoint: global.endpoint,
    deletionProtection: global.deletionProtection,
    failoverState: global.failoverState,
    writerRegion: writer?.region,
    members: global.members.map((member) => ({
      region: member.region,
      clusterId: member.clusterId,
      clusterArn: member.clusterArn,
      role: member.isWriter ? 'writer' : 'secondary',
      synchronizationStatus: member.synchronizationStatus,
      writeForwarding: member.writeForwarding,
      instances: [],
    })),
  }
}

/** Every member's cluster and instances, one batch per Region (a member in an excluded Region stays unreadable). */
async function readMemberDetails({aws, reader}: ReadContext, members: AuroraMemberView[]): Promise<void> {
  const regions = [...new Set(members.map((member) => member.region))]
  await Promise.all(
    regions.map(async (region) => {
      const inRegion = members.filter((member) => member.region === region)
      const details = await readClustersIn(
        aws,
        reader,
        region,
        inRegion.map((member) => member.clusterArn),
      )
      for (const member of inRegion) {
        if (!details.ok) {
          member.unreadable = details.error
          continue
        }
        const cluster = details.value.cluster(member.clusterArn)
        if (!cluster) {
          member.unreadable = {kind: 'not-found', message: `cluster ${member.clusterId} not found in ${member.region}`}
          continue
        }
        member.clusterStatus = cluster.status
        member.engineVersion = cluster.engineVersion
        member.deletionProtection = cluster.deletionProtection
        member.instances = instanceViews(cluster, details.value.instancesOf(cluster))
      }
    }),
  )
}
