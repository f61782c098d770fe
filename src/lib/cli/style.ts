import type {CheckStatus} from '../checks/check.js'

/** Colour only on a terminal, never with NO_COLOR or TERM=dumb (https://no-color.org). */
export function colorEnabled(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}

export interface Style {
  enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

const wrap = (enabled: boolean, open: number, close: number) => (text: string) =>
  enabled ? `\u001B[${open}m${text}\u001B[${close}m` : text

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39),
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g

export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length
}

export const symbols = {ok: '✔', warn: '⚠', fail: '✖', info: 'ℹ', arrow: '→', bullet: '•'} as const

/** ✔ in green, ⚠ in yellow or ✖ in red, for a check's (or a gate's) status. */
export function statusMark(style: Style, status: CheckStatus): string {
  return status === 'ok'
    ? style.green(symbols.ok)
    : status === 'warn'
      ? style.yellow(symbols.warn)
      : style.red(symbols.fail)
}
