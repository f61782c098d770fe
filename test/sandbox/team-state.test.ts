/**
 * drctl's own DynamoDB adapter (through AwsSession, as `--sandbox` builds it), team lock store and journal mirror
 * against the in-process sandbox: conditional writes, the holder returned on a refusal, paging, replication.
 */
import {mkdirSync} from 'node:fs'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {AwsSession} from '../../src/lib/aws/session.js'
import type {Clock} from '../../src/lib/core/clock.js'
import {dynamoLockStore} from '../../src/lib/runbook/dynamodb-lock.js'
import {Journal} from '../../src/lib/runbook/journal.js'
import {journalPath, loadRun, runDirectory} from '../../src/lib/runbook/runs.js'
import {JournalMirror} from '../../src/lib/runbook/team-journal.js'
import {STATE_KEYS} from '../../src/lib/runbook/team-state.js'
import {showState} from '../../src/lib/runbooks/state-show.js'
import {applyStatePlan, planStateInit} from '../../src/lib/runbooks/state-table.js'
import {unlockRun} from '../../src/lib/runbooks/state-unlock.js'
import {readCallLog} from '../../src/lib/sandbox/index.js'
import {tempHome} from '../helpers/cli.js'
import {drctlSession, startTestSandbox, type TestSandbox, worldClock} from '../helpers/sandbox.js'

let sandbox: TestSandbox
let session: AwsSession
let clock: Clock
const homes: {cleanup(): void}[] = []

beforeEach(async () => {
  sandbox = await startTestSandbox()
  clock = worldClock(sandbox, 1)
  session = drctlSession(sandbox, {clock})
})
afterEach(async () => {
  await sandbox.close()
  for (const home of homes.splice(0)) home.cleanup()
})

async function stateTable(regions: string[]) {
  const [home, ...others] = regions
  await session.dynamodb(home as string).createTable('drctl-state', STATE_KEYS.partition, STATE_KEYS.sort)
  sandbox.clock.advanceWorldSeconds(11)
  for (const region of others) {
    await session.dynamodb(home as string).addReplicas('drctl-state', [region])
    sandbox.clock.advanceWorldSeconds(181)
  }
}

const owner = (name: string, runId: string) => ({owner: name, host: `${name}-laptop`, pid: 4242, runId})

describe("drctl's team state on the sandbox", () => {
  it('takes the lock once; a second taker is refused with the holder the conditional write returned', async () => {
    await stateTable(['us-east-1'])
    const port = session.dynamodb('us-east-1')
    const ana = dynamoLockStore(port, 'drctl-state', {host: 'ana-laptop', clock})
    const bo = dynamoLockStore(port, 'drctl-state', {host: 'bo-laptop', clock})
    const first = await ana.acquire('sandbox:retail', owner('ana', 'run-a'), {leaseMs: 30_000})
    expect(first.acquired).toBe(true)
    const second = await bo.acquire('sandbox:retail', owner('bo', 'run-b'), {leaseMs: 30_000})
    expect(second).toMatchObject({acquired: false, holder: {owner: 'ana', runId: 'run-a', version: 1}})
    if (!first.acquired) return
    await first.lease.heartbeat()
    expect(await bo.inspect('sandbox:retail')).toMatchObject({owner: 'ana'})
    await first.lease.release()
    expect(await bo.inspect('sandbox:retail')).toBeUndefined()
    expect(await bo.acquire('sandbox:retail', owner('bo', 'run-b'), {leaseMs: 30_000})).toMatchObject({
      acquired: true,
    })
  })

  it("copies a journal to the table in one Region; a colleague's home pulls it from another replica after the lag", async () => {
    await stateTable(['us-east-1', 'us-west-2'])
    const ana = tempHome('drctl-ana-')
    const bo = tempHome('drctl-bo-')
    homes.push(ana, bo)
    const runId = '20261122-030000-failover-retail-a1b2'
    mkdirSync(runDirectory(ana.home, runId), {recursive: true})
    const journal = new Journal(journalPath(ana.home, runId))
    journal.append({
      type: 'run-start',
      at: '2026-11-22T03:00:00.000Z',
      runId,
      kind: 'failover',
      title: 'Planned failover to us-west-2',
      topology: 'retail',
      topologyKey: 'sandbox:retail',
      configPath: '/ops/drctl.yaml',
      sandbox: true,
      params: {},
      flags: {},
      pid: 4242,
      host: 'ana-laptop',
      gates: [],
      plan: [],
      notes: [],
      followUps: [],
      evidence: {},
      excludedRegions: [],
    })
    for (let step = 0; step < 3; step++) {
      journal.append({type: 'step-start', at: '2026-11-22T03:00:01.000Z', step: `s${step}`})
    }
    journal.close()
    expect(await new JournalMirror(session.dynamodb('us-east-1'), 'drctl-state', ana.home).push(runId)).toBe(4)

    const west = new JournalMirror(session.dynamodb('us-west-2'), 'drctl-state', bo.home)
    expect(await west.pullAll()).toEqual([])
    sandbox.clock.advanceWorldSeconds(1)
    expect(await west.pullAll()).toEqual([runId])
    expect(loadRun(bo.home, runId).events.map((event) => event.type)).toEqual([
      'run-start',
      'step-start',
      'step-start',
      'step-start',
    ])
  })
})

