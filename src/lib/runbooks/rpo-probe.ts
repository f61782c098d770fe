import type {AwsPorts} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import type {ProgressListener} from '../core/events.js'
import {DrctlError} from '../core/errors.js'
import {heartbeatTable} from '../reconcile/heartbeat.js'
import {type GlobalClusterRpo, measureRpo} from '../reconcile/measure.js'
import {observe} from '../topology/observe.js'
import {type FailoverHeartbeat, readFailoverHeartbeat} from './heartbeat-step.js'
import {type ReconciledRun, reconciledRun} from './reconcile-facts.js'

/** What `drctl rpo probe` measured. */
export interface RpoProbe {
  measuredAt: string
  /** Now, through each global cluster's writer: its newest heartbeat, and each secondary's RPO lag. */
  clusters: GlobalClusterRpo[]
  /** The newest unplanned failover (or the one asked for): its new primary's newest heartbeat before it. */
  failover?: {runId: string; failoverAt: string; now: FailoverHeartbeat; atFailover?: FailoverHeartbeat}
  /** Why no failover was measured (none was unplanned, or it has not finished). */
  noFailover?: string
}

export interface ProbeRequest {
  home: string
  topologyKey: string
  runId?: string
  emit?: ProgressListener
}

/** The error a probe that measured nothing at all (every read failed) ends with, naming the first cause; else none. */
export function probeFailure(probe: RpoProbe): DrctlError | undefined {
  const measured =
    probe.clusters.some((cluster) => cluster.heartbeat !== undefined || cluster.secondaries.length > 0) ||
    (probe.failover !== undefined && probe.failover.now.error === undefined)
  if (measured) return undefined
  const why =
    probe.clusters.flatMap((cluster) => cluster.problems)[0] ??
    probe.failover?.now.error ??
    'no global cluster of drctl.yaml was found'
  return new DrctlError('DRCTL_AWS_ERROR', `nothing could be measured: ${why}`, {result: probe})
}

/** The failover asked for (its problems are errors), else the newest unplanned one, if it moved a measured cluster. */
function failoverToMeasure(request: ProbeRequest, globalClusterId: string | undefined): ReconciledRun | {why: string} {
  try {
    const run = reconciledRun(request.home, request.topologyKey, request.runId, globalClusterId)
    if ('why' in run && request.runId) throw new DrctlError('DRCTL_USAGE', run.why)
    return run
  } catch (error) {
    if (request.runId || !(error instanceof DrctlError)) throw error
    return {why: error.message}
  }
}

/**
 * Measures RPO on request: now, through each writer; and for the newest unplanned failover, the newest heartbeat its
 * new primary had before it (read again: the failover may not have been able to, and an append-only heartbeat
 * table keeps the answer). Reads only.
 */
export async function probeRpo(config: DrctlConfig, aws: AwsPorts, request: ProbeRequest): Promise<RpoProbe> {
  const heartbeats = heartbeatTable(config)
  if (!heartbeats) {
    throw new DrctlError('DRCTL_USAGE', 'drctl.yaml has no rpo section: nothing names the heartbeat table to read', {
      hints: [
        'add rpo: {heartbeatTable: heartbeat, heartbeatColumn: ts} (the secret is reconcile.secretArn or rpo.secretArn)',
      ],
    })
  }
  const run = failoverToMeasure(
    request,
    heartbeats.globalClusters.length === 1 ? heartbeats.globalClusters[0] : undefined,
  )
  const topology = await observe(config, aws, {parts: ['aurora'], emit: request.emit})
  const failover =
    'why' in run
      ? undefined
      : readFailoverHeartbeat(aws, run.move, heartbeats, run.failoverAt).then((now) => ({
          runId: run.id,
          failoverAt: run.failoverAt,
          now,
          ...(run.heartbeat ? {atFailover: run.heartbeat} : {}),
        }))
  // One clock for the whole probe: the heartbeats' ages are as of the time it says it measured.
  const now = Date.now()
  const [clusters, measured] = await Promise.all([
    measureRpo(aws, topology, heartbeats, {now, emit: request.emit}),
    failover,
  ])
  return {
    measuredAt: new Date(now).toISOString(),
    clusters,
    ...(measured ? {failover: measured} : {}),
    ...('why' in run ? {noFailover: run.why} : {}),
  }
}
