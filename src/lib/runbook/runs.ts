import {randomBytes} from 'node:crypto'
import {existsSync, readdirSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'

import {DrctlError, ExitCode} from '../core/errors.js'
import {runsDir} from '../core/paths.js'
import {processAlive} from './file-lock.js'
import {
  type JournalContents,
  type JournalEvent,
  type JournalProblem,
  readJournal,
  type RunOutcome,
  type RunStartEvent,
} from './journal.js'
import {refuseIfLocked, runLocks} from './run-lock.js'

/** `damaged`: a line of its journal cannot be read, so what the run did is not known for sure. */
export type RunStatus = RunOutcome | 'running' | 'stopped' | 'damaged'
/** What the readable lines of a journal say. */
export type ReadableStatus = Exclude<RunStatus, 'damaged'>

export interface StepSummary {
  id: string
  title: string
  status: 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'deferred'
  /** The last attempt (a resumed run checks every step again): when it started, began waiting for AWS, ended. */
  startedAt?: string
  waitStartedAt?: string
  endedAt?: string
  durationMs?: number
  error?: string
}

export interface RunSummary {
  id: string
  kind: string
  title: string
  topology: string
  /** Unknown when the journal's start record cannot be read. */
  topologyKey?: string
  sandbox: boolean
  startedAt: string
  endedAt?: string
  /**
   * `running`: the process that drives it is alive; `stopped`: it ended without a last word (crash, kill -9);
   * `damaged`: a line of its journal cannot be read (what the rest says is `readableStatus`).
   */
  status: RunStatus
  readableStatus: ReadableStatus
  /** Lines of the journal that are not events: damage, or a last line torn by a crash. */
  journalProblems: JournalProblem[]
  /** Mutating calls AWS accepted: a run that changed nothing does not block the next one. */
  changes: number
  exit?: number
  error?: {code: string; message: string}
  steps: StepSummary[]
  dir: string
}

/**
 * A finished run cannot be resumed; anything else (failed, interrupted, timed out, crashed) can. A damaged run is
 * finished only if a readable run-end says so after every damaged line.
 */
export function isFinished(run: Pick<RunSummary, 'readableStatus'>): boolean {
  return run.readableStatus === 'completed' || run.readableStatus === 'abandoned'
}

export function newRunId(kind: string, topology: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${stamp}-${kind}-${topology}-${randomBytes(2).toString('hex')}`
}

export function runDirectory(home: string, runId: string): string {
  return join(runsDir(home), runId)
}

export function journalPath(home: string, runId: string): string {
  return join(runDirectory(home, runId), 'journal.jsonl')
}

const isRunStart = (event: JournalEvent): event is RunStartEvent => event.type === 'run-start'

/** `2026-11-22T03:15:00.000Z` from a run id's stamp (`20261122-031500-…`): when a run without a readable start began. */
function stampOf(runId: string): string | undefined {
  const stamp = /^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)-/.exec(runId)
  return stamp ? `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6]}.000Z` : undefined
}

/**
 * Whether the process that last drove a run (its pid, on its host) is alive, and is not this one (which would not
 * ask while driving it). A process on another host cannot be seen from here: the run's lock says whether it lives.
 */
function driverAlive(driver: {pid: number; host?: string} | undefined): boolean {
  if (!driver || driver.pid === process.pid) return false
  return (driver.host ?? hostname()) === hostname() && processAlive(driver.pid)
}

/**
 * A run as its journal tells it. Readable lines are trusted as written; a damaged one could have said anything: if
 * one follows the last run-end (it may have been a resume), the run's end is unknown and it counts as unfinished.
 */
export function summarize(runId: string, dir: string, {events, problems}: JournalContents): RunSummary {
  const start = events.find(isRunStart)
  const steps = new Map<string, StepSummary>(
    (start?.plan ?? []).map((step) => [step.id, {id: step.id, title: step.title, status: 'pending'}]),
  )
  let end: Extract<JournalEvent, {type: 'run-end'}> | undefined
  let endIndex = -1
  let abandoned: string | undefined
  let driver: {pid: number; host?: string} | undefined
  let changes = 0
  events.forEach((event, index) => {
    if (event.type === 'aws-call' && event.mutating && !event.error) changes++
    if (event.type === 'step-start') {
      const step = steps.get(event.step)
      if (step)
        Object.assign(step, {
          status: 'running',
          startedAt: event.at,
          waitStartedAt: undefined,
          endedAt: undefined,
          error: undefined,
        })
    } else if (event.type === 'step-wait') {
      const step = steps.get(event.step)
      if (step) step.waitStartedAt = event.at
    } else if (event.type === 'step-end') {
      const step = steps.get(event.step)
      if (step)
        Object.assign(step, {status: event.status, endedAt: event.at, durationMs: event.durationMs, error: event.error})
    } else if (event.type === 'run-end') {
      end = event
      endIndex = index
      if (event.outcome === 'abandoned') abandoned = event.at
    } else if (event.type === 'run-start' || event.type === 'run-resume') {
      driver = {pid: event.pid, host: event.host}
      if (event.type === 'run-resume') end = undefined
    }
  })
  const damaged = problems.filter((problem) => problem.kind === 'damaged')
  if (damaged.some((problem) => problem.eventsBefore > endIndex)) end = undefined
  const readableStatus: ReadableStatus = end ? end.outcome : driverAlive(driver) ? 'running' : 'stopped'
  return {
    id: runId,
    kind: start?.kind ?? 'unknown',
    title: start?.title ?? 'unreadable run (no readable start record)',
    topology: start?.topology ?? 'unknown',
    topologyKey: start?.topologyKey,
    sandbox: start?.sandbox ?? false,
    startedAt: start?.at ?? stampOf(runId) ?? events[0]?.at ?? new Date(0).toISOString(),
    endedAt: end?.at ?? abandoned,
    status: damaged.length > 0 || !start ? 'damaged' : readableStatus,
    readableStatus,
    journalProblems: problems,
    changes,
    exit: end?.exit,
    error: end?.error,
    steps: [...steps.values()],
    dir,
  }
}

export function loadRun(home: string, runId: string): {summary: RunSummary; events: JournalEvent[]} {
  const path = journalPath(home, runId)
  if (!/^[\w.-]+$/.test(runId) || !existsSync(path)) {
    throw new DrctlError('DRCTL_USAGE', `no run with id ${runId}`, {hints: ['`drctl runs list` shows the runs']})
  }
  const journal = readJournal(path)
  return {summary: summarize(runId, runDirectory(home, runId), journal), events: journal.events}
}

/** Where a problem is, in words: `/…/journal.jsonl line 7`. */
const lineOf = (problem: JournalProblem) => `${problem.file} line ${problem.line}`

/** One line per problem of a journal: `damaged` ones (and `torn` ones, when asked), each naming file and line. */
export function journalWarnings(
  runId: string,
  problems: JournalProblem[],
  kinds: JournalProblem['kind'][] = ['damaged', 'torn'],
): string[] {
  return problems
    .filter((problem) => kinds.includes(problem.kind))
    .map((problem) =>
      problem.kind === 'damaged'
        ? `${lineOf(problem)} cannot be read (${problem.problem}): run ${runId} is damaged`
        : `${lineOf(problem)} was cut short by a crash; ignored`,
    )
}

/** What resuming a damaged run means, said before it is confirmed. */
export function resumeWarnings(run: RunSummary): string[] {
  const damaged = run.journalProblems.filter((problem) => problem.kind === 'damaged')
  if (damaged.length === 0) return []
  return [
    `run ${run.id} has a damaged journal (${damaged.map(lineOf).join(', ')}): it is resumed from its start record, ` +
      'every step re-derived from live state; nothing the unreadable lines said is trusted',
  ]
}

/** The key of the lock a run is driven (or abandoned) under: its topology's, or its own when that is unknown. */
export function leaseKey(run: RunSummary): string {
  return run.topologyKey ?? `run:${run.id}`
}

/** A finished run (completed, abandoned) is refused: there is nothing left to do with it. */
export function assertUnfinished(run: RunSummary, doing: string): void {
  if (isFinished(run)) {
    throw new DrctlError('DRCTL_USAGE', `run ${run.id} is already ${run.readableStatus}; there is nothing to ${doing}`)
  }
}

/** An unfinished run (one that `runs abandon` may abandon), not in the hands of a live process. */
export async function unfinishedRun(home: string, runId: string, locks = runLocks(home)): Promise<RunSummary> {
  const {summary} = loadRun(home, runId)
  assertUnfinished(summary, 'abandon')
  await refuseIfLocked(locks, leaseKey(summary))
  return summary
}

/**
 * A run `runs resume` may drive: unfinished, not in the hands of a live process, rebuildable (its start record,
 * which holds its parameters, is readable) and resumed against what it ran on (the sandbox, or AWS).
 */
export async function resumableRun(
  home: string,
  runId: string,
  sandbox: boolean,
  locks = runLocks(home),
): Promise<{summary: RunSummary; start: RunStartEvent}> {
  const {summary, events} = loadRun(home, runId)
  assertUnfinished(summary, 'resume')
  const start = events.find(isRunStart)
  if (!start) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `run ${runId} cannot be rebuilt: its journal has no readable start record, which holds the run's parameters`,
      {
        hints: [
          `what can be read: drctl runs show ${runId}`,
          `once you have dealt with what it did by hand: drctl runs abandon ${runId}`,
        ],
        details: {journalProblems: summary.journalProblems},
      },
    )
  }
  if (start.sandbox !== sandbox) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `run ${summary.id} ran ${start.sandbox ? 'on the sandbox: add --sandbox' : 'against AWS: drop --sandbox'}`,
    )
  }
  await refuseIfLocked(locks, leaseKey(summary))
  return {summary, start}
}

