import {ApiError} from '../errors.js'
import type {CallContext, ServiceBase} from '../services/context.js'
import {dispatched, type ErrorStyle, jsonFaultErrors, rejected, type Routed, type RoutedBase} from './answers.js'

export type JsonInput = Record<string, unknown>
export type JsonOperation = (context: CallContext, input: JsonInput) => Record<string, unknown>

/**
 * An awsJson service: `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON object body, answered
 * with `application/x-amz-json-1.0` or `-1.1` (DynamoDB and CloudWatch speak 1.0; SSM, ECS, Global Accelerator 1.1).
 */
export interface JsonService extends ServiceBase {
  protocol: 'awsJson1_0' | 'awsJson1_1'
  targetPrefix: string
  /** Prefix of the `__type` of errors, as the service writes it (`com.amazonaws.dynamodb.v20120810#`). */
  errorNamespace?: string
  /** CloudWatch's JSON protocol is "awsQueryCompatible": errors also carry the query error code in a header. */
  queryCompatible?: boolean
  /** Also served over Smithy RPC v2 CBOR (as botocore calls CloudWatch); these output members are timestamps. */
  cbor?: {timestampKeys: string[]}
  operations: Record<string, JsonOperation>
}

/** What the error answers of a JSON service depend on. */
export type JsonErrorTraits = Pick<JsonService, 'errorNamespace' | 'queryCompatible' | 'faultErrors'> & {
  protocol?: JsonService['protocol']
}

function contentType(protocol: JsonService['protocol'] = 'awsJson1_0'): string {
  return protocol === 'awsJson1_1' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0'
}

/** The `__type` error document of the JSON protocols (also encoded as CBOR). */
export function jsonErrorPayload(service: JsonErrorTraits, error: ApiError) {
  return {__type: `${service.errorNamespace ?? ''}${error.code}`, message: error.message, ...error.fields}
}

/** Query-compatible services also name the query error code and type in a header. */
export function queryErrorHeader(service: JsonErrorTraits, error: ApiError): Record<string, string> {
  return service.queryCompatible ? {'x-amzn-query-error': `${error.code};${error.type}`} : {}
}

/** awsJson errors: `__type` and `message` in the body, the code in `x-amzn-ErrorType`. */
export function jsonErrors(service: JsonErrorTraits): ErrorStyle {
  return {
    answer: (error) => ({
      kind: 'answer',
      status: error.status,
      headers: {
        'content-type': contentType(service.protocol),
        'x-amzn-ErrorType': error.code,
        ...queryErrorHeader(service, error),
      },
      body: JSON.stringify(jsonErrorPayload(service, error)),
      errorCode: error.code,
    }),
    ...jsonFaultErrors(service.faultErrors, service.queryCompatible),
  }
}

export function routeJson(service: JsonService, base: RoutedBase, target: string | undefined, body: string): Routed {
  const style = jsonErrors(service)
  const [prefix, name = ''] = (target ?? '').split('.')
  const operation =
    prefix === service.targetPrefix && Object.hasOwn(service.operations, name) ? service.operations[name] : undefined
  if (!operation) {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('UnknownOperationException', `Unknown operation ${target ?? '(no X-Amz-Target header)'}`),
    )
  }
  let input: JsonInput
  try {
    const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body)
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
    input = parsed as JsonInput
  } catch {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('SerializationException', 'Start of structure or map found where not expected.'),
    )
  }
  return dispatched({...base, operation: name}, style, (context) => ({
    status: 200,
    headers: {'content-type': contentType(service.protocol)},
    body: JSON.stringify(operation(context, input)),
  }))
}
