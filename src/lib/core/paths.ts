import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

/** Where drctl keeps state: runs, journals, reports, the sandbox world. `$DRCTL_HOME`, default `~/.drctl`. */
export function drctlHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DRCTL_HOME ?? join(homedir(), '.drctl'))
}

/**
 * Where the sandbox keeps its world and call log (under `sandbox/`): `$DRCTL_SANDBOX_HOME`, else `$DRCTL_HOME`. Two
 * homes (two operators' machines, rehearsed on one) share one sandbox by naming the same sandbox home.
 */
export function sandboxHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.DRCTL_SANDBOX_HOME ? resolve(env.DRCTL_SANDBOX_HOME) : drctlHome(env)
}

export function runsDir(home: string): string {
  return join(home, 'runs')
}

/** The lock files of runs (one holder per topology at a time). */
export function locksDir(home: string): string {
  return join(home, 'locks')
}
