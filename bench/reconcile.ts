/**
 * Does reconcile's comparison stay in bounded memory on a large table? Compares two generated row sources of
 * --rows rows (the old copy; the new primary lacks every 100th row and holds every 250th with another amount) in
 * pages, streaming findings to files as `drctl reconcile` does, and reports rows/s and peak RSS. The rows are made
 * on demand, so memory is the comparison's own: no database is in the loop (the Data API's latency is not measured).
 * Goal (issue 14): peak RSS under --max-rss-mb whatever --rows. Exits 1 when it is exceeded.
 *
 *   npx tsx bench/reconcile.ts [--rows N] [--page-size N] [--max-rss-mb N]
 */
import {mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import type {SqlValue} from '../src/lib/aws/ports.js'
import {compareTable, type ReconcileTable, type RowSource} from '../src/lib/reconcile/compare.js'
import {FindingsFiles, MISSING_FILE} from '../src/lib/reconcile/findings-files.js'
import type {Row} from '../src/lib/reconcile/values.js'

const {values} = parseArgs({
  options: {
    rows: {type: 'string', default: '100000'},
    'page-size': {type: 'string', default: '500'},
    'max-rss-mb': {type: 'string', default: '200'},
  },
})
const rows = Number(values.rows)
const pageSize = Number(values['page-size'])
const maxRssMb = Number(values['max-rss-mb'])

const order = (id: number, amount = `${(id % 1000) + 0.99}`): Row => ({
  id,
  customer: `customer-${id % 97}`,
  amount,
  updated_at: new Date(Date.UTC(2026, 11, 6, 8) + id).toISOString(),
})

/** A table of ids 1..rows, made page by page; `current` leaves out or changes some rows. */
function generated(current: boolean): RowSource {
  return {
    page: async (_table, after: SqlValue[] | undefined, limit: number) => {
      const from = Number(after?.[0] ?? 0) + 1
      return Array.from({length: Math.max(0, Math.min(limit, rows - from + 1))}, (_, index) => order(from + index))
    },
    lookup: async (_table, keys: SqlValue[][]) =>
      keys
        .map((key) => Number(key[0]))
        .filter((id) => !current || id % 100 !== 0)
        .map((id) => (current && id % 250 === 0 ? order(id, '0.00') : order(id))),
  }
}

const dir = mkdtempSync(join(tmpdir(), 'drctl-bench-reconcile-'))
const table: ReconcileTable = {name: 'orders', key: ['id'], updatedAt: 'updated_at'}
const files = new FindingsFiles(dir)
let peakRss = process.memoryUsage().rss
const started = performance.now()
const progress = await compareTable({
  table,
  old: generated(false),
  current: generated(true),
  pageSize,
  onPage: async (findings, step) => {
    files.append(table.name, findings)
    // What the runbook journals after every page.
    JSON.stringify({progress: step, sizes: files.sizes([table.name])})
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  },
})
const seconds = (performance.now() - started) / 1000
const findingsMb = statSync(join(dir, MISSING_FILE)).size / 1e6
rmSync(dir, {recursive: true, force: true})

const peakMb = peakRss / 1e6
console.log(
  `${progress.scanned} rows in ${seconds.toFixed(2)}s (${Math.round(progress.scanned / seconds)} rows/s), ` +
    `${progress.missing} missing, ${progress.differing} differing (${findingsMb.toFixed(1)} MB of findings); ` +
    `peak RSS ${peakMb.toFixed(0)} MB (goal < ${maxRssMb} MB)`,
)
if (peakMb > maxRssMb) process.exit(1)
