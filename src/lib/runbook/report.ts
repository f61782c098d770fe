import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Check} from '../checks/check.js'
import {formatDuration} from '../core/clock.js'
import type {TopologySummary} from '../topology/summary.js'
import type {JournalEvent, JournalProblem, RunStartEvent} from './journal.js'
import type {Approval} from './types.js'
import {renderReportMarkdown} from './report-markdown.js'
import {
  journalPath,
  loadRun,
  loadRuns,
  type ReadableStatus,
  type RunStatus,
  type RunSummary,
  type StepSummary,
  summarize,
} from './runs.js'

/** Evidence keys of RPO measured during the run (one per global cluster), shown beside the estimate. */
export const MEASURED_RPO_PREFIX = 'measuredRpo.'

/** The RPO measured during a run, per global cluster, as its steps journaled it. */
export function measuredRpoOf(evidence: Record<string, unknown>): {globalClusterId: string; summary: string}[] {
  return Object.entries(evidence)
    .filter(([key]) => key.startsWith(MEASURED_RPO_PREFIX))
    .map(([key, value]) => ({
      globalClusterId: key.slice(MEASURED_RPO_PREFIX.length),
      summary: String((value as {summary?: string}).summary),
    }))
}

export interface RunReport {
  runId: string
  kind: string
  title: string
  topology: string
  sandbox: boolean
  /** `damaged` when a line of the journal cannot be read: `readableOutcome` is what the rest says. */
  outcome: RunStatus
  readableOutcome: ReadableStatus
  journalProblems: JournalProblem[]
  exit?: number
  error?: {code: string; message: string}
  startedAt: string
  endedAt?: string
  durationSeconds?: number
  ranBy?: string
  account?: string
  flags: Record<string, unknown>
  gates: Check[]
  steps: StepSummary[]
  /** Start of the run to writes and traffic in the target (the later milestone); null if not reached. */
  rtoSeconds: number | null
  milestones: Record<string, number>
  evidence: Record<string, unknown>
  mutatingCalls: {
    at: string
    step?: string
    service: string
    operation: string
    region: string
    requestId?: string
    error?: string
  }[]
  timeline: {at: string; offsetSeconds: number; event: string}[]
  before?: TopologySummary
  after?: TopologySummary
  notes: string[]
  followUps: string[]
  /** Who let each approval step go on, and when. */
  approvals: Approval[]
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10

/** A run's report from its journal's readable events (and the lines that were not, named in the report). */
export function buildReport(
  runId: string,
  dir: string,
  events: JournalEvent[],
  journalProblems: JournalProblem[] = [],
): RunReport {
  const start = events.find((event): event is RunStartEvent => event.type === 'run-start')
  const summary = summarize(runId, dir, {events, problems: journalProblems})
  const end = [...events].reverse().find((event) => event.type === 'run-end')
  const milestones: Record<string, number> = {}
  const evidence: Record<string, unknown> = {...start?.evidence}
  const timeline: RunReport['timeline'] = []
  const followUps = [...(start?.followUps ?? [])]
  const approvals: Approval[] = []
  const titles = new Map(summary.steps.map((step) => [step.id, step.title]))
  const line = (at: string, event: string) => timeline.push({at, offsetSeconds: seconds(summary.startedAt, at), event})
  if (start) line(start.at, `run started by ${start.caller?.arn ?? 'unknown caller'}`)
  for (const event of events) {
    switch (event.type) {
      case 'run-resume':
        line(
          event.at,
          event.damagedLines
            ? `run resumed (journal line ${event.damagedLines.join(', ')} unreadable: re-derived from live state)`
            : 'run resumed',
        )
        break
      case 'step-start':
        line(event.at, `started: ${titles.get(event.step) ?? event.step}`)
        break
      case 'step-check':
        if (event.state !== 'pending')
          line(
            event.at,
            `${titles.get(event.step) ?? event.step}: ${event.state}${event.note ? ` (${event.note})` : ''}`,
          )
        break
      case 'aws-call':
        if (event.mutating) {
          line(
            event.at,
            `${event.service} ${event.operation} in ${event.region}${event.requestId ? ` [${event.requestId}]` : ''}${event.error ? ` failed: ${event.error.code}` : ''}`,
          )
        }
        break
      case 'record':
        evidence[event.key] = event.value
        break
      case 'milestone':
        // A milestone counts when its last step reaches it (every global cluster writes in the target).
        milestones[event.name] = Math.max(milestones[event.name] ?? 0, seconds(summary.startedAt, event.at))
        line(event.at, `milestone: ${event.name} in the target`)
        break
      case 'step-end':
        line(
          event.at,
          `${event.status}: ${titles.get(event.step) ?? event.step} (${formatDuration(event.durationMs)})${event.error ? `: ${event.error}` : ''}`,
        )
        break
      case 'run-end':
        line(event.at, `run ${event.outcome} (exit ${event.exit})`)
        break
      case 'follow-up':
        followUps.push(event.message)
        line(event.at, `follow-up: ${event.message}`)
        break
      case 'approval':
        approvals.push({step: event.step, by: event.by, at: event.at})
        line(event.at, `approved: ${event.step} by ${event.by}`)
        break
    }
  }
  const reached = Object.values(milestones)
  const expected = new Set((start?.plan ?? []).map((step) => step.milestone).filter(Boolean) as string[])
  const complete = [...expected].every((name) => name in milestones)
  const after = end && end.type === 'run-end' ? end.after : undefined
  return {
    runId,
    kind: summary.kind,
    title: summary.title,
    topology: summary.topology,
    sandbox: summary.sandbox,
    outcome: summary.status,
    readableOutcome: summary.readableStatus,
    journalProblems,
    exit: summary.exit,
    error: summary.error,
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
    durationSeconds: summary.endedAt ? seconds(summary.startedAt, summary.endedAt) : undefined,
    ranBy: start?.caller?.arn,
    account: start?.caller?.account,
    flags: start?.flags ?? {},
    gates: start?.gates ?? [],
    steps: summary.steps,
    rtoSeconds: reached.length > 0 && complete ? Math.max(...reached) : null,
    milestones,
    evidence,
    mutatingCalls: events.flatMap((event) =>
      event.type === 'aws-call' && event.mutating
        ? [
            {
              at: event.at,
              step: event.step,
              service: event.service,
              operation: event.operation,
              region: event.region,
              requestId: event.requestId,
              error: event.error?.message,
            },
          ]
        : [],
    ),
    timeline,
    before: start?.before,
    after,
    notes: start?.notes ?? [],
    followUps: [...new Set(followUps)],
    approvals,
  }
}

export function writeReport(dir: string, report: RunReport): string {
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
  const path = join(dir, 'report.md')
  writeFileSync(path, renderReportMarkdown(report))
  return path
}

/** report.md of a run, once written (at its end, or when it was abandoned). */
function writtenReportPath(dir: string): string | undefined {
  const path = join(dir, 'report.md')
  return existsSync(path) ? path : undefined
}

/** A run's report, built from its journal as it is now. */
export function journaledReport(home: string, runId: string): RunReport {
  const {summary, events} = loadRun(home, runId)
  return buildReport(runId, summary.dir, events, summary.journalProblems)
}

/** One run as a report, built from its journal (so complete even for a run that crashed), and where its files are. */
export function runReport(
  home: string,
  runId: string,
): {report: RunReport; journal: string; reportPath?: string; journalEvents: number} {
  const {summary, events} = loadRun(home, runId)
  return {
    report: buildReport(summary.id, summary.dir, events, summary.journalProblems),
    journal: journalPath(home, summary.id),
    reportPath: writtenReportPath(summary.dir),
    journalEvents: events.length,
  }
}

/** Every run, newest first, with the figures of its report: outcome, RTO, RPO evidence. */
export function listRunReports(home: string): {summary: RunSummary; report: RunReport; reportPath?: string}[] {
  return loadRuns(home).map(({summary, events}) => ({
    summary,
    report: buildReport(summary.id, summary.dir, events, summary.journalProblems),
    reportPath: writtenReportPath(summary.dir),
  }))
}
