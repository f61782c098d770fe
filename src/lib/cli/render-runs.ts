import {formatDuration} from '../core/clock.js'
import type {RunReport} from '../runbook/report.js'
import type {RunSummary} from '../runbook/runs.js'
import {renderTable} from './table.js'

/** A run as `runs list` shows it: its summary, the figures of its report, and where report.md is. */
export interface ListedRun {
  summary: RunSummary
  report: RunReport
  reportPath?: string
}

/** The RPO evidence a run recorded (failovers do; other runs have none). */
export interface RpoEvidence {
  ms: number | null
  summary: string
}

const rpoOf = (report: RunReport) => report.evidence.rpo as RpoEvidence | undefined

/** `0`, `≤ 4.2s`, `unknown`: the data loss a run risked, short enough for a table. */
function rpoCell(rpo: RpoEvidence | undefined): string {
  if (!rpo) return '-'
  if (rpo.ms === null) return 'unknown'
  return rpo.ms === 0 ? '0' : `≤ ${formatDuration(rpo.ms)}`
}

/** `failed (exit 5)`; a damaged run with what the readable part of its journal says: `damaged (stopped)`. */
function outcomeCell(summary: RunSummary): string {
  if (summary.status === 'damaged') return `damaged (${summary.readableStatus})`
  return summary.exit === undefined || summary.exit === 0 ? summary.status : `${summary.status} (exit ${summary.exit})`
}

export function renderRunsTable(runs: ListedRun[]): string {
  return renderTable(
    ['RUN', 'OUTCOME', 'STARTED', 'RTO', 'RPO', 'TITLE', 'REPORT'],
    runs.map(({summary, report, reportPath}) => [
      summary.id,
      outcomeCell(summary),
      summary.startedAt.replace('T', ' ').slice(0, 19),
      report.rtoSeconds === null ? '-' : `${report.rtoSeconds}s`,
      rpoCell(rpoOf(report)),
      `${summary.title}${summary.sandbox ? ' (sandbox)' : ''}`,
      reportPath ?? '-',
    ]),
  )
}

/** `runs list --json`: each run's summary with its outcome figures; steps only as id and status. */
export function runsListResult(runs: ListedRun[]) {
  return {
    runs: runs.map(({summary: {dir: _dir, steps, ...summary}, report, reportPath}) => {
      const rpo = rpoOf(report)
      return {
        ...summary,
        rtoSeconds: report.rtoSeconds,
        milestones: report.milestones,
        rpo: rpo ? {ms: rpo.ms, summary: rpo.summary} : null,
        reportPath: reportPath ?? null,
        steps: steps.map((step) => ({id: step.id, status: step.status})),
      }
    }),
  }
}
