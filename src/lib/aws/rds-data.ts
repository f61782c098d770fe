import type * as RdsDataSdk from '@aws-sdk/client-rds-data'

import type {DataApiTarget, RdsDataPort, SqlParameter, SqlValue, StatementResult} from './ports.js'
import type {Caller} from './session.js'

type Sdk = typeof RdsDataSdk

/** A parameter as a Data API Field: exactly one member set. */
function fieldOf(value: SqlValue): RdsDataSdk.Field {
  if (value === null) return {isNull: true}
  if (typeof value === 'boolean') return {booleanValue: value}
  if (typeof value === 'number') return Number.isInteger(value) ? {longValue: value} : {doubleValue: value}
  return {stringValue: value}
}

/** A returned Field as a plain value; blobs as base64 and arrays as JSON text, so that rows compare and print. */
function valueOf(field: RdsDataSdk.Field): SqlValue {
  if (field.isNull) return null
  if (field.booleanValue !== undefined) return field.booleanValue
  if (field.longValue !== undefined) return field.longValue
  if (field.doubleValue !== undefined) return field.doubleValue
  if (field.stringValue !== undefined) return field.stringValue
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64')
  return JSON.stringify(field.arrayValue ?? null)
}

const toParameter = (parameter: SqlParameter): RdsDataSdk.SqlParameter => ({
  name: parameter.name,
  value: fieldOf(parameter.value),
  typeHint: parameter.typeHint,
})

/** The RDS Data API in one Region; the SDK is loaded on the first call (only reconcile uses it). */
export class RdsDataAdapter implements RdsDataPort {
  private loaded?: Promise<{sdk: Sdk; client: RdsDataSdk.RDSDataClient}>

  constructor(
    readonly region: string,
    private readonly createClient: (sdk: Sdk) => RdsDataSdk.RDSDataClient,
    private readonly call: Caller,
  ) {}

  private load() {
    this.loaded ??= import('@aws-sdk/client-rds-data').then((sdk) => ({sdk, client: this.createClient(sdk)}))
    return this.loaded
  }

  async query(
    target: DataApiTarget,
    sql: string,
    parameters: SqlParameter[] = [],
    signal?: AbortSignal,
  ): Promise<StatementResult> {
    const {sdk, client} = await this.load()
    const output = await this.call(
      'ExecuteStatement',
      false,
      (abortSignal) =>
        client.send(
          new sdk.ExecuteStatementCommand({
            resourceArn: target.clusterArn,
            secretArn: target.secretArn,
            database: target.database,
            sql,
            parameters: parameters.length > 0 ? parameters.map(toParameter) : undefined,
            includeResultMetadata: true,
          }),
          {abortSignal},
        ),
      signal,
    )
    return {
      columns: (output.columnMetadata ?? []).map((column) => column.name ?? ''),
      rows: (output.records ?? []).map((record) => record.map(valueOf)),
    }
  }
}
