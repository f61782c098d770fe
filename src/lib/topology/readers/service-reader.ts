import type {AwsPorts} from '../../aws/ports.js'
import type {CallDeclaration} from '../../aws/iam-calls.js'
import type {DrctlConfig} from '../../config/schema.js'
import type {RegionReader} from '../region-reader.js'
import type {KnownSurvivor, ServiceViews} from '../views.js'

/** What a service reader gets from the observation it takes part in. */
export interface ReadContext {
  config: DrctlConfig
  aws: AwsPorts
  /** Every AWS read goes through it: limited, retried when throttled, never into an excluded Region. */
  reader: RegionReader
  /** The Regions that may be called. */
  regions: string[]
  /** How far back a CloudWatch datapoint still counts as current. */
  metricWindowMs: number
  /** ARC endpoints in these Regions are tried last. */
  arcAvoidRegions: string[]
  survivors: KnownSurvivor[]
  /** Notes for the operator, kept with the topology. */
  warnings: string[]
}

/**
 * Reads one service into its fields of the Topology (`Field`); `part` is what `observe({parts})` calls it. A reader
 * never throws for an AWS failure: what it could not read is marked unreadable.
 */
export interface ServiceReader<Part extends string, Field extends keyof ServiceViews> {
  part: Part
  /** The calls `read` can make (every status and every gate makes them). */
  calls: CallDeclaration
  /** Its fields when the part is not read. */
  unread: Pick<ServiceViews, Field>
  read(context: ReadContext): Promise<Pick<ServiceViews, Field>>
}
