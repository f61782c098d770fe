import {closeSync, existsSync, openSync, readSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {DrctlError, type ErrorCode} from '../core/errors.js'
import {NOT_STARTED} from '../reconcile/compare.js'
import {csvFileOf, MISSING_FILE} from '../reconcile/findings-files.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {COMPARE_FAILED, type CompareSpec, tableKey, type TableRecord} from './reconcile-compare-step.js'

export const REPORT_FILE = 'reconcile.md'
const FIRST_ROWS = 10

export interface ReportSpec {
  compare: CompareSpec
  /** The run whose lost writes this reconcile looks for. */
  reconciledRun: string
  failoverAt: string
  /** Where the old primary's data came from. */
  snapshotId: string
}

/** What --json gives: counts per table and where the files are. */
export interface ReconcileSummary {
  tables: {name: string; scanned: number; missing: number; differing: number; csv: string}[]
  missing: number
  differing: number
  window: {since?: string; failoverAt: string}
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

/** Writes reconcile.md from what the comparison journaled; fails the run (after cleanup) if the comparison did. */
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
    const tables = compare.tables.map((table) => {
      const progress = ctx.recorded<TableRecord>(tableKey(table.name))?.progress ?? NOT_STARTED
      const {scanned, missing, differing} = progress
      return {name: table.name, scanned, missing, differing, csv: join(compare.dir, csvFileOf(table.name))}
    })
    const summary: ReconcileSummary = {
      tables,
      missing: tables.reduce((sum, table) => sum + table.missing, 0),
      differing: tables.reduce((sum, table) => sum + table.differing, 0),
      window: {since: compare.since, failoverAt: this.spec.failoverAt},
      report: join(compare.dir, REPORT_FILE),
      findings: join(compare.dir, MISSING_FILE),
      ...(failed ? {failed} : {}),
    }
    writeFileSync(summary.report, markdown(this.spec, summary))
    ctx.record('reconcile', summary)
    if (failed) {
      throw new DrctlError(failed.code, `the comparison failed: ${failed.message}`, {
        hints: [
          `the temporary cluster was deleted; fix the cause (drctl.yaml reconcile section), then run drctl reconcile again`,
        ],
      })
    }
  }

  async verify(): Promise<void> {}
}
