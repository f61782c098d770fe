import {describe, expect, it} from 'vitest'

import type {Clock} from '../../../src/lib/core/clock.js'
import {dynamoLockStore} from '../../../src/lib/runbook/dynamodb-lock.js'
import {
  HEARTBEAT_MS,
  keepAlive,
  LEASE_MS,
  type Lease,
  LockLostError,
  type LockOwner,
} from '../../../src/lib/runbook/lock.js'
import {FakeItemTables} from '../../fakes/dynamodb-items.js'
import {manualClock} from './manual-clock.js'

const TABLE = 'drctl-state'
const KEY = 'retail'
const LEASE = {leaseMs: LEASE_MS}
/** A pid no process has (above Linux's pid_max). */
const GONE = 2 ** 31 - 2

function setup() {
  const tables = new FakeItemTables()
  tables.create('us-east-1', TABLE, {name: 'pk', type: 'S'}, {name: 'sk', type: 'S'})
  const clock = manualClock()
  /** A laptop: its own host, and a clock `skewMs` ahead of the shared one (sleeps still pass at the same rate). */
  const laptop = (host: string, skewMs = 0) => {
    const own: Clock = {scale: 1, now: () => clock.now() + skewMs, sleep: (ms, signal) => clock.sleep(ms, signal)}
    return dynamoLockStore({region: 'us-east-1', ...tables.port('us-east-1')}, TABLE, {
      clock: own,
      host,
      owner: `arn:aws:sts::111122223333:assumed-role/oncall/${host}`,
    })
  }
  return {tables, clock, laptop}
}

const owner = (runId: string, host: string, pid = 4242): LockOwner => ({owner: 'oncall', host, pid, runId})
const settle = () => new Promise((resolve) => setImmediate(resolve))

async function acquired(promise: Promise<{acquired: boolean; lease?: Lease}>): Promise<Lease> {
  const result = await promise
  if (!result.acquired || !result.lease) throw new Error('expected the lock to be acquired')
  return result.lease
}

