import {spawn} from 'node:child_process'
import {mkdir, open, rm} from 'node:fs/promises'

import {SandboxError} from '../errors.js'
import {processAlive, sandboxPaths} from '../store.js'
import {acknowledgedWrites, readState, workloadPaths, writeState, type WorkloadState} from './files.js'

/** Starting and stopping the detached workload process, and what it has done so far. */

/** PGlite's first load is slow on a busy machine: the workload may take this long to say it is running. */
const START_TIMEOUT_MS = 120_000
const STOP_TIMEOUT_MS = 30_000
const POLL_MS = 100

export interface WorkloadStatus {
  running: boolean
  pid?: number
  rate?: number
  globalCluster?: string
  status?: WorkloadState['status']
  error?: string
  acknowledged: {orders: number; heartbeats: number; lastOrderId?: number; lastHeartbeat?: string}
  /** The record of acknowledged writes (JSON lines) and the process's output. */
  acksPath: string
  outputPath: string
}

const pause = () => new Promise((resolve) => setTimeout(resolve, POLL_MS))

export async function workloadStatus(home: string): Promise<WorkloadStatus> {
  const state = await readState(home)
  const writes = await acknowledgedWrites(home)
  const orders = writes.filter((write) => write.kind === 'order')
  const heartbeats = writes.filter((write) => write.kind === 'heartbeat')
  const running = state !== undefined && ['starting', 'running'].includes(state.status) && processAlive(state.pid)
  const paths = workloadPaths(home)
  return {
    running,
    pid: state?.pid,
    rate: state?.rate,
    globalCluster: state?.globalCluster,
    status: state && !running && state.status === 'running' ? 'stopped' : state?.status,
    error: state?.error,
    acknowledged: {
      orders: orders.length,
      heartbeats: heartbeats.length,
      lastOrderId: orders.at(-1)?.id,
      lastHeartbeat: heartbeats.at(-1)?.ts,
    },
    acksPath: paths.acks,
    outputPath: paths.output,
  }
}

/**
 * Starts `command` (the hidden `drctl sandbox workload run`) detached, with its output in workload.log, and waits
 * until it has created its tables and runs. One workload per sandbox home.
 */
export async function startWorkload(
  home: string,
  rate: number,
  command: {file: string; args: string[]},
): Promise<WorkloadStatus> {
  if (!(rate > 0 && rate <= 100)) throw new SandboxError('bad-argument', `--rate must be from 0 to 100, not ${rate}`)
  const before = await workloadStatus(home)
  if (before.running) {
    throw new SandboxError('bad-argument', `a workload is already running (pid ${before.pid})`, {
      hint: 'stop it first: drctl sandbox workload stop',
    })
  }
  await mkdir(sandboxPaths(home).dir, {recursive: true})
  const output = await open(workloadPaths(home).output, 'w')
  const child = spawn(command.file, command.args, {
    detached: true,
    stdio: ['ignore', output.fd, output.fd],
    env: {...process.env, DRCTL_SANDBOX_HOME: home},
  })
  child.unref()
  await output.close()
  const pid = child.pid as number
  await writeState(home, {status: 'starting', pid, rate, startedAt: Date.now()})
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    const state = await readState(home)
    if (state?.status === 'running') return workloadStatus(home)
    if (state?.status === 'failed' || !processAlive(pid)) {
      throw new SandboxError('bad-argument', `the workload did not start: ${state?.error ?? 'it exited'}`, {
        hint: `see ${workloadPaths(home).output}`,
      })
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGTERM')
      throw new SandboxError('bad-argument', 'the workload did not start in time', {
        hint: `see ${workloadPaths(home).output}`,
      })
    }
    await pause()
  }
}

/** Stops the workload (SIGTERM: it finishes the write under way) and waits until it has exited. */
export async function stopWorkload(home: string): Promise<WorkloadStatus & {wasRunning: boolean}> {
  const state = await readState(home)
  const wasRunning = state !== undefined && processAlive(state.pid) && state.status !== 'stopped'
  if (state && wasRunning) {
    process.kill(state.pid, 'SIGTERM')
    const deadline = Date.now() + STOP_TIMEOUT_MS
    while (processAlive(state.pid) && Date.now() < deadline) await pause()
    if (processAlive(state.pid)) process.kill(state.pid, 'SIGKILL')
    if ((await readState(home))?.status !== 'stopped') await writeState(home, {...state, status: 'stopped'})
  }
  return {...(await workloadStatus(home)), wasRunning}
}

/** Forgets the workload's record (a sandbox reset starts with empty databases). */
export async function removeWorkloadRecord(home: string): Promise<void> {
  await rm(workloadPaths(home).acks, {force: true})
}

/** One line on what the workload is doing and has done. */
export function workloadSummary(status: WorkloadStatus): string {
  const {orders, heartbeats, lastOrderId} = status.acknowledged
  const state = status.running
    ? `running (pid ${status.pid}, ${status.rate} orders/s into ${status.globalCluster})`
    : `not running${status.error ? ` (${status.error})` : ''}`
  const done = `${orders} orders acknowledged${lastOrderId === undefined ? '' : ` (last id ${lastOrderId})`}, ${heartbeats} heartbeats`
  return `workload ${state}; ${done}; record: ${status.acksPath}`
}
