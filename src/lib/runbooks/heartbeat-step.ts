import {type CallDeclaration, planned} from '../aws/iam-calls.js'
import type {AwsPorts} from '../aws/ports.js'
import {formatDuration} from '../core/clock.js'
import {errorMessage} from '../core/errors.js'
import type {DataApiCluster} from '../reconcile/data-api-source.js'
import {
  HEARTBEAT_EXECUTE as EXECUTE,
  HEARTBEAT_READS,
  type HeartbeatTable,
  newestHeartbeat,
} from '../reconcile/heartbeat.js'
import {MEASURED_RPO_PREFIX} from '../runbook/report.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {failoverAtKey, type GlobalMove} from './aurora-steps.js'

/** What an unplanned failover measured in the new primary: the newest heartbeat that had replicated before it. */
export interface FailoverHeartbeat {
  globalClusterId: string
  clusterId: string
  region: string
  /** The failover's start: heartbeats after it were written to the new primary, not replicated to it. */
  before: string
  /** Null: the table had no heartbeat before the failover. Absent with `error`. */
  newest?: string | null
  /**
   * `before − newest`: the old primary's writes after `newest` are lost; this much of them if it stopped taking writes
   * at the failover, more if it went on (until fenced), less if it had stopped before.
   */
  gapMs?: number
  error?: string
  summary: string
}

export const heartbeatKey = (globalClusterId: string) => `${MEASURED_RPO_PREFIX}${globalClusterId}`

/** Newest heartbeat before the failover, as a sentence for the report. */
function summaryOf(reading: Omit<FailoverHeartbeat, 'summary'>): string {
  if (reading.error) return `not measured in ${reading.clusterId}: ${reading.error} (run drctl rpo probe later)`
  if (!reading.newest) return `no heartbeat in ${reading.clusterId} was written before the failover: not measurable`
  return `the newest heartbeat that reached ${reading.clusterId} was written at ${reading.newest}, ${formatDuration(reading.gapMs ?? 0)} before the failover: the old primary's writes after it are lost, ${formatDuration(reading.gapMs ?? 0)} of them up to the failover (drctl reconcile measures exactly what was lost)`
}

/**
 * The newest heartbeat in a failover's new primary written before `before`; what cannot be read is the reading's
 * `error` (a measurement never throws, unless `signal` was aborted by the caller).
 */
export async function readFailoverHeartbeat(
  aws: AwsPorts,
  move: GlobalMove,
  heartbeats: HeartbeatTable,
  before: string,
  signal?: AbortSignal,
): Promise<FailoverHeartbeat> {
  const cluster = {clusterArn: move.targetClusterArn, clusterId: move.targetClusterId, region: move.targetRegion}
  const base = {globalClusterId: move.globalClusterId, clusterId: cluster.clusterId, region: cluster.region, before}
  let reading: Omit<FailoverHeartbeat, 'summary'>
  try {
    const newest = await newestHeartbeat(aws.rdsData(cluster.region), cluster, heartbeats, {
      before,
      signal,
    })
    reading = {
      ...base,
      newest,
      ...(newest ? {gapMs: Math.max(0, Date.parse(before) - Date.parse(newest))} : {}),
    }
  } catch (error) {
    if (signal?.aborted) throw error
    reading = {...base, error: errorMessage(error)}
  }
  return {...reading, summary: summaryOf(reading)}
}

/**
 * Reads, right after an unplanned failover, the newest heartbeat in the new primary written before it (drctl.yaml
 * `rpo`) and journals it: the measured side of RPO, beside the lag estimate. A measurement never fails the run: an
 * unreadable table is journaled as such, and `drctl rpo probe` reads it again later.
 */
export class HeartbeatStep implements Step {
  static readonly calls: CallDeclaration = HEARTBEAT_READS
  readonly id: string
  readonly title: string

  constructor(
    private readonly move: GlobalMove,
    private readonly heartbeats: HeartbeatTable,
  ) {
    this.id = `heartbeat.${move.globalClusterId}`
    this.title = `Measure RPO: the newest heartbeat in ${move.targetClusterId} written before the failover`
  }

  describe(): PlannedCall[] {
    return [
      planned(
        EXECUTE,
        this.move.targetRegion,
        `newest ${this.heartbeats.table}.${this.heartbeats.column} in ${this.move.targetClusterId} (read only)`,
      ),
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const reading = ctx.recorded<FailoverHeartbeat>(heartbeatKey(this.move.globalClusterId))
    return reading ? {state: 'done', note: reading.summary} : {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const {move} = this
    const before = ctx.recorded<string>(failoverAtKey(move.globalClusterId)) ?? new Date(ctx.clock.now()).toISOString()
    const reading = await readFailoverHeartbeat(ctx.aws, move, this.heartbeats, before, ctx.signal)
    ctx.record(heartbeatKey(move.globalClusterId), reading)
    ctx.progress(reading.summary)
  }

  async verify(): Promise<void> {}
}

/** What reconcile compares the failover's heartbeat reading with: the old primary's copy and the new primary. */
export interface ReconcileHeartbeatSpec {
  heartbeats: HeartbeatTable
  old: DataApiCluster
  current: DataApiCluster
  failoverAt: string
}

/** The newest heartbeat on each side, as reconcile read them (`error` when a side could not be read). */
export interface ReconcileHeartbeats {
  old?: string | null
  current?: string | null
  error?: string
}

export const RECONCILE_HEARTBEATS = 'reconcile.heartbeats'

/**
 * Reads the newest heartbeat the old primary had acknowledged (in its restored copy) and the newest the new primary
 * had before the failover: their distance is the RPO, measured. Like the failover's reading, never fails the run.
 */
export class ReconcileHeartbeatStep implements Step {
  static readonly calls: CallDeclaration = HEARTBEAT_READS
  readonly id = 'reconcile.heartbeats'
  readonly title: string

  constructor(private readonly spec: ReconcileHeartbeatSpec) {
    this.title = `Measure RPO: the newest heartbeat in ${spec.old.clusterId} (old primary's copy) and in ${spec.current.clusterId} before the failover`
  }

  describe(): PlannedCall[] {
    const {old, current, heartbeats} = this.spec
    const what = `newest ${heartbeats.table}.${heartbeats.column}`
    return [
      planned(EXECUTE, old.region, `${what} in ${old.clusterId}`),
      planned(EXECUTE, current.region, `${what} before the failover in ${current.clusterId} (read only)`),
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    return ctx.recorded(RECONCILE_HEARTBEATS) ? {state: 'done', note: 'heartbeats read'} : {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const {old, current, heartbeats, failoverAt} = this.spec
    const read = (cluster: DataApiCluster, before?: string) =>
      newestHeartbeat(ctx.aws.rdsData(cluster.region), cluster, heartbeats, {
        before,
        signal: ctx.signal,
      })
    let reading: ReconcileHeartbeats
    try {
      const [oldNewest, currentNewest] = await Promise.all([read(old), read(current, failoverAt)])
      reading = {old: oldNewest, current: currentNewest}
    } catch (error) {
      if (ctx.signal.aborted) throw error
      reading = {error: errorMessage(error)}
    }
    ctx.record(RECONCILE_HEARTBEATS, reading)
  }

  async verify(): Promise<void> {}
}
