import type {MetricQuery, TableCapacity} from '../../aws/ports.js'
import type {DrctlConfig} from '../../config/schema.js'
import type {LagReading, TableView, Unreadable} from '../views.js'
import type {ServiceReader} from './service-reader.js'
import {declared, readsOnly} from '../../aws/iam-calls.js'

/**
 * DynamoDB global tables: each table described in every Region (the local status is authoritative for its Region),
 * and ReplicationLatency towards every other Region, one GetMetricData per Region for all tables.
 */
export const dynamodbReader: ServiceReader<'dynamodb', 'dynamodb'> = {
  part: 'dynamodb',
  calls: readsOnly([declared('DynamoDB', 'DescribeTable', 'tables'), declared('CloudWatch', 'GetMetricData')]),
  unread: {dynamodb: []},
  async read({config, aws, reader, regions, metricWindowMs}) {
    const tables = config.dynamodb.tables
    if (tables.length === 0) return {dynamodb: []}
    const [described, latencies] = await Promise.all([
      Promise.all(
        tables.map((table) =>
          Promise.all(
            regions.map(async (region) => ({
              region,
              read: await reader.read('dynamodb', region, () => aws.dynamodb(region).describeTable(table)),
            })),
          ),
        ),
      ),
      Promise.all(
        regions.map(async (region) => ({
          region,
          read: await reader.read('cloudwatch', region, () =>
            aws.cloudwatch(region).latest(latencyQueries(config, region), metricWindowMs),
          ),
        })),
      ),
    ])
    return {
      dynamodb: tables.map((name, t): TableView => {
        const statuses = new Map<string, string>()
        const protection = new Map<string, boolean>()
        const capacity = new Map<string, TableCapacity>()
        let consistency: TableView['consistency'] = 'eventual'
        let witness: TableView['witness']
        let found = false
        let deletionProtection: boolean | undefined
        let unreadable: Unreadable | undefined
        for (const {region, read} of described[t] ?? []) {
          if (!read.ok) {
            unreadable ??= read.error
            continue
          }
          if (!read.value) continue
          found = true
          deletionProtection ??= read.value.deletionProtection
          // The local table's own status is authoritative for its Region; the replica list fills in the others.
          statuses.set(region, read.value.status)
          protection.set(region, read.value.deletionProtection)
          if (read.value.capacity) capacity.set(region, read.value.capacity)
          if (read.value.consistency === 'STRONG') consistency = 'strong'
          witness ??= read.value.witnesses?.[0]
          for (const replica of read.value.replicas)
            if (!statuses.has(replica.region)) statuses.set(replica.region, replica.status)
        }
        const replicas = [...statuses.entries()]
          .map(([region, status]) => ({
            region,
            status,
            ...(protection.has(region) ? {deletionProtection: protection.get(region)} : {}),
            ...(capacity.has(region) ? {capacity: capacity.get(region)} : {}),
          }))
          .sort((a, b) => regionOrder(config, a.region) - regionOrder(config, b.region))
        const latency = latencies.flatMap(({region, read}) =>
          config.regions
            .filter((other) => other !== region)
            .map((other, o) => {
              const point = read.ok ? read.value[`t${t}_${o}`] : undefined
              const reading: LagReading | undefined = point
                ? {ms: point.value, metric: 'ReplicationLatency', at: point.timestamp}
                : undefined
              return {from: region, to: other, reading}
            }),
        )
        return {
          name,
          found: found || statuses.size > 0,
          replicas,
          deletionProtection,
          consistency,
          ...(witness ? {witness} : {}),
          latency,
          unreadable: found ? undefined : unreadable,
        }
      }),
    }
  },
}

/** ReplicationLatency from `region` to every other Region, for every table: `t<table>_<other>`. */
function latencyQueries(config: DrctlConfig, region: string): MetricQuery[] {
  return config.dynamodb.tables.flatMap((table, t) =>
    config.regions
      .filter((other) => other !== region)
      .map((other, o) => ({
        id: `t${t}_${o}`,
        namespace: 'AWS/DynamoDB',
        metric: 'ReplicationLatency',
        stat: 'Average' as const,
        dimensions: {TableName: table, ReceivingRegion: other},
      })),
  )
}

function regionOrder(config: DrctlConfig, region: string): number {
  const index = config.regions.indexOf(region)
  return index === -1 ? config.regions.length : index
}
