import type {IncomingHttpHeaders} from 'node:http'

import {ApiError} from '../errors.js'
import type {CallContext, ServiceBase} from '../services/context.js'
import {dispatched, type ErrorStyle, rejected, type Routed, type RoutedBase} from './answers.js'
import {safeDecode} from './rest.js'
import {xmlElement} from './xml.js'

/**
 * S3's restXml, which differs from Route 53's and CloudFront's: the bucket is the first path segment (path-style, as
 * the SDK addresses an IP endpoint) or the front of the Host (virtual-hosted, `bucket.localhost:port`); an object's
 * body travels as it is, not as XML; the sub-resource in the query (`?location`, `?list-type=2`) picks the
 * operation; errors are a bare `<Error>` document, and a HEAD's error has no body at all (the SDK names it from the
 * status alone: `NotFound`).
 */

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

export interface S3Request {
  bucket: string
  /** The object key, decoded; empty for a bucket operation. */
  key: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** The request body as received (an object's content, or a bucket operation's XML). */
  body: string
}

/** An answer: an XML document (`root` and its rendered content), or an object's content as `text`. */
export interface S3Result {
  status?: number
  headers?: Record<string, string>
  root?: string
  content?: string
  text?: string
}

export interface S3Route {
  method: string
  /** A bucket operation (no key) or an object operation. */
  on: 'bucket' | 'object'
  /** The query parameter that picks this route among those of the same method and target (`location`). */
  subresource?: string
  operation: string
  handle(context: CallContext, request: S3Request): S3Result
}

export interface S3Service extends ServiceBase {
  protocol: 's3RestXml'
  routes: S3Route[]
}

/** Rendered XML content of `members` (undefined members are left out), for an answer's `content`. */
export function s3Content(members: Record<string, Parameters<typeof xmlElement>[1]>): string {
  return Object.entries(members)
    .map(([name, value]) => xmlElement(name, value))
    .join('')
}

/**
 * S3's errors: `<Error><Code/><Message/>…<RequestId/></Error>`, the error's fields as elements (a redirect's
 * `Endpoint` and `Bucket`); the bucket's Region in `x-amz-bucket-region` when the error names one (`BucketRegion`).
 * A HEAD answers the status and headers only.
 */
export function s3Errors(method: string): ErrorStyle {
  return {
    answer: (error, requestId) => {
      const {BucketRegion: region, ...fields} = error.fields
      const headers: Record<string, string> = {'x-amz-request-id': requestId}
      if (typeof region === 'string') headers['x-amz-bucket-region'] = region
      const body =
        method === 'HEAD'
          ? ''
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${s3Content({
              Code: error.code,
              Message: error.message,
              ...(fields as Record<string, string>),
              RequestId: requestId,
            })}</Error>`
      return {
        kind: 'answer',
        status: error.status,
        headers: body ? {...headers, 'content-type': 'application/xml'} : headers,
        body,
        errorCode: error.code,
      }
    },
    throttling: () => new ApiError('SlowDown', 'Please reduce your request rate.', 503),
    internal: (message) => new ApiError('InternalError', message, 500),
  }
}

/** Where the request names its bucket and key: the Host's front (virtual-hosted), else the path (path-style). */
function addressed(host: string, url: URL): {bucket: string; key: string} {
  const name = host.replace(/:\d+$/, '')
  const virtual = /^(.+)\.(localhost|s3[.-].*)$/.exec(name)
  const path = url.pathname.replace(/^\//, '')
  if (virtual) return {bucket: virtual[1] as string, key: safeDecode(path)}
  const slash = path.indexOf('/')
  return slash < 0
    ? {bucket: safeDecode(path), key: ''}
    : {bucket: safeDecode(path.slice(0, slash)), key: safeDecode(path.slice(slash + 1))}
}

export function routeS3(
  service: S3Service,
  base: RoutedBase,
  request: {method: string; url: URL; headers: IncomingHttpHeaders},
  body: string,
): Routed {
  const {method, url, headers} = request
  const style = s3Errors(method)
  const {bucket, key} = addressed(String(headers.host ?? ''), url)
  const on = key === '' ? 'bucket' : 'object'
  const candidates = service.routes.filter((route) => route.method === method && route.on === on)
  const route =
    candidates.find((candidate) => candidate.subresource && url.searchParams.has(candidate.subresource)) ??
    candidates.find((candidate) => !candidate.subresource)
  if (!route || bucket === '') {
    return rejected(
      {...base, operation: `${method} ${url.pathname}`},
      style,
      new ApiError('NotImplemented', `The sandbox does not simulate ${method} ${url.pathname}${url.search}`, 501),
    )
  }
  return dispatched({...base, operation: route.operation}, style, (context) => {
    const result = route.handle(context, {bucket, key, query: url.searchParams, headers, body})
    const document =
      result.root === undefined
        ? (result.text ?? '')
        : `<?xml version="1.0" encoding="UTF-8"?>\n<${result.root} xmlns="${S3_NAMESPACE}">${result.content ?? ''}</${result.root}>`
    return {
      status: result.status ?? 200,
      headers: {
        'x-amz-request-id': context.requestId,
        ...(result.root === undefined ? {} : {'content-type': 'application/xml'}),
        ...result.headers,
      },
      body: document,
    }
  })
}
