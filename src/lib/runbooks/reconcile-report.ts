import {closeSync, existsSync, openSync, readSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {formatDuration} from '../core/clock.js'
import {DrctlError, type ErrorCode} from '../core/errors.js'
import {NOT_STARTED, type TableProgress} from '../reconcile/compare.js'
import {csvFileOf, MISSING_FILE} from '../reconcile/findings-files.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {type FailoverHeartbeat, RECONCILE_HEARTBEATS, type ReconcileHeartbeats} from './heartbeat-step.js'
import {COMPARE_FAILED, type CompareSpec, tableKey, type TableRecord} from './reconcile-compare-step.js'

const REPORT_FILE = 'reconcile.md'
const FIRST_ROWS = 10

export interface ReportSpec {
  compare: CompareSpec
  /** The run whose lost writes this reconcile looks for. */
  reconciledRun: string
  failoverAt: string
  /** Where the old primary's data came from. */
  snapshotId: string
  /** The replication lag seen at failover (the estimate the failover reported); null when none was seen. */
  estimatedLossMs: number | null
  /** With drctl.yaml `rpo`: the heartbeat reading the failover journaled, if any (reconcile reads both sides too). */
  heartbeats?: {failover?: FailoverHeartbeat}
}

/** What --json gives: counts per table and where the files are. */
export interface ReconcileSummary {
  tables: {name: string; scanned: number; missing: number; differing: number; csv: string}[]
  missing: number
  differing: number
  window: {since?: string; failoverAt: string}
  /** Measured from the lost rows' updatedAt: the first and last lost write, and the seconds between them. */
  measuredRpo?: {from: string; to: string; seconds: number; rows: number}
  /** From the heartbeat table: the newest heartbeat of each side, and the seconds of writes between them. */
  heartbeatRpo?: HeartbeatRpo
  report: string
  findings: string
  failed?: {code: string; message: string}
}

/** The first lines of a file (a header and a few rows), without reading the rest of it. */
function firstLines(path: string, count: number): string[] {
  if (!existsSync(path)) return []
  const buffer = Buffer.alloc(64 * 1024)
  const fd = openSync(path, 'r')
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0)
    return buffer.subarray(0, read).toString('utf8').split('\n').slice(0, count)
  } finally {
    closeSync(fd)
  }
}

export interface HeartbeatRpo {
  /** The newest heartbeat the old primary had acknowledged (its restored copy). */
  old?: string | null
  /** The newest that had reached the new primary before the failover. */
  new?: string | null
  seconds?: number
  rowsMissing: number
  rowsDiffering: number
  /** Why the seconds are not known. */
  problem?: string
}

const estimateOf = (spec: ReportSpec) =>
  spec.estimatedLossMs === null
    ? 'no estimate at failover'
    : `estimated at failover: up to ${formatDuration(spec.estimatedLossMs)}`

/** Measured RPO from the two newest heartbeats; the failover's own reading of the new primary is preferred. */
function heartbeatRpo(
  spec: ReportSpec,
  read: ReconcileHeartbeats | undefined,
  rows: {missing: number; differing: number},
): HeartbeatRpo | undefined {
  if (!spec.heartbeats) return undefined
  const counts = {rowsMissing: rows.missing, rowsDiffering: rows.differing}
  const current = spec.heartbeats.failover?.newest ?? read?.current
  if (read?.error) return {...counts, problem: `the heartbeat table could not be read: ${read.error}`}
  if (!read?.old) return {...counts, old: read?.old, problem: "the old primary's copy holds no heartbeat"}
  if (!current)
    return {...counts, old: read.old, problem: 'no heartbeat had reached the new primary before the failover'}
  const seconds = Math.max(0, (Date.parse(read.old) - Date.parse(current)) / 1000)
  return {...counts, old: read.old, new: current, seconds}
}

function heartbeatLine(spec: ReportSpec, rpo: HeartbeatRpo): string {
  const rows = `${rpo.rowsMissing} row(s) missing, ${rpo.rowsDiffering} differing`
  if (rpo.seconds === undefined) return `not measured: ${rpo.problem} (${rows}; ${estimateOf(spec)})`
  return `${rpo.seconds}s of writes lost — the old primary's newest heartbeat ${rpo.old}, the newest that reached the new primary before the failover ${rpo.new} — and ${rows} (${estimateOf(spec)})`
}

function rpoLine(spec: ReportSpec, summary: ReconcileSummary): string {
  const estimate = estimateOf(spec)
  const measured = summary.measuredRpo
  if (!measured) return `${summary.missing} row(s) lost, no updatedAt times to measure them by (${estimate})`
  return `${measured.rows} row(s) lost, written from ${measured.from} to ${measured.to}: ${measured.seconds}s of writes (${estimate})`
}

/** The measured window of lost writes over every table with updatedAt. */
function measuredRpo(progress: TableProgress[], rows: number): ReconcileSummary['measuredRpo'] {
  const from = progress
    .map((entry) => entry.lostFrom)
    .filter((time) => time !== undefined)
    .sort()[0]
  const to = progress
    .map((entry) => entry.lostTo)
    .filter((time) => time !== undefined)
    .sort()
    .at(-1)
  if (!from || !to) return undefined
  return {from, to, seconds: (Date.parse(to) - Date.parse(from)) / 1000, rows}
}

