import type {DataApiTarget, RdsDataPort, SqlParameter, SqlValue} from '../aws/ports.js'
import type {ReconcileTable, RowSource} from './compare.js'
import type {Row} from './values.js'

/** A cluster read through the RDS Data API. */
export interface DataApiCluster {
  clusterArn: string
  clusterId: string
  region: string
}

/** A secret ARN in another Region: a multi-Region secret's replica keeps its name and suffix. */
export function secretIn(secretArn: string, region: string): string {
  return secretArn.replace(/^(arn:[^:]+:secretsmanager:)[^:]+:/, `$1${region}:`)
}

/** How the Data API reaches a cluster: its ARN and drctl.yaml's secret, the replica in the cluster's Region. */
export function dataApiTarget(cluster: DataApiCluster, secretArn: string, database?: string): DataApiTarget {
  return {clusterArn: cluster.clusterArn, secretArn: secretIn(secretArn, cluster.region), database}
}

/** A time as the Data API takes a TIMESTAMP parameter: `YYYY-MM-DD HH:MM:SS.FFF`, UTC. */
export function dataApiTimestamp(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '')
}

/** `(a, b)`: a row value, which compares (and matches IN lists) column by column in PostgreSQL and MySQL alike. */
const tuple = (items: string[]) => `(${items.join(', ')})`

/**
 * Rows of one cluster through the RDS Data API (no network path into the VPC). Table and column names come from
 * drctl.yaml, whose schema admits only plain identifiers, so they are put into the SQL as they are; values always
 * travel as parameters.
 */
export class DataApiRowSource implements RowSource {
  constructor(
    private readonly dataApi: RdsDataPort,
    private readonly target: DataApiTarget,
  ) {}

  async page(table: ReconcileTable, after: SqlValue[] | undefined, limit: number, since?: string): Promise<Row[]> {
    const conditions: string[] = []
    const parameters: SqlParameter[] = []
    if (after) {
      conditions.push(`${tuple(table.key)} > ${tuple(table.key.map((_, index) => `:after${index}`))}`)
      parameters.push(...after.map((value, index) => ({name: `after${index}`, value})))
    }
    if (since && table.updatedAt) {
      conditions.push(`(${table.updatedAt} >= :since OR ${table.updatedAt} IS NULL)`)
      parameters.push({name: 'since', value: dataApiTimestamp(since), typeHint: 'TIMESTAMP'})
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
    const sql = `SELECT * FROM ${table.name}${where} ORDER BY ${table.key.join(', ')} LIMIT ${Math.floor(limit)}`
    return this.rows(sql, parameters)
  }

  async lookup(table: ReconcileTable, keys: SqlValue[][]): Promise<Row[]> {
    if (keys.length === 0) return []
    const parameters = keys.flatMap((values, row) =>
      values.map((value, column): SqlParameter => ({name: `k${row}_${column}`, value})),
    )
    const lists = keys.map((values, row) => tuple(values.map((_, column) => `:k${row}_${column}`)))
    return this.rows(`SELECT * FROM ${table.name} WHERE ${tuple(table.key)} IN (${lists.join(', ')})`, parameters)
  }

  private async rows(sql: string, parameters: SqlParameter[]): Promise<Row[]> {
    const result = await this.dataApi.query(this.target, sql, parameters)
    return result.rows.map((values) =>
      Object.fromEntries(result.columns.map((column, index) => [column, values[index] ?? null])),
    )
  }
}
