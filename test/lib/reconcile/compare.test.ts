import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {SqlValue} from '../../../src/lib/aws/ports.js'
import {
  compareTable,
  type Finding,
  type ReconcileTable,
  type RowSource,
  type TableProgress,
} from '../../../src/lib/reconcile/compare.js'
import {FindingsFiles} from '../../../src/lib/reconcile/findings-files.js'
import {canonical, type Row} from '../../../src/lib/reconcile/values.js'

/** A table in memory that pages as a database would: by key, after a key, within a window; it counts its calls. */
class MemoryRows implements RowSource {
  pages: {after?: SqlValue[]; since?: string}[] = []
  lookups = 0

  constructor(private readonly rows: Row[]) {}

  async page(table: ReconcileTable, after: SqlValue[] | undefined, limit: number, since?: string): Promise<Row[]> {
    this.pages.push({after, since})
    const sorted = [...this.rows].sort((a, b) => compareKeys(table, a, b))
    return sorted
      .filter(
        (row) =>
          !after || compareKeys(table, row, Object.fromEntries(table.key.map((k, i) => [k, after[i] ?? null]))) > 0,
      )
      .filter((row) => {
        const at = table.updatedAt ? row[table.updatedAt] : null
        return !since || at === null || at === undefined || String(at) >= since
      })
      .slice(0, limit)
  }

  async lookup(table: ReconcileTable, keys: SqlValue[][]): Promise<Row[]> {
    this.lookups++
    const wanted = new Set(keys.map((key) => JSON.stringify(key.map(canonical))))
    return this.rows.filter((row) => wanted.has(JSON.stringify(table.key.map((k) => canonical(row[k] ?? null)))))
  }
}

function compareKeys(table: ReconcileTable, a: Row, b: Row): number {
  for (const column of table.key) {
    const [x, y] = [a[column], b[column]] as [SqlValue, SqlValue]
    if (x === y) continue
    return (x ?? 0) < (y ?? 0) ? -1 : 1
  }
  return 0
}

async function run(table: ReconcileTable, old: MemoryRows, current: MemoryRows, pageSize = 2, since?: string) {
  const findings: Finding[] = []
  const progress: TableProgress[] = []
  const result = await compareTable({
    table,
    old,
    current,
    pageSize,
    since,
    onPage: async (page, step) => {
      findings.push(...page)
      progress.push(step)
    },
  })
  return {findings, progress, result}
}

const orders: ReconcileTable = {name: 'orders', key: ['id'], updatedAt: 'updated_at'}
const order = (id: number, amount: string, at = '2026-12-06T08:00:00.000Z'): Row => ({
  id,
  amount,
  updated_at: at,
})

