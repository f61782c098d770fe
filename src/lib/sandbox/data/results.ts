/**
 * PostgreSQL results as the Data API returns them: `records` of typed `Field`s, `columnMetadata`, or
 * `formattedRecords` (JSON). Values arrive as the database's text form (see TEXT_TYPES), so nothing is lost on the way.
 */

export interface QueryResult {
  rows: unknown[][]
  fields: {name: string; dataTypeID: number}[]
  affectedRows?: number
}

export interface ResultOptions {
  includeResultMetadata?: boolean
  formatRecordsAs?: string
  decimalReturnType?: string
  longReturnType?: string
}

type Field = Record<string, unknown>

/** PostgreSQL type ids: name, JDBC type, and how a value maps to a Field. */
const TYPES: Record<number, {name: string; jdbc: number; kind: 'boolean' | 'long' | 'double' | 'decimal' | 'blob'}> = {
  16: {name: 'bool', jdbc: -7, kind: 'boolean'},
  17: {name: 'bytea', jdbc: -2, kind: 'blob'},
  20: {name: 'int8', jdbc: -5, kind: 'long'},
  21: {name: 'int2', jdbc: 5, kind: 'long'},
  23: {name: 'int4', jdbc: 4, kind: 'long'},
  700: {name: 'float4', jdbc: 7, kind: 'double'},
  701: {name: 'float8', jdbc: 8, kind: 'double'},
  1700: {name: 'numeric', jdbc: 2, kind: 'decimal'},
}
const STRING_TYPES: Record<number, {name: string; jdbc: number}> = {
  25: {name: 'text', jdbc: 12},
  1043: {name: 'varchar', jdbc: 12},
  1082: {name: 'date', jdbc: 91},
  1083: {name: 'time', jdbc: 92},
  1114: {name: 'timestamp', jdbc: 93},
  1184: {name: 'timestamptz', jdbc: 93},
  2950: {name: 'uuid', jdbc: 1111},
  114: {name: 'json', jdbc: 1111},
  3802: {name: 'jsonb', jdbc: 1111},
}

/** The types whose text form is kept as it is rather than parsed (the parser options of a query). */
export const TEXT_TYPES = [20, 1700, 1082, 1083, 1114, 1184, 114, 3802]

/** Timestamps as the Data API writes them: `2024-05-01 12:00:00.123`, in UTC (the sessions run in UTC). */
function timestampText(text: string): string {
  return text.replace(/\+00(:00)?$/, '')
}

function fieldOf(value: unknown, typeId: number, options: ResultOptions): Field {
  if (value === null || value === undefined) return {isNull: true}
  const type = TYPES[typeId]
  switch (type?.kind) {
    case 'boolean':
      return {booleanValue: Boolean(value)}
    case 'blob':
      return {blobValue: Buffer.from(value as Uint8Array).toString('base64')}
    case 'long':
      return options.longReturnType === 'STRING' ? {stringValue: String(value)} : {longValue: Number(value)}
    case 'double':
      return {doubleValue: Number(value)}
    case 'decimal': {
      if (options.decimalReturnType !== 'DOUBLE_OR_LONG') return {stringValue: String(value)}
      const number = Number(value)
      return Number.isInteger(number) ? {longValue: number} : {doubleValue: number}
    }
    default:
      if (typeId === 1114 || typeId === 1184) return {stringValue: timestampText(String(value))}
      return {stringValue: typeof value === 'string' ? value : JSON.stringify(value)}
  }
}

function plainOf(field: Field): unknown {
  if (field.isNull) return null
  return Object.values(field)[0]
}

function columnMetadata(fields: QueryResult['fields']) {
  return fields.map((field) => {
    const type = TYPES[field.dataTypeID] ?? STRING_TYPES[field.dataTypeID] ?? {name: 'unknown', jdbc: 1111}
    return {
      name: field.name,
      label: field.name,
      typeName: type.name,
      type: type.jdbc,
      nullable: 2,
      arrayBaseColumnType: 0,
    }
  })
}

/** The ExecuteStatement answer for one result. */
export function executeStatementOutput(result: QueryResult, options: ResultOptions): Record<string, unknown> {
  const output: Record<string, unknown> = {numberOfRecordsUpdated: result.affectedRows ?? 0, generatedFields: []}
  if (result.fields.length === 0) return output
  const records = result.rows.map((row) =>
    row.map((value, index) => fieldOf(value, (result.fields[index] as {dataTypeID: number}).dataTypeID, options)),
  )
  if (options.includeResultMetadata) output.columnMetadata = columnMetadata(result.fields)
  if (options.formatRecordsAs === 'JSON') {
    const objects = records.map((record) =>
      Object.fromEntries(record.map((field, index) => [(result.fields[index] as {name: string}).name, plainOf(field)])),
    )
    output.formattedRecords = JSON.stringify(objects)
  } else {
    output.records = records
  }
  return output
}
