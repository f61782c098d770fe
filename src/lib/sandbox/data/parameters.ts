import {ApiError} from '../errors.js'

/**
 * The Data API's named parameters (`:name`, typed `Field` values, optional `typeHint`) turned into PostgreSQL's
 * positional ones (`$1`), as the Data API does before it hands a statement to the database.
 */

const CASTS: Record<string, string> = {
  TIMESTAMP: 'timestamp',
  DATE: 'date',
  TIME: 'time',
  DECIMAL: 'numeric',
  UUID: 'uuid',
  JSON: 'json',
}

const badRequest = (message: string) => new ApiError('BadRequestException', message, 400)

/** One `Field` as the database takes it; exactly one member must be set. */
function fieldValue(name: string, field: unknown): unknown {
  const members = field && typeof field === 'object' ? Object.entries(field as Record<string, unknown>) : []
  const set = members.filter(([, value]) => value !== undefined && value !== null)
  if (set.length !== 1) throw badRequest(`Parameter ${name} must set exactly one value member`)
  const [kind, value] = set[0] as [string, unknown]
  switch (kind) {
    case 'isNull':
      return null
    case 'booleanValue':
    case 'longValue':
    case 'doubleValue':
    case 'stringValue':
      return value
    case 'blobValue':
      return Buffer.from(String(value), 'base64')
    default:
      throw badRequest(`Parameter ${name}: ${kind} is not supported by the sandbox's Data API`)
  }
}

/** The end of the quoted text or comment starting at `start` (so that a `:word` inside one is left alone). */
function skipQuoted(sql: string, start: number): number {
  const char = sql[start]
  if (char === "'" || char === '"') {
    let index = start + 1
    while (index < sql.length) {
      if (sql[index] === char) {
        if (sql[index + 1] !== char) return index + 1
        index += 1
      }
      index += 1
    }
    return sql.length
  }
  if (sql.startsWith('--', start)) {
    const end = sql.indexOf('\n', start)
    return end === -1 ? sql.length : end
  }
  if (sql.startsWith('/*', start)) {
    const end = sql.indexOf('*/', start + 2)
    return end === -1 ? sql.length : end + 2
  }
  const dollar = /^\$[A-Za-z_]*\$/.exec(sql.slice(start))
  if (dollar) {
    const end = sql.indexOf(dollar[0], start + dollar[0].length)
    return end === -1 ? sql.length : end + dollar[0].length
  }
  return start
}

/** `sql` with its `:name` parameters numbered, and their values in order. */
export function positional(sql: string, parameters: unknown[] = []): {text: string; values: unknown[]} {
  const byName = new Map<string, {value: unknown; typeHint?: string}>()
  for (const parameter of parameters) {
    const {name, value, typeHint} = (parameter ?? {}) as {name?: unknown; value?: unknown; typeHint?: unknown}
    if (typeof name !== 'string' || name === '') throw badRequest('Every parameter needs a name')
    byName.set(name, {value: fieldValue(name, value), typeHint: typeof typeHint === 'string' ? typeHint : undefined})
  }
  const numbers = new Map<string, number>()
  const values: unknown[] = []
  let text = ''
  let index = 0
  while (index < sql.length) {
    const skipped = skipQuoted(sql, index)
    if (skipped > index) {
      text += sql.slice(index, skipped)
      index = skipped
      continue
    }
    if (sql.startsWith('::', index)) {
      text += '::'
      index += 2
      continue
    }
    const match = sql[index] === ':' ? /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(index)) : null
    if (!match) {
      text += sql[index]
      index += 1
      continue
    }
    const name = match[1] as string
    const parameter = byName.get(name)
    if (!parameter) throw badRequest(`No value specified for parameter: ${name}`)
    let number = numbers.get(name)
    if (number === undefined) {
      values.push(parameter.value)
      number = values.length
      numbers.set(name, number)
    }
    const cast = parameter.typeHint ? CASTS[parameter.typeHint] : undefined
    text += cast ? `$${number}::${cast}` : `$${number}`
    index += match[0].length
  }
  return {text, values}
}