describe('drctl state init, show and unlock on the sandbox', () => {
  const state = {table: 'drctl-state', regions: ['us-east-1', 'us-west-2']}
  const apply = async (plan: Awaited<ReturnType<typeof planStateInit>>) => {
    const progress: string[] = []
    await applyStatePlan(plan, {
      aws: session,
      clock,
      signal: new AbortController().signal,
      emit: (event) => {
        if (event.type === 'task-update') progress.push(event.message)
      },
    })
    return progress
  }

  it('creates the table in the home Region, then a replica in the other, waiting for each; then it is already there', async () => {
    const plan = await planStateInit(state, session, {})
    expect(plan.gates.every((gate) => gate.status === 'ok')).toBe(true)
    expect(plan.items.flatMap((step) => ('describe' in step ? step.describe() : []))).toEqual([
      expect.objectContaining({operation: 'CreateTable', region: 'us-east-1'}),
      expect.objectContaining({
        operation: 'UpdateTable',
        region: 'us-east-1',
        detail: 'drctl-state + replica us-west-2',
      }),
    ])
    const progress = await apply(plan)
    expect(progress).toContain('drctl-state is CREATING')
    expect(progress.some((message) => message.startsWith('us-west-2 CREATING'))).toBe(true)
    const west = await session.dynamodb('us-west-2').describeTable('drctl-state')
    expect(west).toMatchObject({status: 'ACTIVE', replicas: [{region: 'us-east-1', status: 'ACTIVE'}]})

    const calls = (await readCallLog(sandbox.home)).length
    const again = await planStateInit(state, session, {})
    expect(again.items).toEqual([])
    expect((await readCallLog(sandbox.home)).slice(calls).every((call) => !call.mutating)).toBe(true)
    // Its mode is set: asking for the other one is refused.
    const strong = await planStateInit({...state, regions: [...state.regions, 'us-east-2']}, session, {
      consistency: 'STRONG',
    })
    expect(strong.gates).toContainEqual(expect.objectContaining({id: 'state.consistency', status: 'fail'}))
  })

  it('makes an MRSC table with a witness in one UpdateTable; refuses MRSC without three Regions', async () => {
    await expect(planStateInit(state, session, {consistency: 'STRONG'})).rejects.toMatchObject({
      code: 'DRCTL_USAGE',
      message: expect.stringContaining('exactly three Regions'),
    })
    const plan = await planStateInit(state, session, {consistency: 'STRONG', witness: 'us-east-2'})
    expect(plan.items).toHaveLength(2)
    await apply(plan)
    expect(await session.dynamodb('us-west-2').describeTable('drctl-state')).toMatchObject({
      status: 'ACTIVE',
      consistency: 'STRONG',
      witnesses: [{region: 'us-east-2', status: 'ACTIVE'}],
    })
    expect((await planStateInit(state, session, {})).items).toEqual([])
  })

  it('refuses a table of another key schema', async () => {
    await session.dynamodb('us-east-1').createTable('drctl-state', {name: 'id', type: 'S'})
    sandbox.clock.advanceWorldSeconds(11)
    const plan = await planStateInit(state, session, {})
    expect(plan.gates).toContainEqual(
      expect.objectContaining({
        id: 'state.key-schema',
        status: 'fail',
        message: expect.stringContaining('keyed id:HASH'),
      }),
    )
  })

  it('shows the lock holder and the runs; unlock breaks only the lock of the run named', async () => {
    await apply(await planStateInit(state, session, {}))
    const locks = dynamoLockStore(session.dynamodb('us-east-1'), 'drctl-state', {host: 'ana-laptop', clock})
    await locks.acquire('sandbox:retail', owner('ana', 'run-a'), {leaseMs: 30_000})
    const view = await showState(state, session, {topologyKey: 'sandbox:retail', clock})
    expect(view).toMatchObject({
      readFrom: 'us-east-1',
      consistency: 'eventual',
      regions: [
        {region: 'us-east-1', status: 'ACTIVE'},
        {region: 'us-west-2', status: 'ACTIVE'},
      ],
      lock: {key: 'sandbox:retail', holder: {runId: 'run-a', owner: 'ana'}},
    })
    await expect(
      unlockRun(state, session, {runId: 'run-b', topologyKey: 'sandbox:retail', clock}),
    ).rejects.toMatchObject({message: expect.stringContaining('run run-b holds no lock on sandbox:retail')})
    await expect(
      unlockRun(state, session, {runId: 'run-a', topologyKey: 'sandbox:retail', clock}),
    ).resolves.toMatchObject({key: 'sandbox:retail', region: 'us-east-1', holder: {runId: 'run-a'}})
    expect((await showState(state, session, {topologyKey: 'sandbox:retail', clock})).lock.holder).toBeUndefined()
  })
})
