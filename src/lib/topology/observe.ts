import {AwsCallError} from '../aws/errors.js'
import type {
  ArcEndpoint,
  AwsPorts,
  CallerIdentity,
  DbCluster,
  DbInstance,
  GlobalCluster,
  MetricPoint,
  MetricQuery,
} from '../aws/ports.js'
import {regionOfArn, resourceIdOfArn} from '../core/arn.js'
import {type DrctlConfig, routingControlsByRegion} from '../config/schema.js'
import {type Clock, systemClock} from '../core/clock.js'
import {isDrctlError} from '../core/errors.js'
import type {ProgressListener} from '../core/events.js'
import {KeyedLimiter} from './limiter.js'
import {DETACHED_BY_RUN_TAG, DETACHED_FROM_TAG} from './views.js'
import type {
  AuroraGlobalView,
  AuroraMemberView,
  BinlogReplicaView,
  ChaosView,
  InstanceView,
  LagReading,
  RegionReachability,
  RoutingView,
  StackView,
  TableView,
  Topology,
  Unreadable,
} from './views.js'

export interface KnownSurvivor {
  globalClusterId: string
  clusterArn: string
  runId: string
}

export type TopologyPart = 'identity' | 'aurora' | 'dynamodb' | 'routing' | 'chaos' | 'stacks'

export interface ObserveOptions {
  /** Only these Regions are called (an unplanned failover observes from the target alone). Default: all. */
  regions?: string[]
  /** Parts to read (default: all). */
  parts?: TopologyPart[]
  /** ARC endpoints in these Regions are tried last. */
  arcAvoidRegions?: string[]
  /** Concurrent calls per service and Region. */
  concurrency?: number
  /** How far back a CloudWatch datapoint still counts as current. */
  metricWindowMs?: number
  /** Clusters detached from their global cluster by drctl (from its journals), to show next to it. */
  survivors?: KnownSurvivor[]
  emit?: ProgressListener
  /** Times the observation and paces the retries of throttled reads (default: real time). */
  clock?: Clock
}

const ACTIVE_EXPERIMENT = new Set(['pending', 'initiating', 'running', 'stopping'])
const DEFAULT_METRIC_WINDOW_MS = 5 * 60_000

type Read<T> = {ok: true; value: T} | {ok: false; error: Unreadable}

/**
 * Reads the live state of everything drctl.yaml names, as concurrently as the dependencies allow: one round for
 * everything that needs only the config, a second for what needs Aurora's membership (cluster details and lag).
 * A Region that does not answer is recorded as unreachable; nothing here throws for an AWS failure.
 */
export async function observe(config: DrctlConfig, aws: AwsPorts, options: ObserveOptions = {}): Promise<Topology> {
  const clock = options.clock ?? systemClock
  const started = clock.now()
  const callable = options.regions ?? config.regions
  const parts = new Set<TopologyPart>(options.parts ?? ['identity', 'aurora', 'dynamodb', 'routing', 'chaos', 'stacks'])
  const reader = new Reader(callable, new KeyedLimiter(options.concurrency ?? 4), clock)
  const windowMs = options.metricWindowMs ?? DEFAULT_METRIC_WINDOW_MS
  const warnings: string[] = []
  const what = options.parts ? ` (${[...parts].join(', ')})` : ''
  options.emit?.({type: 'task-start', id: 'observe', title: `Reading ${config.name}${what} in ${callable.join(', ')}`})

  const [identity, aurora, replicas, dynamodb, routing, chaos, stacks] = await Promise.all([
    parts.has('identity') ? readIdentity(aws, reader, callable) : undefined,
    parts.has('aurora') ? readAurora(config, aws, reader, callable, windowMs, options.survivors ?? []) : [],
    parts.has('aurora') ? readReplicas(config, aws, reader) : [],
    parts.has('dynamodb') ? readTables(config, aws, reader, callable, windowMs) : [],
    parts.has('routing') ? readRouting(config, aws, options.arcAvoidRegions ?? [], warnings) : undefined,
    parts.has('chaos') ? readChaos(aws, reader, callable) : undefined,
    parts.has('stacks') ? readStacks(config, aws, reader) : [],
  ])
  await reader.settled()
  const durationMs = clock.now() - started
  options.emit?.({type: 'task-end', id: 'observe', status: 'done'})
  return {
    name: config.name,
    observedAt: new Date(started).toISOString(),
    durationMs,
    identity: identity?.ok ? identity.value : undefined,
    identityError: identity && !identity.ok ? identity.error : undefined,
    pinnedAccount: config.account,
    regions: reader.reachability(),
    excludedRegions: config.regions.filter((region) => !callable.includes(region)),
    aurora,
    replicas,
    dynamodb,
    routing,
    chaos,
    stacks,
    warnings,
  }
}

