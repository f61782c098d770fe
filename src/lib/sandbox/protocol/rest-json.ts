import type {IncomingHttpHeaders} from 'node:http'

import {ApiError} from '../errors.js'
import type {ServiceBase} from '../services/context.js'
import {
  type AnswerBody,
  dispatched,
  type ErrorStyle,
  jsonFaultErrors,
  rejected,
  type Routed,
  type RoutedBase,
} from './answers.js'
import type {JsonInput} from './aws-json.js'
import {matchRoute, noRoute, type RestRoute} from './rest.js'

/** A route's answer: a JSON document, or (a blob payload such as Lambda's Invoke answer) text sent as it is. */
export interface RestJsonResult {
  status?: number
  headers?: Record<string, string>
  body: Record<string, unknown> | string
}

/** A route answers at once, or (the Data API) with a function that finishes without the world. */
export type RestJsonRoute = RestRoute<JsonInput, RestJsonResult | (() => Promise<RestJsonResult>)>

function restJsonAnswer(result: RestJsonResult): AnswerBody {
  return {
    status: result.status ?? 200,
    headers: {'content-type': 'application/json', ...result.headers},
    body: typeof result.body === 'string' ? result.body : JSON.stringify(result.body),
  }
}

/** A restJson1 service (FIS, the ARC control plane, Lambda): a JSON body in, a JSON body out. */
export interface RestJsonService extends ServiceBase {
  protocol: 'restJson1'
  routes: RestJsonRoute[]
}

/** restJson errors: the status, the code in `x-amzn-ErrorType`, `message` and the error's own members in the body. */
export function restJsonErrors(service: Pick<RestJsonService, 'faultErrors'>): ErrorStyle {
  return {
    answer: (error) => ({
      kind: 'answer',
      status: error.status,
      headers: {'content-type': 'application/json', 'x-amzn-ErrorType': error.code},
      body: JSON.stringify({message: error.message, ...error.fields}),
      errorCode: error.code,
    }),
    ...jsonFaultErrors(service.faultErrors),
  }
}

export function routeRestJson(
  service: RestJsonService,
  base: RoutedBase,
  request: {method: string; url: URL; headers: IncomingHttpHeaders},
  body: string,
): Routed {
  const {method, url, headers} = request
  const style = restJsonErrors(service)
  const found = matchRoute(service.routes, method, url)
  if (!found) return noRoute(base, style, method, url)
  const {route, params} = found
  const named = {...base, operation: route.operation}
  let input: JsonInput = {}
  try {
    if (body.trim() !== '') input = JSON.parse(body) as JsonInput
  } catch {
    return rejected(named, style, new ApiError('SerializationException', 'The request body is not valid JSON.'))
  }
  return dispatched(named, style, (context) => {
    const result = route.handle(context, {method, params, query: url.searchParams, headers, body: input})
    return typeof result === 'function' ? async () => restJsonAnswer(await result()) : restJsonAnswer(result)
  })
}