/** Every run with its journal, newest first; a run whose journal cannot be read is listed too, as damaged. */
export function loadRuns(home: string): {summary: RunSummary; events: JournalEvent[]}[] {
  const root = runsDir(home)
  if (!existsSync(root)) return []
  return readdirSync(root, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && existsSync(journalPath(home, entry.name)))
    .map((entry) => loadRun(home, entry.name))
    .sort((a, b) => b.summary.startedAt.localeCompare(a.summary.startedAt) || b.summary.id.localeCompare(a.summary.id))
}

/** Every run, newest first. */
export function listRuns(home: string): RunSummary[] {
  return loadRuns(home).map((run) => run.summary)
}

/** Whether a run id (`<stamp>-<kind>-<topology>-<4 hex>`) could name the topology `name`. */
function idNames(runId: string, name: string): boolean {
  return /^(.*)-[0-9a-f]{4}$/.exec(runId)?.[1]?.endsWith(`-${name}`) ?? false
}

/**
 * Whether `run` stands in the way of a change to the topology `topologyKey`. A run that ended having changed
 * nothing (refused at its first call, interrupted before it) leaves nothing to finish; a damaged one might have.
 * One whose topology cannot be read blocks every topology its id could name.
 */
function blocks(run: RunSummary, topologyKey: string): boolean {
  if (isFinished(run)) return false
  if (run.topologyKey === undefined) return idNames(run.id, topologyKey.slice(topologyKey.indexOf(':') + 1))
  if (run.topologyKey !== topologyKey) return false
  return run.status === 'damaged' || run.status === 'running' || run.status === 'stopped' || run.changes > 0
}

