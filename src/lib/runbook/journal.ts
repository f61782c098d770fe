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
  pid: number
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
  | {type: 'run-resume'; at: string; pid: number}
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
 * Append-only JSON lines, each one fsynced before the call that follows it: after a crash (even kill -9), the
 * journal says exactly what was started and what was confirmed done.
 */
export class Journal {
  private readonly fd: number

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a')
  }

  append(event: JournalEvent): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`)
    fsyncSync(this.fd)
  }

  close(): void {
    closeSync(this.fd)
  }

  /** Every complete event; a last line cut short by a crash is ignored. */
  static read(path: string): JournalEvent[] {
    const events: JournalEvent[] = []
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue
      try {
        events.push(JSON.parse(line) as JournalEvent)
      } catch {
        break
      }
    }
    return events
  }
}
