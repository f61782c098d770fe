import {resourceIdOfArn} from '../core/arn.js'
import {countByStatus} from '../checks/check.js'
import {safetyRuleLabel} from '../checks/safety-rules.js'
import type {StatusReport} from '../runbooks/status.js'
import {formatDuration} from '../core/clock.js'
import type {SafetyRuleConfig} from '../config/schema.js'
import type {RoutingView} from '../topology/views.js'
import type {Style} from './style.js'
import {statusMark, symbols} from './style.js'
import {renderTable} from './table.js'
import {heartbeatLines, measuredLagOf, measuredLagText, measuredOf, rpoOf} from './render-rpo.js'

/** The JSON result of `drctl status`: a stable shape (see README), independent of the internal model. */
export function statusResult(report: StatusReport) {
  const {topology, checks, readiness} = report
  const counts = countByStatus(checks)
  return {
    topology: topology.name,
    account: topology.identity?.account,
    caller: topology.identity?.arn,
    observedAt: topology.observedAt,
    durationMs: topology.durationMs,
    healthy: counts.fail === 0,
    summary: counts,
    checks,
    regions: topology.regions,
    aurora: topology.aurora.map((view) => ({
      globalCluster: view.id,
      found: view.found,
      status: view.status,
      engine: view.engine,
      engineVersion: view.engineVersion,
      endpoint: view.endpoint,
      writerRegion: view.writerRegion,
      failoverState: view.failoverState,
      renamedTo: view.renamedTo,
      detachedSurvivor: view.detachedSurvivor && {
        clusterId: view.detachedSurvivor.clusterId,
        region: view.detachedSurvivor.region,
        status: view.detachedSurvivor.status,
        runId: view.detachedSurvivor.runId,
      },
      members: view.members.map((member) => ({
        region: member.region,
        clusterId: member.clusterId,
        role: member.role,
        status: member.clusterStatus,
        synchronizationStatus: member.synchronizationStatus,
        writeForwarding: member.writeForwarding,
        engineVersion: member.engineVersion,
        instances: member.instances,
        replicationLagMs: member.lag?.ms ?? null,
        lagMetric: member.lag?.metric,
        ...(report.rpo && member.role === 'secondary'
          ? {measuredRpoLagMs: measuredLagOf(report, view.id, member.region) ?? null}
          : {}),
        unreadable: member.unreadable?.message,
      })),
      unreadable: view.unreadable?.message,
      ...measuredOf(report, view.id),
    })),
    replicas: topology.replicas.map((replica) => ({
      cluster: replica.clusterId,
      region: replica.region,
      found: replica.found,
      status: replica.status,
      replicationSourceArn: replica.replicationSourceArn,
      instances: replica.instances,
    })),
    dynamodb: topology.dynamodb.map((table) => ({
      table: table.name,
      found: table.found,
      consistency: table.consistency,
      witness: table.witness,
      replicas: table.replicas,
      latency: table.latency.map((entry) => ({from: entry.from, to: entry.to, ms: entry.reading?.ms ?? null})),
    })),
    routing: topology.routing && {
      endpoint: topology.routing.endpoint,
      endpointsCached: topology.routing.endpointsCached,
      ...routingStates(topology.routing),
      unreadable: topology.routing.unreadable?.message,
    },
    chaos: {running: topology.chaos?.running ?? []},
    stacks: topology.stacks.map((stack) => ({
      region: stack.region,
      name: stack.name,
      found: stack.found,
      status: stack.status,
    })),
    steps: topology.steps.map((step) => ({
      id: step.id,
      kind: step.kind,
      required: step.required,
      pointsAt: step.pointsAt ?? null,
      state: step.state,
      controlPlane: step.controlPlane,
      missing: step.missing,
      unreadable: step.unreadable?.message,
    })),
    readiness,
  }
}

/** Routing controls and safety rules as `drctl status` and `drctl routing list` give them in JSON. */
export function routingStates(routing: RoutingView) {
  return {
    controls: routing.controls.map((control) => ({
      name: control.name,
      arn: control.arn,
      region: control.region,
      state: control.state ?? null,
    })),
    safetyRules: routing.safetyRules.map((rule) => ({arn: rule.arn, name: rule.name, type: rule.type})),
  }
}

