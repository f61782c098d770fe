import {type Check, fail, ok} from '../checks/check.js'
import {accountGate} from '../checks/gates.js'
import type {DrctlConfig} from '../config/schema.js'
import type {StepPhase} from '../config/steps.js'
import type {RunPlan} from '../runbook/types.js'
import type {AuroraGlobalView, Topology} from '../topology/views.js'
import {appStepSpecs} from './app-steps/move.js'
import {type FallbackFacts, preservedCopyId, reachable} from './fallback-facts.js'
import {type FallbackPhases, type FallbackRequest, planRebuild} from './fallback-rebuild.js'
import {plannedFailoverChecks, resolveTarget} from './failover.js'
import {changesFrom, shiftTo} from './routing-control-step.js'
import {type ItemSpec, itemsFromSpecs, type StepSpec} from './step-specs.js'

export const FALLBACK = 'fallback'

export type FallbackSituation = 'home' | 'switch-back' | 'rebuild-after-detach' | 'blocked'

/** The Region a fallback comes home to: --to, else the first Region of drctl.yaml. */
export function fallbackHome(config: DrctlConfig, to: string | undefined): string {
  return resolveTarget(config, to ?? (config.regions[0] as string))
}

export function situationOf(view: AuroraGlobalView, home: string): FallbackSituation {
  if (view.detachedSurvivor?.found) return 'rebuild-after-detach'
  if (view.writerRegion === home && !view.failoverState) return 'home'
  if (view.writerRegion && view.writerRegion !== home) return 'switch-back'
  return 'blocked'
}

/** Why a global cluster cannot be planned for at all (unreadable, missing, mid-failover, writerless), if it cannot. */
function blockingGate(view: AuroraGlobalView, home: string) {
  const id = `gate.aurora.${view.id}`
  if (view.unreadable) return fail(id, `${view.id} could not be read: ${view.unreadable.message}`)
  if (!view.found) return fail(id, `${view.id} does not exist`)
  if (view.failoverState)
    return fail(id, `${view.id} has a ${view.failoverState.status} switchover/failover in progress: let it finish`)
  if (situationOf(view, home) === 'blocked')
    return fail(id, `${view.id} has no writer member: it cannot be brought home automatically`)
  return undefined
}

/**
 * After a managed failover (or a planned one): wait until the old primary has rejoined as a connected secondary
 * under the lag gate, preserve the system snapshot the failover left, and with --switch-back switch over back home.
 */
function planSwitchBack(
  view: AuroraGlobalView,
  facts: FallbackFacts,
  request: FallbackRequest,
  phases: FallbackPhases,
) {
  const {home} = request
  const homeMember = view.members.find((member) => member.region === home)
  phases.notes.push(
    `${view.id}: writer in ${view.writerRegion}; ${homeMember ? `${homeMember.clusterId} in ${home} is a ${homeMember.synchronizationStatus ?? 'unknown'} secondary` : `no member in ${home} yet (Aurora re-adds the old primary after its Region recovers)`}: wait for it${request.switchBack ? ', then switch over back home' : ''}`,
  )
  phases.waits.push({
    kind: 'wait-secondary',
    globalClusterId: view.id,
    target: homeMember ? {clusterArn: homeMember.clusterArn} : {region: home},
    maxLagMs: request.maxLagMs,
  })
  const snapshot = facts.systemSnapshots[view.id]
  if (snapshot) {
    const target = preservedCopyId(snapshot, request.stamp)
    phases.evidence.push({kind: 'copy-snapshot', source: snapshot.id, region: home, targetId: target})
    phases.notes.push(
      `${view.id}: the managed failover left ${snapshot.id} in ${home}; it is copied to ${target} so it outlives the retention period`,
    )
  }
  phases.writers[view.id] = request.switchBack ? home : (view.writerRegion as string)
  if (!request.switchBack) return
  if (!homeMember) {
    phases.gates.push(
      fail(
        `gate.aurora.${view.id}.home`,
        `${view.id} has no member in ${home} to switch back to yet; run drctl fallback again once it has rejoined`,
      ),
    )
    return
  }
  phases.switchBacks.push({
    globalClusterId: view.id,
    targetRegion: home,
    targetClusterArn: homeMember.clusterArn,
    targetClusterId: homeMember.clusterId,
    fromRegion: view.writerRegion as string,
  })
}

/**
 * The gates of `failover --planned --to home` that can be judged at planning (ARC and the routing change, DynamoDB,
 * FIS), unless judged already: a run that could not switch back at its end does not start. Those of the global
 * clusters the run waits for or rebuilds are judged, with all the others again, by SwitchBackGatesStep just before
 * the switchover.
 */
function switchBackGatesNow(
  config: DrctlConfig,
  topology: Topology,
  request: FallbackRequest,
  known: Check[],
): Check[] {
  const judged = new Set(known.map((gate) => gate.id))
  const awaited = topology.aurora.filter((view) => situationOf(view, request.home) !== 'home').map((view) => view.id)
  const checks = plannedFailoverChecks(config, topology, request.home, {
    maxLagMs: request.maxLagMs,
    allowChaos: false,
    stepsOf: 'fallback',
  })
  return checks.filter(
    (check) =>
      !judged.has(check.id) &&
      !awaited.some((id) => check.id === `gate.aurora.${id}` || check.id.startsWith(`gate.aurora.${id}.`)),
  )
}