describe('team lock on DynamoDB', () => {
  it('gives the lock to the first and refuses the next at once, naming the holder', async () => {
    const {laptop} = setup()
    const ana = laptop('ana-laptop')
    const lease = await acquired(ana.acquire(KEY, owner('run-a', 'ana-laptop'), LEASE))
    expect(lease.holder).toMatchObject({runId: 'run-a', host: 'ana-laptop', version: 1})
    const refused = await laptop('bo-laptop').acquire(KEY, owner('run-b', 'bo-laptop'), LEASE)
    expect(refused).toEqual({acquired: false, holder: expect.objectContaining({runId: 'run-a', host: 'ana-laptop'})})
    await expect(laptop('bo-laptop').inspect(KEY)).resolves.toMatchObject({runId: 'run-a'})
  })

  it('lets exactly one of many concurrent contenders win', async () => {
    const {laptop} = setup()
    const hosts = ['h1', 'h2', 'h3', 'h4', 'h5']
    const results = await Promise.all(hosts.map((host) => laptop(host).acquire(KEY, owner(`run-${host}`, host), LEASE)))
    const winners = results.filter((result) => result.acquired)
    expect(winners).toHaveLength(1)
    const winner = winners[0]?.acquired ? winners[0].lease.holder.runId : undefined
    for (const result of results.filter((candidate) => !candidate.acquired)) {
      expect(result).toMatchObject({acquired: false, holder: {runId: winner}})
    }
  })

  it('renews the lease with each heartbeat, so a live holder is never taken over, whatever the clocks say', async () => {
    const {clock, laptop} = setup()
    const lease = await acquired(laptop('ana-laptop').acquire(KEY, owner('run-a', 'ana-laptop'), LEASE))
    const kept = keepAlive(lease, clock, HEARTBEAT_MS)
    // Bo's clock runs 10 minutes ahead: Ana's lease looks lapsed to him, so he watches it for a full lease.
    const attempt = laptop('bo-laptop', 600_000).acquire(KEY, owner('run-b', 'bo-laptop'), LEASE)
    await settle()
    for (let elapsed = 0; elapsed < LEASE_MS; elapsed += HEARTBEAT_MS) await clock.advance(HEARTBEAT_MS)
    await expect(attempt).resolves.toMatchObject({acquired: false, holder: {runId: 'run-a'}})
    expect(kept.lost()).toBeUndefined()
    await kept.stop()
  })

  it('takes over a holder that stopped renewing, after watching it for a full lease, and journals a new version', async () => {
    const {clock, laptop} = setup()
    const stale = await acquired(laptop('ana-laptop').acquire(KEY, owner('run-a', 'ana-laptop'), LEASE))
    const bo = laptop('bo-laptop')
    await clock.advance(LEASE_MS)
    const attempt = bo.acquire(KEY, owner('run-a', 'bo-laptop', process.pid), LEASE)
    await settle()
    let settled = false
    void attempt.then(() => (settled = true))
    await clock.advance(LEASE_MS - 1)
    expect(settled).toBe(false)
    await clock.advance(1)
    const taken = await acquired(attempt)
    expect(taken.holder).toMatchObject({host: 'bo-laptop', version: 2})
    // The old holder learns it at its next heartbeat, and its release leaves the new holder alone.
    await expect(stale.heartbeat()).rejects.toThrow(LockLostError)
    await expect(stale.heartbeat()).rejects.toThrow(/it is held by run run-a \(oncall, pid \d+ on bo-laptop/)
    await stale.release()
    await expect(bo.inspect(KEY)).resolves.toMatchObject({host: 'bo-laptop'})
  })

  it('never takes over early when the holder clock runs ahead: the lease only looks live for longer', async () => {
    const {clock, laptop} = setup()
    await acquired(laptop('ana-laptop', 600_000).acquire(KEY, owner('run-a', 'ana-laptop'), LEASE))
    const bo = laptop('bo-laptop')
    await clock.advance(LEASE_MS * 2)
    await expect(bo.acquire(KEY, owner('run-b', 'bo-laptop'), LEASE)).resolves.toMatchObject({acquired: false})
    await clock.advance(600_000)
    const attempt = bo.acquire(KEY, owner('run-b', 'bo-laptop'), LEASE)
    await settle()
    await clock.advance(LEASE_MS)
    await expect(attempt).resolves.toMatchObject({acquired: true})
  })

  it('frees the lock of a process of this host that is gone at once, and a released lock at once', async () => {
    const {laptop} = setup()
    const here = laptop('ci-runner')
    await acquired(here.acquire(KEY, owner('run-a', 'ci-runner', GONE), LEASE))
    const next = await acquired(here.acquire(KEY, owner('run-b', 'ci-runner', process.pid), LEASE))
    await next.release()
    await expect(here.inspect(KEY)).resolves.toBeUndefined()
    await expect(laptop('bo-laptop').acquire(KEY, owner('run-c', 'bo-laptop'), LEASE)).resolves.toMatchObject({
      acquired: true,
      lease: {holder: {version: 3}},
    })
  })

  it('breaks glass: frees a live holder, whose next heartbeat fails as broken', async () => {
    const {laptop} = setup()
    const lease = await acquired(laptop('ana-laptop').acquire(KEY, owner('run-a', 'ana-laptop'), LEASE))
    const bo = laptop('bo-laptop')
    // Named for another run (the holder changed since the operator looked), nothing is broken.
    await expect(bo.breakGlass(KEY, {runId: 'run-z'})).resolves.toBeUndefined()
    await lease.heartbeat()
    await expect(bo.breakGlass(KEY, {runId: 'run-a'})).resolves.toMatchObject({runId: 'run-a'})
    await expect(lease.heartbeat()).rejects.toThrow(/it was broken/)
    await expect(bo.breakGlass(KEY)).resolves.toBeUndefined()
    await expect(bo.acquire(KEY, owner('run-b', 'bo-laptop'), LEASE)).resolves.toMatchObject({acquired: true})
  })

  it('keeps beating through a failed renewal (a throttled table), and reports a lost lease to the run', async () => {
    const {clock, tables, laptop} = setup()
    const lease = await acquired(laptop('ana-laptop').acquire(KEY, owner('run-a', 'ana-laptop'), LEASE))
    const kept = keepAlive(lease, clock, HEARTBEAT_MS)
    tables.failNext = {operation: 'UpdateItem', error: new Error('ThrottlingException')}
    await clock.advance(HEARTBEAT_MS)
    expect(kept.lost()).toBeUndefined()
    await laptop('bo-laptop').breakGlass(KEY)
    await clock.advance(HEARTBEAT_MS)
    expect(kept.lost()).toBeInstanceOf(LockLostError)
    await kept.stop()
  })

  it('reads and writes only the Region it was given', async () => {
    const {tables, laptop} = setup()
    await laptop('ana-laptop').acquire(KEY, owner('run-a', 'ana-laptop'), LEASE)
    expect(new Set(tables.calls.map((call) => call.split(' ')[0]))).toEqual(new Set(['us-east-1']))
  })
})
