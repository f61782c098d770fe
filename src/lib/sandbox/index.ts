/**
 * The sandbox: a local simulator of the AWS APIs drctl uses (design.md §6). This module is its public face for
 * the rest of drctl; nothing else in lib/ may import sandbox internals, and the sandbox imports nothing from lib/.
 */
import {access, writeFile} from 'node:fs/promises'

import {advance, withWorldAt} from './advance.js'
import {viewWorld, type WorldView} from './world-view.js'
import {SandboxError} from './errors.js'
import {
  applyFault,
  type DescribedFault,
  describedFault,
  type FaultInput,
  parseFaultKind,
  removeFaults,
} from './faults.js'
import {SANDBOX_CREDENTIALS, type World} from './world.js'
import {
  buildWorld,
  DEFAULT_SCENARIO,
  isScenario,
  SCALE_LIMITS,
  type ScenarioName,
  type ScenarioSize,
  SCENARIOS,
  scenarioConfig,
} from './scenario.js'
import {loadPolicy} from './iam/enforce.js'
import {refreshLocalServers, startSandboxServer} from './listener.js'
import {readWorld, replaceWorld, sandboxPaths, writeAtomically} from './store.js'
import {removeLogs} from './data/log.js'
import {removeWorkloadRecord} from './workload/control.js'
import {DEFAULT_TIME_SCALE, DURATIONS} from './time.js'

export {isSandboxError, SandboxError, type SandboxErrorCode} from './errors.js'
export {CONTROL_PLANE_SERVICES, type DescribedFault, type FaultInput} from './faults.js'
export type {FaultKind, FaultMode, FaultRecord, World} from './world.js'
export {
  ARC_CONTROL_PLANE_REGION,
  ARC_ENDPOINT_REGIONS,
  databaseSecretArn,
  FAULT_KINDS,
  SANDBOX_ACCOUNT,
  SANDBOX_CREDENTIALS,
} from './world.js'
export {DEFAULT_SCENARIO, SCALE_LIMITS, SCENARIOS, type ScenarioName, type ScenarioSize} from './scenario.js'
export {loadPolicy} from './iam/enforce.js'
export {type ArcEndpointInfo, type SandboxServer, type SandboxServerOptions, startSandboxServer} from './listener.js'
export type {Service} from './services/simulated-services.js'
export {type CallLogEntry, readCallLog, readWorld, sandboxPaths} from './store.js'
export {DEFAULT_TIME_SCALE} from './time.js'
export {acknowledgedWrites} from './workload/files.js'
export {startWorkload, stopWorkload, type WorkloadStatus, workloadSummary} from './workload/control.js'
export {runWorkload} from './workload/loop.js'
export type {WorldView} from './world-view.js'

export interface InProcessSandbox {
  /** Base URL of the loopback server that serves every service and Region (routing on the SigV4 scope). */
  readonly endpoint: string
  /** Maps an ARC cluster endpoint URL (as DescribeCluster returned it, possibly cached in an earlier process) to the live listener. */
  arcEndpointUrl(url: string): string
  /** The world's time factor: 1 = realistic, 0.01 = tests. drctl scales its polling by it. */
  readonly timeScale: number
  /** The scenario's own drctl.yaml, used when no --config is given. */
  readonly configPath: string
  close(): Promise<void>
}

export interface StartOptions {
  /** $DRCTL_SANDBOX_HOME, else $DRCTL_HOME: the world lives in `<home>/sandbox/`. */
  home: string
}

/** Options shared by the calls that read or change the world; `now` is the clock (tests inject one). */
export interface WorldOptions {
  now?: () => number
}

const clockOf = (options?: WorldOptions) => options?.now ?? Date.now

/**
 * Starts the simulator on loopback for this process, creating the default world on first use.
 * Throws SandboxError `corrupt-world` when the saved world cannot be read (it is never replaced silently).
 */
export async function startInProcessSandbox(options: StartOptions): Promise<InProcessSandbox> {
  const world = await ensureWorld(options.home)
  // $DRCTL_SANDBOX_POLICY: run drctl under an IAM policy, as `drctl sandbox serve --enforce-iam` does.
  const policyPath = process.env.DRCTL_SANDBOX_POLICY
  const policy = policyPath ? loadPolicy(policyPath) : undefined
  const server = await startSandboxServer({home: options.home, externalArcUrls: false, unref: true, policy})
  return {
    endpoint: server.endpoint,
    arcEndpointUrl: (url) => server.arcEndpointUrl(url),
    timeScale: world.timeScale,
    configPath: sandboxPaths(options.home).config,
    close: () => server.close(),
  }
}

/** The saved world, or a fresh default one on first use; the scenario's drctl.yaml is (re)written if missing. */
export async function ensureWorld(home: string, options?: WorldOptions): Promise<World> {
  const existing = await readWorld(home)
  if (existing) {
    const configPath = sandboxPaths(home).config
    const present = await access(configPath).then(
      () => true,
      () => false,
    )
    if (!present) await writeAtomically(configPath, scenarioConfig(existing))
    return existing
  }
  return (await resetSandbox({home, now: options?.now})).world
}

export interface ResetOptions extends WorldOptions {
  home: string
  scenario?: string
  timeScale?: number
  /** The `scale` scenario's size (default 100 global clusters in 3 Regions). */
  size?: Partial<ScenarioSize>
}

export interface ResetResult {
  scenario: ScenarioName
  timeScale: number
  regions: string[]
  /** Real seconds a switchover takes at this time scale. */
  switchoverSeconds: number
  worldPath: string
  configPath: string
  callLogPath: string
  /** How many of each resource the fresh world holds. */
  resources: Record<
    'globalClusters' | 'clusters' | 'instances' | 'tables' | 'routingControls' | 'experimentTemplates' | 'stacks',
    number
  >
  world: World
}

