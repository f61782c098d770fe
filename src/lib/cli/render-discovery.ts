import {summarizeConfig} from '../config/summary.js'
import {suggestRegion} from '../config/regions.js'
import {DrctlError} from '../core/errors.js'
import type {CheckedDiscovery} from '../runbooks/discover.js'
import type {DiscoveredConfig} from '../topology/discover/discover.js'
import type {Finding} from '../topology/discover/findings.js'
import {type Style, symbols} from './style.js'
import {renderTable} from './table.js'

/** The JSON result of `drctl config init --discover`. */
export function discoveryResult(discovered: CheckedDiscovery, written: {path?: string; overwritten?: boolean}) {
  return {
    ...written,
    written: written.path !== undefined,
    regions: discovered.file.config.regions,
    account: discovered.file.config.account,
    summary: summarizeConfig(discovered.file.config).counts,
    found: discovered.discovery.found,
    skipped: discovered.discovery.skipped,
    missing: discovered.missing,
    ...(discovered.checks ?? {}),
    yaml: discovered.file.text,
  }
}

/** What was found and what was skipped, one row each, found first. */
export function renderDiscovery(discovered: {found: Finding[]; skipped: Finding[]}, style: Style): string {
  const row = (mark: string, finding: Finding) => [
    mark,
    finding.kind,
    finding.name,
    finding.regions.length > 0 ? finding.regions.join(', ') : '—',
    finding.detail,
  ]
  const rows = [
    ...discovered.found.map((finding) => row(style.green(symbols.ok), finding)),
    ...discovered.skipped.map((finding) => row(style.dim(symbols.bullet), finding)),
  ]
  if (rows.length === 0) return style.dim('nothing found, nothing skipped')
  return renderTable(['', 'FOUND / SKIPPED', 'NAME', 'REGIONS', 'WHY'], rows)
}

/** What `config validate` and `status` said of the file, what it still lacks, then what to do next. */
export function renderNextSteps(discovered: CheckedDiscovery, style: Style): string {
  const lines = [`  ${summarizeConfig(discovered.file.config).text}`]
  const {checks} = discovered
  if (checks) {
    const {status, validation} = checks
    lines.push(
      '',
      style.bold('Checked'),
      `  config validate: valid${validation.warnings.length ? `, ${validation.warnings.length} warning(s)` : ''}`,
      `  status: ${status.ok} ok, ${status.warn} warn, ${status.fail} fail`,
      ...validation.warnings.map((warning) => `  ${style.yellow(symbols.warn)} ${warning}`),
      ...status.problems.map(
        (check) =>
          `  ${check.status === 'fail' ? style.red(symbols.fail) : style.yellow(symbols.warn)} ${check.message}`,
      ),
    )
  }
  if (discovered.missing.length > 0) {
    lines.push('', style.bold('Missing'), ...discovered.missing.map((gap) => `  ${style.yellow(symbols.warn)} ${gap}`))
  }
  lines.push(
    '',
    style.bold('Next'),
    '  1. review the file: each section says what was found and how',
    '  2. drctl status   (the live posture, any time)',
  )
  return lines.join('\n')
}

/** Written by `drctl config init` without --discover: the example file, and how to make it yours. */
export function renderExampleWritten(written: {path: string; overwritten: boolean; next: string[]}, style: Style) {
  return [
    `${style.green(symbols.ok)} ${written.overwritten ? 'replaced' : 'wrote'} ${written.path}: an annotated example topology`,
    ...written.next.map((step, index) => `  ${index + 1}. ${step}`),
  ].join('\n')
}

/** Exit 3 when a Region holds nothing of what was asked for: a DR topology needs something in each. */
export function nothingFoundError(discovered: DiscoveredConfig['discovery'], result: unknown): DrctlError {
  const {empty, elsewhere} = discovered
  const suggestions = empty.flatMap((region) => {
    const suggestion = suggestRegion(region, elsewhere)
    return suggestion ? [`${region}: did you mean ${suggestion}? (members of what was found are there)`] : []
  })
  return new DrctlError('DRCTL_CHECKS_FAILED', `nothing found in ${empty.join(', ')}; no file written`, {
    result,
    hints: [
      ...suggestions,
      ...(elsewhere.length > 0 ? [`what was found also has members in ${elsewhere.join(', ')}`] : []),
      'check --regions and the credentials in use (skipped rows name any missing permission)',
    ],
  })
}

/** The sandbox writes its own drctl.yaml at every reset: an example written for it would be lost. */
export function sandboxExampleError(): DrctlError {
  return new DrctlError('DRCTL_USAGE', 'the sandbox keeps its own drctl.yaml; config init writes yours', {
    hints: ['drctl config show --sandbox prints the sandbox topology; --discover --sandbox reads its world'],
  })
}
