import type {AwsPorts} from '../aws/ports.js'
import type {Check} from '../checks/check.js'
import {type Readiness, readiness} from '../checks/gates.js'
import {statusChecks} from '../checks/status-checks.js'
import type {DrctlConfig} from '../config/schema.js'
import type {Clock} from '../core/clock.js'
import type {ProgressListener} from '../core/events.js'
import {detachedSurvivors} from '../runbook/runs.js'
import {heartbeatTable} from '../reconcile/heartbeat.js'
import {type GlobalClusterRpo, measureRpo} from '../reconcile/measure.js'
import {observe} from '../topology/observe.js'
import type {Topology} from '../topology/views.js'

// `drctl status`: the read-only runbook. Observe, then judge with the same checks the runbooks' gates use.

export interface StatusReport {
  topology: Topology
  checks: Check[]
  readiness: Readiness[]
  /** With drctl.yaml `rpo`: RPO measured through each global cluster's writer. */
  rpo?: GlobalClusterRpo[]
}

export interface StatusOptions {
  emit?: ProgressListener
  /** Where drctl's runs of this topology are journaled: the clusters they detached are shown with their global cluster. */
  runs?: {home: string; topologyKey: string}
}

export async function statusReport(
  config: DrctlConfig,
  aws: AwsPorts,
  options: StatusOptions = {},
): Promise<StatusReport> {
  const survivors = options.runs ? detachedSurvivors(options.runs.home, options.runs.topologyKey) : []
  const topology = await observe(config, aws, {emit: options.emit, survivors})
  const heartbeats = heartbeatTable(config)
  const rpo = heartbeats && (await measureRpo(aws, topology, heartbeats, {now: Date.now(), emit: options.emit}))
  return {
    topology,
    checks: statusChecks(topology, config),
    readiness: readiness(topology, config),
    ...(rpo ? {rpo} : {}),
  }
}

/** The checks that make `drctl status` fail (exit 3): those that fail, and with `strict` those that warn too. */
export function failingChecks(report: StatusReport, options: {strict: boolean}): Check[] {
  return report.checks.filter((check) => check.status === 'fail' || (options.strict && check.status === 'warn'))
}

export interface WatchOptions extends StatusOptions {
  clock: Clock
  intervalMs: number
  /** Aborted on Ctrl-C: the wait ends at once, a report being read is still handed over. */
  signal: AbortSignal
  onReport(report: StatusReport): void
}

/** Reports again every `intervalMs` until the signal aborts; returns the last report. */
export async function watchStatus(
  config: DrctlConfig,
  aws: AwsPorts,
  options: WatchOptions,
): Promise<StatusReport | undefined> {
  let last: StatusReport | undefined
  while (!options.signal.aborted) {
    last = await statusReport(config, aws, {emit: options.emit, runs: options.runs})
    options.onReport(last)
    // The sleep rejects when the signal aborts, which ends the loop.
    await options.clock.sleep(options.intervalMs, options.signal).catch(() => undefined)
  }
  return last
}
