import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const binRun = join(repoRoot, 'bin', 'run.js')

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

/** A private $DRCTL_HOME for one test file; removed by `cleanup()`. */
export function tempHome(prefix = 'drctl-test-'): {home: string; cleanup: () => void} {
  const home = mkdtempSync(join(tmpdir(), prefix))
  return {home, cleanup: () => rmSync(home, {recursive: true, force: true})}
}

export function cliEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    DRCTL_HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    NO_COLOR: '1',
    ...extra,
  }
}

/** Runs the compiled CLI (`bin/run.js`) as a subprocess without a terminal, as CI and scripts do. */
export function runCli(
  args: string[],
  options: {home: string; env?: NodeJS.ProcessEnv; input?: string; cwd?: string},
): CliResult {
  const result = spawnSync(process.execPath, [binRun, ...args], {
    cwd: options.cwd ?? options.home,
    env: cliEnv(options.home, options.env),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  })
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

/** Async variant for tests that need to act while the CLI runs (kill it, send SIGINT). */
export function startCli(args: string[], options: {home: string; env?: NodeJS.ProcessEnv; cwd?: string}) {
  const child = spawn(process.execPath, [binRun, ...args], {
    cwd: options.cwd ?? options.home,
    env: cliEnv(options.home, options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += String(chunk)))
  child.stderr.on('data', (chunk) => (stderr += String(chunk)))
  const done = new Promise<CliResult>((resolvePromise) =>
    child.on('close', (status) => resolvePromise({status, stdout, stderr})),
  )
  return {child, done, output: () => ({stdout, stderr})}
}

export function parseEnvelope(stdout: string): {status: string; result?: any; error?: any; warnings: string[]} {
  return JSON.parse(stdout)
}

/**
 * Polls `probe` until it gives something other than undefined or false, and returns that. Fails naming
 * `what` (and `detail()`, when given) after `timeoutMs` of wall time: deadlines are generous because a
 * loaded CI machine runs subprocesses many times slower than a laptop.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: {timeoutMs?: number; detail?: () => string} = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${options.detail ? `; saw:\n${options.detail()}` : ''}`)
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 20))
  }
}
