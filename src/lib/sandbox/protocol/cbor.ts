import {ApiError} from '../errors.js'
import {dispatched, type ErrorStyle, jsonFaultErrors, rejected, type Routed, type RoutedBase} from './answers.js'
import {type JsonErrorTraits, type JsonInput, jsonErrorPayload, type JsonService, queryErrorHeader} from './aws-json.js'

/**
 * Just enough CBOR (RFC 8949) for the Smithy RPC v2 CBOR protocol, which current botocore (the AWS CLI, boto3)
 * uses for CloudWatch: maps, arrays, strings, numbers, booleans, null and epoch timestamps (tag 1).
 */

export class CborError extends Error {}

/** Decodes one CBOR data item; tag-1 timestamps become epoch seconds. */
export function decodeCbor(bytes: Uint8Array): unknown {
  let offset = 0
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const need = (count: number) => {
    if (offset + count > bytes.length) throw new CborError('truncated CBOR data')
  }
  const readLength = (info: number): number | undefined => {
    if (info < 24) return info
    if (info === 31) return undefined
    const sizes: Record<number, number> = {24: 1, 25: 2, 26: 4, 27: 8}
    const size = sizes[info]
    if (size === undefined) throw new CborError(`invalid CBOR additional info ${info}`)
    need(size)
    const value =
      size === 1
        ? view.getUint8(offset)
        : size === 2
          ? view.getUint16(offset)
          : size === 4
            ? view.getUint32(offset)
            : Number(view.getBigUint64(offset))
    offset += size
    return value
  }
  const isBreak = () => {
    need(1)
    if (bytes[offset] !== 0xff) return false
    offset += 1
    return true
  }
  const item = (): unknown => {
    need(1)
    const initial = bytes[offset++] as number
    const major = initial >> 5
    const info = initial & 0x1f
    switch (major) {
      case 0:
        return readLength(info)
      case 1:
        return -1 - (readLength(info) as number)
      case 2:
      case 3: {
        const length = readLength(info)
        const chunks: Uint8Array[] = []
        if (length === undefined) {
          while (!isBreak()) chunks.push(item() as Uint8Array)
        } else {
          need(length)
          chunks.push(bytes.subarray(offset, offset + length))
          offset += length
        }
        const joined = Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)))
        return major === 3 ? joined.toString('utf8') : new Uint8Array(joined)
      }
      case 4: {
        const length = readLength(info)
        const list: unknown[] = []
        if (length === undefined) while (!isBreak()) list.push(item())
        else for (let n = 0; n < length; n++) list.push(item())
        return list
      }
      case 5: {
        const length = readLength(info)
        const map: Record<string, unknown> = {}
        const entry = () => {
          const key = item()
          map[String(key)] = item()
        }
        if (length === undefined) while (!isBreak()) entry()
        else for (let n = 0; n < length; n++) entry()
        return map
      }
      case 6: {
        const tag = readLength(info)
        const value = item()
        if (tag === 1 && typeof value === 'number') return value
        throw new CborError(`unsupported CBOR tag ${String(tag)}`)
      }
      default:
        return simple(info)
    }
  }
  const simple = (info: number): unknown => {
    if (info === 20) return false
    if (info === 21) return true
    if (info === 22 || info === 23) return null
    if (info === 25) {
      need(2)
      const half = view.getUint16(offset)
      offset += 2
      const exponent = (half >> 10) & 0x1f
      const mantissa = half & 0x3ff
      const sign = half & 0x8000 ? -1 : 1
      if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024)
      if (exponent === 31) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY
      return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024)
    }
    if (info === 26) {
      need(4)
      offset += 4
      return view.getFloat32(offset - 4)
    }
    if (info === 27) {
      need(8)
      offset += 8
      return view.getFloat64(offset - 8)
    }
    throw new CborError(`unsupported CBOR simple value ${info}`)
  }
  const value = item()
  if (offset !== bytes.length) throw new CborError('trailing bytes after the CBOR data item')
  return value
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length])
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length])
  if (length < 0x10000) {
    const buffer = Buffer.alloc(3)
    buffer[0] = (major << 5) | 25
    buffer.writeUInt16BE(length, 1)
    return buffer
  }
  if (length < 0x100000000) {
    const buffer = Buffer.alloc(5)
    buffer[0] = (major << 5) | 26
    buffer.writeUInt32BE(length, 1)
    return buffer
  }
  const buffer = Buffer.alloc(9)
  buffer[0] = (major << 5) | 27
  buffer.writeBigUInt64BE(BigInt(length), 1)
  return buffer
}

/**
 * Encodes a JSON-like value. Numbers under keys named in `timestampKeys` (or in lists under them) are written as
 * tag-1 epoch timestamps; `undefined` members are left out, as in JSON.
 */
export function encodeCbor(value: unknown, timestampKeys: ReadonlySet<string> = new Set()): Buffer {
  const parts: Buffer[] = []
  const number = (n: number) => {
    if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
      parts.push(n >= 0 ? head(0, n) : head(1, -1 - n))
      return
    }
    const buffer = Buffer.alloc(9)
    buffer[0] = 0xfb
    buffer.writeDoubleBE(n, 1)
    parts.push(buffer)
  }
  const write = (item: unknown, timestamp: boolean): void => {
    if (item === null || item === undefined) parts.push(Buffer.from([0xf6]))
    else if (typeof item === 'boolean') parts.push(Buffer.from([item ? 0xf5 : 0xf4]))
    else if (typeof item === 'number') {
      if (timestamp) parts.push(Buffer.from([0xc1]))
      number(item)
    } else if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8')
      parts.push(head(3, bytes.length), bytes)
    } else if (Array.isArray(item)) {
      parts.push(head(4, item.length))
      for (const element of item) write(element, timestamp)
    } else if (item instanceof Uint8Array) {
      parts.push(head(2, item.length), Buffer.from(item))
    } else {
      const entries = Object.entries(item as Record<string, unknown>).filter(([, member]) => member !== undefined)
      parts.push(head(5, entries.length))
      for (const [key, member] of entries) {
        write(key, false)
        write(member, timestampKeys.has(key))
      }
    }
  }
  write(value, false)
  return Buffer.concat(parts)
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
    if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) throw new CborError('not a map')
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
