import {hostname} from 'node:os'

import type {Condition, DynamoDbPort, Item} from '../aws/ports.js'
import {type Clock, systemClock} from '../core/clock.js'
import {processAlive} from './file-lock.js'
import {type Acquisition, type Lease, type LockHolder, LockLostError, type LockOwner, type LockStore} from './lock.js'

// One item per lock key in the team state table: pk `lock#<key>`, sk `lock`. Every write is conditional on what the
// writer last read, so the table (not any laptop's clock) decides who holds the lock:
//
// - `version` grows with every acquisition (and with a break-glass): the holder renews and releases only while the
//   version is its own, so a holder that was taken over or broken learns it at its next heartbeat.
// - `beat` grows with every heartbeat. Clocks of two laptops may disagree by minutes, so the holder's `expiresAt`
//   (its own clock) is only a hint. A taker that finds a lease which looks lapsed on its clock watches it for a full
//   lease on its own clock, then writes on condition that version and beat are still the ones it read: a live holder
//   renews several times within a lease (HEARTBEAT_MS < LEASE_MS), which makes that write fail and the taker refuse.
//   Skew can only delay a takeover (a holder whose clock runs ahead looks live for longer), never allow an early one.
// - A holder on this host is judged by its process, as the file store does: a dead pid frees the lock at once.
//
// All writes of one lock go to one Region (the caller picks it: the table's home Region, or an unplanned failover's
// target). On an MREC table conditions are evaluated against that Region's copy only, so two Regions taking one lock
// at once could both win; on an MRSC table any Region is safe (aws-reference-steps §10).

export const LOCK_SORT_KEY = 'lock'
export const lockPartition = (key: string) => `lock#${key}`

type ItemPort = Pick<DynamoDbPort, 'region' | 'getItem' | 'putItem' | 'updateItem'>

interface StoredLock extends LockHolder {
  beat: number
  released: boolean
}

function fromItem(item: Item): StoredLock {
  return {
    owner: String(item.owner),
    host: String(item.host),
    pid: Number(item.pid),
    ...(typeof item.runId === 'string' ? {runId: item.runId} : {}),
    since: String(item.since),
    expiresAt: String(item.expiresAt),
    version: Number(item.version),
    beat: Number(item.beat ?? 0),
    released: item.released === true,
  }
}

function toHolder({beat: _beat, released: _released, ...holder}: StoredLock): LockHolder {
  return holder
}

export interface DynamoLockOptions {
  clock?: Clock
  host?: string
  /** Who acts, as the team sees it: the caller's ARN. */
  owner?: string
}

/** Locks as items of the team state table `table`, read and written through `port` (one Region). */
export function dynamoLockStore(port: ItemPort, table: string, options: DynamoLockOptions = {}): LockStore {
  const clock = options.clock ?? systemClock
  const host = options.host ?? hostname()
  const iso = (ms: number) => new Date(ms).toISOString()
  const keyOf = (key: string): Item => ({pk: lockPartition(key), sk: LOCK_SORT_KEY})

  const read = async (key: string): Promise<StoredLock | undefined> => {
    const item = await port.getItem(table, keyOf(key), {consistent: true})
    return item ? fromItem(item) : undefined
  }

  /** Free: never taken, released, broken, or held by a process of this host that is gone. */
  const free = (lock: StoredLock | undefined): boolean =>
    !lock || lock.released || (lock.host === host && lock.pid !== process.pid && !processAlive(lock.pid))

  /** Whether the holder's own clock says its lease lapsed: a reason to watch it, never to take it at once. */
  const looksLapsed = (lock: StoredLock) => lock.host !== host && Date.parse(lock.expiresAt) <= clock.now()

  /** Writes a new holding over exactly the state `seen` (none: no item at all); false if it changed meanwhile. */
  const takeOver = async (key: string, seen: StoredLock | undefined, owner: LockOwner, leaseMs: number) => {
    const holder: StoredLock = {
      ...owner,
      since: iso(clock.now()),
      expiresAt: iso(clock.now() + leaseMs),
      version: (seen?.version ?? 0) + 1,
      beat: 0,
      released: false,
    }
    const condition: Condition = seen
      ? {
          expression: '#version = :version AND #beat = :beat',
          names: {'#version': 'version', '#beat': 'beat'},
          values: {':version': seen.version, ':beat': seen.beat},
        }
      : {expression: 'attribute_not_exists(#pk)', names: {'#pk': 'pk'}}
    const result = await port.putItem(table, {...keyOf(key), ...holder, leaseMs}, condition)
    return result.written ? holder : undefined
  }

  const lease = (key: string, first: StoredLock, leaseMs: number): Lease => {
    let holder = toHolder(first)
    const mine = {
      expression: '#version = :mine AND #released = :no',
      names: {'#version': 'version', '#released': 'released'},
      values: {':mine': first.version, ':no': false},
    }
    return {
      key,
      get holder() {
        return holder
      },
      heartbeat: async () => {
        const expiresAt = iso(clock.now() + leaseMs)
        const result = await port.updateItem(
          table,
          keyOf(key),
          {
            expression: 'SET #beat = #beat + :one, #expiresAt = :expiresAt',
            names: {'#beat': 'beat', '#expiresAt': 'expiresAt'},
            values: {':one': 1, ':expiresAt': expiresAt},
          },
          mine,
        )
        if (!result.written) {
          const now = result.current ? fromItem(result.current) : undefined
          throw new LockLostError(key, now && !now.released ? toHolder(now) : undefined)
        }
        holder = {...holder, expiresAt}
      },
      release: async () => {
        await port.updateItem(
          table,
          keyOf(key),
          {expression: 'SET #released = :yes', names: {'#released': 'released'}, values: {':yes': true}},
          mine,
        )
      },
    }
  }

  return {
    clock,
    owner: options.owner,
    acquire: async (key: string, owner: LockOwner, {leaseMs}: {leaseMs: number}): Promise<Acquisition> => {
      for (;;) {
        const seen = await read(key)
        if (!free(seen)) {
          const held = seen as StoredLock
          if (!looksLapsed(held)) return {acquired: false, holder: toHolder(held)}
          // It looks lapsed on this clock: watch it for a full lease; the write below lands only if it did not move.
          await clock.sleep(leaseMs)
        }
        const holder = await takeOver(key, seen, owner, leaseMs)
        if (holder) return {acquired: true, lease: lease(key, holder, leaseMs)}
        // Someone wrote in between (another contender won, or the holder renewed): judge the lock as it is now.
        const now = await read(key)
        if (!free(now)) return {acquired: false, holder: toHolder(now as StoredLock)}
      }
    },
    inspect: async (key: string) => {
      const lock = await read(key)
      return lock && !free(lock) && !looksLapsed(lock) ? toHolder(lock) : undefined
    },
    breakGlass: async (key: string, options: {runId?: string} = {}) => {
      for (;;) {
        const lock = await read(key)
        if (!lock || lock.released) return undefined
        if (options.runId !== undefined && lock.runId !== options.runId) return undefined
        const result = await port.updateItem(
          table,
          keyOf(key),
          {
            expression: 'SET #released = :yes, #version = #version + :one',
            names: {'#released': 'released', '#version': 'version'},
            values: {':yes': true, ':one': 1},
          },
          {expression: '#version = :seen', names: {'#version': 'version'}, values: {':seen': lock.version}},
        )
        if (result.written) return toHolder(lock)
      }
    },
  }
}
