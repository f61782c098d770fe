import {appendFileSync, existsSync, mkdirSync, statSync, truncateSync} from 'node:fs'
import {join} from 'node:path'

import type {SqlValue} from '../aws/ports.js'
import type {Finding} from './compare.js'

/** How long each findings file was after the last completed page: a resumed comparison cuts the files back to it. */
export type FileSizes = Record<string, number>

export const MISSING_FILE = 'missing.jsonl'

/** `orders.csv`, `sales.orders.csv`: one CSV per table. */
export const csvFileOf = (table: string) => `${table}.csv`

function csvField(value: SqlValue | string[] | undefined): string {
  if (value === null || value === undefined) return ''
  const text = Array.isArray(value) ? value.join(' ') : String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * The findings of a reconcile, streamed to files as each page is compared (memory holds one page): every finding as
 * a JSON line in missing.jsonl, and per table a CSV of the old rows (kind, differing columns, then the row).
 */
export class FindingsFiles {
  constructor(readonly dir: string) {
    mkdirSync(dir, {recursive: true})
  }

  sizes(tables: string[]): FileSizes {
    const names = [MISSING_FILE, ...tables.map(csvFileOf)]
    return Object.fromEntries(names.map((name) => [name, this.size(name)]))
  }

  /** Drops what was written after `sizes` were taken (a page whose completion was never recorded); no sizes: empty. */
  restore(sizes: FileSizes | undefined, tables: string[]): void {
    for (const name of [MISSING_FILE, ...tables.map(csvFileOf)]) {
      const path = join(this.dir, name)
      if (existsSync(path)) truncateSync(path, Math.min(sizes?.[name] ?? 0, statSync(path).size))
    }
  }

  /** The findings of one page of `table`. */
  append(table: string, findings: Finding[]): void {
    if (findings.length === 0) return
    appendFileSync(join(this.dir, MISSING_FILE), findings.map((finding) => `${JSON.stringify(finding)}\n`).join(''))
    const name = csvFileOf(table)
    const columns = Object.keys(findings[0]?.old ?? {})
    const header = this.size(name) === 0 ? [['kind', 'differing_columns', ...columns].join(',')] : []
    const lines = findings.map((finding) =>
      [finding.kind, csvField(finding.columns), ...columns.map((column) => csvField(finding.old[column]))].join(','),
    )
    appendFileSync(join(this.dir, name), `${[...header, ...lines].join('\n')}\n`)
  }

  private size(name: string): number {
    const path = join(this.dir, name)
    return existsSync(path) ? statSync(path).size : 0
  }
}