/** Runs reads through the limiter, turns failures into "unreadable", and tracks which Regions answer. */
class Reader {
  private readonly failures = new Map<string, string>()
  private readonly answered = new Set<string>()
  private readonly pending: Promise<unknown>[] = []

  constructor(
    private readonly regions: string[],
    private readonly limiter: KeyedLimiter,
    private readonly clock: Clock,
  ) {}

  read<T>(service: string, region: string, task: () => Promise<T>): Promise<Read<T>> {
    // The one guard that keeps an observation out of excluded Regions, whatever part asks.
    if (!this.regions.includes(region)) {
      return Promise.resolve({ok: false, error: {kind: 'excluded', message: `${region} was not called`}})
    }
    const promise = this.limiter
      .run(`${service}:${region}`, () => retryThrottled(task, this.clock))
      .then(
        (value): Read<T> => {
          this.answered.add(region)
          return {ok: true, value}
        },
        (error: unknown): Read<T> => {
          const unreadable = unreadableOf(error)
          if (unreadable.kind === 'network' || unreadable.kind === 'timeout') {
            if (!this.failures.has(region)) this.failures.set(region, unreadable.message)
          } else {
            this.answered.add(region)
          }
          return {ok: false, error: unreadable}
        },
      )
    this.pending.push(promise)
    return promise
  }

  /** The first successful answer among several Regions; later answers are still awaited by `settled()`. */
  async first<T>(service: string, regions: string[], task: (region: string) => Promise<T>): Promise<Read<T>> {
    const reads = regions.map((region) => this.read(service, region, () => task(region)))
    if (reads.length === 0) return {ok: false, error: {kind: 'excluded', message: 'no Region to ask'}}
    const winner = Promise.any(
      reads.map((read) => read.then((result) => (result.ok ? result : Promise.reject(result)))),
    )
    return winner.catch(async () => (await reads[0]) as Read<T>)
  }

  async settled(): Promise<void> {
    await Promise.allSettled(this.pending)
  }

  reachability(): RegionReachability[] {
    return this.regions.map((region) => {
      const error = this.failures.get(region)
      // A Region is unreachable when it failed at the network level and never answered anything.
      return error && !this.answered.has(region) ? {region, reachable: false, error} : {region, reachable: true}
    })
  }
}

/**
 * The SDK already retries; a read that is still throttled gets two more chances, so that a busy account does not
 * turn into "unknown" on the screen. Network failures are not retried here: an unreachable Region must not slow
 * the whole observation down.
 */
async function retryThrottled<T>(task: () => Promise<T>, clock: Clock): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task()
    } catch (error) {
      const retryable = error instanceof AwsCallError && (error.kind === 'throttling' || error.kind === 'server')
      if (!retryable || attempt >= 2) throw error
      await clock.sleep(200 * 2 ** attempt)
    }
  }
}

function unreadableOf(error: unknown): Unreadable {
  if (error instanceof AwsCallError) return {kind: error.kind, message: error.message}
  if (isDrctlError(error)) return {kind: error.code, message: error.message}
  return {kind: 'other', message: error instanceof Error ? error.message : String(error)}
}

async function readIdentity(aws: AwsPorts, reader: Reader, regions: string[]): Promise<Read<CallerIdentity>> {
  let last: Read<CallerIdentity> = {ok: false, error: {kind: 'excluded', message: 'no Region to ask'}}
  // STS answers the same everywhere: try the Regions in order until one answers.
  for (const region of regions) {
    last = await reader.read('sts', region, () => aws.sts(region).getCallerIdentity())
    if (last.ok) return last
  }
  return last
}

