/** Process exit codes: the contract in design.md §3, documented in the README and every command's help. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  gate: 3,
  confirmation: 4,
  aws: 5,
  partial: 6,
  timeout: 7,
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** Stable error codes and the exit code each one maps to. Codes are part of the JSON contract: never rename. */
export const ErrorCodes = {
  DRCTL_INTERNAL: ExitCode.internal,
  DRCTL_USAGE: ExitCode.usage,
  DRCTL_CONFIG_NOT_FOUND: ExitCode.usage,
  DRCTL_CONFIG_UNREADABLE: ExitCode.usage,
  DRCTL_CONFIG_INVALID: ExitCode.usage,
  DRCTL_PROFILE_NOT_FOUND: ExitCode.usage,
  DRCTL_GATE_FAILED: ExitCode.gate,
  DRCTL_ACCOUNT_MISMATCH: ExitCode.gate,
  DRCTL_CHECKS_FAILED: ExitCode.gate,
  DRCTL_RUN_IN_PROGRESS: ExitCode.gate,
  DRCTL_CONFIRMATION_REQUIRED: ExitCode.confirmation,
  DRCTL_CONFIRMATION_DECLINED: ExitCode.confirmation,
  DRCTL_CREDENTIALS: ExitCode.aws,
  DRCTL_AWS_ACCESS_DENIED: ExitCode.aws,
  DRCTL_AWS_NOT_FOUND: ExitCode.aws,
  DRCTL_AWS_INVALID_STATE: ExitCode.aws,
  DRCTL_AWS_THROTTLED: ExitCode.aws,
  DRCTL_AWS_UNREACHABLE: ExitCode.aws,
  DRCTL_AWS_ERROR: ExitCode.aws,
  DRCTL_ARC_ENDPOINTS_FAILED: ExitCode.aws,
  DRCTL_SAFETY_RULE_BLOCKED: ExitCode.aws,
  /** An application step's own action failed in AWS: a Lambda function's error, an ECS deployment that failed. */
  DRCTL_APP_STEP_FAILED: ExitCode.aws,
  DRCTL_VERIFY_FAILED: ExitCode.partial,
  DRCTL_TIMEOUT: ExitCode.timeout,
  DRCTL_INTERRUPTED: ExitCode.interrupted,
  DRCTL_SANDBOX_CORRUPT: ExitCode.usage,
} as const

export type ErrorCode = keyof typeof ErrorCodes

export interface DrctlErrorOptions {
  hints?: string[]
  cause?: unknown
  /** Overrides the exit code derived from the error code (rare: e.g. a run that stopped part-way). */
  exit?: ExitCodeValue
  /** Structured data that belongs in the JSON error envelope (never secrets). */
  details?: Record<string, unknown>
  /** A result worth printing despite the failure (e.g. the full status report when a check failed). */
  result?: unknown
}

/** The one error type drctl raises on purpose. Anything else reaching the CLI is a bug (exit 1). */
export class DrctlError extends Error {
  readonly code: ErrorCode
  readonly exit: ExitCodeValue
  readonly hints: string[]
  readonly details?: Record<string, unknown>
  readonly result?: unknown

  constructor(code: ErrorCode, message: string, options: DrctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'DrctlError'
    this.code = code
    this.exit = options.exit ?? ErrorCodes[code]
    this.hints = options.hints ?? []
    this.details = options.details
    this.result = options.result
  }
}

export function isDrctlError(error: unknown): error is DrctlError {
  return error instanceof DrctlError
}

/** What went wrong, from anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * A message fit for one line: multi-line AWS messages are folded. Line by line rather than by a regular expression,
 * which would take quadratic time on a long run of blanks someone typed.
 */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
}
