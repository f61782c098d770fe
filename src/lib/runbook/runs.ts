import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {DrctlError} from '../core/errors.js'
import {runsDir} from '../core/paths.js'
import {Journal, type JournalEvent, type RunOutcome, type RunStartEvent} from './journal.js'

export type RunStatus = RunOutcome | 'running' | 'stopped'

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
  topologyKey: string
  sandbox: boolean
  startedAt: string
  endedAt?: string
  /** `running`: a live process holds the run; `stopped`: it ended without a last word (crash, kill -9). */
  status: RunStatus
  /** Mutating calls AWS accepted: a run that changed nothing does not block the next one. */
  changes: number
  exit?: number
  error?: {code: string; message: string}
  steps: StepSummary[]
  dir: string
}

/** A finished run cannot be resumed; anything else (failed, interrupted, timed out, crashed) can. */
export function isFinished(status: RunStatus): boolean {
  return status === 'completed' || status === 'abandoned'
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

export function summarize(runId: string, dir: string, events: JournalEvent[]): RunSummary | undefined {
  const start = events.find((event): event is RunStartEvent => event.type === 'run-start')
  if (!start) return undefined
  const steps = new Map<string, StepSummary>(
    start.plan.map((step) => [step.id, {id: step.id, title: step.title, status: 'pending'}]),
  )
  let end: Extract<JournalEvent, {type: 'run-end'}> | undefined
  let abandoned: string | undefined
  let changes = 0
  for (const event of events) {
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
      if (event.outcome === 'abandoned') abandoned = event.at
    } else if (event.type === 'run-resume') {
      end = undefined
    }
  }
  const status: RunStatus = end ? end.outcome : lockHolderAlive(dir) ? 'running' : 'stopped'
  return {
    id: runId,
    kind: start.kind,
    title: start.title,
    topology: start.topology,
    topologyKey: start.topologyKey,
    sandbox: start.sandbox,
    startedAt: start.at,
    endedAt: end?.at ?? abandoned,
    status,
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
  const events = Journal.read(path)
  const summary = summarize(runId, runDirectory(home, runId), events)
  if (!summary) throw new DrctlError('DRCTL_USAGE', `run ${runId} has no start record; its journal is empty`)
  return {summary, events}
}

/** An unfinished run (one that `runs abandon` may abandon): a completed or abandoned one is refused. */
export function unfinishedRun(home: string, runId: string): RunSummary {
  const {summary} = loadRun(home, runId)
  if (isFinished(summary.status)) throw new DrctlError('DRCTL_USAGE', `run ${summary.id} is already ${summary.status}`)
  return summary
}

/**
 * A run `runs resume` may drive: unfinished, not driven by a live process, and resumed against what it ran on (the
 * sandbox, or AWS).
 */
export function resumableRun(
  home: string,
  runId: string,
  sandbox: boolean,
): {summary: RunSummary; start: RunStartEvent} {
  const {summary, events} = loadRun(home, runId)
  if (isFinished(summary.status))
    throw new DrctlError('DRCTL_USAGE', `run ${summary.id} is ${summary.status}; there is nothing to resume`)
  if (summary.status === 'running') {
    throw new DrctlError('DRCTL_RUN_IN_PROGRESS', `run ${summary.id} is still being driven by another drctl process`)
  }
  const start = events.find((event): event is RunStartEvent => event.type === 'run-start') as RunStartEvent
  if (start.sandbox !== sandbox) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `run ${summary.id} ran ${start.sandbox ? 'on the sandbox: add --sandbox' : 'against AWS: drop --sandbox'}`,
    )
  }
  return {summary, start}
}

/** Every run with its journal, newest first. */
export function loadRuns(home: string): {summary: RunSummary; events: JournalEvent[]}[] {
  const root = runsDir(home)
  if (!existsSync(root)) return []
  return readdirSync(root, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && existsSync(journalPath(home, entry.name)))
    .flatMap((entry) => {
      const events = Journal.read(journalPath(home, entry.name))
      const summary = summarize(entry.name, runDirectory(home, entry.name), events)
      return summary ? [{summary, events}] : []
    })
    .sort((a, b) => b.summary.startedAt.localeCompare(a.summary.startedAt) || b.summary.id.localeCompare(a.summary.id))
}

