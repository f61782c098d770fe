import {type CallLogEntry, readCallLog} from '../../src/lib/sandbox/index.js'
import {type CliResult, parseEnvelope, runCli, startCli, tempHome} from './cli.js'

/** A private $DRCTL_HOME with a fresh sandbox world at a test time scale. */
export function sandboxHome(options: {scenario?: string; timeScale?: number} = {}) {
  const {home, cleanup} = tempHome('drctl-e2e-')
  const reset = runCli(
    [
      'sandbox',
      'reset',
      '--scenario',
      options.scenario ?? 'two-region',
      '--time-scale',
      String(options.timeScale ?? 0.005),
    ],
    {home},
  )
  if (reset.status !== 0) throw new Error(`sandbox reset failed: ${reset.stderr}`)
  return {home, cleanup}
}

/** `drctl <args>` against the sandbox (DRCTL_SANDBOX=1), without a terminal. */
export function drctl(home: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  return runCli(args, {home, env: {DRCTL_SANDBOX: '1', ...env}})
}

/** The same, asynchronously: for tests that act while it runs. */
export function drctlAsync(home: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return startCli(args, {home, env: {DRCTL_SANDBOX: '1', ...env}})
}

export function json(result: CliResult) {
  try {
    return parseEnvelope(result.stdout)
  } catch {
    throw new Error(`not a JSON envelope (exit ${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
}

export async function callsSince(home: string, since: number): Promise<CallLogEntry[]> {
  return (await readCallLog(home)).slice(since)
}

export async function callCount(home: string): Promise<number> {
  return (await readCallLog(home)).length
}
