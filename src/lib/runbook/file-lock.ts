import {randomBytes} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'

import {type Clock, systemClock} from '../core/clock.js'
import {type Acquisition, type Lease, type LockHolder, LockLostError, type LockOwner, type LockStore} from './lock.js'

// Each key is a folder of numbered generations, `<n>/holder.json`; the highest is the lock's state. A generation is
// written aside and renamed into place whole: renaming onto an existing one fails, so exactly one contender wins
// each number. Nothing that may be the current generation is ever moved or deleted by anyone but its holder, so a
// slow contender cannot remove a lock another one has just taken.

interface Generation extends LockHolder {
  released?: boolean
}

const HOLDER_FILE = 'holder.json'

/** Whether a process with this pid exists on this machine (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Locks as folders under `root`, for processes of one machine (a shared folder across machines works too: there the
 * lease decides). A holder on this machine is alive while its process is, however late its heartbeat (a paused
 * process keeps its lock) and gone as soon as its process is (no need to wait for the lease to expire).
 */
export function fileLockStore(root: string, options: {clock?: Clock; host?: string} = {}): LockStore {
  const clock = options.clock ?? systemClock
  const host = options.host ?? hostname()
  const iso = (ms: number) => new Date(ms).toISOString()

  // Any key maps to one folder name that stays inside root.
  const folder = (key: string) => join(root, `key-${encodeURIComponent(key).replace(/\./g, '%2E')}`)

  const generations = (dir: string): number[] => {
    try {
      return readdirSync(dir)
        .filter((name) => /^\d+$/.test(name))
        .map(Number)
        .sort((a, b) => a - b)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  const read = (dir: string, version: number): Generation | undefined => {
    try {
      return JSON.parse(readFileSync(join(dir, String(version), HOLDER_FILE), 'utf8')) as Generation
    } catch {
      return undefined
    }
  }

  const current = (dir: string): {version: number; holder?: Generation} | undefined => {
    const version = generations(dir).at(-1)
    return version === undefined ? undefined : {version, holder: read(dir, version)}
  }

  const live = (holder: Generation | undefined): holder is Generation => {
    // An unreadable generation was damaged after it was written whole (renames are atomic): nobody holds it.
    if (!holder || holder.released) return false
    if (holder.host === host) return holder.pid === process.pid || processAlive(holder.pid)
    return Date.parse(holder.expiresAt) > clock.now()
  }

  /** Writes generation `version` whole, unless another process already has; true if this call did. */
  const create = (dir: string, version: number, holder: Generation): boolean => {
    const aside = join(dir, `.new-${process.pid}-${randomBytes(4).toString('hex')}`)
    mkdirSync(aside, {recursive: true})
    writeFileSync(join(aside, HOLDER_FILE), JSON.stringify(holder))
    try {
      renameSync(aside, join(dir, String(version)))
      return true
    } catch (error) {
      rmSync(aside, {recursive: true, force: true})
      if (['EEXIST', 'ENOTEMPTY', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) return false
      throw error
    }
  }

  /** Replaces a generation's holder file in one step (write aside, rename over). */
  const rewrite = (dir: string, holder: Generation) => {
    const path = join(dir, String(holder.version), HOLDER_FILE)
    const aside = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`
    writeFileSync(aside, JSON.stringify(holder))
    renameSync(aside, path)
  }

  /** Earlier generations are history: nobody reads them again. Tidying only: a failure here is not the lock's. */
  const prune = (dir: string, below: number) => {
    for (const version of generations(dir).filter((candidate) => candidate < below)) {
      try {
        rmSync(join(dir, String(version)), {recursive: true, force: true})
      } catch {
        // A contender is recreating that number (it will find a higher one and remove it): leave it to them.
      }
    }
  }

  const lease = (key: string, dir: string, first: Generation, leaseMs: number): Lease => {
    let holder = first
    const stillMine = () => current(dir)?.version === holder.version
    return {
      key,
      get holder() {
        return holder
      },
      heartbeat: async () => {
        if (!stillMine()) {
          const now = current(dir)?.holder
          throw new LockLostError(key, live(now) ? withoutRelease(now) : undefined)
        }
        holder = {...holder, expiresAt: iso(clock.now() + leaseMs)}
        rewrite(dir, holder)
      },
      release: async () => {
        if (stillMine()) rewrite(dir, {...holder, released: true})
      },
    }
  }

  return {
    clock,
    acquire: async (key: string, owner: LockOwner, {leaseMs}: {leaseMs: number}): Promise<Acquisition> => {
      const dir = folder(key)
      mkdirSync(dir, {recursive: true})
      for (;;) {
        const state = current(dir)
        const held = state?.holder
        if (live(held)) return {acquired: false, holder: withoutRelease(held)}
        const version = (state?.version ?? 0) + 1
        const holder: Generation = {...owner, since: iso(clock.now()), expiresAt: iso(clock.now() + leaseMs), version}
        if (!create(dir, version, holder)) continue
        // A contender that read an old state may recreate a pruned number below ours; only the highest holds.
        if (current(dir)?.version !== version) {
          rmSync(join(dir, String(version)), {recursive: true, force: true})
          continue
        }
        prune(dir, version)
        return {acquired: true, lease: lease(key, dir, holder, leaseMs)}
      }
    },
    inspect: async (key: string) => {
      const holder = current(folder(key))?.holder
      return live(holder) ? withoutRelease(holder) : undefined
    },
    breakGlass: async (key: string, options: {runId?: string} = {}) => {
      const dir = folder(key)
      for (;;) {
        const state = current(dir)
        const broken = state?.holder
        if (!state || !live(broken)) return undefined
        if (options.runId !== undefined && broken.runId !== options.runId) return undefined
        if (create(dir, state.version + 1, {...broken, version: state.version + 1, released: true})) {
          return withoutRelease(broken)
        }
      }
    },
  }
}

function withoutRelease({released: _released, ...holder}: Generation): LockHolder {
  return holder
}