/** One screen: header, a compact section per service, readiness, and the findings that are not ok. */
export function renderStatus(report: StatusReport, style: Style, options: {verbose: boolean}): string {
  const {topology, checks, readiness} = report
  const lines: string[] = []
  const counts = countByStatus(checks)
  const verdict =
    counts.fail > 0
      ? style.red('NOT HEALTHY')
      : counts.warn > 0
        ? style.yellow('HEALTHY, WITH WARNINGS')
        : style.green('HEALTHY')
  lines.push(`${style.bold(`drctl status: ${topology.name}`)}  ${verdict}`)
  const who = topology.identity ? `${topology.identity.arn} (account ${topology.identity.account})` : 'identity unknown'
  lines.push(
    style.dim(`${who} · observed ${topology.observedAt.slice(11, 19)}Z in ${formatDuration(topology.durationMs)}`),
  )
  const unreachable = topology.regions.filter((region) => !region.reachable)
  for (const region of unreachable)
    lines.push(style.red(`${symbols.fail} ${region.region} unreachable: ${region.error}`))

  if (topology.aurora.length > 0 || topology.replicas.length > 0) {
    lines.push('', style.bold('AURORA'))
    for (const view of topology.aurora) {
      if (!view.found) {
        const renamed = view.renamedTo ? ` (renamed to ${view.renamedTo.join(' or ')}?)` : ''
        lines.push(
          `  ${view.id}  ${style.red(view.unreadable ? `unreadable: ${view.unreadable.message}` : 'not found')}${renamed}`,
        )
        continue
      }
      const failover = view.failoverState
        ? style.yellow(
            ` ${view.failoverState.isDataLossAllowed ? 'failover' : 'switchover'} ${view.failoverState.status}`,
          )
        : ''
      lines.push(
        `  ${style.bold(view.id)}  ${view.status}${failover}  writer ${view.writerRegion ?? style.red('none')}  ${style.dim(`${view.engine} ${view.engineVersion}`)}`,
      )
      const measured = report.rpo !== undefined
      const rows = view.members.map((member) => [
        member.region,
        member.clusterId,
        member.role === 'writer' ? style.bold('writer') : 'secondary',
        member.unreadable
          ? style.red(member.unreadable.kind === 'excluded' ? 'not read' : 'unreadable')
          : (member.clusterStatus ?? '?'),
        member.instances
          .map((instance) => `${instance.id}${instance.isWriter ? '*' : ''} ${instance.status}`)
          .join(', ') || '-',
        member.role === 'secondary' ? (member.synchronizationStatus ?? '?') : '',
        member.role === 'secondary' ? (member.lag ? formatDuration(member.lag.ms) : 'unknown') : '',
        ...(measured ? [member.role === 'secondary' ? measuredLagText(report, view.id, member.region) : ''] : []),
      ])
      const headings = ['REGION', 'CLUSTER', 'ROLE', 'STATUS', 'INSTANCES (* writer)', 'SYNC', 'LAG']
      lines.push(renderTable(measured ? [...headings, 'MEASURED'] : headings, rows, {indent: 4}))
      lines.push(...heartbeatLines(rpoOf(report, view.id), style))
      if (view.endpoint)
        lines.push(style.dim(`    global writer endpoint ${view.endpoint} → ${view.writerRegion ?? 'none'}`))
    }
    for (const replica of topology.replicas) {
      const source = replica.replicationSourceArn
        ? `replicating from ${resourceIdOfArn(replica.replicationSourceArn)}`
        : 'standalone'
      lines.push(
        `  binlog replica ${replica.clusterId} (${replica.region})  ${replica.found ? `${replica.status}, ${source}` : style.red('not found')}`,
      )
    }
  }

  if (topology.dynamodb.length > 0) {
    lines.push('', style.bold('DYNAMODB'))
    const rows = topology.dynamodb.map((table) => {
      const worst = table.latency
        .filter((entry) => entry.reading)
        .sort((a, b) => (b.reading?.ms ?? 0) - (a.reading?.ms ?? 0))[0]
      return [
        table.name,
        table.found
          ? table.replicas.map((replica) => `${replica.region} ${replica.status}`).join(', ')
          : style.red('not found'),
        table.consistency === 'strong'
          ? `strong consistency${table.witness ? `, witness ${table.witness.region}` : ''}`
          : worst?.reading
            ? `latency ≤ ${formatDuration(worst.reading.ms)}`
            : 'latency unknown',
      ]
    })
    lines.push(renderTable(undefined, rows, {indent: 2}))
  }

  if (topology.routing) {
    const routing = topology.routing
    const via = routing.endpoint ? style.dim(` (read via ${routing.endpoint.region} endpoint)`) : ''
    lines.push('', `${style.bold('ROUTING')}${via}`)
    if (routing.unreadable) lines.push(`  ${style.red(routing.unreadable.message)}`)
    const rows = routing.controls.map((control) => [
      control.name,
      control.region,
      control.state === 'On' ? style.green('On') : control.state === 'Off' ? 'Off' : style.yellow('unknown'),
    ])
    lines.push(renderTable(undefined, rows, {indent: 2}))
    if (routing.safetyRules.length > 0) {
      const rules = routing.safetyRules.map((rule) => describeSafetyRule(rule))
      lines.push(style.dim(`  safety rules: ${rules.join(', ')}`))
    }
  }

  if (topology.chaos) {
    lines.push('', style.bold('CHAOS'))
    if (topology.chaos.running.length === 0) lines.push('  no FIS experiment running')
    for (const experiment of topology.chaos.running) {
      lines.push(
        `  ${style.yellow(symbols.warn)} ${experiment.id} ${experiment.status} in ${experiment.region} (template ${experiment.templateId})`,
      )
    }
  }

  if (topology.stacks.length > 0) {
    lines.push('', style.bold('STACKS'))
    const rows = topology.stacks.map((stack) => [
      stack.region,
      stack.name,
      stack.found ? (stack.status ?? '?') : style.red(stack.unreadable ? 'unreadable' : 'not found'),
    ])
    lines.push(renderTable(undefined, rows, {indent: 2}))
  }

  if (topology.steps.length > 0) {
    lines.push('', style.bold('STEPS'))
    const rows = topology.steps.map((step) => [
      step.id,
      step.kind,
      step.missing || step.unreadable
        ? style.red(step.missing ?? `unreadable: ${step.unreadable?.message}`)
        : step.pointsAt === 'any'
          ? step.state
          : `${step.pointsAt ? `→ ${step.pointsAt}` : style.yellow('→ ?')}  ${step.state}`,
    ])
    lines.push(renderTable(undefined, rows, {indent: 2}))
  }

  if (readiness.length > 0) {
    lines.push('', style.bold('READINESS'))
    for (const entry of readiness) {
      const loss =
        entry.kind === 'unplanned' && entry.ready
          ? entry.dataLossEstimateMs === undefined
            ? ', data loss unknown'
            : `, data loss up to ~${formatDuration(entry.dataLossEstimateMs)}`
          : ''
      const routingOnly =
        entry.ready && entry.routingOnly.length > 0
          ? `; ${entry.routingOnly.join(', ')}: routing only (strongly consistent, no write lost)`
          : ''
      const head = `${entry.kind} failover to ${entry.region}: `
      lines.push(
        entry.ready
          ? `  ${style.green(symbols.ok)} ${head}ready${loss}${routingOnly}`
          : `  ${style.red(symbols.fail)} ${head}not ready, because ${entry.reasons.slice(0, 2).join('; ')}${entry.reasons.length > 2 ? ` (+${entry.reasons.length - 2} more)` : ''}`,
      )
    }
  }

  const shown = options.verbose ? checks : checks.filter((check) => check.status !== 'ok')
  lines.push(
    '',
    style.bold('CHECKS') +
      style.dim(
        `  ${counts.ok} ok, ${counts.warn} warn, ${counts.fail} fail${options.verbose ? '' : ' (--verbose lists all)'}`,
      ),
  )
  for (const check of shown)
    lines.push(`  ${statusMark(style, check.status)} ${check.message} ${style.dim(`[${check.id}]`)}`)
  for (const warning of topology.warnings) lines.push(`  ${style.yellow(symbols.warn)} ${warning}`)
  return lines.join('\n')
}

