import {SandboxError} from './errors.js'
import {regionOfArn} from './ids.js'
import {bareId} from './services/route53/records.js'
import {
  ARC_ENDPOINT_REGIONS,
  FAULT_KINDS,
  type FaultKind,
  type FaultMode,
  type FaultRecord,
  REGION_PATTERN,
  type World,
} from './world.js'

/** What `drctl sandbox fault …` asks for. */
export type FaultInput =
  | {kind: 'region-outage'; region: string; mode?: FaultMode}
  | {kind: 'arc-endpoints-down'; count?: number; regions?: string[]; mode?: FaultMode}
  | {kind: 'throttle'; rate: number}
  | {kind: 'latency'; ms: number}
  | {kind: 'lag'; globalCluster: string; region: string; ms: number}
  | {kind: 'stack-delete-fails'; stack: string; region?: string}
  | {kind: 'alarm'; alarm: string}
  | {kind: 'lambda-fails'; function: string; region?: string; message?: string}
  | {kind: 'control-plane-outage'; service: string; mode?: FaultMode}
  | {kind: 'distribution-stuck'; distributionId: string}
  | {kind: 'zone-busy'; hostedZoneId: string}

/** The global services whose control plane a `control-plane-outage` can take down, by signing name. */
export const CONTROL_PLANE_SERVICES = ['route53', 'cloudfront', 'globalaccelerator'] as const

const MAX_LATENCY_MS = 120_000

function bad(message: string, hint?: string): SandboxError {
  return new SandboxError('bad-fault', message, {hint})
}

function knownRegions(world: World): string[] {
  return [...new Set([...world.regions, ...ARC_ENDPOINT_REGIONS])]
}

function checkRegion(world: World, region: string): void {
  if (!REGION_PATTERN.test(region)) throw bad(`"${region}" is not an AWS Region name (like us-east-1)`)
  const known = knownRegions(world)
  if (!known.includes(region)) {
    throw bad(`Region ${region} is not part of the sandbox world`, `known Regions: ${known.join(', ')}`)
  }
}

function checkMode(mode: string | undefined): FaultMode {
  if (mode === undefined || mode === 'refuse' || mode === 'hang') return mode ?? 'refuse'
  throw bad(`--mode must be refuse or hang, not "${mode}"`)
}

export function parseFaultKind(kind: string): FaultKind {
  if ((FAULT_KINDS as string[]).includes(kind)) return kind as FaultKind
  throw bad(`unknown fault kind "${kind}"`, `kinds: ${FAULT_KINDS.join(', ')}`)
}

/** Validates `input` against the world and turns it into the record stored in it (replacing one of the same kind). */
export function applyFault(world: World, input: FaultInput, now: number): FaultRecord {
  const record = toRecord(world, input, now)
  world.faults = world.faults.filter((existing) => !sameSlot(existing, record))
  world.faults.push(record)
  return record
}

