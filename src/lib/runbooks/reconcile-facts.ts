import type {AwsPorts, DbCluster, DbClusterSnapshot, DbInstance} from '../aws/ports.js'
import {DrctlError} from '../core/errors.js'
import type {RunStartEvent} from '../runbook/journal.js'
import {isFinished, listRuns, loadRun, type RunSummary} from '../runbook/runs.js'
import {failoverAtKey, type GlobalMove} from './aurora-steps.js'
import type {FailoverParams} from './failover.js'
import {SYSTEM_SNAPSHOT_PREFIX} from './fallback-facts.js'
import {type FailoverHeartbeat, heartbeatKey} from './heartbeat-step.js'
import {declaredEach, readsOnly} from '../aws/iam-calls.js'

/** The unplanned failover a reconcile looks at, as its journal tells it. */
export interface ReconciledRun {
  id: string
  dir: string
  mode: 'unplanned' | 'detach'
  move: GlobalMove
  /** The old primary: the cluster whose unreplicated writes were lost. */
  oldPrimary: {clusterId: string; region: string}
  failoverAt: string
  /** The replication lag seen at failover (the data-loss estimate); null when none was seen. */
  lossMs: number | null
  /** The newest heartbeat the failover found in the new primary (drctl.yaml `rpo`), when it measured one. */
  heartbeat?: FailoverHeartbeat
}

/** Live facts about the old primary: its snapshot after a managed failover, its settings for the restore. */
export interface ReconcileFacts {
  run: ReconciledRun
  snapshot?: DbClusterSnapshot
  oldCluster?: DbCluster
  oldInstances: DbInstance[]
  /** The cluster the failover made the writer, which the comparison reads through the Data API (absent: gone). */
  newPrimary?: DbCluster
}

const UNPLANNED = 'failover-unplanned'

/** Why a run has nothing to reconcile (a planned failover, a run that did not finish), or undefined. */
function nothingToReconcile(summary: RunSummary, start: RunStartEvent | undefined): string | undefined {
  if (summary.kind !== UNPLANNED || !start)
    return `run ${summary.id} is a ${summary.kind} run: only an unplanned failover (managed or detach-and-promote) can lose writes`
  if (!isFinished(summary))
    return `run ${summary.id} has not finished (${summary.status}): resume it (drctl runs resume ${summary.id}) first`
  return undefined
}

/**
 * The run to reconcile: `runId`, else the newest unplanned failover of the topology. `{why}` when there is nothing
 * to reconcile (exit 0).
 */
export function reconciledRun(
  home: string,
  topologyKey: string,
  runId: string | undefined,
  globalClusterId: string | undefined,
): ReconciledRun | {why: string} {
  const id =
    runId ?? listRuns(home).find((run) => run.kind === UNPLANNED && run.topologyKey === topologyKey)?.id ?? undefined
  if (!id) return {why: 'no unplanned failover has been run on this topology: nothing can have been lost'}
  const {summary, events} = loadRun(home, id)
  const start = events.find((event): event is RunStartEvent => event.type === 'run-start')
  const why = nothingToReconcile(summary, start)
  if (why || !start) return {why: why ?? ''}
  const params = start.params as FailoverParams
  const move = params.moves.find((candidate) => !globalClusterId || candidate.globalClusterId === globalClusterId)
  if (!move) {
    throw new DrctlError('DRCTL_USAGE', `run ${id} did not move ${globalClusterId ?? 'any global cluster'}`, {
      hints: [`it moved: ${params.moves.map((candidate) => candidate.globalClusterId).join(', ') || 'none'}`],
    })
  }
  const before = start.before?.aurora.find((view) => view.globalCluster === move.globalClusterId)
  const old = before?.members.find((member) => member.region === move.fromRegion)
  if (!old)
    throw new DrctlError(
      'DRCTL_USAGE',
      `run ${id} does not say which cluster was the writer of ${move.globalClusterId}`,
    )
  const failoverAt = events.find(
    (event) => event.type === 'record' && event.key === failoverAtKey(move.globalClusterId),
  )
  const rpo = start.evidence.rpo as {ms?: number | null} | undefined
  const measured = events.find((event) => event.type === 'record' && event.key === heartbeatKey(move.globalClusterId))
  return {
    id,
    dir: summary.dir,
    mode: params.mode === 'detach' ? 'detach' : 'unplanned',
    move,
    oldPrimary: {clusterId: old.clusterId, region: move.fromRegion},
    failoverAt: failoverAt?.type === 'record' ? String(failoverAt.value) : start.at,
    lossMs: rpo?.ms ?? null,
    ...(measured?.type === 'record' ? {heartbeat: measured.value as FailoverHeartbeat} : {}),
  }
}

/** What reconcile reads to plan: the old primary, its instances and snapshots (and a teardown, leftover clusters). */
export const RECONCILE_FACT_READS = {
  calls: readsOnly(declaredEach('RDS', ['DescribeDBClusters', 'DescribeDBInstances', 'DescribeDBClusterSnapshots'])),
}

/**
 * Reads the old primary (and, after a managed failover, the snapshot Aurora took of it when it rejoined), and the new
 * primary the comparison will read.
 */
export async function gatherReconcileFacts(aws: AwsPorts, run: ReconciledRun): Promise<ReconcileFacts> {
  const rds = aws.rds(run.oldPrimary.region)
  const {clusterId} = run.oldPrimary
  const [oldCluster, oldInstances, snapshots, newPrimary] = await Promise.all([
    rds.describeDbCluster(clusterId),
    rds.describeDbInstances([clusterId]),
    rds.describeDbClusterSnapshots({clusterId, type: run.mode === 'unplanned' ? 'automated' : 'manual'}),
    aws.rds(run.move.targetRegion).describeDbCluster(run.move.targetClusterId),
  ])
  // After a detach, `drctl fallback` snapshots the old primary before it retires it (or an earlier reconcile did).
  const prefix = run.mode === 'unplanned' ? SYSTEM_SNAPSHOT_PREFIX : 'drctl-reconcile-'
  const snapshot = snapshots
    .filter((candidate) => candidate.id.startsWith(`${prefix}${clusterId}-`) && candidate.status === 'available')
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0]
  return {run, snapshot, oldCluster, oldInstances, newPrimary}
}

/** A temporary cluster an interrupted or failed reconcile left behind. */
export interface ReconcileLeftover {
  clusterId: string
  region: string
  instanceIds: string[]
}

export const TEMPORARY_CLUSTER_PREFIX = 'drctl-reconcile-'

/** The temporary reconcile clusters in these Regions, with their instances (what `teardown` deletes too). */
export async function reconcileLeftovers(aws: AwsPorts, regions: string[]): Promise<ReconcileLeftover[]> {
  const perRegion = await Promise.all(
    regions.map(async (region) => {
      const rds = aws.rds(region)
      const clusters = (await rds.describeDbClusters()).filter((cluster) =>
        cluster.id.startsWith(TEMPORARY_CLUSTER_PREFIX),
      )
      if (clusters.length === 0) return []
      const instances = await rds.describeDbInstances(clusters.map((cluster) => cluster.id))
      return clusters.map((cluster) => ({
        clusterId: cluster.id,
        region,
        instanceIds: instances.filter((instance) => instance.clusterId === cluster.id).map((instance) => instance.id),
      }))
    }),
  )
  return perRegion.flat()
}
