import {ApiError} from '../errors.js'
import {alarmName, outageSince, stopConditionAlarms} from '../faults.js'
import type {JsonInput, JsonOperation, JsonService} from '../protocol/aws-json.js'
import {auroraLagMs, replicationLatencyMs, writerRegion} from '../replication-lag.js'
import type {World} from '../world.js'
import {asObject, type CallContext, epochSeconds, optionalArray, optionalString} from './context.js'
import {clusterByArn} from './rds/records.js'

/**
 * CloudWatch GetMetricData, GetMetricStatistics and ListMetrics (awsJson1_0, query-compatible) for the metrics DR
 * depends on (aws-reference §2.12, §5.4): Aurora global lag metrics exist only for secondaries, in their own
 * Region; DynamoDB ReplicationLatency is emitted in the source Region per receiving Region. Missing data is an empty
 * series, never zeros.
 */

const invalidValue = (message: string) => new ApiError('InvalidParameterValue', message)
const missing = (message: string) => new ApiError('MissingParameter', message)

/** Aurora MySQL publishes AuroraGlobalDBRPOLag from 3.04 (and 2.12); Aurora PostgreSQL always. */
function publishesRpoLag(engine: string, version: string): boolean {
  if (engine === 'aurora-postgresql') return true
  const match = /mysql_aurora\.(\d+)\.(\d+)/.exec(version)
  if (!match) return false
  const [major, minor] = [Number(match[1]), Number(match[2])]
  return (major === 3 && minor >= 4) || major > 3 || (major === 2 && minor >= 12)
}

type Series = {dimensions: Record<string, string>; valueAt: (at: number) => number | undefined}

/** A series value provider per (namespace, metric) available in `region`, keyed by its exact dimension set. */
function seriesIn(world: World, region: string, namespace: string, metric: string): Series[] {
  const series: Series[] = []
  if (namespace === 'AWS/RDS' && (metric === 'AuroraGlobalDBReplicationLag' || metric === 'AuroraGlobalDBRPOLag')) {
    for (const global of world.rds.globalClusters) {
      const source = writerRegion(global)
      if (!source) continue
      for (const member of global.members) {
        const cluster = clusterByArn(world, member.clusterArn)
        if (member.isWriter || !cluster || cluster.region !== region) continue
        if (metric === 'AuroraGlobalDBRPOLag' && !publishesRpoLag(cluster.engine, cluster.engineVersion)) continue
        const stale = outageSince(world, region, source) ?? Infinity
        const valueAt = (at: number) =>
          at < member.roleSince || at >= stale || member.leavingAt !== undefined
            ? undefined
            : auroraLagMs(world, global, member.clusterArn, at)
        series.push({dimensions: {DBClusterIdentifier: cluster.id}, valueAt})
        series.push({dimensions: {DBClusterIdentifier: cluster.id, SourceRegion: source}, valueAt})
      }
    }
  }
  if (namespace === 'AWS/DynamoDB' && metric === 'ReplicationLatency') {
    for (const table of world.dynamodb.tables) {
      const local = table.replicas.find((replica) => replica.region === region && replica.status === 'ACTIVE')
      if (!local) continue
      for (const other of table.replicas) {
        if (other === local || other.status !== 'ACTIVE') continue
        const stale = outageSince(world, region, other.region) ?? Infinity
        const since = Math.max(local.createdAt, other.createdAt)
        series.push({
          dimensions: {TableName: table.name, ReceivingRegion: other.region},
          valueAt: (at) =>
            at < since || at >= stale ? undefined : replicationLatencyMs(world, table.name, region, other.region, at),
        })
      }
    }
  }
  return series
}

function sameDimensions(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

function timestampOf(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value)
  if (value === undefined || value === null) throw missing(`The parameter ${name} must be specified.`)
  throw invalidValue(`The parameter ${name} must be a timestamp.`)
}

const STATS: Record<string, (value: number) => number> = {
  Average: (value) => value,
  Maximum: (value) => value * 1.08,
  Minimum: (value) => value * 0.9,
  Sum: (value) => value,
  SampleCount: () => 1,
  p99: (value) => value * 1.07,
  p90: (value) => value * 1.03,
}

function validPeriod(period: unknown): period is number {
  return (
    typeof period === 'number' &&
    period > 0 &&
    (period === 1 || period === 5 || period === 10 || period === 30 || period % 60 === 0)
  )
}

function dimensionsOf(raw: unknown): Record<string, string> {
  return Object.fromEntries(
    (Array.isArray(raw) ? raw : []).map((entry) => {
      const dimension = asObject(entry)
      return [String(dimension.Name), String(dimension.Value)]
    }),
  )
}

