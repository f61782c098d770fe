import {formatDuration} from '../core/clock.js'
import type {ChaosOutcome} from '../runbooks/chaos/evidence.js'
import {type ExperimentDetail, type ExperimentListing, isActive} from '../runbooks/chaos/experiments.js'
import {TOPOLOGY_TAG} from '../runbooks/chaos/steps.js'
import {describeTags, type TemplateListing, type TemplateView} from '../runbooks/chaos/templates.js'
import {type Style, symbols} from './style.js'
import {renderTable} from './table.js'

/** The flags that point a drctl command line at the same topology. */
export interface CommandLineFlags {
  sandbox: boolean
  config?: string
}

/** A drctl command line to copy, with the flags that point it at the same topology (sandbox, config). */
export function drctlCommand(args: string, flags: CommandLineFlags): string {
  return `drctl ${args}${flags.sandbox ? ' --sandbox' : ''}${flags.config ? ` -c ${flags.config}` : ''}`
}

/** Everything an operator must see before starting a template: actions and durations, targets, stop conditions. */
export function renderTemplate(template: TemplateView, style: Style): string {
  const lines = [
    `${style.bold(template.name)} ${style.dim(`${template.id} in ${template.region}`)}`,
    ...(template.description ? [`  ${template.description}`] : []),
    '',
    `  ${style.bold('ACTIONS')}${template.expectedDurationMs ? style.dim(`  about ${formatDuration(template.expectedDurationMs)} in all`) : ''}`,
    renderTable(
      undefined,
      template.actions.map((action) => [
        action.name,
        action.actionId,
        action.durationMs === undefined ? '-' : formatDuration(action.durationMs),
        action.startAfter.length > 0 ? `after ${action.startAfter.join(', ')}` : 'at start',
        `on ${Object.values(action.targets).join(', ') || 'no target'}`,
      ]),
      {indent: 4},
    ),
    '',
    `  ${style.bold('TARGETS')}`,
    template.targets.length > 0
      ? renderTable(
          undefined,
          template.targets.map((target) => [target.name, target.resourceType, target.selectionMode, target.resources]),
          {indent: 4},
        )
      : '    none',
    '',
    `  ${style.bold('STOP CONDITIONS')}`,
    ...(template.hasStopCondition
      ? template.stopConditions
          .filter((condition) => condition.source !== 'none')
          .map((condition) => `    ${style.green(symbols.ok)} ${condition.source} ${condition.value ?? ''}`.trimEnd())
      : [`    ${style.yellow(`${symbols.warn} none: starting it needs --no-stop-condition-ok`)}`]),
    '',
    `  role: ${template.roleArn ?? 'none'}`,
  ]
  return lines.join('\n')
}

export function renderTemplateList(listing: TemplateListing, style: Style): string {
  const head = `${listing.templates.length} experiment template(s) in ${listing.region} tagged ${describeTags(listing.templateTags)}`
  const hidden =
    listing.hidden > 0
      ? [style.dim(`${listing.hidden} other template(s) in ${listing.region} lack these tags and are not shown`)]
      : []
  return [
    style.bold(head),
    ...hidden,
    ...listing.templates.flatMap((template) => ['', renderTemplate(template, style)]),
  ].join('\n')
}

