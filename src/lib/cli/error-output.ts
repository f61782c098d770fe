import {DrctlError, isDrctlError, oneLine} from '../core/errors.js'
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

/** Everything that reaches the top becomes a DrctlError: oclif parse errors are usage errors, the rest are bugs. */
export function toDrctlError(error: unknown): DrctlError {
  if (isDrctlError(error)) return error
  if (isSandboxError(error)) {
    return new DrctlError(error.code === 'corrupt-world' ? 'DRCTL_SANDBOX_CORRUPT' : 'DRCTL_USAGE', error.message, {
      hints: error.hint ? [error.hint] : [],
      cause: error,
    })
  }
  const oclifExit = (error as {oclif?: {exit?: number}})?.oclif?.exit
  if (typeof oclifExit === 'number' && error instanceof Error) return usageError(error)
  const message = error instanceof Error ? error.message : String(error)
  return new DrctlError('DRCTL_INTERNAL', `unexpected error: ${oneLine(message)}`, {
    cause: error,
    hints: ['this is a bug in drctl: re-run with DRCTL_DEBUG=1 and report the output'],
  })
}

/**
 * Whatever the parser refuses (a flag, an argument, a value) is a usage error, in one line. oclif wraps the error of a
 * flag's own parser in "Parsing --flag … See more help with --help"; drctl's parsers already name the flag.
 */
export function usageError(error: unknown): DrctlError {
  const message = oneLine(
    (error instanceof Error ? error.message : String(error))
      .replace(/^The following errors occurred:\s*/, '')
      .replace(/\s*See more help with --help\s*$/, ''),
  )
  if (isDrctlError(error)) {
    return new DrctlError(error.code, message.replace(/^Parsing --\S+\s+/, ''), {hints: error.hints, cause: error})
  }
  return new DrctlError('DRCTL_USAGE', message, {hints: ['see --help for the flags and examples'], cause: error})
}

export function errorEnvelope(failure: DrctlError, warnings: string[]): Envelope {
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
export function errorText(failure: DrctlError, style: Style, headline = errorHeadline(failure, style)): string {
  const lines = [headline]
  const problems = failure.details?.problems
  if (Array.isArray(problems) && problems.length > 1) {
    for (const problem of problems as {path: string; message: string}[]) {
      lines.push(`    ${problem.path}: ${problem.message}`)
    }
  }
  for (const hint of failure.hints) lines.push(`  ${style.cyan('Hint:')} ${hint}`)
  if (process.env.DRCTL_DEBUG === '1') {
    for (let cause: unknown = failure; cause instanceof Error; cause = cause.cause)
      lines.push(cause.stack ?? String(cause))
  }
  return `${lines.join('\n')}\n`
}
