import type {ArcEndpoint} from '../aws/ports.js'
import type {Check} from '../checks/check.js'
import {accountGate, type PlannedGateOptions, plannedFailoverGates, unplannedFailoverGates} from '../checks/gates.js'
import {topologyRegion} from '../config/regions.js'
import type {DrctlConfig} from '../config/schema.js'
import {phaseOf, type StepPhase} from '../config/steps.js'
import {formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {ObserveOptions, TopologyPart} from '../topology/observe.js'
import type {Topology} from '../topology/views.js'
import type {PlanItem, RunPlan} from '../runbook/types.js'
import {DetachStep, type GlobalMove, ManagedFailoverStep, SwitchoverStep} from './aurora-steps.js'
import {
  changesFrom,
  type DesiredControl,
  fence,
  shiftTo,
  type TrafficChange,
  TrafficChangeStep,
  trafficGates,
} from './routing-control-step.js'
import {appStep} from './app-steps/kinds.js'
import {type AppStepSpec, appStepSpecs} from './app-steps/move.js'
import {VerifyTopologyStep} from './verify-step.js'
import {HeartbeatStep} from './heartbeat-step.js'
import {failedRegionNote, followUps} from './failover-notes.js'
import {type HeartbeatTable, heartbeatTable} from '../reconcile/heartbeat.js'

export type FailoverMode = 'planned' | 'unplanned' | 'detach'

export interface FailoverRequest {
  mode: FailoverMode
  target: string
  /** Planned: the lag gate (default gates.maxReplicationLagMs; relaxed only by --max-lag). */
  maxLagMs: number
  /** The --max-lag the operator gave to relax the lag gate, noted in the report. */
  maxLagFlag?: string
  allowChaos: boolean
  /** The ARC endpoints to use (cached, or fetched once at planning so a resume never needs the control plane). */
  endpoints: ArcEndpoint[]
}

/** Journaled parameters: enough to rebuild the steps on resume without re-planning. */
export interface FailoverParams {
  mode: FailoverMode
  target: string
  order: 'db-first' | 'traffic-first'
  moves: GlobalMove[]
  traffic?: TrafficChange
  failedRegions: string[]
  observedRegions: string[]
  /** The application steps of drctl.yaml that join this failover (journaled: a resume runs the same ones). */
  appSteps?: AppStepSpec[]
  /** Unplanned, with drctl.yaml `rpo`: where the new primaries' newest heartbeat is read after the failover. */
  heartbeats?: HeartbeatTable
  [key: string]: unknown
}

const failoverKind = (mode: FailoverMode) => (mode === 'planned' ? 'failover-planned' : 'failover-unplanned')

/**
 * Which Region a failover goes to: `--to`, or the only other Region of a two-Region topology. An empty `--to` is a
 * Region that is not the topology's, never "no --to".
 */
export function resolveTarget(config: DrctlConfig, to: string | undefined, topology?: Topology): string {
  if (to !== undefined) return topologyRegion(config, '--to', to)
  const writers = new Set(topology?.aurora.map((view) => view.writerRegion).filter(Boolean))
  const others = config.regions.filter((region) => !writers.has(region))
  if (config.regions.length === 2 && others.length === 1) return others[0] as string
  throw new DrctlError('DRCTL_USAGE', `--to REGION is required: ${config.name} has ${config.regions.length} Regions`, {
    hints: [`one of: ${config.regions.join(', ')}`],
  })
}

/**
 * Refuses a failover request before anything is observed: an unplanned failover must be told where to go, and
 * --to must name a Region of the topology.
 */
export function checkRequestedTarget(config: DrctlConfig, mode: FailoverMode, to: string | undefined): void {
  if (mode !== 'planned' && to === undefined) {
    throw new DrctlError('DRCTL_USAGE', 'an unplanned failover needs --to REGION (the Region to move to)', {
      hints: [`one of: ${config.regions.join(', ')}`],
    })
  }
  if (to !== undefined) resolveTarget(config, to)
}

/** What a move (failover, fallback) observes: all it gates on; not the stacks, which it neither gates on nor changes. */
export const MOVE_PARTS: TopologyPart[] = ['identity', 'aurora', 'dynamodb', 'routing', 'chaos', 'steps']

/**
 * What a failover observes: everything for a planned one; for an unplanned one only the target Region, with ARC
 * endpoints elsewhere tried first, so that nothing in the run calls the failing Region.
 */
export function failoverObservation(config: DrctlConfig, mode: FailoverMode, to: string | undefined): ObserveOptions {
  if (mode === 'planned' || to === undefined) return {parts: MOVE_PARTS}
  return {
    regions: [to],
    parts: ['identity', 'aurora', 'dynamodb', 'routing', 'steps'],
    arcAvoidRegions: config.regions.filter((region) => region !== to),
  }
}

/** The gates of every failover: the account, the failover gates of its kind, the routing change's own gates. */
function failoverChecks(
  config: DrctlConfig,
  topology: Topology,
  checks: Check[],
  desired: DesiredControl[] | undefined,
): Check[] {
  // gate.routing is already the failover gates' own reading of ARC: the routing change adds all-Off and safety rules.
  const routing =
    topology.routing && desired
      ? trafficGates(topology.routing, desired, {allowAllOff: false, overrides: []}).filter(
          (check) => check.id !== 'gate.routing',
        )
      : []
  return [accountGate(config.account, topology), ...checks, ...routing]
}

const readableRouting = (topology: Topology) =>
  topology.routing && !topology.routing.unreadable ? topology.routing : undefined

/**
 * Everything `drctl failover --planned --to target` must pass; a fallback's switch-back passes the same, on a fresh
 * observation just before it starts.
 */
export function plannedFailoverChecks(
  config: DrctlConfig,
  topology: Topology,
  target: string,
  options: PlannedGateOptions,
): Check[] {
  const routing = readableRouting(topology)
  return failoverChecks(
    config,
    topology,
    plannedFailoverGates(topology, target, options).checks,
    routing && shiftTo(routing, target),
  )
}

/**
 * Plans a failover from an observation: gates, the moves of every global cluster not yet writing in the target,
 * the ARC traffic change, and the final verification. Nothing is changed here.
 */
export function planFailover(config: DrctlConfig, topology: Topology, request: FailoverRequest): RunPlan {
  const {mode, target} = request
  const unplanned = mode === 'planned' ? undefined : unplannedFailoverGates(topology, target)
  const moves: GlobalMove[] = []
  for (const view of topology.aurora) {
    const member = view.members.find((candidate) => candidate.region === target)
    if (!view.found || !member || (view.writerRegion === target && !view.failoverState)) continue
    moves.push({
      globalClusterId: view.id,
      targetRegion: target,
      targetClusterArn: member.clusterArn,
      targetClusterId: member.clusterId,
      fromRegion: view.writerRegion ?? target,
    })
  }
  const failedRegions = [...new Set(moves.map((move) => move.fromRegion).filter((region) => region !== target))]
  const routing = readableRouting(topology)
  const desired = routing && (unplanned ? fence(routing, target, failedRegions) : shiftTo(routing, target))
  const gates = unplanned
    ? failoverChecks(config, topology, unplanned.checks, desired)
    : plannedFailoverChecks(config, topology, target, {maxLagMs: request.maxLagMs, allowChaos: request.allowChaos})
  const traffic: TrafficChange | undefined =
    routing && desired && changesFrom(routing, desired).length > 0
      ? {
          desired,
          endpoints: request.endpoints,
          avoidRegions: failedRegions,
          safetyRulesToOverride: [],
          safetyRules: routing.safetyRules,
        }
      : undefined
  const movedFrom = movedFromRegions(config, topology, target, failedRegions)
  const heartbeats = heartbeatTable(config)
  const params: FailoverParams = {
    mode,
    target,
    order: config.failover.order,
    moves,
    traffic,
    failedRegions,
    observedRegions: mode === 'planned' ? config.regions : [target],
    appSteps: Object.values(
      appStepSpecs(config.steps, mode === 'planned' ? 'failover-planned' : 'failover-unplanned', {
        to: target,
        from: movedFrom,
        failedRegions: mode === 'planned' ? [] : movedFrom,
        globalClusters: config.aurora.globalClusters,
      }),
    ).flat(),
    ...(mode !== 'planned' && heartbeats ? {heartbeats} : {}),
  }
  const lossMs = unplanned?.dataLossEstimateMs
  const lagNote =
    mode === 'planned'
      ? 'RPO 0: each switchover waits until the target is fully synchronized; writes pause briefly during it'
      : unplanned?.dataLossUnknown
        ? `DATA LOSS: unknown amount (no replication lag datapoint in ${target}); writes not yet replicated from ${failedRegions.join(', ') || 'the old primary'} are lost`
        : `DATA LOSS: up to ~${formatDuration(lossMs ?? 0)} of writes (replication lag observed in ${target}) not yet replicated from ${failedRegions.join(', ') || 'the old primary'}`
  const title =
    mode === 'planned'
      ? `Planned failover of ${config.name} to ${target}`
      : `Unplanned failover of ${config.name} to ${target}${mode === 'detach' ? ' (detach and promote)' : ''}`
  return {
    kind: failoverKind(mode),
    title,
    params,
    items: failoverItems(config, params),
    gates,
    confirmation:
      mode === 'planned'
        ? {kind: 'confirm', message: `Move writes and traffic of ${config.name} to ${target}?`}
        : {
            kind: 'typed',
            message: `${lagNote}.`,
            expected: target,
            yesSuffices: false,
            yesFlagHint: '--yes --allow-data-loss',
          },
    notes: [
      lagNote,
      ...(request.maxLagFlag ? [`lag gate relaxed by --max-lag ${request.maxLagFlag} (${request.maxLagMs}ms)`] : []),
      ...(mode === 'detach'
        ? moves.map(
            (move) =>
              `${move.globalClusterId} will be left orphaned around the old primary in ${move.fromRegion}; its data may diverge`,
          )
        : []),
      ...(mode !== 'planned' ? [failedRegionNote(config, params.appSteps, failedRegions)] : []),
    ],
    followUps: followUps(mode, moves, target),
    evidence: {
      rpo:
        mode === 'planned'
          ? {ms: 0, summary: '0 (switchover: the target was fully synchronized before it took writes)'}
          : {
              ms: lossMs ?? null,
              summary: unplanned?.dataLossUnknown
                ? `unknown (no lag datapoint in ${target} at failover)`
                : `up to ${formatDuration(lossMs ?? 0)} (replication lag observed in ${target} at the moment of failover)`,
              perCluster: Object.fromEntries(
                topology.aurora.map((view) => [
                  view.id,
                  view.members.find((member) => member.region === target)?.lag ?? null,
                ]),
              ),
            },
    },
    excludedRegions: mode === 'planned' ? [] : failedRegions,
  }
}

/**
 * Where writes and traffic move from: the old writers of the global clusters; without Aurora, the Regions traffic
 * is On in; without either, every other Region (an unplanned failover then calls none of them).
 */
function movedFromRegions(config: DrctlConfig, topology: Topology, target: string, writers: string[]): string[] {
  if (writers.length > 0) return writers
  const routed = topology.routing?.controls
    .filter((control) => control.state === 'On' && control.region !== target)
    .map((control) => control.region)
  if (routed && routed.length > 0) return [...new Set(routed)]
  return config.regions.filter((region) => region !== target)
}

/** The application steps of one phase, in drctl.yaml order. */
export function appStepsOf(config: DrctlConfig, specs: AppStepSpec[] | undefined, phase: StepPhase): PlanItem[] {
  return (specs ?? []).filter((spec) => phaseOf(spec.step) === phase).map((spec) => appStep(spec, config.regions))
}

/** The steps of a failover from its journaled parameters (also how `drctl runs resume` rebuilds them). */
export function failoverItems(config: DrctlConfig, params: FailoverParams): PlanItem[] {
  const database: PlanItem[] =
    params.moves.length === 0
      ? []
      : [
          {
            id: 'databases',
            title: `${params.mode === 'planned' ? 'Switch over' : params.mode === 'detach' ? 'Detach and promote' : 'Fail over'} ${params.moves.length} global cluster(s)`,
            parallel: params.moves.map((move) =>
              params.mode === 'planned'
                ? new SwitchoverStep(move)
                : params.mode === 'detach'
                  ? new DetachStep(move)
                  : new ManagedFailoverStep(move),
            ),
          },
        ]
  const traffic: PlanItem[] = params.traffic ? [new TrafficChangeStep(params.traffic)] : []
  const {heartbeats} = params
  // Measured last, so that a slow read never delays recovery: bounded by the failover's start, the answer is the same.
  const measured = heartbeats
    ? params.moves
        .filter((move) => heartbeats.globalClusters.includes(move.globalClusterId))
        .map((move) => new HeartbeatStep(move, heartbeats))
    : []
  const databaseThenSteps = [...database, ...appStepsOf(config, params.appSteps, 'after-database')]
  // An unplanned failover fences traffic first: the failing Region must stop taking writes before another does.
  const ordered = [
    ...appStepsOf(config, params.appSteps, 'before-database'),
    ...(params.mode !== 'planned' || params.order === 'traffic-first'
      ? [...traffic, ...databaseThenSteps]
      : [...databaseThenSteps, ...traffic]),
    ...appStepsOf(config, params.appSteps, 'after-traffic'),
  ]
  if (ordered.length === 0) return []
  // A detach leaves no global writer to check: the promoted clusters write standalone.
  const writers =
    params.mode === 'detach'
      ? {}
      : Object.fromEntries(params.moves.map((move) => [move.globalClusterId, params.target]))
  return [
    ...ordered,
    ...measured,
    new VerifyTopologyStep(config, {
      writers,
      routing: params.traffic?.desired ?? [],
      regions: params.observedRegions,
      arcAvoidRegions: params.failedRegions,
    }),
  ]
}