/**
 * The datapoints of one series from `start` to `end`, oldest first, one per period (its value at the period's end).
 * They sit on period boundaries. The current period already has one (as if published so far): a scaled-down world
 * must not wait a real minute for metrics after every role change.
 */
function datapoints(
  context: CallContext,
  metric: {namespace: string; name: string; dimensions: Record<string, string>},
  window: {start: number; end: number; periodSeconds: number},
): {at: number; value: number}[] {
  const series = seriesIn(context.world, context.region, metric.namespace, metric.name).find((candidate) =>
    sameDimensions(candidate.dimensions, metric.dimensions),
  )
  if (!series) return []
  const points: {at: number; value: number}[] = []
  const step = window.periodSeconds * 1000
  const last = Math.min(window.end, context.now)
  for (let at = Math.ceil(window.start / step) * step; at < last; at += step) {
    const value = series.valueAt(Math.min(at + step - 1, context.now))
    if (value !== undefined) points.push({at, value})
  }
  return points
}

function statistic(name: string, value: number): number {
  return Math.round((STATS[name] as (value: number) => number)(value) * 100) / 100
}

function timeWindow(input: JsonInput): {start: number; end: number} {
  const start = timestampOf(input.StartTime, 'StartTime')
  const end = timestampOf(input.EndTime, 'EndTime')
  if (end <= start) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.')
  return {start, end}
}

const getMetricData: JsonOperation = (context: CallContext, input: JsonInput) => {
  const {start, end} = timeWindow(input)
  const queries = optionalArray(input, 'MetricDataQueries', invalidValue)
  if (!queries || queries.length === 0) throw missing('The parameter MetricDataQueries must be specified.')
  if (queries.length > 500)
    throw invalidValue('The collection MetricDataQueries must not have a size greater than 500.')
  const descending = (optionalString(input, 'ScanBy', invalidValue) ?? 'TimestampDescending') !== 'TimestampAscending'
  const seen = new Set<string>()
  const results = queries.map((raw) => {
    const query = asObject(raw)
    const id = optionalString(query, 'Id', invalidValue)
    if (!id || !/^[a-z][a-zA-Z0-9_]*$/.test(id)) {
      throw invalidValue(
        `The value ${String(id)} for parameter MetricDataQueries.member.Id is not valid: it must start with a lowercase letter`,
      )
    }
    if (seen.has(id))
      throw invalidValue(`The value ${id} for parameter MetricDataQueries.member.Id is used more than once.`)
    seen.add(id)
    const stat = asObject(query.MetricStat)
    if (query.Expression !== undefined) {
      return {Id: id, Label: id, Timestamps: [], Values: [], StatusCode: 'Complete', Messages: []}
    }
    if (query.MetricStat === undefined) throw missing(`MetricDataQueries ${id} needs a MetricStat or an Expression.`)
    const metric = asObject(stat.Metric)
    const period = stat.Period
    if (!validPeriod(period)) {
      throw invalidValue(
        `The parameter MetricDataQueries.member.MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60.`,
      )
    }
    const statName = typeof stat.Stat === 'string' ? stat.Stat : ''
    if (!Object.hasOwn(STATS, statName))
      throw invalidValue(`The parameter MetricDataQueries.member.MetricStat.Stat has an unsupported value: ${statName}`)
    const metricName = String(metric.MetricName ?? '')
    const points = datapoints(
      context,
      {namespace: String(metric.Namespace ?? ''), name: metricName, dimensions: dimensionsOf(metric.Dimensions)},
      {start, end, periodSeconds: period},
    )
    if (descending) points.reverse()
    return {
      Id: id,
      Label: typeof query.Label === 'string' ? query.Label : metricName,
      Timestamps: points.map((point) => epochSeconds(point.at)),
      Values: points.map((point) => statistic(statName, point.value)),
      StatusCode: 'Complete',
      Messages: [],
    }
  })
  return {MetricDataResults: results, Messages: []}
}

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']
const MAX_DATAPOINTS = 1440
/** The unit CloudWatch reports the metrics the sandbox serves in (all replication lags). */
const LAG_UNIT = 'Milliseconds'

/**
 * GetMetricStatistics, the older call public runbooks use for replication lag: the same series as GetMetricData,
 * one datapoint per period with each statistic asked for, oldest first.
 */