async function readAurora(
  config: DrctlConfig,
  aws: AwsPorts,
  reader: Reader,
  regions: string[],
  windowMs: number,
  survivors: KnownSurvivor[],
): Promise<AuroraGlobalView[]> {
  const ids = config.aurora.globalClusters
  if (ids.length === 0) return []
  // Global clusters are visible from every member Region: ask all of them, use the first answer.
  const listing = await reader.first('rds', regions, (region) => aws.rds(region).describeGlobalClusters())
  if (!listing.ok) return ids.map((id) => ({id, found: false, unreadable: listing.error, members: []}))

  const views = ids.map((id) => {
    const global = listing.value.find((candidate) => candidate.id.toLowerCase() === id)
    return global ? globalView(global) : {id, found: false, members: []}
  })
  const clustersIn = memoized((region: string) =>
    reader.read('rds', region, () => aws.rds(region).describeDbClusters()),
  )
  await Promise.all([
    ...views.flatMap((view) => view.members).map((member) => readMemberDetails(aws, reader, member)),
    readAuroraLag(aws, reader, regions, views, windowMs),
    ...views.map(async (view) => {
      const known =
        [...survivors].reverse().find((survivor) => survivor.globalClusterId === view.id) ??
        (await findTaggedSurvivor(view, regions, clustersIn))
      if (known) await readSurvivor(aws, reader, view, known)
    }),
  ])
  return views
}

/**
 * A survivor this machine has no journal of: a standalone cluster drctl tagged when it detached it, in a Region
 * where the global cluster has no member any more (a whole global cluster costs no extra call).
 */
async function findTaggedSurvivor(
  view: AuroraGlobalView,
  regions: string[],
  clustersIn: (region: string) => Promise<Read<DbCluster[]>>,
): Promise<KnownSurvivor | undefined> {
  if (!view.found) return undefined
  const missing = regions.filter((region) => !view.members.some((member) => member.region === region))
  for (const region of missing) {
    const listing = await clustersIn(region)
    const tagged = listing.ok
      ? listing.value.find((cluster) => !cluster.globalClusterId && cluster.tags?.[DETACHED_FROM_TAG] === view.id)
      : undefined
    if (tagged) {
      return {globalClusterId: view.id, clusterArn: tagged.arn, runId: tagged.tags?.[DETACHED_BY_RUN_TAG] ?? 'unknown'}
    }
  }
  return undefined
}

function memoized<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>()
  return (key) => {
    if (!cache.has(key)) cache.set(key, load(key))
    return cache.get(key) as Promise<T>
  }
}

async function readSurvivor(aws: AwsPorts, reader: Reader, view: AuroraGlobalView, known: KnownSurvivor) {
  if (view.members.some((member) => member.clusterArn === known.clusterArn)) return
  const region = regionOfArn(known.clusterArn)
  const details = await readClusterWithInstances(aws, reader, region, known.clusterArn)
  const base = {clusterId: resourceIdOfArn(known.clusterArn), clusterArn: known.clusterArn, region, runId: known.runId}
  if (!details.ok) {
    view.detachedSurvivor = {...base, found: false, instances: [], unreadable: details.error}
    return
  }
  const cluster = details.value.cluster
  // Joined to a global cluster again (fallback rebuilt it): no longer a detached survivor.
  if (cluster?.globalClusterId) return
  view.detachedSurvivor = cluster
    ? {
        ...base,
        found: true,
        status: cluster.status,
        deletionProtection: cluster.deletionProtection,
        engineVersion: cluster.engineVersion,
        instances: instanceViews(cluster, details.value.instances),
      }
    : {...base, found: false, instances: []}
}

function globalView(global: GlobalCluster): AuroraGlobalView {
  const writer = global.members.find((member) => member.isWriter)
  return {
    id: global.id,
    found: true,
    arn: global.arn,
    status: global.status,
    engine: global.engine,
    engineVersion: global.engineVersion,
    endpoint: global.endpoint,
    deletionProtection: global.deletionProtection,
    failoverState: global.failoverState,
    writerRegion: writer?.region,
    members: global.members.map((member) => ({
      region: member.region,
      clusterId: member.clusterId,
      clusterArn: member.clusterArn,
      role: member.isWriter ? 'writer' : 'secondary',
      synchronizationStatus: member.synchronizationStatus,
      writeForwarding: member.writeForwarding,
      instances: [],
    })),
  }
}

