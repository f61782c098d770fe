import {actionWindow} from './experiments.js'
import {derivedId, regionOfArn} from './ids.js'
import {worldSeconds} from './time.js'
import type {GlobalClusterRecord, World} from './world.js'

const CONNECTIVITY_ACTIONS = new Set([
  'aws:network:route-table-disrupt-cross-region-connectivity',
  'aws:network:transit-gateway-disrupt-cross-region-connectivity',
])
const PAUSE_REPLICATION_ACTION = 'aws:dynamodb:global-table-pause-replication'
/** After a disruption ends, replication catches up over this many world seconds. */
const RECOVERY_SECONDS = 45

/** A stable jitter in [0, 1) for a series at a moment (10-second buckets: repeated reads agree). */
function jitter(key: string, at: number): number {
  const text = derivedId(`${key}@${Math.floor(at / 10_000)}`, 4, '0123456789')
  return Number(text) / 10_000
}

export function writerRegion(global: GlobalClusterRecord): string | undefined {
  const writer = global.members.find((member) => member.isWriter)
  return writer ? regionOfArn(writer.clusterArn) : undefined
}

/**
 * How much an effect that ran in `window` adds at `at`: `during(elapsed world seconds)` while it runs, then a
 * linear fade over RECOVERY_SECONDS once it ended.
 */
function windowEffect(
  world: World,
  window: {start: number; end: number},
  at: number,
  during: (elapsedSeconds: number) => number,
): number {
  if (at < window.start) return 0
  if (at <= window.end) return during(worldSeconds(world, at - window.start))
  const peak = during(worldSeconds(world, window.end - window.start))
  const fade = 1 - worldSeconds(world, at - window.end) / RECOVERY_SECONDS
  return fade > 0 ? peak * fade : 0
}

/**
 * Replication lag of an Aurora secondary in ms at `at`: a few hundred ms normally; about the `lag` fault's value
 * when one is set; plus tens of seconds while a FIS experiment disrupts cross-Region connectivity between its
 * Region and the primary's.
 */
export function auroraLagMs(world: World, global: GlobalClusterRecord, clusterArn: string, at: number): number {
  const region = regionOfArn(clusterArn)
  const fault = world.faults.find(
    (candidate) =>
      candidate.kind === 'lag' &&
      candidate.globalClusterResourceId === global.resourceId &&
      candidate.region === region &&
      candidate.since <= at,
  )
  const base =
    fault && fault.kind === 'lag'
      ? fault.ms * (0.97 + 0.06 * jitter(clusterArn, at))
      : 150 + 300 * jitter(clusterArn, at)
  const primary = writerRegion(global)
  let disruption = 0
  for (const experiment of world.fis.experiments) {
    for (const action of Object.values(experiment.actions)) {
      if (!CONNECTIVITY_ACTIONS.has(action.actionId)) continue
      const cutOff = action.parameters.region
      const sides = new Set([experiment.region, cutOff])
      const affected = cutOff ? sides.has(region) && primary !== undefined && sides.has(primary) : true
      if (!affected || region === primary) continue
      const window = actionWindow(experiment, action)
      if (!window) continue
      disruption = Math.max(
        disruption,
        windowEffect(world, window, at, (elapsed) => Math.min(45_000, 2000 + elapsed * 100)),
      )
    }
  }
  return Math.round(base + disruption)
}

/**
 * DynamoDB ReplicationLatency from `source` to `receiving` in ms: 0.5–2 s normally; while a FIS experiment pauses
 * replication of a replica on either side, it grows with the pause (the oldest unreplicated write keeps ageing).
 */
export function replicationLatencyMs(
  world: World,
  tableName: string,
  source: string,
  receiving: string,
  at: number,
): number {
  const key = `${tableName}:${source}:${receiving}`
  const base = 500 + 1500 * jitter(key, at)
  let paused = 0
  for (const experiment of world.fis.experiments) {
    for (const action of Object.values(experiment.actions)) {
      if (action.actionId !== PAUSE_REPLICATION_ACTION) continue
      const pausedRegions = Object.values(action.targets).flatMap((targetName) => {
        const target = experiment.targets[targetName]
        if (!target) return []
        const arns = target.resourceArns ?? []
        // A tag-selected target resolves to every replica in the experiment's Region.
        if (arns.length === 0) return [experiment.region]
        return arns.filter((arn) => arn.endsWith(`:table/${tableName}`)).map(regionOfArn)
      })
      if (!pausedRegions.includes(source) && !pausedRegions.includes(receiving)) continue
      const window = actionWindow(experiment, action)
      if (!window) continue
      paused = Math.max(
        paused,
        windowEffect(world, window, at, (elapsed) => elapsed * 1000),
      )
    }
  }
  return Math.round(base + paused)
}
