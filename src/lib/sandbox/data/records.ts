/**
 * How the sandbox keeps the data of its Aurora clusters (the records the world holds; the statements themselves
 * are in log files, see log.ts). A cluster's database is what its writer committed, in order: the statements of its
 * lineage's log on top of a base (the data it was restored or detached from), minus the writes lost by managed
 * failovers. Everything is described by times, so a record stays valid whoever reads it, in whichever process.
 */

/** The writes `writer` committed after `after` never reached the cluster promoted at `at` (a managed failover). */
export interface DataLoss {
  writer: string
  after: number
  at: number
}

/** A database as it was at a point: its log's statements committed by `through`, less `losses`, on top of `base`. */
export interface DataCut {
  key: string
  through: number
  losses: DataLoss[]
  base?: DataCut
}

/** The data of a cluster, or of a global cluster's members: the log its writer appends to, on top of `base`. */
export interface DataLineage {
  key: string
  base?: DataCut
  losses: DataLoss[]
}

/** One committed statement of a log (the Data API's SQL and parameters, replayed as they came). */
export interface LogEntry {
  seq: number
  /** Sandbox time of the commit; never decreases along a log. */
  at: number
  /** The ARN of the cluster whose writer committed it. */
  writer: string
  sql: string
  parameters?: unknown[]
}
