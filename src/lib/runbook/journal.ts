import {closeSync, fsyncSync, openSync, readFileSync, writeSync} from 'node:fs'

import type {CallerIdentity} from '../aws/ports.js'
import type {Check} from '../checks/check.js'
import type {TopologySummary} from '../topology/summary.js'
import type {Milestone, PlannedCall} from './types.js'

export type RunOutcome = 'completed' | 'failed' | 'interrupted' | 'timed-out' | 'abandoned'

export interface PlannedStep {
  id: string
  title: string
  group?: string
  calls: PlannedCall[]
  milestone?: Milestone
}

export interface RunStartEvent {
  type: 'run-start'
  at: string
  runId: string
  kind: string
  title: string
  topology: string
  /** Topology name, prefixed with `sandbox:` for rehearsals: one unfinished run per key. */
  topologyKey: string
  configPath: string
  sandbox: boolean
  params: Record<string, unknown>
  flags: Record<string, unknown>
  caller?: CallerIdentity
  /** The process that drives the run (a run-resume names the next one). */
  pid: number
  host?: string
  gates: Check[]
  plan: PlannedStep[]
  notes: string[]
  followUps: string[]
  evidence: Record<string, unknown>
  excludedRegions: string[]
  before?: TopologySummary
}

export type JournalEvent =
  | RunStartEvent
  /** `damagedLines`: the journal's unreadable lines when resumed (the run was re-derived from live state). */
  | {type: 'run-resume'; at: string; pid: number; host?: string; damagedLines?: number[]}
  /** Written by the next writer after a crash cut line `line` short: that line is a crash artefact, not damage. */
  | {type: 'torn-line'; at: string; line: number}
  | {type: 'step-start'; at: string; step: string}
  | {type: 'step-check'; at: string; step: string; state: string; note?: string}
  | {type: 'step-progress'; at: string; step: string; message: string}
  /** The step's change was requested (or found in flight): from here it waits for AWS. */
  | {type: 'step-wait'; at: string; step: string}
  | {
      type: 'aws-call'
      at: string
      step?: string
      service: string
      operation: string
      region: string
      mutating: boolean
      requestId?: string
      durationMs: number
      error?: {code: string; message: string}
    }
  | {type: 'record'; at: string; step?: string; key: string; value: unknown}
  | {type: 'milestone'; at: string; step: string; name: Milestone}
  /** Work left for the operator (a step deferred past its deadline, a Region the run could not call). */
  | {type: 'follow-up'; at: string; step?: string; message: string}
  /** Written by `drctl runs approve`, possibly from another process while the run waits. */
  | {type: 'approval'; at: string; step: string; by: string}
  | {
      type: 'step-end'
      at: string
      step: string
      /** `deferred`: it failed or missed its deadline and the run went on without it (a follow-up says what is left). */
      status: 'done' | 'skipped' | 'failed' | 'deferred'
      durationMs: number
      error?: string
    }
  | {
      type: 'run-end'
      at: string
      outcome: RunOutcome
      exit: number
      error?: {code: string; message: string}
      after?: TopologySummary
    }

/**
 * A line of a journal that cannot be used. `torn`: the last line cut short by a crash (kill -9 during a write),
 * ignored; `damaged`: anything else (garbage, binary, a line that is not an event), which makes the run's state
 * unknown from there on.
 */
export interface JournalProblem {
  file: string
  /** 1-based. */
  line: number
  kind: 'torn' | 'damaged'
  problem: string
  /** How many readable events precede the line. */
  eventsBefore: number
}

export interface JournalContents {
  events: JournalEvent[]
  problems: JournalProblem[]
}

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array'

// The fields each kind of event must have for drctl to use it: a line without them is damage, not an event.
const EVENT_FIELDS: Record<JournalEvent['type'], Record<string, FieldType>> = {
  'run-start': {
    runId: 'string',
    kind: 'string',
    title: 'string',
    topology: 'string',
    topologyKey: 'string',
    sandbox: 'boolean',
    params: 'object',
    flags: 'object',
    pid: 'number',
    gates: 'array',
    plan: 'array',
    notes: 'array',
    followUps: 'array',
    evidence: 'object',
    excludedRegions: 'array',
  },
  'run-resume': {pid: 'number'},
  'torn-line': {line: 'number'},
  'step-start': {step: 'string'},
  'step-check': {step: 'string', state: 'string'},
  'step-progress': {step: 'string', message: 'string'},
  'step-wait': {step: 'string'},
  'aws-call': {service: 'string', operation: 'string', region: 'string', mutating: 'boolean', durationMs: 'number'},
  record: {key: 'string'},
  milestone: {step: 'string', name: 'string'},
  'follow-up': {message: 'string'},
  approval: {step: 'string', by: 'string'},
  'step-end': {step: 'string', status: 'string', durationMs: 'number'},
  'run-end': {outcome: 'string', exit: 'number'},
}

