import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll} from 'vitest'

import {
  type CallLogEntry,
  readCallLog,
  resetSandbox,
  type ScenarioName,
  type ScenarioSize,
} from '../../src/lib/sandbox/index.js'
import {type CliResult, parseEnvelope, runCli, startCli, tempHome} from './cli.js'

export interface SandboxOptions {
  scenario?: ScenarioName
  timeScale?: number
  /** The `scale` scenario's size. */
  size?: Partial<ScenarioSize>
}

/** A private $DRCTL_HOME with a fresh sandbox world at a test time scale (made in-process: no drctl process). */
export async function sandboxHome(options: SandboxOptions = {}): Promise<{home: string; cleanup: () => void}> {
  const {home, cleanup} = tempHome('drctl-e2e-')
  try {
    await resetSandbox({
      home,
      scenario: options.scenario ?? 'two-region',
      timeScale: options.timeScale ?? 0.005,
      size: options.size,
    })
  } catch (error) {
    cleanup()
    throw error
  }
  return {home, cleanup}
}

/**
 * A sandbox of its own for the enclosing describe: made before its first test, removed after its last. Read `home`
 * inside tests and hooks (it is set once the sandbox exists).
 */
export function useSandbox(options: SandboxOptions = {}): {readonly home: string} {
  const sandbox = {home: '', cleanup: () => {}}
  beforeAll(async () => {
    Object.assign(sandbox, await sandboxHome(options))
  })
  afterAll(() => sandbox.cleanup())
  return sandbox
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

/** The mutating calls made since `since` (a `callCount`), each as "Operation region". */
export async function mutatingCalls(home: string, since: number): Promise<string[]> {
  return (await callsSince(home, since))
    .filter((call) => call.mutating)
    .map((call) => `${call.operation} ${call.region}`)
}

/** The ids of the runs in `home` (those of one kind, such as `fallback`, when given); lock files are left out. */
export function runIds(home: string, kind?: string): string[] {
  const root = join(home, 'runs')
  if (!existsSync(root)) return []
  return readdirSync(root).filter((id) => !id.startsWith('.') && (kind === undefined || id.includes(`-${kind}-`)))
}

/** A run's journal events; a line still being written by a live process is left out. */
export function journal(home: string, runId: string): any[] {
  const path = join(home, 'runs', runId, 'journal.jsonl')
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line.trim() ? [JSON.parse(line)] : []
      } catch {
        return []
      }
    })
}
