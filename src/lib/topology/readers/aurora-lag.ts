import type {AwsPorts, MetricPoint, MetricQuery} from '../../aws/ports.js'
import type {RegionReader} from '../region-reader.js'
import type {AuroraGlobalView, AuroraMemberView, LagReading} from '../views.js'

const LAG_METRICS = ['AuroraGlobalDBRPOLag', 'AuroraGlobalDBReplicationLag'] as const

/**
 * The CloudWatch queries for one secondary's lag (aws-reference §2.12): RPO lag where the engine publishes it, else
 * replication lag; with or without the SourceRegion dimension. They must be asked in the secondary's own Region.
 */
export function lagQueries(
  clusterId: string,
  sourceRegion: string | undefined,
  idPrefix: string,
): {queries: MetricQuery[]; pick(points: Record<string, MetricPoint>): LagReading | undefined} {
  const queries = LAG_METRICS.flatMap((metric, index): MetricQuery[] => [
    {
      id: `${idPrefix}_${index}_a`,
      namespace: 'AWS/RDS',
      metric,
      stat: 'Maximum' as const,
      dimensions: {DBClusterIdentifier: clusterId},
    },
    ...(sourceRegion
      ? [
          {
            id: `${idPrefix}_${index}_s`,
            namespace: 'AWS/RDS',
            metric,
            stat: 'Maximum' as const,
            dimensions: {DBClusterIdentifier: clusterId, SourceRegion: sourceRegion},
          },
        ]
      : []),
  ])
  return {
    queries,
    pick(points) {
      for (const [index, metric] of LAG_METRICS.entries()) {
        const point = [points[`${idPrefix}_${index}_a`], points[`${idPrefix}_${index}_s`]]
          .filter((candidate): candidate is MetricPoint => candidate !== undefined)
          .sort((a, b) => b.timestamp.localeCompare(a.timestamp))[0]
        if (point) return {ms: point.value, metric, at: point.timestamp}
      }
      return undefined
    },
  }
}

/** Lag exists only for secondaries, only in their own Region; one GetMetricData per Region for all of them. */
export async function readAuroraLag(
  aws: AwsPorts,
  reader: RegionReader,
  regions: string[],
  views: AuroraGlobalView[],
  windowMs: number,
): Promise<void> {
  const byRegion = new Map<string, {member: AuroraMemberView; lag: ReturnType<typeof lagQueries>}[]>()
  let counter = 0
  for (const view of views) {
    for (const member of view.members) {
      if (member.role !== 'secondary' || !regions.includes(member.region)) continue
      const entries = byRegion.get(member.region) ?? []
      entries.push({member, lag: lagQueries(member.clusterId, view.writerRegion, `m${counter++}`)})
      byRegion.set(member.region, entries)
    }
  }
  await Promise.all(
    [...byRegion.entries()].map(async ([region, entries]) => {
      const queries = entries.flatMap(({lag}) => lag.queries)
      const points = await reader.read('cloudwatch', region, () => aws.cloudwatch(region).latest(queries, windowMs))
      if (!points.ok) return
      for (const {member, lag} of entries) member.lag = lag.pick(points.value)
    }),
  )
}
