import {ApiError, isSandboxError} from '../errors.js'
import type {CallContext} from '../services/context.js'

/** An HTTP answer before the listener adds the request id, length and date. */
export type AnswerBody = {status: number; headers: Record<string, string>; body: string | Buffer}
export type Answer = AnswerBody & {kind: 'answer'; errorCode?: string}
/** An answer that needs more than the world (the Data API's databases): settled after the world is let go. */
export interface PendingAnswer {
  kind: 'pending'
  settle(): Promise<Answer>
}

/**
 * How a service's protocol writes errors, and which errors the service answers when the sandbox throttles a call
 * (a `throttle` fault) or fails while handling it. Each protocol module makes the styles of its services.
 */
export interface ErrorStyle {
  answer(error: ApiError, requestId: string): Answer
  throttling(): ApiError
  internal(message: string): ApiError
}

/** What routing made of a request, before the world is consulted. */
export interface Routed {
  service: string
  region: string
  operation: string
  requestId: string
  /** How the service writes its errors (also for throttling and internal errors). */
  style: ErrorStyle
  action:
    | {kind: 'reject'; error: ApiError}
    /** No such endpoint: the connection closes without an answer, as with a host that does not exist. */
    | {kind: 'drop'}
    | {kind: 'dispatch'; run: (context: CallContext) => Answer | PendingAnswer}
}

export type RoutedBase = Pick<Routed, 'service' | 'region' | 'operation' | 'requestId'>

export function rejected(base: RoutedBase, style: ErrorStyle, error: ApiError): Routed {
  return {...base, style, action: {kind: 'reject', error}}
}

/** What an operation produces: its answer, or (to finish without the world) a function that makes it. */
export type Produced = AnswerBody | (() => Promise<AnswerBody>)

/** A request routed to an operation: `produce` runs it; the ApiErrors it throws are answered in `style`. */
export function dispatched(base: RoutedBase, style: ErrorStyle, produce: (context: CallContext) => Produced): Routed {
  return {
    ...base,
    style,
    action: {kind: 'dispatch', run: (context) => answerOf(style, base.requestId, () => produce(context))},
  }
}

function answerOf(style: ErrorStyle, requestId: string, produce: () => Produced): Answer | PendingAnswer {
  const answerError = (error: unknown): Answer => {
    if (error instanceof ApiError) return style.answer(error, requestId)
    throw error
  }
  try {
    const produced = produce()
    if (typeof produced !== 'function') return {kind: 'answer', ...produced}
    return {
      kind: 'pending',
      settle: () => produced().then((body): Answer => ({kind: 'answer', ...body}), answerError),
    }
  } catch (error) {
    return answerError(error)
  }
}

/** The error a failure of the sandbox itself is answered with, in the style of the service called. */
export function internalError(style: ErrorStyle, error: unknown): ApiError {
  const message = isSandboxError(error)
    ? `${error.message}${error.hint ? ` (${error.hint})` : ''}`
    : `The sandbox failed to handle the request: ${error instanceof Error ? error.message : String(error)}`
  return style.internal(message)
}

/** What a service answers instead of its protocol's usual throttling and internal errors (DynamoDB, Lambda). */
export interface FaultErrors {
  throttling?: {code: string; message: string; status: number}
  internalCode?: string
}

/** The usual throttling and internal errors of JSON protocols (`ThrottlingException` 429), unless the service differs. */
export function jsonFaultErrors(
  errors: FaultErrors | undefined,
  queryCompatible = false,
): Pick<ErrorStyle, 'throttling' | 'internal'> {
  return {
    throttling: () => {
      if (errors?.throttling) {
        const {code, message, status} = errors.throttling
        return new ApiError(code, message, status)
      }
      // Query-compatible services (CloudWatch) keep their query protocol's code.
      return queryCompatible
        ? new ApiError('Throttling', 'Rate exceeded', 400)
        : new ApiError('ThrottlingException', 'Rate exceeded', 429)
    },
    internal: (message) => new ApiError(errors?.internalCode ?? 'InternalServerException', message, 500),
  }
}