function toRecord(world: World, input: FaultInput, now: number): FaultRecord {
  switch (input.kind) {
    case 'region-outage':
      checkRegion(world, input.region)
      return {kind: 'region-outage', region: input.region, mode: checkMode(input.mode), since: now}
    case 'arc-endpoints-down': {
      const mode = checkMode(input.mode)
      if (input.regions !== undefined && input.count !== undefined) throw bad('give a COUNT or --regions, not both')
      if (input.regions !== undefined) {
        if (input.regions.length === 0) throw bad('--regions needs at least one Region')
        const endpoints = input.regions.map((region) => {
          const index = (ARC_ENDPOINT_REGIONS as readonly string[]).indexOf(region)
          if (index < 0) {
            throw bad(
              `the ARC cluster has no endpoint in ${region}`,
              `its endpoints are in ${ARC_ENDPOINT_REGIONS.join(', ')}`,
            )
          }
          return index + 1
        })
        return {kind: 'arc-endpoints-down', endpoints: [...new Set(endpoints)].sort(), mode, since: now}
      }
      const count = input.count
      if (count === undefined || !Number.isInteger(count) || count < 0 || count > ARC_ENDPOINT_REGIONS.length) {
        throw bad(`COUNT must be a whole number from 0 to ${ARC_ENDPOINT_REGIONS.length}, not ${String(count)}`)
      }
      return {kind: 'arc-endpoints-down', endpoints: Array.from({length: count}, (_, i) => i + 1), mode, since: now}
    }
    case 'throttle':
      if (!Number.isFinite(input.rate) || input.rate < 0 || input.rate > 1) {
        throw bad(`RATE must be a fraction from 0 to 1 (like 0.3), not ${String(input.rate)}`)
      }
      return {kind: 'throttle', rate: input.rate, since: now}
    case 'latency':
      if (!Number.isInteger(input.ms) || input.ms < 0 || input.ms > MAX_LATENCY_MS) {
        throw bad(`MS must be a whole number of milliseconds from 0 to ${MAX_LATENCY_MS}, not ${String(input.ms)}`)
      }
      return {kind: 'latency', ms: input.ms, since: now}
    case 'lag': {
      const global = world.rds.globalClusters.find((g) => g.id === input.globalCluster.toLowerCase())
      if (!global) {
        const known = world.rds.globalClusters.map((g) => g.id)
        throw bad(
          `no global cluster named "${input.globalCluster}"`,
          known.length ? `global clusters: ${known.join(', ')}` : undefined,
        )
      }
      checkRegion(world, input.region)
      const memberRegions = global.members.map((member) => regionOfArn(member.clusterArn))
      if (!memberRegions.includes(input.region)) {
        throw bad(
          `${global.id} has no member cluster in ${input.region}`,
          `its members are in ${memberRegions.join(', ') || 'no Region'}`,
        )
      }
      if (!Number.isInteger(input.ms) || input.ms < 0) {
        throw bad(`MS must be a whole number of milliseconds, not ${String(input.ms)}`)
      }
      return {
        kind: 'lag',
        globalClusterResourceId: global.resourceId,
        globalClusterId: global.id,
        region: input.region,
        ms: input.ms,
        since: now,
      }
    }
    case 'stack-delete-fails': {
      const matches = world.cloudformation.stacks.filter(
        (stack) =>
          stack.name === input.stack &&
          !stack.deletedAt &&
          (input.region === undefined || stack.region === input.region),
      )
      if (input.region !== undefined) checkRegion(world, input.region)
      if (matches.length === 0) {
        throw bad(`no stack named "${input.stack}"${input.region ? ` in ${input.region}` : ''}`)
      }
      if (matches.length > 1) throw bad(`stack "${input.stack}" exists in several Regions: give --region`)
      return {
        kind: 'stack-delete-fails',
        stack: input.stack,
        region: (matches[0] as {region: string}).region,
        since: now,
      }
    }
    case 'alarm': {
      const known = [
        ...new Set(world.fis.templates.flatMap((template) => stopConditionAlarms(template.stopConditions))),
      ]
      if (!known.some((arn) => alarmName(arn) === input.alarm)) {
        throw bad(
          `no experiment template has a stop condition on an alarm named "${input.alarm}"`,
          known.length ? `alarms: ${known.map(alarmName).join(', ')}` : 'no template has an alarm stop condition',
        )
      }
      return {kind: 'alarm', alarm: input.alarm, since: now}
    }
    case 'lambda-fails': {
      if (input.region !== undefined) checkRegion(world, input.region)
      const regions = world.lambda.functions.filter((fn) => fn.name === input.function).map((fn) => fn.region)
      if (regions.length === 0 || (input.region !== undefined && !regions.includes(input.region))) {
        const known = [...new Set(world.lambda.functions.map((fn) => fn.name))]
        throw bad(
          `no Lambda function named "${input.function}"${input.region ? ` in ${input.region}` : ''}`,
          regions.length > 0
            ? `${input.function} exists in ${regions.join(', ')}`
            : known.length
              ? `functions: ${known.join(', ')}`
              : 'the world has no Lambda function',
        )
      }
      const message = input.message?.trim()
      return {
        kind: 'lambda-fails',
        function: input.function,
        region: input.region,
        message: message === '' ? undefined : message,
        since: now,
      }
    }
    case 'control-plane-outage':
      if (!(CONTROL_PLANE_SERVICES as readonly string[]).includes(input.service)) {
        throw bad(`no global service named "${input.service}"`, `services: ${CONTROL_PLANE_SERVICES.join(', ')}`)
      }
      return {kind: 'control-plane-outage', service: input.service, mode: checkMode(input.mode), since: now}
    case 'distribution-stuck': {
      const known = world.cloudfront.distributions.map((distribution) => distribution.id)
      if (!known.includes(input.distributionId)) {
        throw bad(
          `no CloudFront distribution "${input.distributionId}"`,
          known.length ? `distributions: ${known.join(', ')}` : 'the world has no CloudFront distribution',
        )
      }
      return {kind: 'distribution-stuck', distributionId: input.distributionId, since: now}
    }
    case 'zone-busy': {
      const id = bareId(input.hostedZoneId)
      const known = world.route53.hostedZones.map((zone) => zone.id)
      if (!known.includes(id)) {
        throw bad(
          `no Route 53 hosted zone "${input.hostedZoneId}"`,
          known.length ? `hosted zones: ${known.join(', ')}` : 'the world has no hosted zone',
        )
      }
      return {kind: 'zone-busy', hostedZoneId: id, since: now}
    }
  }
}

/** The CloudWatch alarm ARNs among FIS stop conditions. */
export function stopConditionAlarms(conditions: {source: string; value?: string}[]): string[] {
  return conditions.flatMap((condition) =>
    condition.source === 'aws:cloudwatch:alarm' && condition.value ? [condition.value] : [],
  )
}

export function alarmName(arn: string): string {
  return arn.slice(arn.indexOf(':alarm:') + ':alarm:'.length)
}

