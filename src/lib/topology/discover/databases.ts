import type {DbCluster, Table} from '../../aws/ports.js'
import {regionOfArn, resourceIdOfArn} from '../../core/arn.js'
import {
  type DiscoverContext,
  type DiscoveredResource,
  inRegionOrder,
  readEveryRegion,
  type SectionResult,
  unreadableFinding,
} from './findings.js'

/** A member, in one of the Regions, of a global cluster discovery found: what application steps point at. */
export interface GlobalMember {
  globalCluster: string
  region: string
  clusterId: string
  /** Its cluster (writer) endpoint, when DescribeDBClusters could be read there. */
  endpoint?: string
}

export interface AuroraDiscovery extends SectionResult {
  globalClusters: string[]
  replicas: {cluster: string; region: string}[]
  resources: DiscoveredResource[]
  members: GlobalMember[]
}

/** The FIS resource type of Aurora clusters, which templates select by ARN or by tag. */
const RDS_CLUSTER_TYPE = 'aws:rds:cluster'
const DYNAMODB_TABLE_TYPE = 'aws:dynamodb:global-table'

/**
 * Aurora global clusters with a member in the Regions (one DescribeGlobalClusters, answered by the first Region
 * that can), and cross-Region binlog replicas: clusters whose ReplicationSourceIdentifier is in another of the
 * Regions (one paged DescribeDBClusters per Region, which also gives every cluster's tags).
 */
export async function discoverAurora({aws, reader, regions}: DiscoverContext): Promise<AuroraDiscovery> {
  const result: AuroraDiscovery = {
    found: [],
    skipped: [],
    notes: [],
    globalClusters: [],
    replicas: [],
    resources: [],
    members: [],
  }
  const [globals, clusterLists] = await Promise.all([
    reader.first('rds', regions, (region) => aws.rds(region).describeGlobalClusters()),
    readEveryRegion({reader, regions}, 'rds', (region) => aws.rds(region).describeDbClusters(), {
      section: 'aurora',
      kind: 'Aurora clusters',
      skipped: result.skipped,
    }),
  ])
  const clusters = new Map(clusterLists.flatMap(({value}) => value.map((cluster) => [cluster.arn, cluster] as const)))
  const clusterResource = (cluster: DbCluster): DiscoveredResource => ({
    arn: cluster.arn,
    region: cluster.region,
    name: cluster.id,
    type: RDS_CLUSTER_TYPE,
    tags: cluster.tags,
  })

  if (!globals.ok) {
    result.skipped.push(unreadableFinding('aurora', 'Aurora global clusters', regions, globals.error))
  } else {
    let elsewhere = 0
    for (const global of globals.value) {
      const memberRegions = inRegionOrder(
        regions,
        global.members.map((member) => member.region),
      )
      const inside = memberRegions.filter((region) => regions.includes(region))
      if (inside.length === 0) {
        elsewhere++
        continue
      }
      const outside = memberRegions.filter((region) => !regions.includes(region))
      result.elsewhere = [...new Set([...(result.elsewhere ?? []), ...outside])]
      const absent = regions.filter((region) => !memberRegions.includes(region))
      const writer = global.members.find((member) => member.isWriter)?.region
      const detail = [
        `${writer ? `writer in ${writer}, ` : ''}members in ${memberRegions.join(', ')}`,
        ...(outside.length ? [`${outside.join(', ')} not in --regions`] : []),
        ...(absent.length ? [`no member in ${absent.join(', ')}`] : []),
      ].join('; ')
      result.globalClusters.push(global.id)
      result.found.push({section: 'aurora', kind: 'Aurora global cluster', name: global.id, regions: inside, detail})
      result.notes.push(`${global.id}: ${detail}`)
      for (const member of global.members) {
        const cluster = clusters.get(member.clusterArn)
        if (!regions.includes(member.region)) continue
        result.members.push({
          globalCluster: global.id,
          region: member.region,
          clusterId: cluster?.id ?? resourceIdOfArn(member.clusterArn),
          endpoint: cluster?.endpoint,
        })
        if (cluster) result.resources.push(clusterResource(cluster))
      }
    }
    if (elsewhere > 0) {
      result.skipped.push({
        section: 'aurora',
        kind: 'Aurora global cluster',
        name: `${elsewhere} other${elsewhere === 1 ? '' : 's'}`,
        regions: [],
        detail: 'no member in these Regions',
      })
    }
  }

  for (const cluster of clusters.values()) {
    const source = cluster.replicationSourceArn
    // A global member is no binlog replica; an in-Region replica is no DR copy.
    if (!source || cluster.globalClusterId || !cluster.engine.startsWith('aurora')) continue
    const sourceRegion = regionOfArn(source)
    if (sourceRegion === cluster.region) continue
    const detail = `binlog replica of ${resourceIdOfArn(source)} in ${sourceRegion}`
    if (!regions.includes(sourceRegion)) {
      result.skipped.push({
        section: 'aurora',
        kind: 'Aurora binlog replica',
        name: cluster.id,
        regions: [cluster.region],
        detail: `${detail}, which is not one of the Regions`,
      })
      continue
    }
    result.replicas.push({cluster: cluster.id, region: cluster.region})
    result.found.push({
      section: 'aurora',
      kind: 'Aurora binlog replica',
      name: cluster.id,
      regions: [cluster.region],
      detail,
    })
    result.notes.push(`${cluster.id} (${cluster.region}): ${detail}`)
    result.resources.push(clusterResource(cluster))
  }
  return result
}

