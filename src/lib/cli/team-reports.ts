import type {AwsPorts} from '../aws/ports.js'
import {type DrctlConfig, teamState} from '../config/schema.js'
import {
  bucketRegion,
  fetchReport,
  type ReportsLocation,
  reportsLocation,
  reportUrl,
  storeReport,
} from '../runbook/report-store.js'
import type {RunReport} from '../runbook/report.js'
import {errorMessage} from '../core/errors.js'

// How commands use the reports bucket (`state.reports`): a run's report is stored there once written, and shown from
// there on a machine that does not have it. A bucket that cannot be reached never fails a command: the run has
// happened, its report is on the machine that ran it; a warning says why it is not in the bucket.

export interface ReportsContext {
  location: ReportsLocation
  aws: AwsPorts
  /** The Regions the bucket's Region is asked of: the state table's, then the topology's. */
  regions: string[]
  /** The topology's name: its reports are under `<prefix>/<topology>/`. */
  topology: string
}

/** The reports bucket drctl.yaml names, with a session (made only then) to reach it; none without `state.reports`. */
export async function reportsContext(
  config: DrctlConfig,
  session: () => Promise<AwsPorts>,
): Promise<ReportsContext | undefined> {
  const location = reportsLocation(config)
  if (!location) return undefined
  return {
    location,
    aws: await session(),
    regions: [...new Set([...(teamState(config)?.regions ?? []), ...config.regions])],
    topology: config.name,
  }
}

/**
 * Stores the report of a run that ended (its files in `dir`) in the bucket: where it is, or the warning to show. An
 * unplanned failover's run (`avoid`, `target`) asks its target first and never sends anything to an avoided Region.
 */
export async function keepReport(
  context: ReportsContext,
  run: {runId: string; dir: string; reportPath: string},
  where: {avoid?: string[]; target?: string} = {},
): Promise<{url: string} | {warning: string}> {
  try {
    const url = await storeReport(
      context.aws,
      context.location,
      {...run, topology: context.topology},
      {
        regions: context.regions,
        avoid: where.avoid ?? [],
        first: where.target,
      },
    )
    return {url}
  } catch (error) {
    return {
      warning:
        `run ${run.runId}: its report was not stored in s3://${context.location.bucket} (${errorMessage(error)}); ` +
        `it is at ${run.reportPath}`,
    }
  }
}

/**
 * A run's report as the bucket has it, and where (under the run's own topology when this machine knows it, else the
 * topology of drctl.yaml); none when the bucket has none; a warning when it cannot be read.
 */
export async function storedReport(
  context: ReportsContext,
  runId: string,
  topology = context.topology,
): Promise<{report: RunReport; url: string} | {warning: string} | undefined> {
  try {
    const report = await fetchReport(context.aws, context.location, {runId, topology}, context.regions)
    return report && {report, url: reportUrl(context.location, topology, runId)}
  } catch (error) {
    return {warning: `the reports bucket s3://${context.location.bucket} cannot be read (${errorMessage(error)})`}
  }
}

/** Whether the reports bucket is there, and in which Region (read-only: HeadBucket), for `state init` to say. */
export async function reportsBucket(
  context: ReportsContext,
): Promise<{url: string; region: string} | {url: string; problem: string}> {
  const url = `s3://${[context.location.bucket, context.location.prefix].filter(Boolean).join('/')}`
  try {
    return {url, region: await bucketRegion(context.aws, context.location, context.regions)}
  } catch (error) {
    return {url, problem: errorMessage(error)}
  }
}
