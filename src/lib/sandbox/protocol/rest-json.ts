import {ApiError} from '../errors.js'
import type {JsonInput, RestService} from '../services/context.js'
import {dispatched, type ErrorStyle, jsonFaultErrors, rejected, type Routed, type RoutedBase} from './answers.js'

/** restJson errors: the status, the code in `x-amzn-ErrorType`, `message` and the error's own members in the body. */
export function restJsonErrors(service: Pick<RestService, 'faultErrors'>): ErrorStyle {
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

/** restJson: the method and path pick the route; path segments are captured by its pattern; the body is JSON. */
export function routeRestJson(service: RestService, base: RoutedBase, method: string, url: URL, body: string): Routed {
  const style = restJsonErrors(service)
  for (const candidate of service.routes) {
    const match = candidate.method === method ? candidate.path.exec(url.pathname) : null
    if (!match) continue
    // ARNs travel percent-encoded inside one path segment (`arn%3Aaws%3A…%2F…`): match raw, then decode.
    const params = match.slice(1).map((group) => safeDecode(group ?? ''))
    const named = {...base, operation: candidate.operation}
    let input: JsonInput = {}
    try {
      if (body.trim() !== '') input = JSON.parse(body) as JsonInput
    } catch {
      return rejected(named, style, new ApiError('SerializationException', 'The request body is not valid JSON.'))
    }
    return dispatched(named, style, (context) => {
      const result = candidate.handle(context, {method, params, query: url.searchParams, body: input})
      return {
        status: result.status ?? 200,
        headers: {'content-type': 'application/json'},
        body: JSON.stringify(result.body),
      }
    })
  }
  return rejected(
    {...base, operation: `${method} ${url.pathname}`},
    style,
    new ApiError('UnknownOperationException', `No operation matches ${method} ${url.pathname}`, 404),
  )
}

export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
