import type {IncomingMessage} from 'node:http'

import {ApiError} from './errors.js'
import {type ErrorStyle, rejected, type Routed, type RoutedBase} from './protocol/answers.js'
import {jsonErrors, routeJson} from './protocol/aws-json.js'
import {routeCbor} from './protocol/cbor.js'
import {QueryParams, queryErrors, routeQuery} from './protocol/query.js'
import {routeRestJson} from './protocol/rest-json.js'
import {routeRestXml} from './protocol/rest-xml.js'
import {routeS3} from './protocol/s3.js'
import {arcDataService} from './services/arc.js'
import {rdsService} from './services/rds/index.js'
import {type Service, SERVICES} from './services/simulated-services.js'
import {REGION_PATTERN} from './world.js'

const ARC_DATA_SERVICE = 'route53-recovery-cluster'

/** The listener a request came in on: the main one, or one of the ARC cluster's five endpoints. */
export interface Listener {
  name: string
  /** ARC endpoint index (1–5); undefined for the main listener. */
  arcIndex?: number
  region?: string
}

/** The SigV4 credential scope: `Credential=AKID/DATE/REGION/SERVICE/aws4_request` (header or presigned query). */
function credentialScope(request: IncomingMessage, url: URL): {region: string; service: string} | undefined {
  const header = request.headers.authorization ?? ''
  const source = header || `Credential=${url.searchParams.get('X-Amz-Credential') ?? ''}`
  const match = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(source)
  return match ? {region: match[1] as string, service: match[2] as string} : undefined
}

/**
 * Routes a request on its credential scope (Region + service) to a service, then on the service's protocol to an
 * operation. Nothing here reads the world: faults and the operation itself are applied by the caller.
 */
export function route(
  listener: Listener,
  request: IncomingMessage,
  raw: Buffer,
  requestId: string,
  services: Readonly<Record<string, Service>> = SERVICES,
): Routed {
  const url = new URL(request.url ?? '/', 'http://sandbox')
  const body = raw.toString('utf8')
  const target = typeof request.headers['x-amz-target'] === 'string' ? request.headers['x-amz-target'] : undefined
  const isJson = target !== undefined || String(request.headers['content-type'] ?? '').includes('json')
  const formAction = isJson ? undefined : QueryParams.parse(`${url.searchParams.toString()}&${body}`).string('Action')
  const operation = target?.split('.').pop() ?? formAction ?? `${request.method} ${url.pathname}`
  // Before the service is known, errors take the shape the request itself suggests.
  const guessedStyle: ErrorStyle = isJson ? jsonErrors({}) : queryErrors(rdsService.namespace)
  const scope = credentialScope(request, url)
  if (!scope) {
    return rejected(
      {service: '', region: '', operation, requestId},
      guessedStyle,
      new ApiError(
        isJson ? 'MissingAuthenticationTokenException' : 'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403,
      ),
    )
  }
  const {region, service} = scope
  const base: RoutedBase = {service, region, operation, requestId}
  if (!REGION_PATTERN.test(region)) {
    return rejected(
      base,
      guessedStyle,
      new ApiError(
        isJson ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
        `Credential should be scoped to a valid region, not '${region}'.`,
        403,
      ),
    )
  }
  if (listener.arcIndex !== undefined) return routeArcEndpoint(listener, base, url, target, body)
  if (service === ARC_DATA_SERVICE) {
    return rejected(
      base,
      jsonErrors({}),
      new ApiError(
        'AccessDeniedException',
        'route53-recovery-cluster answers only on the ARC cluster endpoints (DescribeCluster → ClusterEndpoints)',
        403,
      ),
    )
  }
  const model = Object.hasOwn(services, service) ? services[service] : undefined
  if (!model) {
    return rejected(
      base,
      guessedStyle,
      new ApiError(
        isJson ? 'UnknownOperationException' : 'InvalidAction',
        `The sandbox does not simulate the ${service} service`,
      ),
    )
  }
  const http = {method: request.method ?? 'GET', url, headers: request.headers}
  if (model.controlPlaneRegion) base.region = model.controlPlaneRegion
  let routed: Routed
  switch (model.protocol) {
    case 'query':
      routed = routeQuery(model, base, url, body)
      break
    case 'awsJson1_0':
    case 'awsJson1_1':
      routed =
        request.headers['smithy-protocol'] === 'rpc-v2-cbor'
          ? routeCbor(model, base, url, raw)
          : routeJson(model, base, target, body)
      break
    case 'restJson1':
      routed = routeRestJson(model, base, http, body)
      break
    case 'restXml':
      routed = routeRestXml(model, base, http, body)
      break
    case 's3RestXml':
      routed = routeS3(model, base, http, body)
      break
  }
  // Elsewhere there is no such endpoint to talk to.
  if (model.regions && !model.regions.includes(region)) return {...routed, action: {kind: 'drop'}}
  return routed
}

/** The ARC data plane, on one of its cluster endpoints: only calls signed for that endpoint's own Region. */
function routeArcEndpoint(
  listener: Listener,
  base: RoutedBase,
  url: URL,
  target: string | undefined,
  body: string,
): Routed {
  const style = jsonErrors({})
  if (base.service !== ARC_DATA_SERVICE) {
    return rejected(
      base,
      style,
      new ApiError(
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${ARC_DATA_SERVICE}'.`,
        403,
      ),
    )
  }
  if (!['/', '/v1', '/v1/'].includes(url.pathname)) {
    return rejected(base, style, new ApiError('UnknownOperationException', `No operation at ${url.pathname}`, 404))
  }
  if (base.region !== listener.region) {
    return rejected(
      {...base, region: listener.region as string},
      style,
      new ApiError(
        'InvalidSignatureException',
        `Credential should be scoped to a valid region: this cluster endpoint is in ${listener.region}, not '${base.region}'.`,
        403,
      ),
    )
  }
  return routeJson(arcDataService, base, target, body)
}
