import {appStep, FAILED_CONTROL_PLANE_DEADLINE_MS} from './app-steps/kinds.js'
import type {AppStepSpec} from './app-steps/move.js'
import type {GlobalMove} from './aurora-steps.js'
import type {DrctlConfig} from '../config/schema.js'
import type {FailoverMode} from './failover.js'

// What a failover's plan tells the operator beside its steps: what it asks of the failed Region, what is left to do.

/**
 * What an unplanned run asks of the failed Region: nothing of its Regional endpoints; a step whose global control
 * plane is there (Route 53, CloudFront in us-east-1) is tried for its short deadline, then left as a follow-up.
 */
export function failedRegionNote(
  config: DrctlConfig,
  specs: AppStepSpec[] | undefined,
  failedRegions: string[],
): string {
  const failed = failedRegions.join(', ') || 'the old primary Region'
  const tried = (specs ?? []).filter((spec) => appStep(spec, config.regions).deadline).map((spec) => spec.step.id)
  if (tried.length === 0) return `nothing in this run calls ${failed}`
  return `nothing in this run calls the Regional endpoints of ${failed}; steps ${tried.join(', ')} need a global control plane there: each is tried for ${FAILED_CONTROL_PLANE_DEADLINE_MS / 1000}s, then left as a follow-up`
}

/** What is left to do after a failover of this kind. */
export function followUps(mode: FailoverMode, moves: GlobalMove[], target: string): string[] {
  if (mode === 'planned') {
    return [
      'replication-lag alarms must follow the new secondaries: the lag metrics now come from the old primary’s Region',
      'to come back later: drctl failover --planned --to <original Region>',
    ]
  }
  const snapshots = moves.map(
    (move) =>
      `preserve the system snapshot rds:unplanned-global-failover-<old primary>-* in ${move.fromRegion} when it recovers (it expires with the old cluster's retention); drctl fallback copies it`,
  )
  return [
    ...(mode === 'unplanned' ? snapshots : []),
    ...(mode === 'detach'
      ? moves.map(
          (move) =>
            `${move.globalClusterId} is orphaned around the old primary in ${move.fromRegion}: drctl fallback renames it out of the way and rebuilds ${move.globalClusterId} from ${move.targetClusterId}`,
        )
      : []),
    `once the old primary Region recovers: drctl fallback (brings writes and traffic home from ${target})`,
  ]
}