async function readMemberDetails(aws: AwsPorts, reader: Reader, member: AuroraMemberView) {
  // A member in an excluded Region comes back unreadable ('excluded') from the reader, without a call.
  const details = await readClusterWithInstances(aws, reader, member.region, member.clusterArn)
  if (!details.ok) {
    member.unreadable = details.error
    return
  }
  const {cluster, instances} = details.value
  if (!cluster) {
    member.unreadable = {kind: 'not-found', message: `cluster ${member.clusterId} not found in ${member.region}`}
    return
  }
  member.clusterStatus = cluster.status
  member.engineVersion = cluster.engineVersion
  member.deletionProtection = cluster.deletionProtection
  member.instances = instanceViews(cluster, instances)
}

async function readClusterWithInstances(
  aws: AwsPorts,
  reader: Reader,
  region: string,
  idOrArn: string,
): Promise<Read<{cluster?: DbCluster; instances: DbInstance[]}>> {
  const clusterId = resourceIdOfArn(idOrArn)
  const [cluster, instances] = await Promise.all([
    reader.read('rds', region, () => aws.rds(region).describeDbCluster(idOrArn)),
    reader.read('rds', region, () => aws.rds(region).describeDbInstances(clusterId)),
  ])
  if (!cluster.ok) return cluster
  if (!instances.ok) return instances
  return {ok: true, value: {cluster: cluster.value, instances: instances.value}}
}

function instanceViews(cluster: DbCluster, instances: DbInstance[]): InstanceView[] {
  // Writer/reader is known only from the cluster's member list (aws-reference §2.8).
  const writers = new Set(cluster.members.filter((member) => member.isWriter).map((member) => member.instanceId))
  return instances
    .map((instance) => ({
      id: instance.id,
      status: instance.status,
      isWriter: writers.has(instance.id),
      instanceClass: instance.instanceClass,
    }))
    .sort((a, b) => Number(b.isWriter) - Number(a.isWriter) || a.id.localeCompare(b.id))
}

const LAG_METRICS = ['AuroraGlobalDBRPOLag', 'AuroraGlobalDBReplicationLag'] as const

/**
 * The CloudWatch queries for one secondary's lag (aws-reference §2.12): RPO lag where the engine publishes it, else
 * replication lag; with or without the SourceRegion dimension. They must be asked in the secondary's own Region.
 */
export function lagQueries(
  clusterId: string,
  sourceRegion: string | undefined,
  idPrefix: string,
): {queries: MetricQuery[]; pick(points: Record<string, MetricPoint>): LagReading | undefined} {
  const queries = LAG_METRICS.flatMap((metric, index): MetricQuery[] => [
    {
      id: `${idPrefix}_${index}_a`,
      namespace: 'AWS/RDS',
      metric,
      stat: 'Maximum' as const,
      dimensions: {DBClusterIdentifier: clusterId},
    },
    ...(sourceRegion
      ? [
          {
            id: `${idPrefix}_${index}_s`,
            namespace: 'AWS/RDS',
            metric,
            stat: 'Maximum' as const,
            dimensions: {DBClusterIdentifier: clusterId, SourceRegion: sourceRegion},
          },
        ]
      : []),
  ])
  return {
    queries,
    pick(points) {
      for (const [index, metric] of LAG_METRICS.entries()) {
        const point = [points[`${idPrefix}_${index}_a`], points[`${idPrefix}_${index}_s`]]
          .filter((candidate): candidate is MetricPoint => candidate !== undefined)
          .sort((a, b) => b.timestamp.localeCompare(a.timestamp))[0]
        if (point) return {ms: point.value, metric, at: point.timestamp}
      }
      return undefined
    },
  }
}