describe('reconcile comparison', () => {
  it('pages through the old copy by key and finds the rows the new primary lacks or holds differently', async () => {
    const old = new MemoryRows([order(1, '1.00'), order(2, '2.00'), order(3, '3.00'), order(4, '4.00'), order(5, '5')])
    const current = new MemoryRows([order(1, '1.00'), order(3, '3.50'), order(5, '5'), order(9, '9')])
    const {findings, progress, result} = await run(orders, old, current)
    expect(findings.map((finding) => [finding.kind, finding.key.id])).toEqual([
      ['missing', 2],
      ['differs', 3],
      ['missing', 4],
    ])
    expect(findings[1]).toMatchObject({columns: ['amount'], current: {amount: '3.50'}})
    // Three pages of at most two rows; each next page starts after the last key of the one before.
    expect(old.pages.map((page) => page.after)).toEqual([undefined, [2], [4]])
    expect(progress.map((step) => step.scanned)).toEqual([2, 4, 5])
    expect(result).toEqual({
      after: [5],
      pages: 3,
      scanned: 5,
      missing: 2,
      differing: 1,
      done: true,
      lostFrom: '2026-12-06T08:00:00.000Z',
      lostTo: '2026-12-06T08:00:00.000Z',
    })
  })

  it('stops after an empty page when the last page was full, and looks nothing up for it', async () => {
    const old = new MemoryRows([order(1, '1'), order(2, '2')])
    const current = new MemoryRows([])
    const {result} = await run(orders, old, current)
    expect(result).toMatchObject({pages: 2, scanned: 2, missing: 2, done: true})
    expect(current.lookups).toBe(1)
  })

  it('limits the old rows to the window on updatedAt, NULL times included; a table without updatedAt is whole', async () => {
    const early = '2026-12-06T07:00:00.000Z'
    const late = '2026-12-06T08:00:00.000Z'
    const rows = [order(1, '1', early), order(2, '2', late), {id: 3, amount: '3', updated_at: null}]
    const since = '2026-12-06T07:30:00.000Z'
    const windowed = await run(orders, new MemoryRows(rows), new MemoryRows([]), 10, since)
    expect(windowed.findings.map((finding) => finding.key.id)).toEqual([2, 3])
    // The measured window of lost writes: the times of the missing rows (a NULL time tells nothing).
    const spread = await run(orders, new MemoryRows(rows), new MemoryRows([]), 1)
    expect(spread.result).toMatchObject({lostFrom: early, lostTo: late})
    const whole = await run({name: 'orders', key: ['id']}, new MemoryRows(rows), new MemoryRows([]), 10, since)
    expect(whole.findings.map((finding) => finding.key.id)).toEqual([1, 2, 3])
  })

  it('pages on a composite key without skipping or repeating rows that share its first column', async () => {
    const lines: ReconcileTable = {name: 'order_lines', key: ['order_id', 'line']}
    const line = (orderId: number, no: number) => ({order_id: orderId, line: no, sku: `sku-${orderId}-${no}`})
    const old = new MemoryRows([line(1, 1), line(1, 2), line(1, 3), line(2, 1), line(2, 2)])
    const current = new MemoryRows([line(1, 1), line(1, 3), line(2, 2)])
    const {findings, result} = await run(lines, old, current)
    expect(findings.map((finding) => finding.key)).toEqual([
      {order_id: 1, line: 2},
      {order_id: 2, line: 1},
    ])
    expect(old.pages.map((page) => page.after)).toEqual([undefined, [1, 2], [2, 1]])
    expect(result.scanned).toBe(5)
  })

  it('treats NULL as equal only to NULL, and one value typed two ways as the same value', async () => {
    const table: ReconcileTable = {name: 't', key: ['id']}
    const old = new MemoryRows([
      {id: 1, note: null, amount: '10.990', at: '2026-12-06 08:00:00.120', flag: true},
      {id: 2, note: null, amount: '1', at: null, flag: false},
      {id: 3, note: '', amount: '1', at: null, flag: false},
      {id: 4, note: 'x', amount: '2', at: null, flag: false},
    ])
    const current = new MemoryRows([
      // Same meaning: a decimal's scale, a long for a decimal string, a timestamp with fewer digits and a zone.
      {id: '1', note: null, amount: 10.99, at: '2026-12-06T08:00:00.12Z', flag: true},
      {id: 2, note: '', amount: 1, at: null, flag: false},
      {id: 3, note: null, amount: '1.0', at: null, flag: false},
      {id: 4, note: 'x', amount: 'two', at: null, flag: 'false'},
    ])
    const {findings} = await run(table, old, current, 10)
    expect(findings.map((finding) => [finding.key.id, finding.columns])).toEqual([
      [2, ['note']],
      [3, ['note']],
      [4, ['amount']],
    ])
  })

  it('resumes after the last completed page, and cuts the findings files back to what that page left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drctl-reconcile-'))
    const files = new FindingsFiles(dir)
    const old = new MemoryRows([order(1, '1'), order(2, '2'), order(3, '3'), order(4, '4')])
    const current = new MemoryRows([])
    let saved: {progress: TableProgress; sizes: ReturnType<FindingsFiles['sizes']>} | undefined
    const controller = new AbortController()
    await expect(
      compareTable({
        table: orders,
        old,
        current,
        pageSize: 2,
        signal: controller.signal,
        onPage: async (findings, progress) => {
          files.append('orders', findings)
          if (progress.pages === 1) saved = {progress, sizes: files.sizes(['orders'])}
          // Killed after writing the second page's findings, before recording it as complete.
          else controller.abort(new Error('interrupted'))
        },
      }),
    ).rejects.toThrow('interrupted')
    files.restore(saved?.sizes, ['orders'])
    old.pages = []
    const result = await compareTable({
      table: orders,
      old,
      current,
      pageSize: 2,
      from: saved?.progress,
      onPage: async (findings) => files.append('orders', findings),
    })
    expect(old.pages[0]?.after).toEqual([2])
    expect(result).toMatchObject({scanned: 4, missing: 4, done: true})
    const jsonl = readFileSync(join(dir, 'missing.jsonl'), 'utf8').trim().split('\n')
    expect(jsonl.map((text) => (JSON.parse(text) as Finding).key.id)).toEqual([1, 2, 3, 4])
    expect(readFileSync(join(dir, 'orders.csv'), 'utf8').trim().split('\n')).toEqual([
      'kind,differing_columns,id,amount,updated_at',
      'missing,,1,1,2026-12-06T08:00:00.000Z',
      'missing,,2,2,2026-12-06T08:00:00.000Z',
      'missing,,3,3,2026-12-06T08:00:00.000Z',
      'missing,,4,4,2026-12-06T08:00:00.000Z',
    ])
  })
})
