import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'

// One lock, two kinds of store: files under $DRCTL_HOME (one machine) now, DynamoDB (a team) next. The contract is
// a lease: the holder renews it while it works; a holder that stopped renewing is taken over once the lease expires
// (a store may also know sooner that the holder is gone); a live holder is never broken, except by break-glass.

/** Who asks for a lock. */
export interface LockOwner {
  /** Who is acting: the local user (the file store); the caller's ARN (a team store). */
  owner: string
  host: string
  pid: number
  /** The run the lock is taken for. */
  runId?: string
}

/** Who holds a lock, since when, until when. */
export interface LockHolder extends LockOwner {
  since: string
  /** When the lease lapses unless renewed. */
  expiresAt: string
  /** Grows with every acquisition of the key: tells one holding from the next. */
  version: number
}

export interface Lease {
  readonly key: string
  /** As last written: `expiresAt` moves on with each heartbeat. */
  readonly holder: LockHolder
  /** Renews the lease; a LockLostError when it was taken over or broken meanwhile. */
  heartbeat(): Promise<void>
  /** Lets go of the lock; a lease already lost leaves the new holder alone. */
  release(): Promise<void>
}

export type Acquisition = {acquired: true; lease: Lease} | {acquired: false; holder: LockHolder}

export interface LockStore {
  /** What leases are measured and renewed on: real time, even when rehearsing on the sandbox. */
  readonly clock: Clock
  /** Who acts, as this store names them (a team store: the caller's ARN); the local user if absent. */
  readonly owner?: string
  /** The lock, or a refusal naming its live holder. */
  acquire(key: string, owner: LockOwner, options: {leaseMs: number}): Promise<Acquisition>
  /** The live holder, if any (a released, expired or dead holder is none). */
  inspect(key: string): Promise<LockHolder | undefined>
  /**
   * Frees the lock whoever holds it (an operator's last resort); the holder's next heartbeat fails. With `runId`,
   * only a holding taken for that run is broken (the holder may have changed since the operator looked).
   */
  breakGlass(key: string, options?: {runId?: string}): Promise<LockHolder | undefined>
}

/** How long a lease lasts without a heartbeat, and how often a live holder renews it. */
export const LEASE_MS = 30_000
export const HEARTBEAT_MS = 5_000

export class LockLostError extends DrctlError {
  constructor(key: string, holder: LockHolder | undefined) {
    super(
      'DRCTL_RUN_IN_PROGRESS',
      `lost the lock on ${key}: ${holder ? `it is held by ${describeHolder(holder)} now` : 'it was broken'}`,
    )
  }
}

/** `run R (owner, pid P on host, since T)`: enough to find the holder and judge whether it is stuck. */
export function describeHolder(holder: LockHolder): string {
  const who = `${holder.owner}, pid ${holder.pid} on ${holder.host}, since ${holder.since}`
  return holder.runId ? `run ${holder.runId} (${who})` : `${who}`
}

export interface KeptAlive {
  /** Why the lease could not be renewed (taken over, broken), if it could not. */
  lost(): LockLostError | undefined
  stop(): Promise<void>
}

/**
 * Renews `lease` every `intervalMs` of `clock` until stopped. A failed renewal other than a lost lease (a busy
 * disk, a throttled table) is tried again at the next beat: the lease outlasts several missed beats.
 */
export function keepAlive(lease: Lease, clock: Clock, intervalMs = HEARTBEAT_MS): KeptAlive {
  const stopping = new AbortController()
  let lost: LockLostError | undefined
  const beating = (async () => {
    while (!lost) {
      try {
        await clock.sleep(intervalMs, stopping.signal)
      } catch {
        return
      }
      await lease.heartbeat().catch((error: unknown) => {
        if (error instanceof LockLostError) lost = error
      })
    }
  })()
  return {
    lost: () => lost,
    stop: async () => {
      stopping.abort()
      await beating
    },
  }
}
