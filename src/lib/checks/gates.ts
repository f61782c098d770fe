import type {DrctlConfig} from '../config/schema.js'
import {formatDuration} from '../core/clock.js'
import type {AuroraGlobalView, TableView, Topology} from '../topology/views.js'
import {type Check, fail, ok, warn} from './check.js'
import {appStepGates} from './app-steps.js'
import {capacityGates} from './capacity.js'
import {describeLag, majorMinor} from './aurora-values.js'

export interface PlannedGateOptions {
  maxLagMs: number
  allowChaos: boolean
  /** Whose application steps must be ready (a fallback's switch-back runs the steps that join `fallback`). */
  stepsOf?: string
}

export type FailoverKind = 'planned' | 'unplanned'

export interface GateResult {
  kind: FailoverKind
  target: string
  checks: Check[]
  ready: boolean
  /** Every global cluster already has its writer in the target: nothing to do. */
  alreadyThere: boolean
  /** Unplanned only: the worst replication lag seen in the target, i.e. the writes that may be lost. */
  dataLossEstimateMs?: number
  dataLossUnknown?: boolean
}

/** Why a table's replica in `target` is not ACTIVE: its status, or why it could not be read (a missing permission). */
function tableNotReady(table: TableView, target: string, status: string): string {
  const replica = table.replicas.find((candidate) => candidate.region === target)
  return !replica && table.unreadable
    ? `${table.name} could not be read: ${table.unreadable.message}`
    : `${table.name} replica in ${target} is ${status}`
}

/**
 * Preflight gates of a planned failover (switchover, RPO 0) to `target`: the checks that must pass before anything
 * changes (runbook-spec R2 step 1). The same function answers `drctl status`'s readiness question.
 */
export function plannedFailoverGates(topology: Topology, target: string, options: PlannedGateOptions): GateResult {
  const checks: Check[] = [...reachabilityGates(topology, target)]
  for (const view of topology.aurora) {
    checks.push(...auroraPlannedGates(view, target, options))
  }
  for (const table of topology.dynamodb) {
    const replica = table.replicas.find((candidate) => candidate.region === target)
    const id = `gate.dynamodb.${table.name}`
    checks.push(
      replica?.status === 'ACTIVE'
        ? ok(id, `${table.name} replica in ${target} ACTIVE`)
        : fail(id, tableNotReady(table, target, replica?.status ?? 'missing')),
    )
  }
  checks.push(...capacityGates(topology, target))
  checks.push(...routingGates(topology, target))
  const running = topology.chaos?.running ?? []
  if (running.length > 0) {
    const names = running.map((experiment) => experiment.id).join(', ')
    checks.push(
      options.allowChaos
        ? warn('gate.chaos', `FIS experiment(s) ${names} running (allowed by --allow-chaos)`)
        : fail('gate.chaos', `FIS experiment(s) ${names} running: stop them or pass --allow-chaos`),
    )
  } else if (topology.chaos) {
    checks.push(ok('gate.chaos', 'no FIS experiment running'))
  }
  checks.push(...appStepGates(topology, options.stepsOf ?? 'failover-planned'))
  return result('planned', target, checks, topology)
}