/** The application steps of a switch-back: towards home, from wherever writes are now. */
function homewardSteps(config: DrctlConfig, topology: Topology, home: string) {
  const writers = topology.aurora.map((view) => view.writerRegion).filter((region): region is string => !!region)
  const from = [...new Set(writers.filter((region) => region !== home))]
  return appStepSpecs(config.steps, 'fallback', {
    to: home,
    from: from.length > 0 ? from : config.regions.filter((region) => region !== home),
    failedRegions: [],
    globalClusters: config.aurora.globalClusters,
  })
}

/**
 * The way home for each global cluster, worked out from live state (runbook-spec R5, aws-reference §2.3–2.7): a
 * switch-back after a managed failover, a rebuild after detach-and-promote (fallback-rebuild.ts). A switch-back
 * passes the gates of `failover --planned` just before it starts; every path ends with a fresh observation.
 */
export function planFallback(
  config: DrctlConfig,
  topology: Topology,
  facts: FallbackFacts,
  request: FallbackRequest,
): RunPlan {
  const {home} = request
  const phases: FallbackPhases = {
    gates: [accountGate(config.account, topology)],
    notes: [],
    evidence: [],
    renames: [],
    creates: [],
    protection: [],
    retire: {detach: [], instances: [], clusters: [], globals: []},
    secondaries: [],
    waits: [],
    switchBacks: [],
    writers: {},
    deletes: false,
  }
  phases.gates.push(
    reachable(topology, home)
      ? ok(`gate.region.${home}`, `${home} answers`)
      : fail(
          `gate.region.${home}`,
          `${home} is still unreachable: fallback waits until it recovers (nothing was changed)`,
        ),
  )
  for (const view of topology.aurora) {
    const blocked = blockingGate(view, home)
    if (blocked) phases.gates.push(blocked)
    else if (situationOf(view, home) === 'home') {
      phases.notes.push(`${view.id}: writes in ${home} already`)
      phases.writers[view.id] = home
    } else if (situationOf(view, home) === 'switch-back') planSwitchBack(view, facts, request, phases)
    else planRebuild(view, topology, facts, request, phases)
  }
  if (request.switchBack) phases.gates.push(...switchBackGatesNow(config, topology, request, phases.gates))
  let traffic: StepSpec | undefined
  const desired = request.switchBack && topology.routing ? shiftTo(topology.routing, home) : []
  if (request.switchBack && topology.routing) {
    if (!topology.routing.unreadable && changesFrom(topology.routing, desired).length > 0) {
      traffic = {
        kind: 'traffic',
        change: {
          desired,
          endpoints: facts.endpoints,
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
  group(
    'evidence',
    'Preserve evidence: snapshots for reconciliation, copies of expiring system snapshots',
    phases.evidence,
  )
  group('rename', 'Rename the orphaned global clusters out of the way', phases.renames)
  group('recreate', 'Create the global clusters again from the survivors', phases.creates)
  group('protection', 'Turn off deletion protection on what is deleted next', phases.protection)
  group('retire-detach', 'Detach the old primaries from the orphans', phases.retire.detach)
  group('retire-instances', 'Delete the old primaries’ instances', phases.retire.instances)
  group('retire-clusters', 'Delete the old primary clusters', phases.retire.clusters)
  group('retire-globals', 'Delete the orphaned global clusters', phases.retire.globals)
  group('secondaries', 'Create new secondaries in the old Regions', phases.secondaries)
  group('sync', 'Wait until the secondaries are connected and caught up', phases.waits)
  if (phases.switchBacks.length > 0 || traffic) {
    specs.push({
      kind: 'switch-back-gates',
      gates: {home, maxLagMs: request.maxLagMs, moves: phases.switchBacks},
    })
  }
  const appSteps = request.switchBack ? homewardSteps(config, topology, home) : undefined
  const appStepsIn = (phase: StepPhase): StepSpec[] =>
    (appSteps?.[phase] ?? []).map((spec) => ({kind: 'app-step', spec}))
  specs.push(...appStepsIn('before-database'))
  group(
    'switch-back',
    `Switch over back to ${home}`,
    phases.switchBacks.map((move) => ({kind: 'switchover', move})),
  )
  specs.push(...appStepsIn('after-database'))
  if (traffic) specs.push(traffic)
  specs.push(...appStepsIn('after-traffic'))
  if (specs.length > 0) {
    specs.push({
      kind: 'verify',
      expected: {writers: phases.writers, routing: desired, regions: config.regions, arcAvoidRegions: []},
    })
  }

  const rebuilding = phases.renames.length > 0
  return {
    kind: FALLBACK,
    title: `Fallback of ${config.name} to ${home}${request.switchBack ? ' (with switch-back)' : ''}`,
    params: {specs, home},
    items: itemsFromSpecs(specs, config),
    gates: phases.gates,
    confirmation: phases.deletes
      ? {
          kind: 'typed',
          message: 'This deletes the old primary cluster(s) listed above (a snapshot is kept for reconciliation).',
          expected: config.name,
          yesSuffices: true,
          yesFlagHint: '--yes',
        }
      : {kind: 'confirm', message: `Bring ${config.name} home to ${home}?`},
    notes: [
      ...phases.notes,
      ...(phases.switchBacks.length > 0
        ? [
            `the switch-back passes the gates of drctl failover --planned --to ${home}: those that can be judged now at once, all of them again on a fresh observation just before it starts`,
          ]
        : []),
    ],
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