/** Faults of these kinds hold one record per key; setting one again replaces it. */
function sameSlot(a: FaultRecord, b: FaultRecord): boolean {
  if (a.kind !== b.kind) return false
  if (a.kind === 'region-outage' && b.kind === 'region-outage') return a.region === b.region
  if (a.kind === 'lag' && b.kind === 'lag') {
    return a.globalClusterResourceId === b.globalClusterResourceId && a.region === b.region
  }
  if (a.kind === 'stack-delete-fails' && b.kind === 'stack-delete-fails') {
    return a.stack === b.stack && a.region === b.region
  }
  if (a.kind === 'alarm' && b.kind === 'alarm') return a.alarm === b.alarm
  if (a.kind === 'lambda-fails' && b.kind === 'lambda-fails') return a.function === b.function && a.region === b.region
  if (a.kind === 'control-plane-outage' && b.kind === 'control-plane-outage') return a.service === b.service
  if (a.kind === 'distribution-stuck' && b.kind === 'distribution-stuck') return a.distributionId === b.distributionId
  if (a.kind === 'zone-busy' && b.kind === 'zone-busy') return a.hostedZoneId === b.hostedZoneId
  return true
}

export function removeFaults(world: World, kind?: FaultKind): FaultRecord[] {
  const removed = world.faults.filter((fault) => kind === undefined || fault.kind === kind)
  world.faults = world.faults.filter((fault) => !removed.includes(fault))
  return removed
}

function outageOf(world: World, region: string): Extract<FaultRecord, {kind: 'region-outage'}> | undefined {
  for (const fault of world.faults) if (fault.kind === 'region-outage' && fault.region === region) return fault
  return undefined
}

export function regionOutage(world: World, region: string): FaultMode | undefined {
  return outageOf(world, region)?.mode
}

export function regionDown(world: World, region: string): boolean {
  return regionOutage(world, region) !== undefined
}

/** When the first of the Regions' outages started, if any of them is down. */
export function outageSince(world: World, ...regions: string[]): number | undefined {
  const starts = regions.flatMap((region) => outageOf(world, region)?.since ?? [])
  return starts.length === 0 ? undefined : Math.min(...starts)
}

/** How ARC cluster endpoint `index` (1–5) behaves: up, or down by refusing or hanging. */
export function arcEndpointMode(world: World, index: number): FaultMode | undefined {
  const region = ARC_ENDPOINT_REGIONS[index - 1]
  const outage = region ? regionOutage(world, region) : undefined
  if (outage) return outage
  for (const fault of world.faults) {
    if (fault.kind === 'arc-endpoints-down' && fault.endpoints.includes(index)) return fault.mode
  }
  return undefined
}

/** How the control plane of global service `service` (a signing name) is down, if it is. */
export function controlPlaneOutage(world: World, service: string): FaultMode | undefined {
  for (const fault of world.faults)
    if (fault.kind === 'control-plane-outage' && fault.service === service) return fault.mode
  return undefined
}

export function throttleRate(world: World): number {
  for (const fault of world.faults) if (fault.kind === 'throttle') return fault.rate
  return 0
}

export function addedLatencyMs(world: World): number {
  for (const fault of world.faults) if (fault.kind === 'latency') return fault.ms
  return 0
}

/** The `lambda-fails` fault that makes function `name` of `region` fail, if one is on. */
export function lambdaFailure(
  world: World,
  name: string,
  region: string,
): Extract<FaultRecord, {kind: 'lambda-fails'}> | undefined {
  for (const fault of world.faults) {
    if (fault.kind === 'lambda-fails' && fault.function === name && (fault.region ?? region) === region) return fault
  }
  return undefined
}

export type DescribedFault = FaultRecord & {description: string}

export function describedFault(fault: FaultRecord): DescribedFault {
  return {...fault, description: describeFault(fault)}
}

function describeFault(fault: FaultRecord): string {
  switch (fault.kind) {
    case 'region-outage':
      return `region-outage ${fault.region} (${fault.mode})`
    case 'arc-endpoints-down':
      return `arc-endpoints-down ${fault.endpoints.map((i) => `arc${i} ${ARC_ENDPOINT_REGIONS[i - 1]}`).join(', ') || 'none'} (${fault.mode})`
    case 'throttle':
      return `throttle ${fault.rate}`
    case 'latency':
      return `latency ${fault.ms}ms`
    case 'lag':
      return `lag ${fault.globalClusterId} ${fault.region} ${fault.ms}ms`
    case 'stack-delete-fails':
      return `stack-delete-fails ${fault.stack} (${fault.region})`
    case 'alarm':
      return `alarm ${fault.alarm} in ALARM`
    case 'lambda-fails':
      return `lambda-fails ${fault.function} (${fault.region ?? 'every Region'})${fault.message ? `: ${fault.message}` : ''}`
    case 'control-plane-outage':
      return `control-plane-outage ${fault.service} (${fault.mode})`
    case 'distribution-stuck':
      return `distribution-stuck ${fault.distributionId} (stays InProgress)`
    case 'zone-busy':
      return `zone-busy ${fault.hostedZoneId} (PriorRequestNotComplete while a change is PENDING)`
  }
}
