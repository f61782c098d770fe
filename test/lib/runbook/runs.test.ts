import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'

import {afterAll, describe, expect, it} from 'vitest'

import {DrctlError} from '../../../src/lib/core/errors.js'
import {abandonRun} from '../../../src/lib/runbook/engine.js'
import {Journal, type JournalEvent, readJournal, type RunStartEvent} from '../../../src/lib/runbook/journal.js'
import {buildReport} from '../../../src/lib/runbook/report.js'
import {
  assertNoUnfinishedRun,
  journalPath,
  listRuns,
  loadRun,
  resumableRun,
  runDirectory,
  type RunSummary,
  unfinishedRun,
} from '../../../src/lib/runbook/runs.js'
import {tempHome} from '../../helpers/cli.js'

const {home, cleanup} = tempHome('drctl-runs-')
afterAll(cleanup)

/** A pid no process has (above Linux's pid_max): the process that wrote these journals is gone. */
const GONE = 2 ** 31 - 2
const at = (seconds: number) => new Date(Date.parse('2026-11-22T03:15:00.000Z') + seconds * 1000).toISOString()

let serial = 0
/** A run id as drctl makes them: stamp, kind, topology, 4 hex digits. */
const runIdOn = (topology: string) =>
  `20261122-031500-routing-change-${topology}-${(++serial).toString(16).padStart(4, '0')}`

function started(runId: string, topology: string): RunStartEvent {
  return {
    type: 'run-start',
    at: at(0),
    runId,
    kind: 'routing-change',
    title: `Routing change on ${topology}`,
    topology,
    topologyKey: `sandbox:${topology}`,
    configPath: '/x/drctl.yaml',
    sandbox: true,
    params: {},
    flags: {yes: true},
    pid: GONE,
    gates: [],
    plan: [{id: 'traffic', title: 'Set routing controls', calls: []}],
    notes: [],
    followUps: [],
    evidence: {},
    excludedRegions: [],
  }
}

const stepRan: JournalEvent[] = [
  {type: 'step-start', at: at(1), step: 'traffic'},
  {
    type: 'aws-call',
    at: at(2),
    step: 'traffic',
    service: 'ARC',
    operation: 'UpdateRoutingControlStates',
    region: 'us-west-2',
    mutating: true,
    durationMs: 80,
  },
  {type: 'step-end', at: at(3), step: 'traffic', status: 'done', durationMs: 2000},
]
const completed: JournalEvent = {type: 'run-end', at: at(4), outcome: 'completed', exit: 0}

/** Writes a journal: each entry a line (an event, or raw text standing for a damaged line), then `tail` as is. */
function journaled(runId: string, lines: (JournalEvent | string)[], tail = ''): string {
  mkdirSync(runDirectory(home, runId), {recursive: true})
  const path = journalPath(home, runId)
  const text = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')
  writeFileSync(path, `${text}${lines.length > 0 ? '\n' : ''}${tail}`)
  return path
}

const listed = (runId: string): RunSummary | undefined => listRuns(home).find((run) => run.id === runId)

const refusal = (topologyKey: string) => {
  try {
    assertNoUnfinishedRun(home, topologyKey)
    return undefined
  } catch (error) {
    return error as DrctlError
  }
}