const MAX_TIME_SCALE = 100

/** Replaces the world with a fresh scenario (even a corrupt one), writes its drctl.yaml and empties the call log. */
export async function resetSandbox(options: ResetOptions): Promise<ResetResult> {
  const scenario = options.scenario ?? DEFAULT_SCENARIO
  if (!isScenario(scenario)) {
    throw new SandboxError('bad-argument', `unknown scenario "${scenario}"`, {
      hint: `scenarios: ${SCENARIOS.join(', ')}`,
    })
  }
  const timeScale = options.timeScale ?? DEFAULT_TIME_SCALE
  if (!Number.isFinite(timeScale) || timeScale <= 0 || timeScale > MAX_TIME_SCALE) {
    throw new SandboxError(
      'bad-argument',
      `the time scale must be a number above 0 and at most ${MAX_TIME_SCALE}, not ${String(timeScale)}`,
      {hint: '1 is realistic, 0.1 is the default, 0.01 suits tests'},
    )
  }
  const world = buildWorld(scenario, timeScale, clockOf(options)(), scenarioSize(scenario, options.size))
  const paths = sandboxPaths(options.home)
  await replaceWorld(options.home, world, async () => {
    await writeAtomically(paths.config, scenarioConfig(world))
    await writeFile(paths.calls, '')
    await removeLogs(options.home)
    await removeWorkloadRecord(options.home)
  })
  await refreshLocalServers(options.home)
  return {
    scenario,
    timeScale,
    regions: world.regions,
    switchoverSeconds: DURATIONS.switchover * timeScale,
    worldPath: paths.world,
    configPath: paths.config,
    callLogPath: paths.calls,
    resources: {
      globalClusters: world.rds.globalClusters.length,
      clusters: world.rds.clusters.length,
      instances: world.rds.instances.length,
      tables: world.dynamodb.tables.length,
      routingControls: world.arc.routingControls.length,
      experimentTemplates: world.fis.templates.length,
      stacks: world.cloudformation.stacks.length,
    },
    world,
  }
}

function scenarioSize(scenario: ScenarioName, size: Partial<ScenarioSize> = {}): ScenarioSize {
  const given = Object.entries(size).filter(([, value]) => value !== undefined)
  if (given.length > 0 && scenario !== 'scale') {
    throw new SandboxError('bad-argument', `the ${scenario} scenario has a fixed size`, {
      hint: '--global-clusters and --regions go with --scenario scale',
    })
  }
  const {globalClusters: count, regions: list} = SCALE_LIMITS
  const globalClusters = size.globalClusters ?? count.default
  if (!Number.isInteger(globalClusters) || globalClusters < count.min || globalClusters > count.max) {
    throw new SandboxError(
      'bad-argument',
      `--global-clusters must be a whole number from ${count.min} to ${count.max}, not ${globalClusters}`,
    )
  }
  const regions = [...new Set(size.regions ?? list.default)]
  if (regions.length < list.min || regions.length > list.max) {
    throw new SandboxError('bad-argument', `--regions must name ${list.min} to ${list.max} distinct Regions`)
  }
  return {globalClusters, regions}
}

async function lockedWorld<T>(home: string, options: WorldOptions | undefined, fn: (world: World, now: number) => T) {
  await ensureWorld(home, options)
  const now = clockOf(options)()
  return withWorldAt(home, now, (world) => fn(world, now))
}

/** The world brought up to now, by service and Region (what `drctl sandbox show` prints). */
export async function describeWorld(home: string, options?: WorldOptions): Promise<WorldView> {
  return lockedWorld(home, options, (world, now) => viewWorld(world, now))
}

/** Switches a fault on (replacing one of the same kind and target). Throws SandboxError `bad-fault` on bad input. */
export async function setFault(
  home: string,
  fault: FaultInput,
  options?: WorldOptions,
): Promise<{fault: DescribedFault; faults: DescribedFault[]}> {
  const result = await lockedWorld(home, options, (world, now) => ({
    fault: describedFault(applyFault(world, fault, now)),
    faults: world.faults.map(describedFault),
  }))
  await refreshLocalServers(home)
  return result
}

/** Clears the faults of one kind, or all. A Region coming back lets a failed-over old primary rejoin at once. */
export async function clearFaults(
  home: string,
  kind?: string,
  options?: WorldOptions,
): Promise<{cleared: DescribedFault[]; faults: DescribedFault[]}> {
  const parsed = kind === undefined ? undefined : parseFaultKind(kind)
  const result = await lockedWorld(home, options, (world, now) => {
    const cleared = removeFaults(world, parsed).map(describedFault)
    advance(world, now)
    return {cleared, faults: world.faults.map(describedFault)}
  })
  await refreshLocalServers(home)
  return result
}

/** Changes the world directly, for tests that need a state no API call produces (e.g. UPDATE_ROLLBACK_FAILED). */
export async function mutateWorld<T>(home: string, fn: (world: World) => T, options?: WorldOptions): Promise<T> {
  const result = await lockedWorld(home, options, (world) => fn(world))
  await refreshLocalServers(home)
  return result
}

/** The environment that points an AWS SDK or the AWS CLI at a sandbox server (dummy credentials). */
export function sandboxClientEnv(endpoint: string, regions: string[]): Record<string, string> {
  const region = regions[0] ?? 'us-east-1'
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    // The AWS CLI and boto3 read the default Region from here rather than AWS_REGION.
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  }
}