export interface DynamoDbDiscovery extends SectionResult {
  tables: string[]
  resources: DiscoveredResource[]
}

/**
 * DynamoDB global tables with a replica in the Regions: ListTables in every Region, each name described once (in
 * the first Region that lists it), and, when tags are needed, each replica's tags in its own Region.
 */
export async function discoverDynamoDb({aws, reader, regions, readTags}: DiscoverContext): Promise<DynamoDbDiscovery> {
  const result: DynamoDbDiscovery = {found: [], skipped: [], notes: [], tables: [], resources: []}
  const lists = await readEveryRegion({reader, regions}, 'dynamodb', (region) => aws.dynamodb(region).listTables(), {
    section: 'dynamodb',
    kind: 'DynamoDB tables',
    skipped: result.skipped,
  })
  const listedIn = new Map<string, string>()
  for (const {region, value} of lists) for (const name of value) if (!listedIn.has(name)) listedIn.set(name, region)
  const described = await Promise.all(
    [...listedIn].map(async ([name, region]) => ({
      name,
      region,
      read: await reader.read('dynamodb', region, () => aws.dynamodb(region).describeTable(name)),
    })),
  )
  let regional = 0
  const global: {table: Table; inside: string[]}[] = []
  for (const {name, region, read} of described) {
    if (!read.ok) {
      result.skipped.push({...unreadableFinding('dynamodb', 'DynamoDB table', [region], read.error), name})
      continue
    }
    const table = read.value
    if (!table) continue
    const tableRegions = inRegionOrder(regions, [region, ...table.replicas.map((replica) => replica.region)])
    if (tableRegions.length < 2) {
      regional++
      continue
    }
    const inside = tableRegions.filter((candidate) => regions.includes(candidate))
    const outside = tableRegions.filter((candidate) => !regions.includes(candidate))
    result.elsewhere = [...new Set([...(result.elsewhere ?? []), ...outside])]
    const absent = regions.filter((candidate) => !tableRegions.includes(candidate))
    const detail = [
      `replicas in ${tableRegions.join(', ')}`,
      ...(table.consistency === 'STRONG'
        ? [`multi-Region strong consistency${table.witnesses?.[0] ? `, witness in ${table.witnesses[0].region}` : ''}`]
        : []),
      ...(outside.length ? [`${outside.join(', ')} not in --regions`] : []),
      ...(absent.length ? [`no replica in ${absent.join(', ')}`] : []),
    ].join('; ')
    result.tables.push(name)
    result.found.push({section: 'dynamodb', kind: 'DynamoDB global table', name, regions: inside, detail})
    result.notes.push(`${name}: ${detail}`)
    global.push({table, inside})
  }
  if (regional > 0) {
    result.skipped.push({
      section: 'dynamodb',
      kind: 'DynamoDB table',
      name: `${regional} other${regional === 1 ? '' : 's'}`,
      regions: [],
      detail: 'not a global table (no replica in another Region)',
    })
  }
  const tagged = await Promise.all(
    global.flatMap(({table, inside}) =>
      inside.map(async (region) => {
        const arn = arnInRegion(table.arn, region)
        const tags = readTags
          ? await reader.read('dynamodb', region, () => aws.dynamodb(region).listTags(arn))
          : undefined
        return {table, region, arn, tags}
      }),
    ),
  )
  const untagged = new Set<string>()
  for (const {table, region, arn, tags} of tagged) {
    if (tags && !tags.ok && !untagged.has(region)) {
      untagged.add(region)
      result.skipped.push(unreadableFinding('dynamodb', 'DynamoDB table tags', [region], tags.error))
    }
    result.resources.push({
      arn,
      region,
      name: table.name,
      type: DYNAMODB_TABLE_TYPE,
      tags: tags?.ok ? tags.value : undefined,
    })
  }
  return result
}

/** A table's ARN in another Region (a global table's replicas share its name). */
function arnInRegion(arn: string, region: string): string {
  const parts = arn.split(':')
  parts[3] = region
  return parts.join(':')
}