/** Every run, newest first. */
export function listRuns(home: string): RunSummary[] {
  return loadRuns(home).map((run) => run.summary)
}

/** Refuses a second mutating run on a topology while one is unfinished (design.md §5). */
export function assertNoUnfinishedRun(home: string, topologyKey: string): void {
  // A run that ended having changed nothing (refused at its first call, interrupted before it) leaves nothing to finish.
  const unfinished = listRuns(home).filter(
    (run) =>
      run.topologyKey === topologyKey &&
      !isFinished(run.status) &&
      (run.status === 'running' || run.status === 'stopped' || run.changes > 0),
  )
  const run = unfinished[0]
  if (!run) return
  const state = run.status === 'running' ? 'is still running' : `stopped unfinished (${run.status})`
  throw new DrctlError('DRCTL_RUN_IN_PROGRESS', `run ${run.id} (${run.title}) ${state}; finish it first`, {
    hints: [
      `resume it: drctl runs resume ${run.id}${run.sandbox ? ' --sandbox' : ''}`,
      `or, if you have dealt with it by hand: drctl runs abandon ${run.id}`,
    ],
    details: {runId: run.id, status: run.status},
  })
}

// ---- Locks -------------------------------------------------------------------------------------------------------

const LOCK_FILE = 'lock'

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function lockHolderAlive(dir: string): boolean {
  const path = join(dir, LOCK_FILE)
  if (!existsSync(path)) return false
  const pid = Number(readFileSync(path, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)
}

/** One process at a time drives a run; a lock left by a dead process (kill -9) is taken over. */
export function lockRun(dir: string): () => void {
  if (lockHolderAlive(dir)) {
    const pid = readFileSync(join(dir, LOCK_FILE), 'utf8').trim()
    throw new DrctlError('DRCTL_RUN_IN_PROGRESS', `this run is being driven by another drctl process (pid ${pid})`, {
      hints: ['wait for it to finish, or stop that process first'],
    })
  }
  writeFileSync(join(dir, LOCK_FILE), String(process.pid))
  return () => rmSync(join(dir, LOCK_FILE), {force: true})
}

/** Serializes "check for unfinished runs, then create one" across processes. */
export async function withTopologyLock<T>(home: string, topologyKey: string, task: () => Promise<T>): Promise<T> {
  const root = runsDir(home)
  mkdirSync(root, {recursive: true})
  const lock = join(root, `.${topologyKey.replace(/[^\w.-]/g, '_')}.lock`)
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock)
      writeFileSync(join(lock, 'pid'), String(process.pid))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : 0)
      // No pid yet: its holder may be between mkdir and write; give it a moment before calling it stale.
      const stale = holder ? !pidAlive(holder) : attempt > 5
      if (stale || attempt > 100) rmSync(lock, {recursive: true, force: true})
      else await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  try {
    return await task()
  } finally {
    rmSync(lock, {recursive: true, force: true})
  }
}

/** Clusters drctl detached from their global cluster (journaled by unplanned failovers with --detach), oldest first. */
export function detachedSurvivors(
  home: string,
  topologyKey: string,
): {globalClusterId: string; clusterArn: string; runId: string}[] {
  const survivors: {globalClusterId: string; clusterArn: string; runId: string; at: string}[] = []
  for (const run of listRuns(home).filter((candidate) => candidate.topologyKey === topologyKey)) {
    for (const event of Journal.read(journalPath(home, run.id))) {
      if (event.type !== 'record' || !event.key.startsWith('orphaned.')) continue
      const value = event.value as {globalClusterId?: string; survivor?: string}
      if (value.globalClusterId && value.survivor) {
        survivors.push({
          globalClusterId: value.globalClusterId,
          clusterArn: value.survivor,
          runId: run.id,
          at: event.at,
        })
      }
    }
  }
  return survivors.sort((a, b) => a.at.localeCompare(b.at)).map(({at: _at, ...survivor}) => survivor)
}
