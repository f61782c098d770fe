import type {AwsPorts} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import type {ProgressListener} from '../core/events.js'
import {observe} from '../topology/observe.js'
import type {KnownSurvivor, Topology} from '../topology/views.js'
import type {Check} from './check.js'
import {type Readiness, readiness} from './gates.js'
import {statusChecks} from './status-checks.js'

export interface StatusReport {
  topology: Topology
  checks: Check[]
  readiness: Readiness[]
}

/** Observe, then judge: what `drctl status` shows and what the runbooks' gates start from. */
export async function statusReport(
  config: DrctlConfig,
  aws: AwsPorts,
  options: {emit?: ProgressListener; survivors?: KnownSurvivor[]} = {},
): Promise<StatusReport> {
  const topology = await observe(config, aws, options)
  return {topology, checks: statusChecks(topology, config), readiness: readiness(topology, config)}
}
