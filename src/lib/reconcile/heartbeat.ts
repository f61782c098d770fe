import {type CallDeclaration, declared} from '../aws/iam-calls.js'
import type {RdsDataPort, SqlParameter} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import {type DataApiCluster, dataApiTarget, dataApiTimestamp} from './data-api-source.js'
import {canonical} from './values.js'

/**
 * The application's heartbeat table (drctl.yaml `rpo`) and the credentials the Data API reads it with. Its newest
 * row is how far a cluster's data reaches: the measured, not estimated, side of RPO.
 */
export interface HeartbeatTable {
  table: string
  column: string
  secretArn: string
  database?: string
  /** The global clusters whose database holds it. */
  globalClusters: string[]
}

/** drctl.yaml's heartbeat table, or undefined when it names none (the schema makes sure a secret is known). */
export function heartbeatTable(config: DrctlConfig): HeartbeatTable | undefined {
  const rpo = config.rpo
  const secretArn = rpo?.secretArn ?? config.reconcile?.secretArn
  if (!rpo || !secretArn) return undefined
  return {
    table: rpo.heartbeatTable,
    column: rpo.heartbeatColumn,
    secretArn,
    database: rpo.database ?? config.reconcile?.database,
    globalClusters: rpo.globalClusters ?? config.aurora.globalClusters,
  }
}

/** The heartbeat table's reads: the Data API, which reads the secret with the caller's permissions. */
export const HEARTBEAT_EXECUTE = declared('RDS Data', 'ExecuteStatement', 'heartbeat-clusters')
export const HEARTBEAT_READS: CallDeclaration = {
  reads: [HEARTBEAT_EXECUTE, {...declared('Secrets Manager', 'GetSecretValue', 'heartbeat-secrets'), onBehalf: true}],
  writes: [],
}

/**
 * How long a measurement may take: enough for a paused Serverless v2 writer to resume (seconds), short
 * enough that a failover waiting on it is not held up for long. It is a measurement: failing it never fails a run.
 */
const MEASURE_DEADLINE_MS = 20_000

/** Every measurement read ends at MEASURE_DEADLINE_MS, or sooner when the caller's signal aborts (Ctrl-C). */
function measureSignal(signal?: AbortSignal): AbortSignal {
  const deadline = AbortSignal.timeout(MEASURE_DEADLINE_MS)
  return signal ? AbortSignal.any([signal, deadline]) : deadline
}

/**
 * The newest heartbeat in a cluster (ISO time; null when the table is empty), only among those written at or before
 * `before` when given: after a failover, the application's new heartbeats in the new primary are not evidence of
 * what replicated before it.
 */
export async function newestHeartbeat(
  dataApi: RdsDataPort,
  cluster: DataApiCluster,
  heartbeats: HeartbeatTable,
  options: {before?: string; signal?: AbortSignal} = {},
): Promise<string | null> {
  const {table, column} = heartbeats
  const parameters: SqlParameter[] = options.before
    ? [{name: 'before', value: dataApiTimestamp(options.before), typeHint: 'TIMESTAMP'}]
    : []
  const where = options.before ? ` WHERE ${column} <= :before` : ''
  const result = await dataApi.query(
    dataApiTarget(cluster, heartbeats.secretArn, heartbeats.database),
    `SELECT MAX(${column}) AS newest FROM ${table}${where}`,
    parameters,
    measureSignal(options.signal),
  )
  const value = result.rows[0]?.[0] ?? null
  return value === null ? null : canonical(value)
}

/** A secondary's RPO lag as the engine itself measures it (the time its newest commit took to reach that Region). */
export interface EngineLag {
  region: string
  rpoLagMs: number
}

/** Aurora's own per-Region lag, readable on the writer (aws-reference-steps §8: the Data API serves writers only). */
const ENGINE_LAG_SQL: Record<string, string> = {
  'aurora-postgresql': 'SELECT aws_region, rpo_lag_in_msec FROM aurora_global_db_status()',
  'aurora-mysql': 'SELECT AWS_REGION, RPO_LAG_IN_MILLISECONDS FROM information_schema.aurora_global_db_status',
}

/** Each secondary Region's RPO lag, read on the global cluster's writer; the writer's own row (-1) is left out. */
export async function engineRpoLag(
  dataApi: RdsDataPort,
  writer: DataApiCluster,
  heartbeats: HeartbeatTable,
  engine: string,
): Promise<EngineLag[]> {
  const sql = ENGINE_LAG_SQL[engine]
  if (!sql) return []
  const result = await dataApi.query(
    dataApiTarget(writer, heartbeats.secretArn, heartbeats.database),
    sql,
    [],
    measureSignal(),
  )
  return result.rows.flatMap((row) => {
    const [region, lag] = row
    const rpoLagMs = Number(lag)
    return typeof region === 'string' && Number.isFinite(rpoLagMs) && rpoLagMs >= 0 ? [{region, rpoLagMs}] : []
  })
}
