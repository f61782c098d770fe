/** Why the sandbox itself cannot go on (as opposed to an AWS error it simulates): the CLI shows these. */
export type SandboxErrorCode = 'corrupt-world' | 'bad-fault' | 'bad-argument' | 'lock-timeout' | 'port-in-use'

export class SandboxError extends Error {
  readonly code: SandboxErrorCode
  readonly hint?: string

  constructor(code: SandboxErrorCode, message: string, options: {hint?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'SandboxError'
    this.code = code
    this.hint = options.hint
  }
}

export function isSandboxError(error: unknown): error is SandboxError {
  return error instanceof SandboxError
}

/**
 * An error a simulated AWS service answers with. The protocol layer renders it in the service's wire format
 * (XML for query services, `__type` for JSON services, `x-amzn-ErrorType` for REST services).
 */
export class ApiError extends Error {
  readonly code: string
  readonly status: number
  /** Sender (the caller's fault) or Receiver (the service's). */
  readonly type: 'Sender' | 'Receiver'
  /** Extra members of the error shape, such as ARC's `resourceId`/`resourceType`. */
  readonly fields: Record<string, unknown>

  constructor(
    code: string,
    message: string,
    status = 400,
    options: {type?: 'Sender' | 'Receiver'; fields?: Record<string, unknown>} = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.type = options.type ?? (status >= 500 ? 'Receiver' : 'Sender')
    this.fields = options.fields ?? {}
  }
}
