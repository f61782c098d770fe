import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Check} from '../checks/check.js'
import {formatDuration} from '../core/clock.js'
import type {TopologySummary} from '../topology/summary.js'
import type {JournalEvent, RunStartEvent} from './journal.js'
import type {RunStatus, StepSummary} from './runs.js'
import {summarize} from './runs.js'

export interface RunReport {
  runId: string
  kind: string
  title: string
  topology: string
  sandbox: boolean
  outcome: RunStatus
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
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10

export function buildReport(runId: string, dir: string, events: JournalEvent[]): RunReport {
  const start = events.find((event): event is RunStartEvent => event.type === 'run-start')
  const summary = summarize(runId, dir, events)
  if (!start || !summary) throw new Error(`run ${runId} has no start record`)
  const end = [...events].reverse().find((event) => event.type === 'run-end')
  const milestones: Record<string, number> = {}
  const evidence: Record<string, unknown> = {...start.evidence}
  const timeline: RunReport['timeline'] = []
  const titles = new Map(start.plan.map((step) => [step.id, step.title]))
  const line = (at: string, event: string) => timeline.push({at, offsetSeconds: seconds(start.at, at), event})
  line(start.at, `run started by ${start.caller?.arn ?? 'unknown caller'}`)
  for (const event of events) {
    switch (event.type) {
      case 'run-resume':
        line(event.at, 'run resumed')
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
        milestones[event.name] = Math.max(milestones[event.name] ?? 0, seconds(start.at, event.at))
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
    }
  }
  const reached = Object.values(milestones)
  const expected = new Set(start.plan.map((step) => step.milestone).filter(Boolean) as string[])
  const complete = [...expected].every((name) => name in milestones)
  const after = end && end.type === 'run-end' ? end.after : undefined
  return {
    runId,
    kind: start.kind,
    title: start.title,
    topology: start.topology,
    sandbox: start.sandbox,
    outcome: summary.status,
    exit: summary.exit,
    error: summary.error,
    startedAt: start.at,
    endedAt: summary.endedAt,
    durationSeconds: summary.endedAt ? seconds(start.at, summary.endedAt) : undefined,
    ranBy: start.caller?.arn,
    account: start.caller?.account,
    flags: start.flags,
    gates: start.gates,
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
    before: start.before,
    after,
    notes: start.notes,
    followUps: start.followUps,
  }
}

export function renderReportMarkdown(report: RunReport): string {
  const lines = [`# ${report.title}`, '']
  lines.push(`- Run: \`${report.runId}\`${report.sandbox ? ' (sandbox rehearsal)' : ''}`)
  lines.push(
    `- Outcome: **${report.outcome}**${report.exit === undefined ? '' : ` (exit ${report.exit})`}${report.error ? `: ${report.error.message}` : ''}`,
  )
  lines.push(
    `- Started: ${report.startedAt}${report.endedAt ? `, ended: ${report.endedAt} (${formatDuration((report.durationSeconds ?? 0) * 1000)})` : ''}`,
  )
  lines.push(`- Run by: ${report.ranBy ?? 'unknown'}${report.account ? ` (account ${report.account})` : ''}`)
  const flags = Object.entries(report.flags).filter(([, value]) => value !== undefined && value !== false)
  lines.push(
    `- Flags: ${flags.length > 0 ? flags.map(([key, value]) => (value === true ? `--${key}` : `--${key} ${String(value)}`)).join(' ') : 'none'}`,
  )
  lines.push(
    `- RTO: ${report.rtoSeconds === null ? 'not reached' : `${report.rtoSeconds}s`}${
      Object.keys(report.milestones).length > 0
        ? ` (${Object.entries(report.milestones)
            .map(([name, at]) => `${name} at +${at}s`)
            .join(', ')})`
        : ''
    }`,
  )
  const rpo = report.evidence.rpo as {summary?: string} | undefined
  if (rpo?.summary) lines.push(`- RPO: ${rpo.summary}`)
  lines.push('')
  if (report.notes.length > 0) lines.push('## Notes', '', ...report.notes.map((note) => `- ${note}`), '')
  lines.push('## Gates', '', '| status | check | finding |', '| --- | --- | --- |')
  for (const gate of report.gates) lines.push(`| ${gate.status} | \`${gate.id}\` | ${gate.message} |`)
  lines.push('', '## Steps', '', '| step | status | duration |', '| --- | --- | --- |')
  for (const step of report.steps) {
    lines.push(
      `| ${step.title} | ${step.status}${step.error ? `: ${step.error}` : ''} | ${step.durationMs === undefined ? '' : formatDuration(step.durationMs)} |`,
    )
  }
  lines.push(...renderSignalTimeline(report.evidence.timeline))
  const evidence = Object.entries(report.evidence).filter(([key]) => key !== 'rpo' && key !== 'timeline')
  if (evidence.length > 0) {
    lines.push('', '## Evidence', '')
    for (const [key, value] of evidence) {
      lines.push(
        Array.isArray(value)
          ? `- ${key}:\n${value.map((entry) => `  - ${typeof entry === 'string' ? entry : JSON.stringify(entry)}`).join('\n')}`
          : `- ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
      )
    }
  }
  lines.push('', '## Mutating AWS calls', '')
  if (report.mutatingCalls.length === 0) lines.push('None.')
  for (const call of report.mutatingCalls) {
    lines.push(
      `- ${call.at} ${call.service} ${call.operation} in ${call.region}${call.requestId ? ` (request ${call.requestId})` : ''}${call.error ? ` — failed: ${call.error}` : ''}`,
    )
  }
  lines.push('', '## Timeline', '', '| +s | event |', '| --- | --- |')
  for (const entry of report.timeline) lines.push(`| ${entry.offsetSeconds} | ${entry.event} |`)
  lines.push('', '## Topology before and after', '')
  lines.push(...renderTopologyComparison(report.before, report.after))
  if (report.followUps.length > 0) lines.push('', '## Follow-ups', '', ...report.followUps.map((item) => `- ${item}`))
  return `${lines.join('\n')}\n`
}

interface SignalSample {
  elapsedMs: number
  status: string
  actions: Record<string, string>
  lag: Record<string, number | null>
  routing: Record<string, string>
}

/** A chaos run's timeline: the experiment's and actions' states next to the DR signals observed at that moment. */
function renderSignalTimeline(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) return []
  const samples = value as SignalSample[]
  const signals = [...new Set(samples.flatMap((sample) => Object.keys(sample.lag ?? {})))]
  const lines = [
    '',
    '## Experiment timeline',
    '',
    `| +world time | status | actions | ${signals.join(' | ')} | traffic On |`,
    `| --- | --- | --- |${' --- |'.repeat(signals.length)} --- |`,
  ]
  for (const sample of samples) {
    const actions = Object.entries(sample.actions ?? {})
      .map(([name, status]) => `${name} ${status}`)
      .join(', ')
    const lags = signals.map((signal) => {
      const lag = sample.lag?.[signal]
      return typeof lag === 'number' ? formatDuration(lag) : '?'
    })
    const on = Object.entries(sample.routing ?? {})
      .filter(([, state]) => state === 'On')
      .map(([name]) => name)
      .join(', ')
    lines.push(`| ${formatDuration(sample.elapsedMs)} | ${sample.status} | ${actions} | ${lags.join(' | ')} | ${on} |`)
  }
  return lines
}

function renderTopologyComparison(before?: TopologySummary, after?: TopologySummary): string[] {
  const describe = (summary?: TopologySummary) => {
    if (!summary) return ['(not observed)']
    return [
      ...summary.aurora.map(
        (view) =>
          `${view.globalCluster}: ${view.found ? `${view.status}, writer ${view.writerRegion ?? 'none'}; ${view.members.map((member) => `${member.clusterId}@${member.region} ${member.role}${member.status ? ` ${member.status}` : ''}`).join(', ')}` : 'not found'}`,
      ),
      ...summary.dynamodb.map(
        (table) =>
          `${table.table}: ${table.replicas.map((replica) => `${replica.region} ${replica.status}`).join(', ')}`,
      ),
      ...(summary.routing.length > 0
        ? [`routing: ${summary.routing.map((control) => `${control.name} ${control.state ?? 'unknown'}`).join(', ')}`]
        : []),
      ...(summary.unreachableRegions.length > 0 ? [`unreachable: ${summary.unreachableRegions.join(', ')}`] : []),
    ]
  }
  return [
    'Before:',
    '',
    ...describe(before).map((line) => `- ${line}`),
    '',
    'After:',
    '',
    ...describe(after).map((line) => `- ${line}`),
  ]
}

export function writeReport(dir: string, report: RunReport): string {
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
  const path = join(dir, 'report.md')
  writeFileSync(path, renderReportMarkdown(report))
  return path
}
