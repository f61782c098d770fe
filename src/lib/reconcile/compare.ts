import type {SqlValue} from '../aws/ports.js'
import {canonical, differingColumns, keyOf, keyText, type Row} from './values.js'

/** One table as drctl.yaml lists it under `reconcile.tables`. */
export interface ReconcileTable {
  name: string
  key: string[]
  updatedAt?: string
}

/** Where rows come from: the old primary's restored copy, or the new primary. */
export interface RowSource {
  /**
   * At most `limit` rows ordered by key, after key `after` (from the first when undefined); with `since`, only rows
   * whose `updatedAt` is at or after it (or NULL: such rows cannot be placed in time, so they are compared too).
   */
  page(table: ReconcileTable, after: SqlValue[] | undefined, limit: number, since?: string): Promise<Row[]>
  /** The rows with these keys (in any order; keys without a row are left out). */
  lookup(table: ReconcileTable, keys: SqlValue[][]): Promise<Row[]>
}

/** A row of the old copy the new primary lacks, or holds with other values. */
export interface Finding {
  table: string
  kind: 'missing' | 'differs'
  key: Record<string, SqlValue>
  old: Row
  current?: Row
  /** Which columns differ (`differs` only). */
  columns?: string[]
}

/** How far a table's comparison got: everything up to key `after` is compared and its findings written. */
export interface TableProgress {
  after?: SqlValue[]
  pages: number
  scanned: number
  missing: number
  differing: number
  done: boolean
  /** The earliest and latest `updatedAt` of the missing rows (ISO): the measured window of lost writes. */
  lostFrom?: string
  lostTo?: string
}

export const NOT_STARTED: TableProgress = {pages: 0, scanned: 0, missing: 0, differing: 0, done: false}

export interface CompareOptions {
  table: ReconcileTable
  old: RowSource
  current: RowSource
  pageSize: number
  /** The lower bound of the time window on `updatedAt` (ignored for a table without one). */
  since?: string
  /** Where an earlier, interrupted comparison stopped. */
  from?: TableProgress
  signal?: AbortSignal
  /** Called after each page with its findings and the progress that includes them: write, then remember. */
  onPage(findings: Finding[], progress: TableProgress): Promise<void>
}

/** Compares one page of old rows with the new primary's rows of the same keys. */
function pageFindings(table: ReconcileTable, oldRows: Row[], currentRows: Row[]): Finding[] {
  const current = new Map(currentRows.map((row) => [keyText(keyOf(row, table.key)), row]))
  const findings: Finding[] = []
  for (const old of oldRows) {
    const values = keyOf(old, table.key)
    const key = Object.fromEntries(table.key.map((column, index) => [column, values[index] ?? null]))
    const match = current.get(keyText(values))
    if (!match) {
      findings.push({table: table.name, kind: 'missing', key, old})
      continue
    }
    const columns = differingColumns(old, match)
    if (columns.length > 0) findings.push({table: table.name, kind: 'differs', key, old, current: match, columns})
  }
  return findings
}

/** Widens the window of lost writes by the times of this page's missing rows. */
function lostWindow(table: ReconcileTable, findings: Finding[], progress: TableProgress) {
  const column = table.updatedAt
  if (!column) return {}
  const times = findings
    .filter((finding) => finding.kind === 'missing')
    .map((finding) => canonical(finding.old[column] ?? null))
    .filter((time): time is string => time !== null && !Number.isNaN(Date.parse(time)))
    .concat([progress.lostFrom, progress.lostTo].filter((time): time is string => time !== undefined))
    .sort()
  return times.length > 0 ? {lostFrom: times[0], lostTo: times.at(-1)} : {}
}

/**
 * Keyed comparison of one table in bounded pages (keyset pagination: `ORDER BY key LIMIT n`, the next page after
 * the last key), so that memory holds one page whatever the table's size. Rows only the new primary has are written
 * after the failover, not lost: they are not findings.
 */
export async function compareTable(options: CompareOptions): Promise<TableProgress> {
  const {table, pageSize} = options
  const since = table.updatedAt ? options.since : undefined
  let progress = options.from ?? NOT_STARTED
  while (!progress.done) {
    if (options.signal?.aborted) throw options.signal.reason
    const oldRows = await options.old.page(table, progress.after, pageSize, since)
    const currentRows =
      oldRows.length > 0
        ? await options.current.lookup(
            table,
            oldRows.map((row) => keyOf(row, table.key)),
          )
        : []
    const findings = pageFindings(table, oldRows, currentRows)
    const last = oldRows.at(-1)
    progress = {
      after: last ? keyOf(last, table.key) : progress.after,
      pages: progress.pages + 1,
      scanned: progress.scanned + oldRows.length,
      missing: progress.missing + findings.filter((finding) => finding.kind === 'missing').length,
      differing: progress.differing + findings.filter((finding) => finding.kind === 'differs').length,
      done: oldRows.length < pageSize,
      ...lostWindow(table, findings, progress),
    }
    await options.onPage(findings, progress)
  }
  return progress
}
