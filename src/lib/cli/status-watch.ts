import type {AwsPorts} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import {systemClock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import {type StatusOptions, watchStatus} from '../runbooks/status.js'
import {renderWatchFrame, statusResult} from './render-status.js'
import type {Style} from './style.js'

/** The interval of `drctl status --watch` given without a value. */
const DEFAULT_WATCH_SECONDS = 5

/** `--watch` may be given without a value: the command line with the default interval supplied where it is left out. */
export function withWatchInterval(argv: string[]): string[] {
  return argv.flatMap((arg, index, all) =>
    arg === '--watch' && (index === all.length - 1 || all[index + 1]?.startsWith('-'))
      ? [arg, String(DEFAULT_WATCH_SECONDS)]
      : [arg],
  )
}

/** --watch prints a frame at a time, which one JSON document cannot hold. */
export function refuseWatchWithJson(watch: number | undefined, json: boolean): void {
  if (watch !== undefined && json) {
    throw new DrctlError('DRCTL_USAGE', '--watch cannot be combined with --json (it prints one document)', {
      hints: ['poll `drctl status --json` from a script instead'],
    })
  }
}

/** Shows the status afresh every `seconds` until Ctrl-C (exit 130); returns the last report's result. */
export async function watchOnTerminal(
  config: DrctlConfig,
  aws: AwsPorts,
  options: {runs: StatusOptions['runs']; seconds: number; verbose: boolean; style: Style; out: (text: string) => void},
) {
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort())
  const clearScreen = Boolean(process.stdout.isTTY)
  const {seconds, verbose, style} = options
  const last = await watchStatus(config, aws, {
    runs: options.runs,
    // The operator's interval, in real seconds, on the sandbox too.
    clock: systemClock,
    intervalMs: seconds * 1000,
    signal: stop.signal,
    onReport: (report) => options.out(renderWatchFrame(report, style, {verbose, seconds, clearScreen})),
  })
  process.exitCode = 130
  return last && statusResult(last)
}