function auroraPlannedGates(view: AuroraGlobalView, target: string, options: PlannedGateOptions): Check[] {
  const id = `gate.aurora.${view.id}`
  if (view.unreadable) return [fail(id, `${view.id} could not be read: ${view.unreadable.message}`)]
  if (!view.found) return [fail(id, `global cluster ${view.id} does not exist`)]
  if (view.writerRegion === target && !view.failoverState) return [ok(id, `${view.id} already writes in ${target}`)]
  const checks: Check[] = []
  checks.push(
    view.status === 'available' && !view.failoverState
      ? ok(`${id}.status`, `${view.id} available, no failover in progress`)
      : fail(
          `${id}.status`,
          `${view.id} is ${view.status}${view.failoverState ? ` with a ${view.failoverState.status} failover/switchover in progress` : ''}`,
        ),
  )
  const member = view.members.find((candidate) => candidate.region === target)
  if (!member) return [...checks, fail(`${id}.target`, `${view.id} has no member in ${target}`)]
  if (member.unreadable) {
    return [
      ...checks,
      fail(`${id}.target`, `${member.clusterId} in ${target} could not be read: ${member.unreadable.message}`),
    ]
  }
  const available = member.instances.some((instance) => instance.status === 'available')
  checks.push(
    member.clusterStatus === 'available' && available
      ? ok(`${id}.target`, `${member.clusterId} in ${target} available with an available instance`)
      : fail(
          `${id}.target`,
          `${member.clusterId} in ${target} is ${member.clusterStatus ?? 'unknown'}${available ? '' : ' with no available instance'}`,
        ),
  )
  checks.push(
    member.synchronizationStatus === 'connected'
      ? ok(`${id}.sync`, `${member.clusterId} replication connected`)
      : fail(
          `${id}.sync`,
          `${member.clusterId} replication is ${member.synchronizationStatus ?? 'unknown'}, not connected`,
        ),
  )
  const others = view.members.filter(
    (candidate) => candidate !== member && candidate.clusterStatus && candidate.clusterStatus !== 'available',
  )
  for (const other of others) {
    checks.push(
      fail(
        `${id}.${other.region}`,
        `${other.clusterId} in ${other.region} is ${other.clusterStatus}: a switchover needs every member available`,
      ),
    )
  }
  const writer = view.members.find((candidate) => candidate.role === 'writer')
  const versions = [majorMinor(writer?.engineVersion), majorMinor(member.engineVersion)]
  if (versions[0] && versions[1] && versions[0] !== versions[1]) {
    checks.push(
      fail(
        `${id}.engine`,
        `engine ${writer?.engineVersion} (writer) and ${member.engineVersion} (target) differ in major.minor`,
      ),
    )
  }
  const lagId = `${id}.lag`
  if (!member.lag) {
    checks.push(
      warn(lagId, `${member.clusterId} replication lag unknown; the switchover still waits for full sync (RPO 0)`),
    )
  } else if (member.lag.ms > options.maxLagMs) {
    checks.push(
      fail(
        lagId,
        `${member.clusterId} replication lag ${describeLag(member.lag)} is above ${formatDuration(options.maxLagMs)} (relax with --max-lag)`,
      ),
    )
  } else {
    checks.push(
      ok(
        lagId,
        `${member.clusterId} replication lag ${describeLag(member.lag)} (≤ ${formatDuration(options.maxLagMs)})`,
      ),
    )
  }
  return checks
}

/**
 * Gates of an unplanned failover to `target`: only what can be known from the target Region and the ARC endpoints,
 * because the primary Region is presumed lost (runbook-spec R3).
 */
export function unplannedFailoverGates(topology: Topology, target: string): GateResult {
  const checks: Check[] = []
  const region = topology.regions.find((candidate) => candidate.region === target)
  checks.push(
    region?.reachable === false
      ? fail(`gate.region.${target}`, `${target} is unreachable: ${region.error}`)
      : ok(`gate.region.${target}`, `${target} answers`),
  )
  let lossMs = 0
  let lossUnknown = false
  for (const view of topology.aurora) {
    const id = `gate.aurora.${view.id}`
    if (view.unreadable) {
      checks.push(fail(id, `${view.id} could not be read from ${target}: ${view.unreadable.message}`))
      continue
    }
    if (!view.found) {
      checks.push(fail(id, `global cluster ${view.id} is not visible from ${target}`))
      continue
    }
    if (view.writerRegion === target && !view.failoverState) {
      checks.push(ok(id, `${view.id} already writes in ${target}`))
      continue
    }
    const member = view.members.find((candidate) => candidate.region === target)
    if (!member) {
      checks.push(fail(`${id}.target`, `${view.id} has no member in ${target}`))
      continue
    }
    if (member.unreadable || member.clusterStatus !== 'available') {
      checks.push(
        fail(
          `${id}.target`,
          `${member.clusterId} in ${target} is ${member.unreadable ? `unreadable (${member.unreadable.message})` : member.clusterStatus}`,
        ),
      )
      continue
    }
    checks.push(ok(`${id}.target`, `${member.clusterId} in ${target} available (${member.role})`))
    if (member.lag) lossMs = Math.max(lossMs, member.lag.ms)
    else if (member.role === 'secondary') lossUnknown = true
    checks.push(
      member.lag
        ? ok(`${id}.lag`, `${member.clusterId} lag ${describeLag(member.lag)}: writes in that window may be lost`)
        : warn(`${id}.lag`, `${member.clusterId} lag unknown: the data loss cannot be estimated`),
    )
  }
  for (const table of topology.dynamodb) {
    const replica = table.replicas.find((candidate) => candidate.region === target)
    const loss =
      table.consistency === 'strong'
        ? ' (strongly consistent: no write is lost)'
        : ' (eventually consistent: writes not yet replicated are lost)'
    checks.push(
      replica?.status === 'ACTIVE'
        ? ok(`gate.dynamodb.${table.name}`, `${table.name} replica in ${target} ACTIVE${loss}`)
        : warn(`gate.dynamodb.${table.name}`, tableNotReady(table, target, replica?.status ?? 'unknown')),
    )
  }
  checks.push(...capacityGates(topology, target))
  checks.push(...routingGates(topology, target))
  // Whatever lives outside the target may be what failed: a step that needs it is tried briefly, then deferred.
  const elsewhere = [...topology.regions.map((region) => region.region), ...topology.excludedRegions].filter(
    (region) => region !== target,
  )
  checks.push(...appStepGates(topology, 'failover-unplanned', elsewhere))
  const gate = result('unplanned', target, checks, topology)
  return {...gate, dataLossEstimateMs: lossUnknown ? undefined : lossMs, dataLossUnknown: lossUnknown}
}

