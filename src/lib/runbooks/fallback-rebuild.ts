import {type Check, fail, warn} from '../checks/check.js'
import type {AuroraGlobalView, Topology} from '../topology/views.js'
import type {GlobalMove} from './aurora-steps.js'
import {boundedIdentifier, type FallbackFacts, reachable} from './fallback-facts.js'
import type {StepSpec} from './step-specs.js'

export interface FallbackRequest {
  home: string
  switchBack: boolean
  keepOldPrimary: boolean
  disableDeletionProtection: boolean
  maxLagMs: number
  stamp: string
}

/** What a fallback plan collects for every global cluster, phase by phase, before it orders them into steps. */
export interface FallbackPhases {
  gates: Check[]
  notes: string[]
  /** Snapshots: of old primaries for reconciliation, and copies of system snapshots that would expire. */
  evidence: StepSpec[]
  renames: StepSpec[]
  creates: StepSpec[]
  /** Deletion protection lifted only from what the run deletes (with --disable-deletion-protection). */
  protection: StepSpec[]
  retire: {detach: StepSpec[]; instances: StepSpec[]; clusters: StepSpec[]; globals: StepSpec[]}
  secondaries: StepSpec[]
  waits: StepSpec[]
  switchBacks: GlobalMove[]
  /** Global cluster id → the Region its writer must be in when the run ends (the final verification). */
  writers: Record<string, string>
  /** Whether the run deletes anything (the old primaries): the confirmation is typed then. */
  deletes: boolean
}

/** A protected resource the run deletes: a gate that fails unless --disable-deletion-protection, then a step. */
function liftProtection(
  phases: FallbackPhases,
  request: FallbackRequest,
  gate: {id: string; lifted: string; refused: string},
  step: StepSpec,
): void {
  phases.gates.push(request.disableDeletionProtection ? warn(gate.id, gate.lifted) : fail(gate.id, gate.refused))
  if (request.disableDeletionProtection) phases.protection.push(step)
}

/**
 * After detach-and-promote (runbook-spec R5): snapshot the old primary, rename the orphaned global cluster out of the
 * way, create the global cluster again under its name from the survivor, retire (or keep) the old primary, delete
 * the orphan, add a new secondary in the old Region with the old primary's settings, wait for it, switch back.
 * Deletion protection is lifted only from what is deleted, after the rename (so a resumed run never lifts it from
 * the replacements, which keep the protection the originals had).
 */
