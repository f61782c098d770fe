import {cbor, tag, tagSymbol} from '@smithy/core/cbor'

import {ApiError} from '../errors.js'
import {dispatched, type ErrorStyle, jsonFaultErrors, rejected, type Routed, type RoutedBase} from './answers.js'
import {type JsonErrorTraits, type JsonInput, jsonErrorPayload, type JsonService, queryErrorHeader} from './aws-json.js'

/**
 * Smithy RPC v2 CBOR, as current botocore (the AWS CLI, boto3) calls CloudWatch, with the SDK's own CBOR codec.
 * Timestamps travel as tag-1 epoch seconds: operations see and return them as plain numbers, as in JSON.
 */

/** Decodes a request body; tag-1 timestamps become epoch seconds, any other tag is refused. */
function decodeCbor(bytes: Uint8Array): unknown {
  const plain = (value: unknown): unknown => {
    if (typeof value === 'bigint') return Number(value)
    if (Array.isArray(value)) return value.map(plain)
    if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value
    if (tagSymbol in value) {
      const {tag: number, value: tagged} = value as unknown as {tag: number | bigint; value: unknown}
      if (Number(number) === 1 && typeof tagged === 'number') return tagged
      throw new Error(`unsupported CBOR tag ${String(number)}`)
    }
    // The codec decodes some tags (decimal fractions) to objects of its own: no JSON protocol carries those.
    if (Object.getPrototypeOf(value) !== Object.prototype) throw new Error('unsupported CBOR value')
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, plain(member)]))
  }
  return plain(cbor.deserialize(bytes))
}

/**
 * Encodes a JSON-like value. Numbers under keys named in `timestampKeys` (or in lists under them) are written as
 * tag-1 epoch timestamps; `undefined` members are left out, as in JSON.
 */
function encodeCbor(value: unknown, timestampKeys: ReadonlySet<string> = new Set()): Buffer {
  const prepare = (item: unknown, timestamp: boolean): unknown => {
    if (item === undefined) return null
    if (typeof item === 'number' && timestamp) return tag({tag: 1, value: item})
    if (Array.isArray(item)) return item.map((element) => prepare(element, timestamp))
    if (!item || typeof item !== 'object' || item instanceof Uint8Array) return item
    return Object.fromEntries(
      Object.entries(item)
        .filter(([, member]) => member !== undefined)
        .map(([key, member]) => [key, prepare(member, timestampKeys.has(key))]),
    )
  }
  const bytes = cbor.serialize(prepare(value, false))
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Smithy RPC v2 CBOR errors: the JSON protocols' `__type` document, encoded as CBOR. */
export function cborErrors(service: JsonErrorTraits): ErrorStyle {
  return {
    answer: (error) => ({
      kind: 'answer',
      status: error.status,
      headers: {
        'content-type': 'application/cbor',
        'smithy-protocol': 'rpc-v2-cbor',
        ...queryErrorHeader(service, error),
      },
      body: encodeCbor(jsonErrorPayload(service, error)),
      errorCode: error.code,
    }),
    ...jsonFaultErrors(service.faultErrors, service.queryCompatible),
  }
}

/** Smithy RPC v2 CBOR: `POST /service/<Service>/operation/<Operation>` with a CBOR body. */
export function routeCbor(service: JsonService, base: RoutedBase, url: URL, raw: Buffer): Routed {
  const style = cborErrors(service)
  const [, serviceName, name = ''] = /\/service\/([^/]+)\/operation\/([^/]+)$/.exec(url.pathname) ?? []
  const operation =
    service.cbor && serviceName === service.targetPrefix && Object.hasOwn(service.operations, name)
      ? service.operations[name]
      : undefined
  if (!operation || !service.cbor) {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('UnknownOperationException', `Unknown operation ${url.pathname} for the CBOR protocol`),
    )
  }
  let input: JsonInput
  try {
    const decoded = raw.length === 0 ? {} : decodeCbor(raw)
    if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) throw new Error('not a map')
    input = decoded as JsonInput
  } catch {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('SerializationException', 'The request body is not valid CBOR.'),
    )
  }
  const timestamps = new Set(service.cbor.timestampKeys)
  return dispatched({...base, operation: name}, style, (context) => ({
    status: 200,
    headers: {'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor'},
    body: encodeCbor(operation(context, input), timestamps),
  }))
}