const typeOf = (value: unknown): string =>
  Array.isArray(value) ? 'array' : value === null ? 'null' : (typeof value as string)

const isPlannedStep = (step: unknown) =>
  typeOf(step) === 'object' &&
  typeof (step as PlannedStep).id === 'string' &&
  typeof (step as PlannedStep).title === 'string'

/** What is wrong with a line as an event, or undefined if it is one. */
function eventProblem(line: string): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return 'not JSON'
  }
  if (typeOf(value) !== 'object') return `not an event (${typeOf(value)})`
  const event = value as Record<string, unknown>
  const fields = EVENT_FIELDS[event.type as JournalEvent['type']] as Record<string, FieldType> | undefined
  if (typeof event.type !== 'string' || !fields) return `not an event of a known type (${String(event.type)})`
  const missing = Object.entries({at: 'string', ...fields}).filter(([field, type]) => typeOf(event[field]) !== type)
  if (missing.length > 0) return `a ${event.type} event without ${missing.map(([field]) => field).join(', ')}`
  if (event.type === 'run-start' && !(event.plan as unknown[]).every(isPlannedStep)) {
    return 'a run-start event whose plan is not a list of steps'
  }
  return undefined
}

/** What a write cut short by a crash leaves: the start of an event as drctl writes it, printable, no newline. */
const looksTorn = (line: string) => /^\{"type":"[a-z-]*("|$)/.test(line) && !/[\p{Cc}\ufffd]/u.test(line)

/**
 * Every readable event, and every line that is not one. The last line of a file that does not end in a newline
 * and reads like the start of an event is torn (a crash during the write); so is a line that the next writer
 * marked with a `torn-line` event. Any other unreadable line is damage: it is named, never skipped silently.
 */
export function readJournal(path: string): JournalContents {
  const text = readFileSync(path, 'utf8')
  const lines = text.split('\n')
  // The text after the last newline: '' when the file ends with one, as every complete write does.
  const tail = lines.length - 1
  const events: JournalEvent[] = []
  const problems: JournalProblem[] = []
  lines.forEach((line, index) => {
    if (!line.trim()) return
    const problem = eventProblem(line)
    if (!problem) {
      events.push(JSON.parse(line) as JournalEvent)
      return
    }
    const torn = looksTorn(line) && (index === tail || marksTorn(lines[index + 1] ?? '', index + 1))
    problems.push({
      file: path,
      line: index + 1,
      kind: torn ? 'torn' : 'damaged',
      problem: torn ? 'cut short by a crash' : problem,
      eventsBefore: events.length,
    })
  })
  if (events.length === 0 && problems.length === 0) {
    problems.push({file: path, line: 1, kind: 'damaged', problem: 'the journal is empty', eventsBefore: 0})
  }
  return {events, problems}
}

/** Whether `line` is the mark a writer left after line `torn`, which a crash had cut short. */
function marksTorn(line: string, torn: number): boolean {
  if (eventProblem(line) !== undefined) return false
  const event = JSON.parse(line) as JournalEvent
  return event.type === 'torn-line' && event.line === torn
}

/**
 * Append-only JSON lines, each one fsynced before the call that follows it: after a crash (even kill -9), the
 * journal says exactly what was started and what was confirmed done.
 */
export class Journal {
  private readonly fd: number

  /** Opens for appending; a last line cut short by a crash is closed off first, and marked if it was a torn write. */
  constructor(
    readonly path: string,
    now: () => string = () => new Date().toISOString(),
    /** Told after each event is on disk (the team state mirror copies it to the table then). */
    private readonly afterAppend?: () => void,
  ) {
    const text = readFileSync(path, {encoding: 'utf8', flag: 'a+'})
    this.fd = openSync(path, 'a')
    if (text === '' || text.endsWith('\n')) return
    writeSync(this.fd, '\n')
    const lines = text.split('\n')
    if (looksTorn(lines.at(-1) ?? '')) this.append({type: 'torn-line', at: now(), line: lines.length})
    else fsyncSync(this.fd)
  }

  append(event: JournalEvent): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`)
    fsyncSync(this.fd)
    this.afterAppend?.()
  }

  close(): void {
    closeSync(this.fd)
  }

  /**
   * One event from another process while the run's own process writes (an approval): a single append, with no
   * repair of the last line, which may be that process's write in flight.
   */
  static appendAlongside(path: string, event: JournalEvent): void {
    const fd = openSync(path, 'a')
    try {
      writeSync(fd, `${JSON.stringify(event)}\n`)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
}