/** Lag exists only for secondaries, only in their own Region; one GetMetricData per Region for all of them. */
async function readAuroraLag(
  aws: AwsPorts,
  reader: Reader,
  regions: string[],
  views: AuroraGlobalView[],
  windowMs: number,
) {
  const byRegion = new Map<string, {member: AuroraMemberView; lag: ReturnType<typeof lagQueries>}[]>()
  let counter = 0
  for (const view of views) {
    for (const member of view.members) {
      if (member.role !== 'secondary' || !regions.includes(member.region)) continue
      const entries = byRegion.get(member.region) ?? []
      entries.push({member, lag: lagQueries(member.clusterId, view.writerRegion, `m${counter++}`)})
      byRegion.set(member.region, entries)
    }
  }
  await Promise.all(
    [...byRegion.entries()].map(async ([region, entries]) => {
      const queries = entries.flatMap(({lag}) => lag.queries)
      const points = await reader.read('cloudwatch', region, () => aws.cloudwatch(region).latest(queries, windowMs))
      if (!points.ok) return
      for (const {member, lag} of entries) member.lag = lag.pick(points.value)
    }),
  )
}

async function readReplicas(config: DrctlConfig, aws: AwsPorts, reader: Reader): Promise<BinlogReplicaView[]> {
  return Promise.all(
    config.aurora.replicas.map(async ({cluster, region}): Promise<BinlogReplicaView> => {
      const clusterId = resourceIdOfArn(cluster)
      const details = await readClusterWithInstances(aws, reader, region, cluster)
      if (!details.ok) return {clusterId, region, found: false, instances: [], unreadable: details.error}
      const found = details.value.cluster
      if (!found) return {clusterId, region, found: false, instances: []}
      return {
        clusterId,
        region,
        found: true,
        status: found.status,
        replicationSourceArn: found.replicationSourceArn,
        deletionProtection: found.deletionProtection,
        instances: instanceViews(found, details.value.instances),
      }
    }),
  )
}

async function readTables(
  config: DrctlConfig,
  aws: AwsPorts,
  reader: Reader,
  regions: string[],
  windowMs: number,
): Promise<TableView[]> {
  const tables = config.dynamodb.tables
  if (tables.length === 0) return []
  const latencyQueries = new Map<string, MetricQuery[]>()
  for (const region of regions) {
    latencyQueries.set(
      region,
      tables.flatMap((table, t) =>
        config.regions
          .filter((other) => other !== region)
          .map((other, o) => ({
            id: `t${t}_${o}`,
            namespace: 'AWS/DynamoDB',
            metric: 'ReplicationLatency',
            stat: 'Average' as const,
            dimensions: {TableName: table, ReceivingRegion: other},
          })),
      ),
    )
  }
  const [described, latencies] = await Promise.all([
    Promise.all(
      tables.map((table) =>
        Promise.all(
          regions.map(async (region) => ({
            region,
            read: await reader.read('dynamodb', region, () => aws.dynamodb(region).describeTable(table)),
          })),
        ),
      ),
    ),
    Promise.all(
      regions.map(async (region) => ({
        region,
        read: await reader.read('cloudwatch', region, () =>
          aws.cloudwatch(region).latest(latencyQueries.get(region) ?? [], windowMs),
        ),
      })),
    ),
  ])
  return tables.map((name, t) => {
    const statuses = new Map<string, string>()
    const protection = new Map<string, boolean>()
    let found = false
    let deletionProtection: boolean | undefined
    let unreadable: Unreadable | undefined
    for (const {region, read} of described[t] ?? []) {
      if (!read.ok) {
        unreadable ??= read.error
        continue
      }
      if (!read.value) continue
      found = true
      deletionProtection ??= read.value.deletionProtection
      // The local table's own status is authoritative for its Region; the replica list fills in the others.
      statuses.set(region, read.value.status)
      protection.set(region, read.value.deletionProtection)
      for (const replica of read.value.replicas)
        if (!statuses.has(replica.region)) statuses.set(replica.region, replica.status)
    }
    const replicas = [...statuses.entries()]
      .map(([region, status]) => ({
        region,
        status,
        ...(protection.has(region) ? {deletionProtection: protection.get(region)} : {}),
      }))
      .sort((a, b) => regionOrder(config, a.region) - regionOrder(config, b.region))
    const latency = latencies.flatMap(({region, read}) =>
      config.regions
        .filter((other) => other !== region)
        .map((other, o) => {
          const point = read.ok ? read.value[`t${t}_${o}`] : undefined
          const reading: LagReading | undefined = point
            ? {ms: point.value, metric: 'ReplicationLatency', at: point.timestamp}
            : undefined
          return {from: region, to: other, reading}
        }),
    )
    return {
      name,
      found: found || statuses.size > 0,
      replicas,
      deletionProtection,
      latency,
      unreadable: found ? undefined : unreadable,
    }
  })
}

