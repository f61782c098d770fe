import type {SqlValue} from '../aws/ports.js'

/** A row as a table's columns name its values. */
export type Row = Record<string, SqlValue>

const DECIMAL = /^[+-]?\d+(\.\d+)?$/
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/

/** `010.500` → `10.5`: the digits a decimal means, whatever scale a column or engine printed it with. */
function decimalText(text: string): string {
  const negative = text.startsWith('-')
  const [whole = '0', fraction = ''] = text.replace(/^[+-]/, '').split('.')
  const digits =
    (whole.replace(/^0+/, '') || '0') + (fraction.replace(/0+$/, '') ? `.${fraction.replace(/0+$/, '')}` : '')
  return negative && digits !== '0' ? `-${digits}` : digits
}

/** A timestamp without a zone is UTC (the Data API prints them so); `12:00:00.120` and `12:00:00.12` are one time. */
function timestampText(text: string): string {
  const zoned = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text.slice(10)) ? text : `${text}Z`
  const ms = Date.parse(zoned.replace(' ', 'T'))
  return Number.isNaN(ms) ? text : new Date(ms).toISOString()
}

/**
 * What a value means, independent of how one side typed it: a long 5 and a decimal string `5.0` are the same
 * number, two spellings of one instant the same time. NULL is only ever equal to NULL (never to `''` or `0`).
 */
export function canonical(value: SqlValue): string | null {
  if (value === null) return null
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isInteger(value) ? decimalText(String(value)) : String(value)
  if (DECIMAL.test(value)) return decimalText(value)
  if (TIMESTAMP.test(value)) return timestampText(value)
  return value
}

const sameValue = (a: SqlValue, b: SqlValue): boolean => canonical(a) === canonical(b)

/** The key of a row, in the order of the key columns. */
export const keyOf = (row: Row, key: string[]): SqlValue[] => key.map((column) => row[column] ?? null)

/** A key as one string for matching rows across the two sides (JSON of the canonical values). */
export const keyText = (values: SqlValue[]): string => JSON.stringify(values.map(canonical))

/**
 * The columns of the old row whose value the new row lacks or holds differently (a column the new side does not
 * have at all counts as different).
 */
export function differingColumns(old: Row, current: Row): string[] {
  return Object.keys(old).filter(
    (column) => !(column in current) || !sameValue(old[column] ?? null, current[column] ?? null),
  )
}
