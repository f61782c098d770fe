import {visibleLength} from './style.js'

export interface TableOptions {
  indent?: number
  /** Columns separated by this many spaces. */
  gap?: number
}

/** An aligned plain-text table (headers optional); widths ignore ANSI colour codes. */
export function renderTable(headers: string[] | undefined, rows: string[][], options: TableOptions = {}): string {
  const all = headers ? [headers, ...rows] : rows
  const columns = Math.max(0, ...all.map((row) => row.length))
  const widths = Array.from({length: columns}, (_, column) =>
    Math.max(0, ...all.map((row) => visibleLength(row[column] ?? ''))),
  )
  const indent = ' '.repeat(options.indent ?? 0)
  const gap = ' '.repeat(options.gap ?? 2)
  const line = (row: string[]) =>
    indent +
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell)),
      )
      .join(gap)
      .trimEnd()
  return all.map(line).join('\n')
}