function reachabilityGates(topology: Topology, target: string): Check[] {
  return topology.regions
    .filter((region) => !region.reachable)
    .map((region) =>
      fail(
        `gate.region.${region.region}`,
        `${region.region} is unreachable${region.region === target ? '' : ' (a planned failover needs every Region; consider --unplanned)'}`,
      ),
    )
}

function routingGates(topology: Topology, target: string): Check[] {
  const routing = topology.routing
  if (!routing) return []
  if (routing.unreadable) return [fail('gate.routing', `routing controls unreadable: ${routing.unreadable.message}`)]
  const controls = routing.controls.filter((control) => control.region === target)
  if (controls.length === 0) return [fail('gate.routing', `no routing control is configured for ${target}`)]
  const missing = controls.filter((control) => !control.state)
  if (missing.length > 0)
    return [fail('gate.routing', `routing control ${missing[0]?.name} for ${target} was not found on the cluster`)]
  return [
    ok('gate.routing', `routing controls readable; ${target} is ${controls.map((control) => control.state).join('/')}`),
  ]
}

function result(kind: FailoverKind, target: string, checks: Check[], topology: Topology): GateResult {
  const alreadyThere =
    topology.aurora.length > 0 && topology.aurora.every((view) => view.writerRegion === target && !view.failoverState)
  return {kind, target, checks, ready: !checks.some((check) => check.status === 'fail'), alreadyThere}
}

export interface Readiness {
  region: string
  kind: FailoverKind
  ready: boolean
  reasons: string[]
  dataLossEstimateMs?: number
  /** Tables with multi-Region strong consistency: for them a failover is routing only, and loses no write. */
  routingOnly: string[]
}

/** "Planned/unplanned failover to R: ready / not ready, because …" for every Region that is not the writer. */
export function readiness(topology: Topology, config: DrctlConfig): Readiness[] {
  const writers = new Set(topology.aurora.map((view) => view.writerRegion).filter(Boolean))
  const home = writers.size === 1 ? [...writers][0] : undefined
  const targets = config.regions.filter((region) => region !== home)
  const routingOnly = topology.dynamodb.filter((table) => table.consistency === 'strong').map((table) => table.name)
  return targets.flatMap((target) => {
    const planned = plannedFailoverGates(topology, target, {
      maxLagMs: config.gates.maxReplicationLagMs,
      allowChaos: false,
    })
    const unplanned = unplannedFailoverGates(topology, target)
    return [planned, unplanned].map((gate) => ({
      region: target,
      kind: gate.kind,
      ready: gate.ready,
      reasons: gate.checks.filter((check) => check.status === 'fail').map((check) => check.message),
      ...(gate.kind === 'unplanned' ? {dataLossEstimateMs: gate.dataLossEstimateMs} : {}),
      routingOnly,
    }))
  })
}

/** Refuses credentials of another account than the one drctl.yaml pins: the first gate of every mutating run. */
export function accountGate(pinned: string | undefined, topology: Topology): Check {
  const account = topology.identity?.account
  return pinned && account !== pinned
    ? fail('gate.account', `credentials are for account ${account ?? 'unknown'}, but drctl.yaml pins ${pinned}`)
    : ok('gate.account', `acting as ${topology.identity?.arn ?? 'unknown caller'}`)
}