/**
 * Why `drctl status` exits 3, on one line: how many checks fail and warn (`retail: 2 checks fail, 1 warns`); a
 * finding about the topology, not an error of drctl's.
 */
export function renderChecksVerdict(report: StatusReport): string {
  const counts = countByStatus(report.checks)
  const fails = `${counts.fail} check${counts.fail === 1 ? ' fails' : 's fail'}`
  const warns = `${counts.warn} warn${counts.warn === 1 ? 's' : ''}`
  const name = report.topology.name
  // Without a failing check, status fails only with --strict.
  if (counts.fail === 0) return `${name}: ${counts.warn} check${counts.warn === 1 ? ' warns' : 's warn'} (--strict)`
  return counts.warn > 0 ? `${name}: ${fails}, ${warns}` : `${name}: ${fails}`
}

const CLEAR_SCREEN = '\u001B[H\u001B[2J'

/** One refresh of `drctl status --watch`: the screen cleared (on a terminal), the report, and how it goes on. */
export function renderWatchFrame(
  report: StatusReport,
  style: Style,
  options: {verbose: boolean; seconds: number; clearScreen: boolean},
): string {
  const frame = renderStatus(report, style, options)
  const footer = style.dim(`\nrefreshing every ${options.seconds}s; Ctrl-C to stop`)
  return `${options.clearScreen ? CLEAR_SCREEN : ''}${frame}\n${footer}`
}

/** A safety rule on one line: its name and what it asserts, e.g. `min-one-on (assertion ATLEAST 1)`. */
export function describeSafetyRule(rule: Pick<SafetyRuleConfig, 'arn' | 'name' | 'type' | 'ruleConfig'>): string {
  return `${safetyRuleLabel(rule)} (${rule.type.toLowerCase()} ${rule.ruleConfig.type} ${rule.ruleConfig.threshold})`
}
