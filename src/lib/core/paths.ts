import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

/** Where drctl keeps state: runs, journals, reports, the sandbox world. `$DRCTL_HOME`, default `~/.drctl`. */
export function drctlHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DRCTL_HOME ?? join(homedir(), '.drctl'))
}

export function runsDir(home: string): string {
  return join(home, 'runs')
}

/** The lock files of runs (one holder per topology at a time). */
export function locksDir(home: string): string {
  return join(home, 'locks')
}
