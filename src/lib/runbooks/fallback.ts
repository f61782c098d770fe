import type {ArcEndpoint, AwsPorts, DbCluster, DbClusterSnapshot, DbInstance} from '../aws/ports.js'
import {type Check, fail, ok, warn} from '../checks/check.js'
import {accountGate} from '../checks/gates.js'
import type {DrctlConfig} from '../config/schema.js'
import type {RunPlan} from '../runbook/types.js'
import type {AuroraGlobalView, Topology} from '../topology/views.js'
import {type ItemSpec, itemsFromSpecs, type StepSpec} from './step-specs.js'
import {changesFrom, shiftTo, trafficGates} from './routing-control-step.js'

export const FALLBACK = 'fallback'

export type FallbackSituation = 'home' | 'switch-back' | 'rebuild-after-detach' | 'blocked'

/** Live facts beyond the observation that a fallback needs: the old primary's full settings, system snapshots. */
export interface FallbackFacts {
  clusters: Record<string, {cluster: DbCluster; instances: DbInstance[]} | undefined>
  systemSnapshots: Record<string, DbClusterSnapshot | undefined>
}

export interface FallbackRequest {
  home: string
  switchBack: boolean
  keepOldPrimary: boolean
  disableDeletionProtection: boolean
  maxLagMs: number
  stamp: string
  endpoints: ArcEndpoint[]
}

/** RDS identifiers are at most 63 characters and may not end in a hyphen. */
export function boundedIdentifier(base: string, suffix: string): string {
  return `${base.slice(0, 63 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`
}

const SYSTEM_SNAPSHOT_PREFIX = 'rds:unplanned-global-failover-'

/**
 * The manual copy of a managed failover's system snapshot, named after it (`drctl-preserved-<cluster>-<its date>`)
 * so that running fallback again finds the copy made before instead of copying it once more.
 */
export function preservedCopyId(snapshot: DbClusterSnapshot, stamp: string): string {
  const prefix = `${SYSTEM_SNAPSHOT_PREFIX}${snapshot.clusterId}-`
  const date = snapshot.id.startsWith(prefix) ? snapshot.id.slice(prefix.length) : ''
  return boundedIdentifier(`drctl-preserved-${snapshot.clusterId}`, /^[\d-]+$/.test(date) ? date : stamp)
}

/** A Region counts as reachable unless observe found it unreachable (one it did not try included). */
const reachable = (topology: Topology, region: string) =>
  topology.regions.find((candidate) => candidate.region === region)?.reachable !== false

/** Reads what the plan needs that `observe` does not: old primaries' settings and the managed-failover snapshots. */
export async function gatherFallbackFacts(aws: AwsPorts, topology: Topology, home: string): Promise<FallbackFacts> {
  const facts: FallbackFacts = {clusters: {}, systemSnapshots: {}}
  await Promise.all(
    topology.aurora.flatMap((view) => {
      const reads: Promise<void>[] = []
      const oldPrimary = view.detachedSurvivor?.found
        ? view.members.find((member) => member.role === 'writer')
        : undefined
      if (oldPrimary && reachable(topology, oldPrimary.region)) {
        reads.push(
          (async () => {
            const rds = aws.rds(oldPrimary.region)
            const [cluster, instances] = await Promise.all([
              rds.describeDbCluster(oldPrimary.clusterArn),
              rds.describeDbInstances(oldPrimary.clusterId),
            ])
            facts.clusters[oldPrimary.clusterArn] = cluster ? {cluster, instances} : undefined
          })(),
        )
      }
      const homeMember = view.members.find((member) => member.region === home && member.role === 'secondary')
      if (homeMember && reachable(topology, home)) {
        reads.push(
          (async () => {
            const snapshots = await aws
              .rds(home)
              .describeDbClusterSnapshots({clusterId: homeMember.clusterId, type: 'automated'})
            facts.systemSnapshots[view.id] = snapshots
              .filter((snapshot) => snapshot.id.startsWith(SYSTEM_SNAPSHOT_PREFIX))
              .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0]
          })(),
        )
      }
      return reads
    }),
  )
  return facts
}

export function situationOf(view: AuroraGlobalView, home: string): FallbackSituation {
  if (view.detachedSurvivor?.found) return 'rebuild-after-detach'
  if (view.writerRegion === home && !view.failoverState) return 'home'
  if (view.writerRegion && view.writerRegion !== home) return 'switch-back'
  return 'blocked'
}

