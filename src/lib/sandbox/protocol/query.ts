import {ApiError} from '../errors.js'
import type {CallContext, ServiceBase} from '../services/context.js'
import {type ErrorStyle, dispatched, rejected, type Routed, type RoutedBase} from './answers.js'
import {xmlDocument, xmlErrorDocument, type XmlValue} from './xml.js'

/**
 * The awsQuery protocol (RDS, STS, CloudFormation): form-encoded parameters in, XML out. Lists arrive flattened
 * as `Name.Member.N` (`Filters.Filter.1.Values.Value.2=x`); the member name is whatever the model says, so it is
 * accepted in any spelling, and also without it (`Name.N`).
 */
export class QueryParams {
  constructor(private readonly values: Map<string, string>) {}

  static parse(text: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(text)))
  }

  has(name: string): boolean {
    return this.values.has(name)
  }

  string(name: string): string | undefined {
    return this.values.get(name)
  }

  required(name: string): string {
    const value = this.values.get(name)
    if (value === undefined || value === '') {
      throw new ApiError('MissingParameter', `The request must contain the parameter ${name}`)
    }
    return value
  }

  boolean(name: string): boolean | undefined {
    const value = this.values.get(name)
    if (value === undefined) return undefined
    if (/^true$/i.test(value)) return true
    if (/^false$/i.test(value)) return false
    throw new ApiError('InvalidParameterValue', `Invalid boolean value for ${name}: ${value}`)
  }

  integer(name: string): number | undefined {
    const value = this.values.get(name)
    if (value === undefined) return undefined
    if (!/^-?\d+$/.test(value)) {
      throw new ApiError('InvalidParameterValue', `Invalid integer value for ${name}: ${value}`)
    }
    return Number(value)
  }

  /** A list of strings, in index order. */
  list(name: string): string[] {
    return this.members(name)
      .filter((member) => member.rest === undefined)
      .map((member) => member.value ?? '')
  }

  /** A list of structures, each as its own QueryParams. */
  structures(name: string): QueryParams[] {
    const byIndex = new Map<number, Map<string, string>>()
    for (const member of this.members(name)) {
      if (member.rest === undefined) continue
      const entries = byIndex.get(member.index) ?? new Map<string, string>()
      entries.set(member.rest, member.value ?? '')
      byIndex.set(member.index, entries)
    }
    return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entries]) => new QueryParams(entries))
  }

  private members(name: string): {index: number; rest?: string; value?: string}[] {
    const prefix = `${name}.`
    const found: {index: number; rest?: string; value?: string}[] = []
    for (const [key, value] of this.values) {
      if (!key.startsWith(prefix)) continue
      const match = /^(?:[A-Za-z]+\.)?(\d+)(?:\.(.+))?$/.exec(key.slice(prefix.length))
      if (!match) continue
      found.push({index: Number(match[1]), rest: match[2], value})
    }
    return found.sort((a, b) => a.index - b.index)
  }
}

export type QueryOperation = (context: CallContext, params: QueryParams) => XmlValue | undefined

/** An awsQuery service (RDS, STS, CloudFormation): `Action=<operation>` picks one of `operations`. */
export interface QueryService extends ServiceBase {
  protocol: 'query'
  /** The XML namespace of its answers (`http://rds.amazonaws.com/doc/2014-10-31/`). */
  namespace: string
  operations: Record<string, QueryOperation>
}

function queryResponse(operation: string, namespace: string, result: XmlValue | undefined, requestId: string): string {
  return xmlDocument(`${operation}Response`, namespace, {
    [`${operation}Result`]: result,
    ResponseMetadata: {RequestId: requestId},
  })
}

/** Query services answer errors as XML, `Throttling` when throttled and `InternalFailure` when the sandbox fails. */
export function queryErrors(namespace: string): ErrorStyle {
  return {
    answer: (error, requestId) => ({
      kind: 'answer',
      status: error.status,
      headers: {'content-type': 'text/xml'},
      body: xmlErrorDocument(error, namespace, requestId),
      errorCode: error.code,
    }),
    throttling: () => new ApiError('Throttling', 'Rate exceeded', 400),
    internal: (message) => new ApiError('InternalFailure', message, 500),
  }
}

/** `Action=Operation&…`, in the query string or a form-encoded body. */
export function routeQuery(service: QueryService, base: RoutedBase, url: URL, body: string): Routed {
  const style = queryErrors(service.namespace)
  const params = QueryParams.parse(`${url.searchParams.toString()}&${body}`)
  const action = params.string('Action')
  if (!action) return rejected({...base, operation: ''}, style, new ApiError('MissingAction', 'Missing Action'))
  const operation = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined
  if (!operation) {
    return rejected(
      {...base, operation: action},
      style,
      new ApiError(
        'InvalidAction',
        `The action ${action} is not valid for this web service (the sandbox does not simulate it).`,
      ),
    )
  }
  return dispatched({...base, operation: action}, style, (context) => ({
    status: 200,
    headers: {'content-type': 'text/xml'},
    body: queryResponse(action, service.namespace, operation(context, params), base.requestId),
  }))
}