describe('damaged journals', () => {
  it('a garbage line in the middle is named, file and line, and the run is listed as damaged', () => {
    const runId = runIdOn('middle')
    const path = journaled(runId, [
      started(runId, 'middle'),
      stepRan[0]!,
      'x7#garbage{',
      ...stepRan.slice(1),
      completed,
    ])
    const run = listed(runId)
    expect(run).toMatchObject({status: 'damaged', readableStatus: 'completed', changes: 1})
    expect(run?.journalProblems).toEqual([
      expect.objectContaining({file: path, line: 3, kind: 'damaged', problem: expect.stringContaining('not JSON')}),
    ])
    // Lines after the damaged one are still read: the run-end there is the run's last word.
    expect(run?.steps.map((step) => step.status)).toEqual(['done'])
    expect(refusal('sandbox:middle')).toBeUndefined()
    const {summary, events} = loadRun(home, runId)
    const report = buildReport(runId, summary.dir, events, summary.journalProblems)
    expect(report).toMatchObject({outcome: 'damaged', readableOutcome: 'completed'})
    expect(report.journalProblems).toHaveLength(1)
  })

  it('damage after the run-end could hide a resume: the run is unfinished and blocks its topology', () => {
    const runId = runIdOn('after')
    journaled(runId, [started(runId, 'after'), ...stepRan, completed, '{"type":"run-resume","at":'])
    expect(listed(runId)).toMatchObject({status: 'damaged', readableStatus: 'stopped'})
    const refused = refusal('sandbox:after')
    expect(refused).toMatchObject({code: 'DRCTL_RUN_IN_PROGRESS', exit: 3})
    expect(refused?.message).toContain(runId)
    expect(refused?.message).toMatch(/damaged.*line 6/)
    expect(refused?.hints.join('\n')).toMatch(/runs resume .*\n.*runs abandon/)
  })

  it('a line that is JSON but not a journal event (a run-start without its plan) is damage', () => {
    const runId = runIdOn('shape')
    journaled(runId, [started(runId, 'shape'), '{"type":"step-end","at":"2026-11-22T03:15:01.000Z"}', completed])
    expect(listed(runId)?.journalProblems).toEqual([
      expect.objectContaining({line: 2, kind: 'damaged', problem: expect.stringContaining('step')}),
    ])
  })

  it('a torn final line (kill -9 during a write) is a crash artefact: noted, not damage', () => {
    const runId = runIdOn('torn')
    const path = journaled(runId, [started(runId, 'torn'), stepRan[0]!], '{"type":"step-end","at":"2026-11-22T03')
    expect(listed(runId)).toMatchObject({status: 'stopped', readableStatus: 'stopped'})
    expect(listed(runId)?.journalProblems).toEqual([expect.objectContaining({line: 3, kind: 'torn'})])
    // Appending after a crash (a resume) keeps every event on a line of its own; the torn line stays a crash artefact.
    const journal = new Journal(path)
    journal.append({type: 'run-resume', at: at(10), pid: GONE})
    journal.append(completed)
    journal.close()
    const read = readJournal(path)
    expect(read.events.map((event) => event.type)).toEqual([
      'run-start',
      'step-start',
      'torn-line',
      'run-resume',
      'run-end',
    ])
    expect(read.problems).toEqual([expect.objectContaining({line: 3, kind: 'torn'})])
    expect(listed(runId)).toMatchObject({status: 'completed'})
  })

  it('binary garbage at the end of a file is damage, not a torn line', () => {
    const runId = runIdOn('bintail')
    journaled(runId, [started(runId, 'bintail'), ...stepRan, completed], '\u0000\u0000\u00ff\u00fe')
    expect(listed(runId)).toMatchObject({status: 'damaged', readableStatus: 'stopped'})
  })

  it('a binary journal is listed (never hidden), blocks the topology its id names, and can be abandoned', async () => {
    const runId = runIdOn('binary')
    mkdirSync(runDirectory(home, runId), {recursive: true})
    writeFileSync(journalPath(home, runId), Buffer.from([0x00, 0xff, 0x13, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x0a, 0x01]))
    const run = listed(runId)
    expect(run).toMatchObject({status: 'damaged', readableStatus: 'stopped', kind: 'unknown', startedAt: at(0)})
    expect(run?.topologyKey).toBeUndefined()
    expect(run?.journalProblems.map((problem) => problem.line)).toEqual([1, 2, 3])
    // Its topology is unknown, but its id names one: a change there is refused, one elsewhere is not.
    expect(refusal('sandbox:binary')?.message).toMatch(/cannot be read/)
    expect(refusal('binary')?.code).toBe('DRCTL_RUN_IN_PROGRESS')
    expect(refusal('sandbox:elsewhere')).toBeUndefined()
    // It cannot be rebuilt: resuming says so and offers abandon.
    const notResumable = (await resumableRun(home, runId, true).catch((error: unknown) => error)) as DrctlError
    expect(notResumable).toMatchObject({code: 'DRCTL_USAGE', message: expect.stringMatching(/cannot be rebuilt/)})
    expect(notResumable.hints.join(' ')).toContain(`drctl runs abandon ${runId}`)

    await abandonRun(home, (await unfinishedRun(home, runId)).id)
    expect(listed(runId)).toMatchObject({status: 'damaged', readableStatus: 'abandoned'})
    expect(refusal('sandbox:binary')).toBeUndefined()
    expect(readFileSync(`${runDirectory(home, runId)}/report.md`, 'utf8')).toMatch(/damaged/)
  })

  it('an empty journal (cut to nothing) is listed as damaged', () => {
    const runId = runIdOn('empty')
    journaled(runId, [])
    expect(listed(runId)).toMatchObject({status: 'damaged', journalProblems: [expect.objectContaining({line: 1})]})
  })

  it('a damaged run whose start record is readable can be resumed: its steps are rebuilt from it', async () => {
    const runId = runIdOn('resumable')
    journaled(runId, [started(runId, 'resumable'), stepRan[0]!, '\u0000\u0000'])
    const {summary, start} = await resumableRun(home, runId, true)
    expect(summary.status).toBe('damaged')
    expect(start.plan.map((step) => step.id)).toEqual(['traffic'])
  })
})
