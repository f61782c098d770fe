import {formatDuration} from '../core/clock.js'
import type {TopologySummary} from '../topology/summary.js'
import {MEASURED_RPO_PREFIX, measuredRpoOf, type RunReport} from './report.js'
import {renderTimelineChart} from './report-timeline-chart.js'

export function renderReportMarkdown(report: RunReport): string {
  const lines = [`# ${report.title}`, '']
  lines.push(`- Run: \`${report.runId}\`${report.sandbox ? ' (sandbox rehearsal)' : ''}`)
  const readable =
    report.outcome === 'damaged' ? ` (the readable part of its journal says: ${report.readableOutcome})` : ''
  lines.push(
    `- Outcome: **${report.outcome}**${readable}${report.exit === undefined ? '' : ` (exit ${report.exit})`}${report.error ? `: ${report.error.message}` : ''}`,
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
  for (const measured of measuredRpoOf(report.evidence)) {
    lines.push(`- RPO measured (${measured.globalClusterId}): ${measured.summary}`)
  }
  lines.push('')
  if (report.journalProblems.length > 0) {
    lines.push(
      '## Journal',
      '',
      ...report.journalProblems.map(
        (problem) =>
          `- line ${problem.line} of ${problem.file}: ${problem.kind === 'damaged' ? `cannot be read (${problem.problem}); what it said is unknown` : 'cut short by a crash; ignored'}`,
      ),
      '',
    )
  }
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
  const evidence = Object.entries(report.evidence).filter(
    ([key]) => key !== 'rpo' && key !== 'timeline' && !key.startsWith(MEASURED_RPO_PREFIX),
  )
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
  if (report.approvals.length > 0) {
    lines.push(
      '',
      '## Approvals',
      '',
      ...report.approvals.map((item) => `- ${item.step}: approved by ${item.by} at ${item.at}`),
    )
  }
  lines.push('', '## Mutating AWS calls', '')
  if (report.mutatingCalls.length === 0) lines.push('None.')
  for (const call of report.mutatingCalls) {
    lines.push(
      `- ${call.at} ${call.service} ${call.operation} in ${call.region}${call.requestId ? ` (request ${call.requestId})` : ''}${call.error ? ` — failed: ${call.error}` : ''}`,
    )
  }
  lines.push('', '## Timeline', '', ...renderTimelineChart(report), '', '| +s | event |', '| --- | --- |')
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
