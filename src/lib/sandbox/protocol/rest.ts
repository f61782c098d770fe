import type {IncomingHttpHeaders} from 'node:http'

import {ApiError} from '../errors.js'
import type {CallContext} from '../services/context.js'
import {type ErrorStyle, rejected, type Routed, type RoutedBase} from './answers.js'

/** The HTTP bindings restJson1 and restXml share: routes picked by method and path, path parameters. */

/** What a REST route sees of a request (restJson and restXml alike; the body is each protocol's own). */
export interface RestRequest<Body> {
  method: string
  /** Decoded path segments captured by the route. */
  params: string[]
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Body
}

/** A REST operation: the method and a pattern of the path pick it (its groups capture path parameters). */
export interface RestRoute<Body, Result> {
  method: string
  path: RegExp
  operation: string
  handle(context: CallContext, request: RestRequest<Body>): Result
}

/** The route of `routes` that `method` and the path match, with its decoded path parameters. */
export function matchRoute<R extends {method: string; path: RegExp}>(
  routes: R[],
  method: string,
  url: URL,
): {route: R; params: string[]} | undefined {
  for (const route of routes) {
    const match = route.method === method ? route.path.exec(url.pathname) : null
    // ARNs travel percent-encoded inside one path segment (`arn%3Aaws%3A…%2F…`): match raw, then decode.
    if (match) return {route, params: match.slice(1).map((group) => safeDecode(group ?? ''))}
  }
  return undefined
}

export function noRoute(base: RoutedBase, style: ErrorStyle, method: string, url: URL): Routed {
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