const getMetricStatistics: JsonOperation = (context, input) => {
  const namespace = optionalString(input, 'Namespace', invalidValue)
  const metricName = optionalString(input, 'MetricName', invalidValue)
  if (!namespace) throw missing('The parameter Namespace must be specified.')
  if (!metricName) throw missing('The parameter MetricName must be specified.')
  const {start, end} = timeWindow(input)
  const period = input.Period
  if (period === undefined || period === null) throw missing('The parameter Period must be specified.')
  if (!validPeriod(period)) throw invalidValue('The parameter Period must be 1, 5, 10, 30 or a multiple of 60.')
  const statistics = (optionalArray(input, 'Statistics', invalidValue) ?? []).map(String)
  const extended = (optionalArray(input, 'ExtendedStatistics', invalidValue) ?? []).map(String)
  if ((statistics.length === 0) === (extended.length === 0)) {
    throw new ApiError(
      'InvalidParameterCombination',
      'Must specify either Statistics or ExtendedStatistics, but not both.',
    )
  }
  for (const name of statistics) {
    if (!STATISTICS.includes(name)) {
      throw invalidValue(
        `The parameter Statistics.member.1 must be a value in the set [ ${STATISTICS.join(', ')} ], not ${name}.`,
      )
    }
  }
  for (const name of extended) {
    if (STATISTICS.includes(name) || !Object.hasOwn(STATS, name)) {
      throw invalidValue(`The parameter ExtendedStatistics.member.1 has an unsupported value: ${name}.`)
    }
  }
  const requested = Math.ceil((end - start) / (period * 1000))
  if (requested > MAX_DATAPOINTS) {
    throw new ApiError(
      'InvalidParameterCombination',
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    )
  }
  const points = datapoints(
    context,
    {namespace, name: metricName, dimensions: dimensionsOf(input.Dimensions)},
    {start, end, periodSeconds: period},
  )
  return {
    Label: metricName,
    Datapoints: points.map((point) => ({
      Timestamp: epochSeconds(point.at),
      ...Object.fromEntries(statistics.map((name) => [name, statistic(name, point.value)])),
      ...(extended.length > 0
        ? {ExtendedStatistics: Object.fromEntries(extended.map((name) => [name, statistic(name, point.value)]))}
        : {}),
      Unit: LAG_UNIT,
    })),
  }
}

const listMetrics: JsonOperation = (context, input) => {
  const namespace = optionalString(input, 'Namespace', invalidValue)
  const metricName = optionalString(input, 'MetricName', invalidValue)
  const wanted = (Array.isArray(input.Dimensions) ? input.Dimensions : []).map(asObject)
  const catalog: [string, string][] = [
    ['AWS/RDS', 'AuroraGlobalDBReplicationLag'],
    ['AWS/RDS', 'AuroraGlobalDBRPOLag'],
    ['AWS/DynamoDB', 'ReplicationLatency'],
  ]
  const metrics = catalog
    .filter(
      ([ns, name]) =>
        (namespace === undefined || ns === namespace) && (metricName === undefined || name === metricName),
    )
    .flatMap(([ns, name]) =>
      seriesIn(context.world, context.region, ns, name)
        .filter((series) =>
          wanted.every(
            (filter) =>
              series.dimensions[String(filter.Name)] !== undefined &&
              (filter.Value === undefined || series.dimensions[String(filter.Name)] === filter.Value),
          ),
        )
        .map((series) => ({
          Namespace: ns,
          MetricName: name,
          Dimensions: Object.entries(series.dimensions).map(([Name, Value]) => ({Name, Value})),
        })),
    )
  return {Metrics: metrics}
}

/**
 * The alarms FIS templates in the Region name as stop conditions: OK, or ALARM while the `alarm` fault holds them
 * there. Other names do not exist (absent from the answer, as CloudWatch does).
 */
const describeAlarms: JsonOperation = (context, input) => {
  const names = optionalArray(input, 'AlarmNames', invalidValue)?.map(String)
  const arns = [
    ...new Set(
      context.world.fis.templates
        .filter((template) => template.region === context.region)
        .flatMap((template) => stopConditionAlarms(template.stopConditions)),
    ),
  ]
  const alarms = arns
    .filter((arn) => names === undefined || names.includes(alarmName(arn)))
    .map((arn) => {
      const firing = context.world.faults.some(
        (fault) => fault.kind === 'alarm' && fault.alarm === alarmName(arn) && fault.since <= context.now,
      )
      return {
        AlarmName: alarmName(arn),
        AlarmArn: arn,
        StateValue: firing ? 'ALARM' : 'OK',
        StateReason: firing ? 'Threshold Crossed (sandbox alarm fault)' : 'Threshold not crossed',
      }
    })
  return {MetricAlarms: alarms, CompositeAlarms: []}
}

export const cloudwatchService: JsonService = {
  protocol: 'awsJson1_0',
  targetPrefix: 'GraniteServiceVersion20100801',
  errorNamespace: 'com.amazonaws.cloudwatch#',
  queryCompatible: true,
  cbor: {timestampKeys: ['Timestamps', 'Timestamp']},
  operations: {
    GetMetricData: getMetricData,
    GetMetricStatistics: getMetricStatistics,
    ListMetrics: listMetrics,
    DescribeAlarms: describeAlarms,
  },
}