const stamp = (time?: string) => (time ? time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-')

const markStatus = (status: string, style: Style) =>
  isActive(status)
    ? style.yellow(status)
    : status === 'completed' || status === 'stopped'
      ? style.green(status)
      : style.red(status)

export function renderExperiment(experiment: ExperimentDetail, style: Style): string {
  const lines = [
    `${style.bold(experiment.id)} ${markStatus(experiment.status, style)} in ${experiment.region}, template ${experiment.templateName ?? experiment.templateId}${experiment.templateName ? style.dim(` (${experiment.templateId})`) : ''}`,
    ...(experiment.reason ? [`  ${experiment.reason}`] : []),
    `  created ${stamp(experiment.creationTime)}, started ${stamp(experiment.startTime)}, ended ${stamp(experiment.endTime)}`,
    ...(experiment.tags[TOPOLOGY_TAG] ? [style.dim(`  started by drctl for ${experiment.tags[TOPOLOGY_TAG]}`)] : []),
    '',
    `  ${style.bold('ACTIONS')}`,
    experiment.actions.length > 0
      ? renderTable(
          ['NAME', 'ACTION', 'STATUS', 'STARTED', 'ENDED', 'REASON'],
          experiment.actions.map((action) => [
            action.name,
            action.actionId,
            markStatus(action.status, style),
            stamp(action.startTime),
            stamp(action.endTime),
            action.reason ?? '',
          ]),
          {indent: 4},
        )
      : '    none reported yet',
  ]
  return lines.join('\n')
}

/** A warning for each Region whose experiments could not be listed. */
export function unlistedRegions(listing: ExperimentListing): string[] {
  return listing.unreadable.map(({region, message}) => `experiments in ${region} could not be listed: ${message}`)
}

type ListedExperiment = ExperimentListing['experiments'][number]

/** What `chaos status` shows: every active experiment, and the `recentCount` most recent that ended. */
export function activeAndRecent(
  listing: ExperimentListing,
  recentCount: number,
): {active: ListedExperiment[]; recent: ListedExperiment[]} {
  return {
    active: listing.experiments.filter((experiment) => isActive(experiment.status)),
    recent: listing.experiments.filter((experiment) => !isActive(experiment.status)).slice(0, recentCount),
  }
}

export function renderExperimentList(
  {active, recent}: ReturnType<typeof activeAndRecent>,
  regions: string[],
  style: Style,
): string {
  const table = (rows: ListedExperiment[]) =>
    renderTable(
      ['ID', 'STATUS', 'REGION', 'TEMPLATE', 'CREATED', 'BY'],
      rows.map((experiment) => [
        experiment.id,
        markStatus(experiment.status, style),
        experiment.region,
        experiment.templateName ?? experiment.templateId,
        stamp(experiment.creationTime),
        experiment.tags[TOPOLOGY_TAG] ? `drctl (${experiment.tags[TOPOLOGY_TAG]})` : '-',
      ]),
      {indent: 2},
    )
  return [
    style.bold('ACTIVE'),
    active.length > 0 ? table(active) : `  no FIS experiment active in ${regions.join(', ')}`,
    '',
    style.bold('RECENT'),
    recent.length > 0 ? table(recent) : '  none',
  ].join('\n')
}

/** The end of a followed game day: how it ended, how far lag went, whether it came back. */
export function renderChaosOutcome(outcome: ChaosOutcome, style: Style): string {
  const {experiment, peaks, recovery} = outcome
  if (!experiment) return ''
  const good = experiment.status === 'completed' || experiment.status === 'stopped'
  const lines = [
    `${good ? style.green(symbols.ok) : style.red(symbols.fail)} experiment ${experiment.id} ${experiment.status} (template ${experiment.templateName})${experiment.reason ? `: ${experiment.reason}` : ''}`,
  ]
  if (experiment.actions.length > 0) {
    lines.push(`  actions: ${experiment.actions.map((action) => `${action.name} ${action.status}`).join(', ')}`)
  }
  for (const peak of peaks) {
    const before = peak.beforeMs === null ? 'unknown before' : `${formatDuration(peak.beforeMs)} before`
    const last = peak.lastMs === null ? 'unknown' : formatDuration(peak.lastMs)
    lines.push(
      peak.beforeMs !== null && peak.peakMs <= peak.beforeMs
        ? `  ${peak.signal}: ${before}, no rise, last ${last}`
        : `  ${peak.signal}: ${before}, peak ${formatDuration(peak.peakMs)} at +${formatDuration(peak.peakElapsedMs)}, last ${last}`,
    )
  }
  if (recovery) {
    const rose = peaks.some((peak) => peak.peakMs > recovery.belowMs)
    lines.push(
      !recovery.recovered
        ? `  ${style.yellow(symbols.warn)} lag still above ${formatDuration(recovery.belowMs)} ${formatDuration(recovery.afterMs)} after the experiment ended: check drctl status`
        : rose
          ? `  ${style.green(symbols.ok)} lag back under ${formatDuration(recovery.belowMs)} within ${formatDuration(recovery.afterMs)} of the end`
          : `  ${style.green(symbols.ok)} lag stayed under ${formatDuration(recovery.belowMs)} throughout`,
    )
  }
  return lines.join('\n')
}

/** How to follow and stop an experiment that runs on after drctl exits. */
export function nextCommands(id: string, flags: CommandLineFlags): {status: string; stop: string} {
  return {status: drctlCommand(`chaos status ${id}`, flags), stop: drctlCommand(`chaos stop ${id}`, flags)}
}

/** An experiment started and not followed: it runs on, and this says how to follow and stop it. */
export function renderStarted(
  outcome: ChaosOutcome,
  region: string,
  next: ReturnType<typeof nextCommands>,
  style: Style,
): string {
  return [
    `${style.green(symbols.ok)} experiment ${outcome.experiment?.id ?? 'ID'} ${outcome.experiment?.status ?? 'started'} in ${region}; it keeps running after drctl exits`,
    `  follow: ${next.status}`,
    `  stop:   ${next.stop}`,
  ].join('\n')
}