function regionOrder(config: DrctlConfig, region: string): number {
  const index = config.regions.indexOf(region)
  return index === -1 ? config.regions.length : index
}

async function readRouting(
  config: DrctlConfig,
  aws: AwsPorts,
  avoidRegions: string[],
  warnings: string[],
): Promise<RoutingView | undefined> {
  const arc = config.arc
  if (!arc) return undefined
  const byRegion = routingControlsByRegion(config)
  const configured = Object.entries(byRegion).flatMap(([region, arns]) => arns.map((arn) => ({arn, region})))
  const view: RoutingView = {
    controls: configured.map(({arn, region}) => ({arn, region, name: resourceIdOfArn(arn)})),
    safetyRules: arc.safetyRules,
    attempts: [],
    endpointsCached: arc.endpoints.length > 0,
  }
  try {
    const endpoints = await arcEndpoints(config, aws, warnings)
    const answer = await aws.arcData(endpoints, {avoidRegions}).listRoutingControls(arc.controlPanelArn)
    view.endpoint = answer.endpoint
    view.attempts = answer.attempts
    view.panelStates = Object.fromEntries(answer.value.map((control) => [control.arn, control.state]))
    for (const control of view.controls) {
      const live = answer.value.find((candidate) => candidate.arn === control.arn)
      if (live) {
        control.name = live.name || control.name
        control.state = live.state
      }
    }
  } catch (error) {
    view.unreadable = unreadableOf(error)
    const attempts = isDrctlError(error) ? (error.details?.attempts as RoutingView['attempts'] | undefined) : undefined
    if (attempts) view.attempts = attempts
  }
  return view
}

/** The cached cluster endpoints; without a cache, the control plane (us-west-2) is asked, with a warning. */
export async function arcEndpoints(config: DrctlConfig, aws: AwsPorts, warnings: string[]): Promise<ArcEndpoint[]> {
  const arc = config.arc
  if (!arc) return []
  if (arc.endpoints.length > 0) return arc.endpoints
  warnings.push(
    'ARC cluster endpoints are not cached in drctl.yaml, so they were fetched from the control plane in us-west-2; run `drctl routing endpoints --save` so DR does not depend on it',
  )
  return (await aws.arcControl().describeCluster(arc.clusterArn)).endpoints
}

async function readChaos(aws: AwsPorts, reader: Reader, regions: string[]): Promise<ChaosView> {
  const reads = await Promise.all(
    regions.map(async (region) => ({
      region,
      read: await reader.read('fis', region, () => aws.fis(region).listExperiments()),
    })),
  )
  return {
    running: reads.flatMap(({region, read}) =>
      read.ok
        ? read.value
            .filter((experiment) => ACTIVE_EXPERIMENT.has(experiment.status))
            .map((experiment) => ({...experiment, region}))
        : [],
    ),
    unreadable: reads.flatMap(({region, read}) => (read.ok ? [] : [{region, reason: read.error}])),
  }
}

async function readStacks(config: DrctlConfig, aws: AwsPorts, reader: Reader): Promise<StackView[]> {
  const wanted = Object.entries(config.stacks).flatMap(([region, names]) => names.map((name) => ({region, name})))
  return Promise.all(
    wanted.map(async ({region, name}): Promise<StackView> => {
      const read = await reader.read('cloudformation', region, () => aws.cloudformation(region).describeStack(name))
      if (!read.ok) return {region, name, found: false, unreadable: read.error}
      if (!read.value) return {region, name, found: false}
      return {region, name, found: true, status: read.value.status, statusReason: read.value.statusReason}
    }),
  )
}
