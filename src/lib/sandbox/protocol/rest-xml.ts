import type {IncomingHttpHeaders} from 'node:http'

import {ApiError} from '../errors.js'
import type {ServiceBase} from '../services/context.js'
import {dispatched, type ErrorStyle, rejected, type Routed, type RoutedBase} from './answers.js'
import {matchRoute, noRoute, type RestRoute} from './rest.js'
import {parseXml, xmlDocument, xmlErrorDocument, XmlInput, XmlSyntaxError, type XmlValue} from './xml.js'

/**
 * restXml (Route 53, CloudFront): the method and path pick the operation, an XML document is the body both ways.
 * A route answers the root element of its document (`GetHostedZoneResponse`, or CloudFront's payload shape such as
 * `Distribution`) and its content; a route with no document (a 204) answers no `root`.
 */
export type RestXmlRoute = RestRoute<
  XmlInput | undefined,
  {status?: number; headers?: Record<string, string>; root?: string; body?: XmlValue}
>

export interface RestXmlService extends ServiceBase {
  protocol: 'restXml'
  /** The XML namespace of its documents (`https://route53.amazonaws.com/doc/2013-04-01/`). */
  namespace: string
  routes: RestXmlRoute[]
}

/**
 * restXml errors: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` (what the
 * SDK reads the code and message from), `Throttling` when throttled and `InternalFailure` when the sandbox fails.
 */
export function restXmlErrors(service: Pick<RestXmlService, 'namespace' | 'faultErrors'>): ErrorStyle {
  const throttling = service.faultErrors?.throttling ?? {code: 'Throttling', message: 'Rate exceeded', status: 400}
  return {
    answer: (error, requestId) => ({
      kind: 'answer',
      status: error.status,
      headers: {'content-type': 'text/xml'},
      body: xmlErrorDocument(error, service.namespace, requestId),
      errorCode: error.code,
    }),
    throttling: () => new ApiError(throttling.code, throttling.message, throttling.status),
    internal: (message) => new ApiError(service.faultErrors?.internalCode ?? 'InternalFailure', message, 500),
  }
}

export function routeRestXml(
  service: RestXmlService,
  base: RoutedBase,
  request: {method: string; url: URL; headers: IncomingHttpHeaders},
  body: string,
): Routed {
  const {method, url, headers} = request
  const style = restXmlErrors(service)
  const found = matchRoute(service.routes, method, url)
  if (!found) return noRoute(base, style, method, url)
  const {route, params} = found
  const named = {...base, operation: route.operation}
  let input: XmlInput | undefined
  try {
    if (body.trim() !== '') input = new XmlInput(parseXml(body))
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error
    return rejected(
      named,
      style,
      new ApiError('MalformedInput', `The request body is not well-formed XML: ${error.message}`),
    )
  }
  return dispatched(named, style, (context) => {
    const result = route.handle(context, {method, params, query: url.searchParams, headers, body: input})
    const document = result.root === undefined ? '' : xmlDocument(result.root, service.namespace, result.body)
    return {
      status: result.status ?? 200,
      headers: {...(document ? {'content-type': 'text/xml'} : {}), ...result.headers},
      body: document,
    }
  })
}
