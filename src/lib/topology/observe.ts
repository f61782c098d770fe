import type {AwsPorts} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import {type Clock, systemClock} from '../core/clock.js'
import type {ProgressListener} from '../core/events.js'
import {type CallDeclaration, callsOfAll} from '../aws/iam-calls.js'
import {KeyedLimiter} from './limiter.js'
import {auroraReader} from './readers/aurora.js'
import {chaosReader} from './readers/chaos.js'
import {dynamodbReader} from './readers/dynamodb.js'
import {identityReader} from './readers/identity.js'
import {routingReader} from './readers/routing.js'
import type {ServiceReader} from './readers/service-reader.js'
import {stacksReader} from './readers/stacks.js'
import {appStepsReader} from './readers/app-steps.js'
import {RegionReader} from './region-reader.js'
import type {KnownSurvivor, ServiceViews, Topology} from './views.js'

/** One reader per service, in the order their reads start; a new service is registered here. */
const READERS = [
  identityReader,
  auroraReader,
  dynamodbReader,
  routingReader,
  chaosReader,
  stacksReader,
  appStepsReader,
] as const

type RegisteredReader = (typeof READERS)[number]
type FieldsOf<Reader> = Reader extends ServiceReader<string, infer Field> ? Field : never
/** What the registered readers fill in: a Topology field no reader fills in does not compile. */
type ReadViews = Pick<ServiceViews, FieldsOf<RegisteredReader>>

export type TopologyPart = RegisteredReader['part']

/** What an observation of these parts (default: all) can call; application steps' reads are their kinds' own. */
export function observeCalls(parts?: TopologyPart[]): CallDeclaration {
  return callsOfAll(...READERS.filter((reader) => !parts || parts.includes(reader.part)))
}

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

const DEFAULT_METRIC_WINDOW_MS = 5 * 60_000

/**
 * Reads the live state of everything drctl.yaml names, every service at once; each reader reads as concurrently as
 * its own dependencies allow. A Region that does not answer is recorded as unreachable; nothing here throws for an
 * AWS failure.
 */
export async function observe(config: DrctlConfig, aws: AwsPorts, options: ObserveOptions = {}): Promise<Topology> {
  const clock = options.clock ?? systemClock
  const started = clock.now()
  const callable = options.regions ?? config.regions
  const parts = new Set<TopologyPart>(options.parts ?? READERS.map((reader) => reader.part))
  const excluded = config.regions.filter((region) => !callable.includes(region))
  const reader = new RegionReader(callable, new KeyedLimiter(options.concurrency ?? 4), clock, excluded)
  const warnings: string[] = []
  const what = options.parts ? ` (${[...parts].join(', ')})` : ''
  options.emit?.({type: 'task-start', id: 'observe', title: `Reading ${config.name}${what} in ${callable.join(', ')}`})

  const context = {
    config,
    aws,
    reader,
    regions: callable,
    metricWindowMs: options.metricWindowMs ?? DEFAULT_METRIC_WINDOW_MS,
    arcAvoidRegions: options.arcAvoidRegions ?? [],
    survivors: options.survivors ?? [],
    warnings,
  }
  const views = await Promise.all(
    READERS.map((service): Promise<Partial<ServiceViews>> =>
      parts.has(service.part) ? service.read(context) : Promise.resolve(service.unread),
    ),
  )
  await reader.settled()
  const durationMs = clock.now() - started
  options.emit?.({type: 'task-end', id: 'observe', status: 'done'})
  return {
    name: config.name,
    observedAt: new Date(started).toISOString(),
    durationMs,
    pinnedAccount: config.account,
    regions: reader.reachability(),
    excludedRegions: excluded,
    warnings,
    // Each reader gives all of its fields, so together they give every field of ReadViews.
    ...(Object.assign({}, ...views) as ReadViews),
  }
}
