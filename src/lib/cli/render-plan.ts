import type {Check} from '../checks/check.js'
import type {RunResult} from '../runbook/engine-context.js'
import {plannedSteps} from '../runbook/engine.js'
import {measuredRpoOf} from '../runbook/report.js'
import {isGroup, type RunPlan} from '../runbook/types.js'
import type {Style} from './style.js'
import {statusMark, symbols} from './style.js'

function renderGates(gates: Check[], style: Style): string[] {
  return [style.bold('GATES'), ...gates.map((gate) => `  ${statusMark(style, gate.status)} ${gate.message}`)]
}

/** What will happen, step by step, with every AWS call and the Region it goes to: printed before any confirmation. */
export function renderPlan(plan: RunPlan, style: Style): string {
  const lines = [style.bold(plan.title), '', ...renderGates(plan.gates, style), '', style.bold('PLAN')]
  plan.items.forEach((item, index) => {
    const steps = isGroup(item) ? item.parallel : [item]
    lines.push(
      `  ${index + 1}. ${isGroup(item) ? `${item.title}${steps.length > 1 ? ' (in parallel)' : ''}` : item.title}`,
    )
    for (const [position, step] of steps.entries()) {
      if (isGroup(item)) lines.push(`     ${String.fromCharCode(97 + position)}. ${step.title}`)
      for (const call of step.describe()) {
        lines.push(style.dim(`        ${call.service} ${call.operation} in ${call.region}: ${call.detail}`))
      }
    }
  })
  if (plan.notes.length > 0)
    lines.push('', style.bold('NOTES'), ...plan.notes.map((note) => `  ${symbols.bullet} ${note}`))
  return lines.join('\n')
}

/** The JSON result of a plan that was not executed (--dry-run). */
export function planResult(plan: RunPlan) {
  return {
    dryRun: true,
    kind: plan.kind,
    title: plan.title,
    gates: plan.gates,
    steps: plannedSteps(plan.items),
    notes: plan.notes,
    followUps: plan.followUps,
  }
}

export function renderRunResult(result: RunResult & {reportUrl?: string}, style: Style): string {
  const lines = [
    `${result.outcome === 'completed' ? style.green(symbols.ok) : style.red(symbols.fail)} run ${result.runId} ${result.outcome}`,
  ]
  if (result.rtoSeconds !== null) lines.push(`  RTO ${result.rtoSeconds}s (start to writes and traffic in the target)`)
  const rpo = result.evidence.rpo as {summary?: string} | undefined
  if (rpo?.summary) lines.push(`  RPO ${rpo.summary}`)
  for (const measured of measuredRpoOf(result.evidence)) {
    lines.push(`  RPO measured (${measured.globalClusterId}): ${measured.summary}`)
  }
  lines.push(`  report: ${result.reportPath}`)
  if (result.reportUrl) lines.push(`  stored: ${result.reportUrl}`)
  return lines.join('\n')
}
