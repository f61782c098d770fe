import {parseDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'

/**
 * A duration flag's value in milliseconds (`30s`, `5m`, `1500ms`); anything else is a usage error that shows the
 * form. `positive` also refuses zero.
 */
export function durationFlag(flag: string, text: string, example: string, options: {positive?: boolean} = {}): number {
  const ms = parseDuration(text)
  if (ms === undefined || (options.positive && ms <= 0)) {
    throw new DrctlError('DRCTL_USAGE', `${flag} ${text} is not a duration (try ${example})`)
  }
  return ms
}
