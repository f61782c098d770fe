import {hostname, userInfo} from 'node:os'

import {DrctlError, ExitCode} from '../core/errors.js'
import {locksDir} from '../core/paths.js'
import {fileLockStore} from './file-lock.js'
import {
  describeHolder,
  type KeptAlive,
  keepAlive,
  LEASE_MS,
  type Lease,
  type LockHolder,
  type LockStore,
} from './lock.js'

// Runs take the one lock per topology: to start (while checking for unfinished runs and creating the new one, and
// then for as long as the run is driven), to resume and to abandon.

// Topology keys are `[sandbox:]name` (cli/base-command.ts): the sandbox's runs are kept apart from AWS's.
const SANDBOX_PREFIX = 'sandbox:'

/** The lock of drctl runs on this machine: files under $DRCTL_HOME/locks. */
export function runLocks(home: string): LockStore {
  return fileLockStore(locksDir(home))
}

function localUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

/** Takes the lock of `key` for `runId`, or refuses naming who holds it. */
export async function lockFor(locks: LockStore, key: string, runId: string): Promise<Lease> {
  const owner = {owner: locks.owner ?? localUser(), host: hostname(), pid: process.pid, runId}
  const result = await locks.acquire(key, owner, {leaseMs: LEASE_MS})
  if (!result.acquired) throw lockRefused(key, result.holder)
  return result.lease
}

/** Refuses when a live process holds the lock of `key` (driving a run of that topology). */
export async function refuseIfLocked(locks: LockStore, key: string): Promise<void> {
  const holder = await locks.inspect(key)
  if (holder) throw lockRefused(key, holder)
}

/** Runs `task` while the lease is renewed on the lock store's clock; lets go of the lock when it ends. */
export async function holding<T>(lease: Lease, locks: LockStore, task: (kept: KeptAlive) => Promise<T>): Promise<T> {
  const kept = keepAlive(lease, locks.clock)
  try {
    return await task(kept)
  } finally {
    await kept.stop()
    await lease.release()
  }
}

/**
 * Exit 6, naming the holder and what to do: wait, or stop it and resume or abandon. Nothing was changed by this
 * process, but the topology is in the middle of a run (the holder's), which is what exit 6 means.
 */
function lockRefused(key: string, holder: LockHolder): DrctlError {
  const sandbox = key.startsWith(SANDBOX_PREFIX) ? ' --sandbox' : ''
  return new DrctlError('DRCTL_RUN_IN_PROGRESS', `${key} is locked by ${describeHolder(holder)}`, {
    hints: holder.runId
      ? [
          `if it is at work, let it finish: drctl runs show ${holder.runId}`,
          `if it is stuck, stop that process (pid ${holder.pid} on ${holder.host}); then resume the run ` +
            `(drctl runs resume ${holder.runId}${sandbox}) or abandon it (drctl runs abandon ${holder.runId})`,
        ]
      : [`if it is stuck, stop that process (pid ${holder.pid} on ${holder.host})`],
    details: {holder},
    exit: ExitCode.partial,
  })
}
