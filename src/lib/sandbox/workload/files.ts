import {appendFile, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {sandboxPaths, writeAtomically} from '../store.js'

/** The workload's files beside the world: its state, its record of acknowledged writes, its output. */
export function workloadPaths(home: string) {
  const dir = sandboxPaths(home).dir
  return {state: join(dir, 'workload.json'), acks: join(dir, 'workload.jsonl'), output: join(dir, 'workload.log')}
}

export interface WorkloadState {
  status: 'starting' | 'running' | 'stopped' | 'failed'
  pid: number
  rate: number
  globalCluster?: string
  startedAt: number
  error?: string
}

/** One write the Data API acknowledged (a committed transaction on the writer `cluster`). */
export type AcknowledgedWrite =
  | {kind: 'order'; id: number; customer: string; amount: string; updatedAt: string; cluster: string; ackAt: number}
  | {kind: 'heartbeat'; ts: string; cluster: string; ackAt: number}

export async function readState(home: string): Promise<WorkloadState | undefined> {
  const text = await readFile(workloadPaths(home).state, 'utf8').catch(() => undefined)
  return text === undefined ? undefined : (JSON.parse(text) as WorkloadState)
}

export async function writeState(home: string, state: WorkloadState): Promise<void> {
  await writeAtomically(workloadPaths(home).state, `${JSON.stringify(state)}\n`)
}

export async function recordAck(home: string, write: AcknowledgedWrite): Promise<void> {
  await appendFile(workloadPaths(home).acks, `${JSON.stringify(write)}\n`)
}

/** Every write the workload saw acknowledged, in order (what a test compares with the databases). */
export async function acknowledgedWrites(home: string): Promise<AcknowledgedWrite[]> {
  const text = await readFile(workloadPaths(home).acks, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AcknowledgedWrite)
}
