import {readdirSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {DrctlError} from '../../../src/lib/core/errors.js'
import {fileLockStore} from '../../../src/lib/runbook/file-lock.js'
import {keepAlive, type Lease, type LockOwner} from '../../../src/lib/runbook/lock.js'
import {tempHome} from '../../helpers/cli.js'
import {manualClock} from './manual-clock.js'

const {home, cleanup} = tempHome('drctl-lock-')
afterAll(cleanup)

const HOST = hostname()
/** A pid no process has (above Linux's pid_max). */
const GONE = 2 ** 31 - 2
const LEASE = {leaseMs: 30_000}
const iso = (ms: number) => new Date(ms).toISOString()

let keys = 0
function setup() {
  const clock = manualClock()
  const store = fileLockStore(join(home, 'locks'), {clock})
  return {clock, store, key: `sandbox:topology-${++keys}`}
}

const owner = (runId: string, holder: Partial<LockOwner> = {}): LockOwner => ({
  owner: 'alice',
  host: HOST,
  pid: process.pid,
  runId,
  ...holder,
})

async function acquired(promise: Promise<{acquired: boolean; lease?: Lease}>): Promise<Lease> {
  const result = await promise
  if (!result.acquired || !result.lease) throw new Error('expected the lock to be acquired')
  return result.lease
}

describe('the file lock', () => {
  it('has one holder at a time: another is refused and told who holds it, since when, until when', async () => {
    const {clock, store, key} = setup()
    const lease = await acquired(store.acquire(key, owner('run-1'), LEASE))
    const holder = {
      owner: 'alice',
      host: HOST,
      pid: process.pid,
      runId: 'run-1',
      since: iso(clock.now()),
      expiresAt: iso(clock.now() + 30_000),
      version: 1,
    }
    expect(lease.holder).toEqual(holder)
    expect(await store.acquire(key, owner('run-2'), LEASE)).toEqual({acquired: false, holder})
    expect(await store.inspect(key)).toEqual(holder)
    await expect(store.acquire(`${key}-other`, owner('run-3'), LEASE)).resolves.toMatchObject({acquired: true})
  })

  it('release frees it; the next holder gets the next version', async () => {
    const {store, key} = setup()
    await (await acquired(store.acquire(key, owner('run-1'), LEASE))).release()
    expect(await store.inspect(key)).toBeUndefined()
    const next = await acquired(store.acquire(key, owner('run-2'), LEASE))
    expect(next.holder).toMatchObject({runId: 'run-2', version: 2})
  })

  it('a heartbeat extends the lease, on the store clock', async () => {
    const {clock, store, key} = setup()
    const lease = await acquired(store.acquire(key, owner('run-1'), LEASE))
    await clock.advance(10_000)
    await lease.heartbeat()
    expect((await store.inspect(key))?.expiresAt).toBe(iso(clock.now() + 30_000))
    expect(lease.holder.expiresAt).toBe(iso(clock.now() + 30_000))
  })

  it('a holder on another host is live until its lease expires, then taken over; its lease is lost', async () => {
    const {clock, store, key} = setup()
    const remote = await acquired(store.acquire(key, owner('run-1', {host: 'elsewhere', pid: 4242}), LEASE))
    await clock.advance(29_999)
    expect(await store.acquire(key, owner('run-2'), LEASE)).toMatchObject({acquired: false, holder: {runId: 'run-1'}})
    await clock.advance(2)
    expect(await store.inspect(key)).toBeUndefined()
    const taken = await acquired(store.acquire(key, owner('run-2'), LEASE))
    expect(taken.holder).toMatchObject({runId: 'run-2', version: 2})
    await expect(remote.heartbeat()).rejects.toMatchObject({code: 'DRCTL_RUN_IN_PROGRESS'})
    // The lost lease's release leaves the new holder alone.
    await remote.release()
    expect(await store.inspect(key)).toMatchObject({runId: 'run-2'})
  })

  it('a holder on this host whose process is gone is taken over at once, before its lease expires', async () => {
    const {store, key} = setup()
    await acquired(store.acquire(key, owner('crashed', {pid: GONE}), LEASE))
    expect(await store.inspect(key)).toBeUndefined()
    expect((await acquired(store.acquire(key, owner('run-2'), LEASE))).holder).toMatchObject({version: 2})
  })

  it('a live holder on this host is never broken, however long ago its lease lapsed (a paused process)', async () => {
    const {clock, store, key} = setup()
    // Our parent process: alive, and not us.
    await acquired(store.acquire(key, owner('paused', {pid: process.ppid}), LEASE))
    await clock.advance(24 * 3600_000)
    expect(await store.acquire(key, owner('run-2'), LEASE)).toMatchObject({acquired: false, holder: {runId: 'paused'}})
  })

  it('break-glass frees a live holder: its next heartbeat fails, and anyone may acquire', async () => {
    const {store, key} = setup()
    const lease = await acquired(store.acquire(key, owner('stuck', {pid: process.ppid}), LEASE))
    expect(await store.breakGlass(key)).toMatchObject({runId: 'stuck'})
    expect(await store.inspect(key)).toBeUndefined()
    await expect(lease.heartbeat()).rejects.toBeInstanceOf(DrctlError)
    expect((await acquired(store.acquire(key, owner('next'), LEASE))).holder.version).toBe(3)
    expect(await store.breakGlass(`${key}-never-held`)).toBeUndefined()
  })

  it('keeps every key inside its folder, whatever characters the key has', async () => {
    const {store} = setup()
    const root = join(home, 'locks')
    await acquired(store.acquire('../../escape/..', owner('run-1'), LEASE))
    expect(readdirSync(home).sort()).toEqual(['locks'])
    expect(readdirSync(root).some((name) => name.includes('escape'))).toBe(true)
  })
})

describe('keepAlive', () => {
  it('renews the lease every interval of the store clock until stopped', async () => {
    const {clock, store, key} = setup()
    const lease = await acquired(store.acquire(key, owner('run-1'), LEASE))
    const keeper = keepAlive(lease, clock, 5000)
    await clock.advance(5000)
    expect((await store.inspect(key))?.expiresAt).toBe(iso(clock.now() + 30_000))
    await clock.advance(5000)
    expect((await store.inspect(key))?.expiresAt).toBe(iso(clock.now() + 30_000))
    await keeper.stop()
    await clock.advance(5000)
    expect((await store.inspect(key))?.expiresAt).toBe(iso(clock.now() - 5000 + 30_000))
    expect(keeper.lost()).toBeUndefined()
  })

  it('says when the lease was lost (taken over or broken), and stops renewing it', async () => {
    const {clock, store, key} = setup()
    const lease = await acquired(store.acquire(key, owner('run-1'), LEASE))
    const keeper = keepAlive(lease, clock, 5000)
    await expect(store.breakGlass(key, {runId: 'run-2'})).resolves.toBeUndefined()
    await expect(store.breakGlass(key, {runId: 'run-1'})).resolves.toMatchObject({runId: 'run-1'})
    await clock.advance(5000)
    expect(keeper.lost()).toMatchObject({code: 'DRCTL_RUN_IN_PROGRESS', message: expect.stringContaining(key)})
    await keeper.stop()
  })
})
