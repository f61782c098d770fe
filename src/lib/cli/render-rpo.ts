import {formatDuration} from '../core/clock.js'
import type {GlobalClusterRpo} from '../reconcile/measure.js'
import type {ReconcileSummary} from '../runbooks/reconcile-report.js'
import type {RpoProbe} from '../runbooks/rpo-probe.js'
import type {StatusReport} from '../runbooks/status.js'
import {type Style, symbols} from './style.js'
import {renderTable} from './table.js'

export const rpoOf = (report: StatusReport, globalClusterId: string) =>
  report.rpo?.find((entry) => entry.globalClusterId === globalClusterId)

export const measuredLagOf = (report: StatusReport, globalClusterId: string, region: string) =>
  rpoOf(report, globalClusterId)?.secondaries.find((secondary) => secondary.region === region)?.rpoLagMs

export function measuredLagText(report: StatusReport, globalClusterId: string, region: string): string {
  const lag = measuredLagOf(report, globalClusterId, region)
  return lag === undefined ? 'unknown' : formatDuration(lag)
}

/** The measured side of a global cluster's RPO in --json (present only with drctl.yaml `rpo`). */
export function measuredOf(report: StatusReport, globalClusterId: string) {
  const rpo = rpoOf(report, globalClusterId)
  if (!rpo) return {}
  return {heartbeat: rpo.heartbeat ?? null, measurementProblems: rpo.problems}
}

/** Under a global cluster: its writer's newest heartbeat, and what could not be measured. */
export function heartbeatLines(rpo: GlobalClusterRpo | undefined, style: Style, indent = '    '): string[] {
  if (!rpo) return []
  const newest = rpo.heartbeat?.newest
  const age = newest ? ` (${formatDuration(rpo.heartbeat?.ageMs ?? 0)} ago)` : ''
  return [
    ...(rpo.heartbeat
      ? [style.dim(`${indent}newest heartbeat in ${rpo.writer?.clusterId}: ${newest ?? 'none'}${age}`)]
      : []),
    ...rpo.problems.map((problem) => style.yellow(`${indent}${symbols.warn} not measured: ${problem}`)),
  ]
}

/** `drctl rpo probe`: each global cluster's measured lag and heartbeat, then the newest unplanned failover's. */
export function renderRpoProbe(probe: RpoProbe, style: Style): string {
  const lines = [style.bold(`RPO measured at ${probe.measuredAt.slice(11, 19)}Z`)]
  for (const rpo of probe.clusters) {
    const writer = rpo.writer ? `writer ${rpo.writer.clusterId} (${rpo.writer.region})` : style.red('no writer')
    lines.push('', `  ${style.bold(rpo.globalClusterId)}  ${writer}`)
    if (rpo.secondaries.length > 0) {
      const rows = rpo.secondaries.map((secondary) => [
        secondary.region,
        secondary.clusterId ?? '?',
        formatDuration(secondary.rpoLagMs),
      ])
      lines.push(renderTable(['REGION', 'CLUSTER', "RPO LAG (Aurora's own)"], rows, {indent: 4}))
    }
    lines.push(...heartbeatLines(rpo, style))
  }
  const {failover} = probe
  lines.push('')
  if (!failover) lines.push(style.dim(`No failover measured: ${probe.noFailover}`))
  else {
    lines.push(`${style.bold('Unplanned failover')} ${failover.runId} at ${failover.failoverAt}`)
    lines.push(`  now: ${failover.now.summary}`)
    if (failover.atFailover) lines.push(`  at the failover: ${failover.atFailover.summary}`)
  }
  return lines.join('\n')
}

/** After `drctl reconcile`: what was lost, measured both ways, and where every row is. */
export function renderReconcileSummary(summary: ReconcileSummary, style: Style): string {
  const lines = [
    `  ${style.bold(`${summary.missing} row(s) missing`)} in the new primary, ${summary.differing} differing`,
    ...summary.tables.map(
      (table) => `    ${table.name}: ${table.scanned} compared, ${table.missing} missing, ${table.differing} differ`,
    ),
  ]
  const beats = summary.heartbeatRpo
  if (beats?.seconds !== undefined)
    lines.push(`  measured RPO: ${beats.seconds}s of writes lost (heartbeats ${beats.new} → ${beats.old})`)
  else if (beats) lines.push(style.yellow(`  ${symbols.warn} RPO not measured from heartbeats: ${beats.problem}`))
  const span = summary.measuredRpo
  if (span) lines.push(`  lost writes span ${span.seconds}s by updatedAt (${span.from} → ${span.to})`)
  lines.push(`  read ${summary.report}; every row is in ${summary.findings}`)
  return lines.join('\n')
}
