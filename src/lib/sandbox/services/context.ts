import {ApiError} from '../errors.js'
import type {FaultErrors} from '../protocol/answers.js'
import type {JsonInput} from '../protocol/aws-json.js'
import type {World} from '../world.js'

/** What an operation sees: the world (already advanced to `now`), the Region the call was signed for, the clock. */
export interface CallContext {
  world: World
  /** $DRCTL_HOME of the world (where the sandbox keeps what is not in world.json, such as the data logs). */
  home: string
  region: string
  now: number
  /** The request id the answer carries (`x-amzn-RequestId`). */
  requestId: string
  /** The URL DescribeCluster hands out for an ARC cluster endpoint (canonical in-process, live when serving). */
  arcEndpointUrl(canonical: string): string
}

/** A state change that is due: applied by `advance()` in time order, at its own time. */
export interface DueEvent {
  at: number
  apply(): void
}

/** Adds to `events` the change that takes effect at `until`, if it is due by `now`; `apply` gets its time. */
export function addDue(events: DueEvent[], until: number | undefined, now: number, apply: (at: number) => void): void {
  if (until !== undefined && until <= now) events.push({at: until, apply: () => apply(until)})
}

/**
 * What every service declares besides its protocol's own members. Its protocol module (src/lib/sandbox/protocol/)
 * defines the rest: `QueryService`, `JsonService` (awsJson 1.0 and 1.1), `RestJsonService`, `RestXmlService`.
 */
export interface ServiceBase {
  /**
   * The Regions where the service has an endpoint (default: every Region). A call signed for another Region finds
   * no endpoint: its connection closes without an answer, faults or not (the ARC control plane is in us-west-2).
   */
  regions?: readonly string[]
  /**
   * A global service whose control plane is in this Region: a call signed for any Region (an SDK with an endpoint
   * override signs for its own) is served as a call to this one, and this Region's outage takes it down.
   */
  controlPlaneRegion?: string
  /** The state changes of the service that have come due by `now` (see `advance()`). */
  dueEvents?(world: World, now: number): DueEvent[]
  /** Its own throttling and internal errors, where they differ from its protocol's usual ones. */
  faultErrors?: FaultErrors
}

/** Epoch seconds, as JSON protocols put timestamps on the wire. */
export function epochSeconds(ms: number): number {
  return Math.round(ms) / 1000
}

/** Opaque page tokens: the offset into the (stably ordered) result list. */
export function page<T>(
  items: T[],
  token: string | undefined,
  size: number,
  invalidToken: () => ApiError,
): {items: T[]; next?: string} {
  let offset = 0
  if (token !== undefined && token !== '') {
    const decoded = Number(
      Buffer.from(token, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    )
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidToken()
    offset = decoded
  }
  const slice = items.slice(offset, offset + size)
  const nextOffset = offset + size
  return {
    items: slice,
    next: nextOffset < items.length ? Buffer.from(`offset:${nextOffset}`).toString('base64url') : undefined,
  }
}

// ---- JSON input readers ------------------------------------------------------------------------------------------

type Invalid = (message: string) => ApiError

/** A member of the input that may be absent (or null), else must pass `is`; `what` names the type in the error. */
function optional<T>(
  input: JsonInput,
  name: string,
  invalid: Invalid,
  is: (value: unknown) => value is T,
  what: string,
): T | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (!is(value)) throw invalid(`${name} must be ${what}`)
  return value
}

const isString = (value: unknown): value is string => typeof value === 'string'
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean'
const isArray = (value: unknown): value is unknown[] => Array.isArray(value)

export function optionalString(input: JsonInput, name: string, invalid: Invalid): string | undefined {
  return optional(input, name, invalid, isString, 'a string')
}

export function requiredString(input: JsonInput, name: string, invalid: Invalid): string {
  const value = optionalString(input, name, invalid)
  if (value === undefined || value === '') throw invalid(`${name} is required`)
  return value
}

export function optionalNumber(input: JsonInput, name: string, invalid: Invalid): number | undefined {
  return optional(input, name, invalid, isNumber, 'a number')
}

export function optionalBoolean(input: JsonInput, name: string, invalid: Invalid): boolean | undefined {
  return optional(input, name, invalid, isBoolean, 'a boolean')
}

export function optionalArray(input: JsonInput, name: string, invalid: Invalid): unknown[] | undefined {
  return optional(input, name, invalid, isArray, 'a list')
}

export function asObject(value: unknown): JsonInput {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonInput) : {}
}

/** RDS and Aurora identifiers: 1–63 letters, digits, hyphens; a letter first; no trailing or double hyphen. */
export const RDS_IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/
export const RDS_SNAPSHOT_IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,254}(?<!-)$/
