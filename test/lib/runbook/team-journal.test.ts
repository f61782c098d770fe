import {mkdirSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {Journal, type JournalEvent, readJournal} from '../../../src/lib/runbook/journal.js'
import {journalPath, loadRun, runDirectory} from '../../../src/lib/runbook/runs.js'
import {JournalMirror} from '../../../src/lib/runbook/team-journal.js'
import {FakeItemTables} from '../../fakes/dynamodb-items.js'
import {tempHome} from '../../helpers/cli.js'

const ana = tempHome('drctl-team-ana-')
const bo = tempHome('drctl-team-bo-')
afterAll(() => {
  ana.cleanup()
  bo.cleanup()
})

const TABLE = 'drctl-state'
let runs = 0

function setup() {
  const tables = new FakeItemTables()
  tables.create('us-west-2', TABLE, {name: 'pk', type: 'S'}, {name: 'sk', type: 'S'})
  const port = {region: 'us-west-2', ...tables.port('us-west-2')}
  const runId = `20261122-030000-failover-retail-${(++runs).toString(16).padStart(4, '0')}`
  return {tables, port, runId}
}

const start = (runId: string): JournalEvent => ({
  type: 'run-start',
  at: '2026-11-22T03:00:00.000Z',
  runId,
  kind: 'failover',
  title: 'Unplanned failover to us-west-2',
  topology: 'retail',
  topologyKey: 'retail',
  configPath: '/ops/drctl.yaml',
  sandbox: false,
  params: {},
  flags: {},
  pid: 2 ** 31 - 2,
  host: 'ana-laptop',
  gates: [],
  plan: [{id: 'step.a', title: 'A', calls: []}],
  notes: [],
  followUps: [],
  evidence: {},
  excludedRegions: ['us-east-1'],
})
const stepStart: JournalEvent = {type: 'step-start', at: '2026-11-22T03:00:01.000Z', step: 'step.a'}
const stepEnd: JournalEvent = {
  type: 'step-end',
  at: '2026-11-22T03:00:02.000Z',
  step: 'step.a',
  status: 'done',
  durationMs: 1000,
}

function journaled(home: string, runId: string, events: JournalEvent[], afterAppend?: () => void) {
  mkdirSync(runDirectory(home, runId), {recursive: true})
  const journal = new Journal(journalPath(home, runId), undefined, afterAppend)
  for (const event of events) journal.append(event)
  journal.close()
}

describe('the journal in the team state table', () => {
  it('copies each event after it is on disk, keyed by run and sequence, and lists the run', async () => {
    const {tables, port, runId} = setup()
    const mirror = new JournalMirror(port, TABLE, ana.home)
    journaled(ana.home, runId, [start(runId), stepStart], () => mirror.notify(runId))
    await mirror.flush()
    const items = [...(tables.tables.get(`us-west-2/${TABLE}`)?.items.values() ?? [])]
    expect(items.map((item) => [item.pk, item.sk])).toEqual([
      [{S: 'runs'}, {S: runId}],
      [{S: `run#${runId}`}, {S: '000000000'}],
      [{S: `run#${runId}`}, {S: '000000001'}],
    ])
  })

  it('never duplicates or reorders: pushing again sends nothing, a new process sends only what the table lacks', async () => {
    const {port, runId} = setup()
    journaled(ana.home, runId, [start(runId), stepStart])
    await expect(new JournalMirror(port, TABLE, ana.home).push(runId)).resolves.toBe(2)
    await expect(new JournalMirror(port, TABLE, ana.home).push(runId)).resolves.toBe(0)
    // Written locally but not yet remotely (the process died): the resume pushes it.
    journaled(ana.home, runId, [stepEnd])
    const resumed = new JournalMirror(port, TABLE, ana.home)
    await expect(resumed.push(runId)).resolves.toBe(1)
    await new JournalMirror(port, TABLE, bo.home).pull(runId)
    expect(readJournal(journalPath(bo.home, runId)).events).toEqual([start(runId), stepStart, stepEnd])
  })

  it('brings a run started on another machine into this home, where it reads as it does there', async () => {
    const {port, runId} = setup()
    journaled(ana.home, runId, [start(runId), stepStart, stepEnd])
    await new JournalMirror(port, TABLE, ana.home).push(runId)
    const here = new JournalMirror(port, TABLE, bo.home)
    await expect(here.pullAll()).resolves.toEqual([runId])
    const pulled = readFileSync(journalPath(bo.home, runId), 'utf8')
    expect(pulled).toBe(readFileSync(journalPath(ana.home, runId), 'utf8'))
    await here.pull(runId)
    expect(readFileSync(journalPath(bo.home, runId), 'utf8')).toBe(pulled)
    expect(loadRun(bo.home, runId).summary).toMatchObject({status: 'stopped', steps: [{id: 'step.a', status: 'done'}]})
    await expect(here.pull('20261122-030000-failover-retail-ffff')).resolves.toBe(false)
  })

  it('after a pull, sends the local events the table lacks; a local tail the table replaced is set aside', async () => {
    const {port, runId} = setup()
    journaled(ana.home, runId, [start(runId)])
    await new JournalMirror(port, TABLE, ana.home).push(runId)
    journaled(ana.home, runId, [stepStart])
    const here = new JournalMirror(port, TABLE, ana.home)
    await here.pull(runId)
    await expect(here.push(runId)).resolves.toBe(1)

    // Ana's last event never reached the table; Bo resumed the run meanwhile, so the table's copy is the record.
    journaled(ana.home, runId, [stepEnd])
    await new JournalMirror(port, TABLE, bo.home).pull(runId)
    const resume: JournalEvent = {type: 'run-resume', at: '2026-11-22T03:01:00.000Z', pid: 7, host: 'bo-laptop'}
    journaled(bo.home, runId, [resume])
    await new JournalMirror(port, TABLE, bo.home).push(runId)
    await new JournalMirror(port, TABLE, ana.home).pull(runId)
    expect(readJournal(journalPath(ana.home, runId)).events).toEqual([start(runId), stepStart, resume])
    const aside = readdirSync(runDirectory(ana.home, runId)).filter((name) => name.includes('.superseded-'))
    expect(aside).toHaveLength(1)
    expect(readJournal(join(runDirectory(ana.home, runId), aside[0] as string)).events.at(-1)).toEqual(stepEnd)
  })

  it('keeps a failed copy for the run to report, without stopping it', async () => {
    const {tables, port, runId} = setup()
    const mirror = new JournalMirror(port, TABLE, ana.home)
    tables.failNext = {operation: 'Query', error: new Error('DynamoDB Query in us-west-2 failed: unreachable')}
    journaled(ana.home, runId, [start(runId)], () => mirror.notify(runId))
    await mirror.flush()
    expect(mirror.failures).toEqual([
      {runId, error: expect.objectContaining({message: expect.stringContaining('unreachable')})},
    ])
  })

  it('keeps approvals apart from the journal: given once, listed with who gave them, never read as events', async () => {
    const {port, runId} = setup()
    journaled(ana.home, runId, [start(runId), stepStart])
    const mirror = new JournalMirror(port, TABLE, ana.home)
    await mirror.push(runId)
    const approval = {step: 'board', by: 'bo', at: '2026-11-22T03:00:05.000Z'}
    await expect(new JournalMirror(port, TABLE, bo.home).pushApproval(runId, approval)).resolves.toEqual({given: true})
    await expect(mirror.pushApproval(runId, {...approval, by: 'cy'})).resolves.toEqual({given: false, by: 'bo'})
    await expect(mirror.approvals(runId)).resolves.toEqual([approval])
    await new JournalMirror(port, TABLE, bo.home).pull(runId)
    expect(readJournal(journalPath(bo.home, runId)).events).toEqual([start(runId), stepStart])
    await expect(mirror.runs()).resolves.toEqual([
      {runId, topologyKey: 'retail', kind: 'failover', startedAt: '2026-11-22T03:00:00.000Z'},
    ])
  })
})