export function planRebuild(
  view: AuroraGlobalView,
  topology: Topology,
  facts: FallbackFacts,
  request: FallbackRequest,
  phases: FallbackPhases,
): void {
  const {home, stamp} = request
  const survivor = view.detachedSurvivor!
  const oldPrimary = view.members.find((member) => member.role === 'writer')
  if (!oldPrimary) {
    phases.gates.push(fail(`gate.aurora.${view.id}`, `${view.id} (orphaned) has no writer member left to retire`))
    return
  }
  if (!reachable(topology, oldPrimary.region)) {
    phases.gates.push(
      fail(
        `gate.region.${oldPrimary.region}`,
        `${oldPrimary.region} (old primary ${oldPrimary.clusterId}) is still unreachable: nothing was changed`,
      ),
    )
    return
  }
  const details = facts.clusters[oldPrimary.clusterArn]
  if (!details) {
    phases.gates.push(
      fail(
        `gate.aurora.${view.id}.old-primary`,
        `the old primary ${oldPrimary.clusterId} could not be read in ${oldPrimary.region}`,
      ),
    )
    return
  }
  const orphanId = boundedIdentifier(`${view.id}-orphan`, stamp)
  const snapshotId = boundedIdentifier(`drctl-reconcile-${oldPrimary.clusterId}`, stamp)
  phases.notes.push(
    `${view.id}: detached ${survivor.clusterId} (${survivor.region}) writes standalone; ${view.id} is orphaned around ${oldPrimary.clusterId} (${oldPrimary.region}), whose data may have diverged`,
    `${view.id}: ${oldPrimary.clusterId} is snapshotted as ${snapshotId} for reconciliation, the orphan is renamed ${orphanId}, and ${view.id} is created again from ${survivor.clusterId}`,
  )
  phases.evidence.push({
    kind: 'snapshot-cluster',
    clusterId: oldPrimary.clusterId,
    region: oldPrimary.region,
    snapshotId,
  })
  phases.renames.push({kind: 'rename-global', currentId: view.id, newId: orphanId, region: oldPrimary.region})
  phases.creates.push({
    kind: 'create-global',
    globalClusterId: view.id,
    sourceClusterArn: survivor.clusterArn,
    region: survivor.region,
    deletionProtection: view.deletionProtection,
  })
  const keep = request.keepOldPrimary
  // Without --keep-old-primary the new secondary reuses the old primary's identifiers: the retiring steps must
  // recognise it (a resumed run would otherwise remove, unprotect or delete it).
  const retiring = (step: StepSpec): StepSpec =>
    keep
      ? step
      : {kind: 'retire', clusterId: oldPrimary.clusterId, region: oldPrimary.region, replacedIn: view.id, step}
  phases.retire.detach.push(
    retiring({
      kind: 'remove-member',
      globalClusterId: orphanId,
      clusterArn: oldPrimary.clusterArn,
      region: oldPrimary.region,
    }),
  )
  if (keep) {
    phases.notes.push(
      `${view.id}: ${oldPrimary.clusterId} is kept, detached and standalone (--keep-old-primary); delete it once reconciled`,
    )
  } else {
    phases.deletes = true
    if (details.cluster.deletionProtection) {
      liftProtection(
        phases,
        request,
        {
          id: `gate.protection.${oldPrimary.clusterId}`,
          lifted: `deletion protection on ${oldPrimary.clusterId} will be turned off before it is deleted`,
          refused: `${oldPrimary.clusterId} has deletion protection: pass --disable-deletion-protection to retire it, or --keep-old-primary`,
        },
        retiring({
          kind: 'protection',
          resource: {kind: 'cluster', id: oldPrimary.clusterId, region: oldPrimary.region},
        }),
      )
    }
    phases.retire.instances.push(
      retiring({
        kind: 'delete-instances',
        clusterId: oldPrimary.clusterId,
        region: oldPrimary.region,
        instanceIds: details.instances.map((instance) => instance.id),
      }),
    )
    phases.retire.clusters.push(
      retiring({kind: 'delete-cluster', clusterId: oldPrimary.clusterId, region: oldPrimary.region}),
    )
  }
  if (view.deletionProtection) {
    liftProtection(
      phases,
      request,
      {
        id: `gate.protection.${view.id}`,
        lifted: `deletion protection on the orphaned ${view.id} will be turned off (as ${orphanId}) before it is deleted`,
        refused: `the orphaned global cluster ${view.id} has deletion protection: pass --disable-deletion-protection`,
      },
      {kind: 'protection', resource: {kind: 'global-cluster', id: orphanId, region: oldPrimary.region}},
    )
  }
  phases.retire.globals.push({kind: 'delete-global', globalClusterId: orphanId, region: oldPrimary.region})
  const newClusterId = keep ? boundedIdentifier(oldPrimary.clusterId, stamp) : oldPrimary.clusterId
  const newClusterArn = oldPrimary.clusterArn.replace(/cluster:[^:]+$/, `cluster:${newClusterId}`)
  phases.secondaries.push({
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
  phases.waits.push({
    kind: 'wait-secondary',
    globalClusterId: view.id,
    target: {clusterArn: newClusterArn},
    maxLagMs: request.maxLagMs,
  })
  const switchBack = request.switchBack && oldPrimary.region === home
  if (switchBack) {
    phases.switchBacks.push({
      globalClusterId: view.id,
      targetRegion: home,
      targetClusterArn: newClusterArn,
      targetClusterId: newClusterId,
      fromRegion: survivor.region,
    })
  }
  phases.writers[view.id] = switchBack ? home : survivor.region
}
