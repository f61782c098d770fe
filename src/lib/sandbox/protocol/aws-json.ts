import {ApiError} from '../errors.js'
import type {JsonInput, JsonService} from '../services/context.js'
import {dispatched, type ErrorStyle, jsonFaultErrors, rejected, type Routed, type RoutedBase} from './answers.js'

/** The `__type` error document of the JSON protocols (also encoded as CBOR). */
export function jsonErrorPayload(service: Pick<JsonService, 'errorNamespace'>, error: ApiError) {
  return {__type: `${service.errorNamespace ?? ''}${error.code}`, message: error.message, ...error.fields}
}

/** Query-compatible services also name the query error code and type in a header. */
export function queryErrorHeader(
  service: Pick<JsonService, 'queryCompatible'>,
  error: ApiError,
): Record<string, string> {
  return service.queryCompatible ? {'x-amzn-query-error': `${error.code};${error.type}`} : {}
}

/** awsJson errors: `__type` and `message` in the body, the code in `x-amzn-ErrorType`. */
export function jsonErrors(service: Omit<JsonService, 'operations' | 'protocol' | 'targetPrefix'>): ErrorStyle {
  return {
    answer: (error) => ({
      kind: 'answer',
      status: error.status,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-ErrorType': error.code,
        ...queryErrorHeader(service, error),
      },
      body: JSON.stringify(jsonErrorPayload(service, error)),
      errorCode: error.code,
    }),
    ...jsonFaultErrors(service.faultErrors, service.queryCompatible),
  }
}

/** awsJson: `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON object body. */
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
    headers: {'content-type': 'application/x-amz-json-1.0'},
    body: JSON.stringify(operation(context, input)),
  }))
}
