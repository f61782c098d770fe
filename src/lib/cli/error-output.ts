import {DrctlError, errorMessage, isDrctlError} from '../core/errors.js'
import {clipLine} from '../core/quote.js'
// The sandbox's error module has no imports: the simulator itself stays lazily loaded.
import {isSandboxError} from '../sandbox/errors.js'
import {type Style, symbols} from './style.js'

/** The JSON envelope printed on stdout with --json: exactly one document, nothing else. */
export type Envelope =
  | {status: 'ok'; result: unknown; warnings: string[]}
  | {
      status: 'error'
      error: {code: string; message: string; exit: number; hints: string[]; details?: Record<string, unknown>}
      result?: unknown
      warnings: string[]
    }

/**
 * Everything that reaches the top becomes a DrctlError: oclif parse errors are usage errors, the rest are bugs. Its
 * lines are bounded, whatever a message quotes.
 */
export function toDrctlError(error: unknown): DrctlError {
  return bounded(classify(error))
}

function classify(error: unknown): DrctlError {
  if (isDrctlError(error)) return error
  if (isSandboxError(error)) {
    return new DrctlError(error.code === 'corrupt-world' ? 'DRCTL_SANDBOX_CORRUPT' : 'DRCTL_USAGE', error.message, {
      hints: error.hint ? [error.hint] : [],
      cause: error,
    })
  }
  const oclifExit = (error as {oclif?: {exit?: number}})?.oclif?.exit
  if (typeof oclifExit === 'number' && error instanceof Error) return usageError(error)
  const message = errorMessage(error)
  return new DrctlError('DRCTL_INTERNAL', `unexpected error: ${clipLine(message)}`, {
    cause: error,
    hints: ['this is a bug in drctl: re-run with DRCTL_DEBUG=1 and report the output'],
  })
}

/**
 * Whatever the parser refuses (a flag, an argument, a value) is a usage error, in one line. oclif wraps the error of a
 * flag's own parser in "Parsing --flag … See more help with --help"; drctl's parsers already name the flag.
 */
export function usageError(error: unknown): DrctlError {
  const message = clipLine(
    withoutSuffix(errorMessage(error).replace(/^The following errors occurred:\s*/, ''), 'See more help with --help'),
  )
  if (isDrctlError(error)) {
    return new DrctlError(error.code, message.replace(/^Parsing --\S+\s+/, ''), {hints: error.hints, cause: error})
  }
  return new DrctlError('DRCTL_USAGE', message, {hints: ['see --help for the flags and examples'], cause: error})
}

/** `text` without `suffix` at its end (blanks around it ignored); by string functions, linear on any input. */
function withoutSuffix(text: string, suffix: string): string {
  const trimmed = text.trimEnd()
  return trimmed.endsWith(suffix) ? trimmed.slice(0, -suffix.length).trimEnd() : text
}

interface Problem {
  path: string
  message: string
}

/**
 * The last resort against a huge value echoed by whatever raised the failure: its message, hints and problems cut to
 * one line each (clipLine). A failure that fits is returned as it is.
 */
function bounded(failure: DrctlError): DrctlError {
  const problems = Array.isArray(failure.details?.problems) ? (failure.details.problems as Problem[]) : undefined
  const texts = [
    failure.message,
    ...failure.hints,
    ...(problems ?? []).flatMap((problem) => [problem.path, problem.message]),
  ]
  if (texts.every((text) => clipLine(text) === text)) return failure
  const copy = new DrctlError(failure.code, clipLine(failure.message), {
    hints: failure.hints.map(clipLine),
    cause: failure.cause,
    exit: failure.exit,
    details: problems
      ? {
          ...failure.details,
          problems: problems.map((problem) => ({path: clipLine(problem.path), message: clipLine(problem.message)})),
        }
      : failure.details,
    result: failure.result,
  })
  copy.stack = failure.stack
  return copy
}

export function errorEnvelope(unbounded: DrctlError, warnings: string[]): Envelope {
  const failure = bounded(unbounded)
  return {
    status: 'error',
    error: {
      code: failure.code,
      message: failure.message,
      exit: failure.exit,
      hints: failure.hints,
      ...(failure.details ? {details: failure.details} : {}),
    },
    ...(failure.result === undefined ? {} : {result: failure.result}),
    warnings,
  }
}

/** The first line of a failure on stderr: the message with its code. */
export function errorHeadline(failure: DrctlError, style: Style): string {
  return `${style.red(`${symbols.fail} Error:`)} ${failure.message} ${style.dim(`[${failure.code}]`)}`
}

/**
 * The human form for stderr: the headline (a command may word its own, e.g. a posture finding is not an error), each
 * problem of an invalid file, the hints; stacks on DRCTL_DEBUG=1.
 */
export function errorText(unbounded: DrctlError, style: Style, headline?: string): string {
  const failure = bounded(unbounded)
  const lines = [headline ?? errorHeadline(failure, style)]
  const problems = failure.details?.problems
  if (Array.isArray(problems) && problems.length > 1) {
    for (const problem of problems as Problem[]) lines.push(`    ${clipLine(`${problem.path}: ${problem.message}`)}`)
  }
  for (const hint of failure.hints) lines.push(`  ${style.cyan('Hint:')} ${hint}`)
  if (process.env.DRCTL_DEBUG === '1') {
    for (let cause: unknown = failure; cause instanceof Error; cause = cause.cause)
      lines.push(cause.stack ?? String(cause))
  }
  return `${lines.join('\n')}\n`
}
