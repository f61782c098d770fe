/** A value as the RDS Data API returns a field: NULL, a boolean, a number, or text (decimals, timestamps, blobs). */
export type SqlValue = string | number | boolean | null

export interface SqlParameter {
  name: string
  value: SqlValue
  /** How the database reads a text value (aws-reference-steps §8): `TIMESTAMP`, `DECIMAL`, `DATE` … */
  typeHint?: 'TIMESTAMP' | 'DATE' | 'TIME' | 'DECIMAL' | 'UUID' | 'JSON'
}

/** The database a statement runs on: a cluster's writer, reached with the credentials of a Secrets Manager secret. */
export interface DataApiTarget {
  clusterArn: string
  secretArn: string
  database?: string
}

export interface StatementResult {
  columns: string[]
  rows: SqlValue[][]
}

/** The RDS Data API in one Region: SQL over HTTPS, so no network path into the VPC is needed. */
export interface RdsDataPort {
  readonly region: string
  /**
   * A read-only statement (a SELECT): never refused by --dry-run, never journaled as a change. `signal` abandons it
   * (a measurement that must not hold up a failover).
   */
  query(target: DataApiTarget, sql: string, parameters?: SqlParameter[], signal?: AbortSignal): Promise<StatementResult>
}