/**
 * The way home for each global cluster, worked out from live state (runbook-spec R5, aws-reference §2.3–2.7):
 * after a managed failover, wait for the old primary to rejoin, preserve the system snapshot, switch back; after
 * detach-and-promote, snapshot the old primary, rename the orphaned global cluster out of the way, recreate the
 * global cluster under its name from the survivor, retire (or keep) the old primary, add a new secondary in the old
 * Region, wait for it, switch back.
 */
export function planFallback(
  config: DrctlConfig,
  topology: Topology,
  facts: FallbackFacts,
  request: FallbackRequest,
): RunPlan {
  const {home, stamp} = request
  const gates: Check[] = []
  const notes: string[] = []
  gates.push(accountGate(config.account, topology))
  gates.push(
    reachable(topology, home)
      ? ok(`gate.region.${home}`, `${home} answers`)
      : fail(
          `gate.region.${home}`,
          `${home} is still unreachable: fallback waits until it recovers (nothing was changed)`,
        ),
  )
  const prepare: StepSpec[] = []
  const renames: StepSpec[] = []
  const creates: StepSpec[] = []
  const retire: {detach: StepSpec[]; instances: StepSpec[]; clusters: StepSpec[]; globals: StepSpec[]} = {
    detach: [],
    instances: [],
    clusters: [],
    globals: [],
  }
  const secondaries: StepSpec[] = []
  const waits: StepSpec[] = []
  const switchovers: StepSpec[] = []
  let deletes = false

  for (const view of topology.aurora) {
    if (view.unreadable || !view.found) {
      gates.push(
        fail(
          `gate.aurora.${view.id}`,
          `${view.id} ${view.unreadable ? `could not be read: ${view.unreadable.message}` : 'does not exist'}`,
        ),
      )
      continue
    }
    if (view.failoverState) {
      gates.push(
        fail(
          `gate.aurora.${view.id}`,
          `${view.id} has a ${view.failoverState.status} switchover/failover in progress: let it finish`,
        ),
      )
      continue
    }
    const situation = situationOf(view, home)
    if (situation === 'home') {
      notes.push(`${view.id}: writes in ${home} already`)
      continue
    }
    if (situation === 'blocked') {
      gates.push(
        fail(`gate.aurora.${view.id}`, `${view.id} has no writer member: it cannot be brought home automatically`),
      )
      continue
    }
    if (situation === 'switch-back') {
      const homeMember = view.members.find((member) => member.region === home)
      notes.push(
        `${view.id}: writer in ${view.writerRegion}; ${homeMember ? `${homeMember.clusterId} in ${home} is a ${homeMember.synchronizationStatus ?? 'unknown'} secondary` : `no member in ${home} yet (Aurora re-adds the old primary after its Region recovers)`}: wait for it${request.switchBack ? ', then switch over back home' : ''}`,
      )
      waits.push({
        kind: 'wait-secondary',
        globalClusterId: view.id,
        target: homeMember ? {clusterArn: homeMember.clusterArn} : {region: home},
        maxLagMs: request.maxLagMs,
      })
      const snapshot = facts.systemSnapshots[view.id]
      if (snapshot) {
        const target = preservedCopyId(snapshot, stamp)
        prepare.push({kind: 'copy-snapshot', source: snapshot.id, region: home, targetId: target})
        notes.push(
          `${view.id}: the managed failover left ${snapshot.id} in ${home}; it is copied to ${target} so it outlives the retention period`,
        )
      }
      if (request.switchBack) {
        if (!homeMember) {
          gates.push(
            fail(
              `gate.aurora.${view.id}.home`,
              `${view.id} has no member in ${home} to switch back to yet; run drctl fallback again once it has rejoined`,
            ),
          )
        } else {
          switchovers.push({
            kind: 'switchover',
            move: {
              globalClusterId: view.id,
              targetRegion: home,
              targetClusterArn: homeMember.clusterArn,
              targetClusterId: homeMember.clusterId,
              fromRegion: view.writerRegion as string,
            },
          })
        }
      }
      continue
    }

    // After detach-and-promote.
    const survivor = view.detachedSurvivor!
    const oldPrimary = view.members.find((member) => member.role === 'writer')
    if (!oldPrimary) {
      gates.push(fail(`gate.aurora.${view.id}`, `${view.id} (orphaned) has no writer member left to retire`))
      continue
    }
    if (!reachable(topology, oldPrimary.region)) {
      gates.push(
        fail(
          `gate.region.${oldPrimary.region}`,
          `${oldPrimary.region} (old primary ${oldPrimary.clusterId}) is still unreachable: nothing was changed`,
        ),
      )
      continue
    }
    const details = facts.clusters[oldPrimary.clusterArn]
    if (!details) {
      gates.push(
        fail(
          `gate.aurora.${view.id}.old-primary`,
          `the old primary ${oldPrimary.clusterId} could not be read in ${oldPrimary.region}`,
        ),
      )
      continue
    }
    const orphanId = boundedIdentifier(`${view.id}-orphan`, stamp)
    const snapshotId = boundedIdentifier(`drctl-reconcile-${oldPrimary.clusterId}`, stamp)
    notes.push(
      `${view.id}: detached ${survivor.clusterId} (${survivor.region}) writes standalone; ${view.id} is orphaned around ${oldPrimary.clusterId} (${oldPrimary.region}), whose data may have diverged`,
      `${view.id}: ${oldPrimary.clusterId} is snapshotted as ${snapshotId} for reconciliation, the orphan is renamed ${orphanId}, and ${view.id} is created again from ${survivor.clusterId}`,
    )
    prepare.push({kind: 'snapshot-cluster', clusterId: oldPrimary.clusterId, region: oldPrimary.region, snapshotId})
    renames.push({kind: 'rename-global', currentId: view.id, newId: orphanId, region: oldPrimary.region})
    creates.push({
      kind: 'create-global',
      globalClusterId: view.id,
      sourceClusterArn: survivor.clusterArn,
      region: survivor.region,
      deletionProtection: view.deletionProtection,
    })
    const keep = request.keepOldPrimary
    // Without --keep-old-primary the new secondary reuses the old primary's identifiers: the retiring steps must
    // recognise it (a resumed run would otherwise remove or delete it).
    const retiring = (step: StepSpec): StepSpec =>
      keep
        ? step
        : {kind: 'retire', clusterId: oldPrimary.clusterId, region: oldPrimary.region, replacedIn: view.id, step}
    retire.detach.push(
      retiring({
        kind: 'remove-member',
        globalClusterId: orphanId,
        clusterArn: oldPrimary.clusterArn,
        region: oldPrimary.region,
      }),
    )
    if (!keep) {
      deletes = true
      if (details.cluster.deletionProtection) {
        gates.push(
          request.disableDeletionProtection
            ? warn(
                `gate.protection.${oldPrimary.clusterId}`,
                `deletion protection on ${oldPrimary.clusterId} will be turned off`,
              )
            : fail(
                `gate.protection.${oldPrimary.clusterId}`,
                `${oldPrimary.clusterId} has deletion protection: pass --disable-deletion-protection to retire it, or --keep-old-primary`,
              ),
        )
        if (request.disableDeletionProtection)
          prepare.push({
            kind: 'protection',
            resource: {kind: 'cluster', id: oldPrimary.clusterId, region: oldPrimary.region},
          })
      }
      retire.instances.push(
        retiring({
          kind: 'delete-instances',
          clusterId: oldPrimary.clusterId,
          region: oldPrimary.region,
          instanceIds: details.instances.map((instance) => instance.id),
        }),
      )
      retire.clusters.push(
        retiring({kind: 'delete-cluster', clusterId: oldPrimary.clusterId, region: oldPrimary.region}),
      )
    } else {
      notes.push(
        `${view.id}: ${oldPrimary.clusterId} is kept, detached and standalone (--keep-old-primary); delete it once reconciled`,
      )
    }
    if (view.deletionProtection) {
      gates.push(
        request.disableDeletionProtection
          ? warn(`gate.protection.${view.id}`, `deletion protection on the orphaned ${view.id} will be turned off`)
          : fail(
              `gate.protection.${view.id}`,
              `the orphaned global cluster ${view.id} has deletion protection: pass --disable-deletion-protection`,
            ),
      )
      if (request.disableDeletionProtection)
        prepare.push({kind: 'protection', resource: {kind: 'global-cluster', id: view.id, region: oldPrimary.region}})
    }
    retire.globals.push({kind: 'delete-global', globalClusterId: orphanId, region: oldPrimary.region})
    const newClusterId = keep ? boundedIdentifier(oldPrimary.clusterId, stamp) : oldPrimary.clusterId
    const newClusterArn = oldPrimary.clusterArn.replace(/cluster:[^:]+$/, `cluster:${newClusterId}`)
    secondaries.push({
      kind: 'create-secondary',
      secondary: {
        globalClusterId: view.id,
        clusterId: newClusterId,
        region: oldPrimary.region,
        engine: details.cluster.engine,
        engineVersion: survivor.engineVersion ?? details.cluster.engineVersion,
        subnetGroup: details.cluster.subnetGroup,
        securityGroupIds: details.cluster.securityGroupIds,
        kmsKeyId: details.cluster.kmsKeyId,
        storageEncrypted: details.cluster.storageEncrypted,
        parameterGroup: details.cluster.parameterGroup,
        deletionProtection: details.cluster.deletionProtection,
        instances: details.instances.map((instance) => ({
          id: keep ? boundedIdentifier(instance.id, stamp) : instance.id,
          instanceClass: instance.instanceClass,
          parameterGroup: instance.parameterGroup,
        })),
      },
    })
    waits.push({
      kind: 'wait-secondary',
      globalClusterId: view.id,
      target: {clusterArn: newClusterArn},
      maxLagMs: request.maxLagMs,
    })
    if (request.switchBack && oldPrimary.region === home) {
      switchovers.push({
        kind: 'switchover',
        move: {
          globalClusterId: view.id,
          targetRegion: home,
          targetClusterArn: newClusterArn,
          targetClusterId: newClusterId,
          fromRegion: survivor.region,
        },
      })
    }
  }
  let traffic: StepSpec | undefined
  if (request.switchBack && topology.routing) {
    const desired = shiftTo(topology.routing, home)
    // The same gates as any routing change: ARC readable, never all Off, no cached safety rule broken.
    gates.push(...trafficGates(topology.routing, desired, {allowAllOff: false, overrides: []}))
    if (!topology.routing.unreadable && changesFrom(topology.routing, desired).length > 0) {
      traffic = {
        kind: 'traffic',
        change: {
          desired,
          endpoints: request.endpoints,
          avoidRegions: [],
          safetyRulesToOverride: [],
          safetyRules: topology.routing.safetyRules,
        },
      }
    }
  }

  const specs: ItemSpec[] = []
  const group = (id: string, title: string, steps: StepSpec[]) => {
    if (steps.length > 0) specs.push({kind: 'group', id, title, steps})
  }
  group('prepare', 'Preserve evidence (snapshots) and lift deletion protection', prepare)
  group('rename', 'Rename the orphaned global clusters out of the way', renames)
  group('recreate', 'Create the global clusters again from the survivors', creates)
  group('retire-detach', 'Detach the old primaries from the orphans', retire.detach)
  group('retire-instances', 'Delete the old primaries’ instances', retire.instances)
  group('retire-clusters', 'Delete the old primary clusters', retire.clusters)
  group('retire-globals', 'Delete the orphaned global clusters', retire.globals)
  group('secondaries', 'Create new secondaries in the old Regions', secondaries)
  group('sync', 'Wait until the secondaries are connected and caught up', waits)
  group('switch-back', `Switch over back to ${home}`, switchovers)
  if (traffic) specs.push(traffic)

  const rebuilding = renames.length > 0
  return {
    kind: FALLBACK,
    title: `Fallback of ${config.name} to ${home}${request.switchBack ? ' (with switch-back)' : ''}`,
    params: {specs, home},
    items: itemsFromSpecs(specs),
    gates,
    confirmation: deletes
      ? {
          kind: 'typed',
          message: 'This deletes the old primary cluster(s) listed above (a snapshot is kept for reconciliation).',
          expected: config.name,
          yesSuffices: true,
          yesFlagHint: '--yes',
        }
      : {kind: 'confirm', message: `Bring ${config.name} home to ${home}?`},
    notes,
    followUps: [
      ...(rebuilding
        ? ['reconcile the writes that reached the old primary after the detach: its snapshot is listed in this report']
        : []),
      ...(request.switchBack
        ? []
        : [
            `writes and traffic stay where they are: run drctl fallback --switch-back (or drctl failover --planned --to ${home}) when ready`,
          ]),
      'drctl.yaml needs no change: every global cluster keeps its name',
    ],
    evidence: {},
    excludedRegions: [],
  }
}