function markdown(spec: ReportSpec, summary: ReconcileSummary): string {
  const {compare} = spec
  const window = summary.window.since
    ? `rows whose updatedAt is at or after ${summary.window.since} (failover at ${spec.failoverAt}, less the replication lag then and a margin), or NULL; no upper bound, so writes the old primary took after the failover are found too`
    : 'whole tables (no updatedAt column, or no lag estimate)'
  const lines = [
    `# Reconcile of run ${spec.reconciledRun}`,
    '',
    `- Old primary's data: snapshot ${spec.snapshotId}, restored to ${compare.old.clusterId} (${compare.old.region}), deleted afterwards`,
    `- New primary: ${compare.current.clusterId} (${compare.current.region}); nothing was written to it`,
    `- Window: ${window}`,
    `- Findings: ${summary.missing} row(s) missing in the new primary, ${summary.differing} differing`,
    `- Measured RPO: ${rpoLine(spec, summary)}`,
    ...(summary.heartbeatRpo ? [`- Measured RPO (heartbeats): ${heartbeatLine(spec, summary.heartbeatRpo)}`] : []),
    ...(summary.failed
      ? ['', `**The comparison failed**: ${summary.failed.message}. The counts below are partial.`]
      : []),
    '',
    '| Table | Rows compared | Missing | Differ | File |',
    '| --- | --- | --- | --- | --- |',
    ...summary.tables.map(
      (table) =>
        `| ${table.name} | ${table.scanned} | ${table.missing} | ${table.differing} | ${csvFileOf(table.name)} |`,
    ),
  ]
  for (const table of summary.tables.filter((entry) => entry.missing + entry.differing > 0)) {
    const rows = firstLines(join(compare.dir, csvFileOf(table.name)), FIRST_ROWS + 1)
    lines.push('', `## ${table.name}: the first rows`, '', '```csv', ...rows.filter(Boolean), '```')
  }
  lines.push(
    '',
    '## Replaying',
    '',
    `Every finding is a line of ${MISSING_FILE} (the old row, and for \`differs\` the new one and the columns that differ). ` +
      'Replaying is the application owner’s decision: insert `missing` rows into the new primary if they are still wanted ' +
      '(e.g. INSERT … ON CONFLICT DO NOTHING); for `differs`, the new primary’s row may be the newer one: decide row by row.',
    '',
  )
  return lines.join('\n')
}

/**
 * Writes reconcile.md from what the comparison journaled, a failed comparison included: the run itself completes
 * (its temporary cluster is gone, so it must not block the next failover), and the command fails after it
 * (reconcileFailure).
 */
export class ReconcileReportStep implements Step {
  readonly id = 'reconcile.report'
  readonly title: string

  constructor(private readonly spec: ReportSpec) {
    this.title = `Write ${REPORT_FILE}, ${MISSING_FILE} and a CSV per table in ${spec.compare.dir}`
  }

  describe(): PlannedCall[] {
    return []
  }

  async check(): Promise<StepCheck> {
    return {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const {compare} = this.spec
    const failed = ctx.recorded<{code: ErrorCode; message: string}>(COMPARE_FAILED)
    const progress = compare.tables.map(
      (table) => ctx.recorded<TableRecord>(tableKey(table.name))?.progress ?? NOT_STARTED,
    )
    const tables = compare.tables.map((table, index) => {
      const {scanned, missing, differing} = progress[index] ?? NOT_STARTED
      return {name: table.name, scanned, missing, differing, csv: join(compare.dir, csvFileOf(table.name))}
    })
    const missing = tables.reduce((sum, table) => sum + table.missing, 0)
    const rpo = measuredRpo(progress, missing)
    const differing = tables.reduce((sum, table) => sum + table.differing, 0)
    const beats = heartbeatRpo(this.spec, ctx.recorded<ReconcileHeartbeats>(RECONCILE_HEARTBEATS), {missing, differing})
    const summary: ReconcileSummary = {
      tables,
      missing,
      differing,
      window: {since: compare.since, failoverAt: this.spec.failoverAt},
      report: join(compare.dir, REPORT_FILE),
      findings: join(compare.dir, MISSING_FILE),
      ...(rpo ? {measuredRpo: rpo} : {}),
      ...(beats ? {heartbeatRpo: beats} : {}),
      ...(failed ? {failed} : {}),
    }
    writeFileSync(summary.report, markdown(this.spec, summary))
    ctx.record('reconcile', summary)
  }

  async verify(): Promise<void> {}
}

/** What a reconcile run found (none for a dry run, or a run that stopped before its report). */
export function reconcileSummaryOf(result: {evidence?: Record<string, unknown>}): ReconcileSummary | undefined {
  return result.evidence?.reconcile as ReconcileSummary | undefined
}

/** The error a reconcile whose comparison failed ends with, once its run has completed and cleaned up. */
export function reconcileFailure(result: {evidence?: Record<string, unknown>}): DrctlError | undefined {
  const failed = reconcileSummaryOf(result)?.failed
  if (!failed) return undefined
  return new DrctlError(failed.code as ErrorCode, `the comparison failed: ${failed.message}`, {
    hints: [
      'the temporary cluster was deleted; fix the cause (drctl.yaml reconcile section), then run drctl reconcile again',
    ],
  })
}
