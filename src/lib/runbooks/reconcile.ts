import {join} from 'node:path'

import {type Check, fail, ok} from '../checks/check.js'
import type {DrctlConfig} from '../config/schema.js'
import {formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {DbCluster} from '../aws/ports.js'
import type {RunPlan} from '../runbook/types.js'
import {boundedIdentifier} from './fallback-facts.js'
import {heartbeatTable} from '../reconcile/heartbeat.js'
import type {CompareSpec} from './reconcile-compare-step.js'
import {type ReconcileFacts, TEMPORARY_CLUSTER_PREFIX} from './reconcile-facts.js'
import {type ItemSpec, itemsFromSpecs, type StepSpec} from './step-specs.js'

export const RECONCILE = 'reconcile'
/** Rows per Data API page: far below its 1 MiB answer limit for ordinary rows, few calls for large tables. */
const RECONCILE_PAGE_SIZE = 500
/** Instances drctl.yaml cannot tell: the temporary cluster's one instance when the old primary has none to copy. */
const DEFAULT_INSTANCE_CLASS = 'db.r6g.large'

export interface ReconcileRequest {
  /** Added to the replication lag when the window is computed. */
  marginMs: number
  wholeTables: boolean
  /** `YYYYMMDDhhmmss`: names the findings folder (and, after a detach, the snapshot taken). */
  stamp: string
  pageSize?: number
}

/** `drctl-reconcile-<the run's stamp and suffix>`: one temporary cluster per reconciled run, found again on resume. */
export function temporaryClusterId(runId: string): string {
  const suffix = /-([0-9a-f]{4})$/.exec(runId)?.[1] ?? 'run'
  const stamp = /^(\d{8}-\d{6})/.exec(runId)?.[1] ?? ''
  return boundedIdentifier(TEMPORARY_CLUSTER_PREFIX.slice(0, -1), `${stamp}-${suffix}`.replace(/^-/, ''))
}

/** Lower bound of the window: the failover, less the lag then and a margin; none without a lag estimate. */
function windowStart(facts: ReconcileFacts, request: ReconcileRequest): string | undefined {
  if (request.wholeTables || facts.run.lossMs === null) return undefined
  return new Date(Date.parse(facts.run.failoverAt) - facts.run.lossMs - request.marginMs).toISOString()
}

/**
 * The comparison reads the new primary through the RDS Data API: checked before anything is restored, since a
 * restore takes many minutes. drctl does not enable it there itself: that changes the production writer.
 */
function newPrimaryGate(run: ReconcileFacts['run'], newPrimary: DbCluster | undefined): Check {
  const {targetClusterId: id, targetClusterArn: arn, targetRegion: region} = run.move
  if (!newPrimary) {
    return fail(
      'gate.reconcile.new-primary',
      `the new primary ${id} cannot be found in ${region}: nothing to compare with`,
    )
  }
  if (newPrimary.httpEndpointEnabled !== true) {
    return fail(
      'gate.reconcile.new-primary',
      `the RDS Data API is not enabled on the new primary ${id} (${region}), which the comparison reads: enable it ` +
        `(aws rds enable-http-endpoint --resource-arn ${arn} --region ${region}), then run drctl reconcile again`,
    )
  }
  return ok('gate.reconcile.new-primary', `the new primary ${id} (${region}) has the RDS Data API enabled`)
}

/**
 * runbook-spec R4, done as drctl does every change: find the old primary's data (the snapshot Aurora took when it
 * rejoined after a managed failover; after detach-and-promote, a snapshot of the orphaned old primary taken now),
 * restore it to a temporary cluster with one instance and the Data API, compare, delete the temporary cluster
 * whatever the comparison did, then write the report.
 */
export function planReconcile(config: DrctlConfig, facts: ReconcileFacts, request: ReconcileRequest): RunPlan {
  const reconcile = config.reconcile
  if (!reconcile) {
    throw new DrctlError('DRCTL_USAGE', 'drctl.yaml has no reconcile section: nothing says which tables to compare', {
      hints: [
        'add reconcile: {secretArn: <Secrets Manager ARN>, tables: [{name: orders, key: [id], updatedAt: updated_at}]}',
      ],
    })
  }
  const {run, oldCluster} = facts
  const region = run.oldPrimary.region
  const clusterId = temporaryClusterId(run.id)
  const gates: Check[] = []
  const items: ItemSpec[] = []
  let snapshotId = facts.snapshot?.id
  if (run.mode === 'unplanned') {
    gates.push(
      facts.snapshot
        ? ok('gate.reconcile.snapshot', `${facts.snapshot.id} (${region}) holds the old primary's last data`)
        : fail(
            'gate.reconcile.snapshot',
            `no ${`rds:unplanned-global-failover-${run.oldPrimary.clusterId}-*`} snapshot in ${region} yet: Aurora takes it when ${region} recovers and the old primary rejoins ${run.move.globalClusterId} as a secondary; wait for that (drctl status shows the member), then run drctl reconcile again`,
          ),
    )
  } else if (!facts.snapshot && oldCluster) {
    snapshotId = boundedIdentifier(`drctl-reconcile-${run.oldPrimary.clusterId}`, request.stamp)
    items.push({kind: 'snapshot-cluster', clusterId: run.oldPrimary.clusterId, region, snapshotId})
  } else if (!facts.snapshot) {
    gates.push(
      fail(
        'gate.reconcile.snapshot',
        `the orphaned old primary ${run.oldPrimary.clusterId} cannot be found in ${region}: nothing holds its last data`,
      ),
    )
  }
  gates.push(newPrimaryGate(run, facts.newPrimary))
  const engine = facts.snapshot?.engine ?? oldCluster?.engine ?? 'aurora-postgresql'
  const account = run.move.targetClusterArn.split(':')[4] ?? ''
  const partition = run.move.targetClusterArn.split(':')[1] ?? 'aws'
  const compare: CompareSpec = {
    tables: reconcile.tables,
    secretArn: reconcile.secretArn,
    database: reconcile.database,
    old: {clusterArn: `arn:${partition}:rds:${region}:${account}:cluster:${clusterId}`, clusterId, region},
    current: {
      clusterArn: run.move.targetClusterArn,
      clusterId: run.move.targetClusterId,
      region: run.move.targetRegion,
    },
    since: windowStart(facts, request),
    // One folder per reconcile: running it again never overwrites the findings of an earlier one.
    dir: join(run.dir, `reconcile-${request.stamp}`),
    pageSize: request.pageSize ?? RECONCILE_PAGE_SIZE,
  }
  const instanceId = boundedIdentifier(clusterId, '1')
  const table = heartbeatTable(config)
  const heartbeats = table?.globalClusters.includes(run.move.globalClusterId) ? table : undefined
  const steps: StepSpec[] = [
    {
      kind: 'reconcile-restore',
      restore: {
        clusterId,
        region,
        snapshotId: snapshotId ?? '',
        engine,
        engineVersion: facts.snapshot?.engineVersion ?? oldCluster?.engineVersion,
        subnetGroup: oldCluster?.subnetGroup,
        securityGroupIds: oldCluster?.securityGroupIds,
        kmsKeyId: facts.snapshot?.kmsKeyId ?? oldCluster?.kmsKeyId,
        tags: {'drctl:purpose': 'reconcile', 'drctl:run': run.id, 'drctl:topology': config.name},
      },
    },
    {
      kind: 'reconcile-instance',
      instance: {
        instanceId,
        clusterId,
        region,
        instanceClass: facts.oldInstances[0]?.instanceClass ?? DEFAULT_INSTANCE_CLASS,
        engine,
      },
    },
    {kind: 'reconcile-data-api', clusterArn: compare.old.clusterArn, clusterId, region},
    {kind: 'reconcile-compare', compare},
    ...(heartbeats
      ? [
          {
            kind: 'reconcile-heartbeats',
            spec: {heartbeats, old: compare.old, current: compare.current, failoverAt: run.failoverAt},
          } satisfies StepSpec,
        ]
      : []),
    {kind: 'delete-instances', clusterId, region, instanceIds: [instanceId]},
    {kind: 'delete-cluster', clusterId, region},
    {
      kind: 'reconcile-report',
      report: {
        compare,
        reconciledRun: run.id,
        failoverAt: run.failoverAt,
        snapshotId: snapshotId ?? '',
        estimatedLossMs: run.lossMs,
        ...(heartbeats ? {heartbeats: {failover: run.heartbeat}} : {}),
      },
    },
  ]
  items.push(...steps)
  const window = compare.since
    ? `rows changed since ${compare.since} (failover ${run.failoverAt} − lag ${formatDuration(run.lossMs ?? 0)} − margin ${formatDuration(request.marginMs)})`
    : 'whole tables'
  return {
    kind: RECONCILE,
    title: `Reconcile ${run.move.globalClusterId} after run ${run.id}`,
    params: {specs: items, reconciledRun: run.id},
    items: itemsFromSpecs(items, config),
    gates,
    confirmation: {
      kind: 'confirm',
      message: `Restore the old primary's data to ${clusterId} (${region}), compare it with ${run.move.targetClusterId}, then delete ${clusterId}?`,
    },
    notes: [
      `compares ${reconcile.tables.map((table) => table.name).join(', ')}: ${window}`,
      `${clusterId} is temporary: deleted at the end, also when the comparison fails; nothing is written to ${run.move.targetClusterId}`,
    ],
    followUps: [`read ${join(compare.dir, 'reconcile.md')}; replaying lost rows is the application owner's decision`],
    evidence: {},
    excludedRegions: [],
  }
}