/** Refuses a second mutating run on a topology while one is unfinished (design.md §5). */
export function assertNoUnfinishedRun(home: string, topologyKey: string): void {
  const run = listRuns(home).find((candidate) => blocks(candidate, topologyKey))
  if (!run) return
  const damaged = run.journalProblems.filter((problem) => problem.kind === 'damaged').map(lineOf)
  const abandon = `or, if you have dealt with it by hand: drctl runs abandon ${run.id}`
  if (run.topologyKey === undefined) {
    throw new DrctlError(
      'DRCTL_RUN_IN_PROGRESS',
      `run ${run.id} cannot be read (${damaged.join(', ')}): its topology is unknown and its id names this one; ` +
        'deal with it first',
      {hints: [`what can be read: drctl runs show ${run.id}`, abandon], details: {runId: run.id, status: run.status}},
    )
  }
  const state =
    run.status === 'damaged'
      ? `has a damaged journal (${damaged.join(', ')} cannot be read) and may be unfinished`
      : run.status === 'running'
        ? 'is still running'
        : `stopped unfinished (${run.status})`
  throw new DrctlError('DRCTL_RUN_IN_PROGRESS', `run ${run.id} (${run.title}) ${state}; finish it first`, {
    hints: [`resume it: drctl runs resume ${run.id}${run.sandbox ? ' --sandbox' : ''}`, abandon],
    details: {runId: run.id, status: run.status},
    // A run still driven by a live process holds the topology: exit 6, as when its lock refuses a start.
    ...(run.status === 'running' ? {exit: ExitCode.partial} : {}),
  })
}

/** Clusters drctl detached from their global cluster (journaled by unplanned failovers with --detach), oldest first. */
export function detachedSurvivors(
  home: string,
  topologyKey: string,
): {globalClusterId: string; clusterArn: string; runId: string}[] {
  const survivors: {globalClusterId: string; clusterArn: string; runId: string; at: string}[] = []
  for (const run of loadRuns(home).filter((candidate) => candidate.summary.topologyKey === topologyKey)) {
    for (const event of run.events) {
      if (event.type !== 'record' || !event.key.startsWith('orphaned.')) continue
      const value = event.value as {globalClusterId?: string; survivor?: string}
      if (value.globalClusterId && value.survivor) {
        survivors.push({
          globalClusterId: value.globalClusterId,
          clusterArn: value.survivor,
          runId: run.summary.id,
          at: event.at,
        })
      }
    }
  }
  return survivors.sort((a, b) => a.at.localeCompare(b.at)).map(({at: _at, ...survivor}) => survivor)
}
