import {describeHolder} from '../runbook/lock.js'
import type {StateView} from '../runbooks/state-show.js'
import {type Style, symbols} from './style.js'
import {renderTable} from './table.js'

/** `drctl state show`: the table in each Region, its mode, the topology's lock and the latest runs. */
export function renderStateView(view: StateView, style: Style): string {
  const mark = (status: string) =>
    status === 'ACTIVE'
      ? style.green(symbols.ok)
      : status === 'missing' || status === 'unreachable'
        ? style.red(symbols.fail)
        : style.yellow(symbols.warn)
  const lines = [style.bold(`Team state table ${view.table}`), '']
  lines.push(
    renderTable(
      ['', 'REGION', 'STATUS'],
      view.regions.map((region, index) => [
        mark(region.status),
        `${region.region}${index === 0 ? ' (home)' : ''}`,
        region.error ? `${region.status}: ${region.error}` : region.status,
      ]),
      {indent: 2},
    ),
  )
  if (view.witness) lines.push(`  witness ${view.witness.region} ${view.witness.status}`)
  if (view.consistency) {
    lines.push(
      '',
      view.consistency === 'strong'
        ? 'Consistency: strong (MRSC): a lock write is safe in any replica Region'
        : 'Consistency: eventual (MREC): lock writes go to one Region (the home, or an unplanned failover’s target)',
    )
  }
  if (view.keySchemaProblem) {
    lines.push(style.red(`${symbols.fail} keyed ${view.keySchemaProblem}: not a drctl state table`))
    return lines.join('\n')
  }
  if (!view.readFrom) {
    lines.push('', style.red(`${symbols.fail} no Region answered with the table: create it with drctl state init`))
    return lines.join('\n')
  }
  lines.push(
    '',
    style.bold(`Lock ${view.lock.key}`),
    view.lock.holder ? `  held by ${describeHolder(view.lock.holder)}, until ${view.lock.holder.expiresAt}` : '  free',
  )
  lines.push('', style.bold(`Recent runs (read in ${view.readFrom})`))
  lines.push(
    view.runs.length === 0
      ? '  none yet'
      : renderTable(
          ['RUN', 'KIND', 'TOPOLOGY', 'STARTED'],
          view.runs.map((run) => [run.runId, run.kind, run.topologyKey, run.startedAt.replace('T', ' ').slice(0, 19)]),
          {indent: 2},
        ),
  )
  return lines.join('\n')
}
