import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {AwsCallError, isTransient} from '../aws/errors.js'
import type {AwsPorts} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import type {RunReport} from './report.js'

// The team's copy of every finished run's report, in the S3 bucket `state.reports` names: the files drctl writes in
// the run's directory, under `<prefix>/<topology>/<run id>/`. The local files stay the run's record; the bucket is
// where a colleague on another machine reads them.

/** Where `state.reports` keeps reports: a bucket, and a key prefix without its trailing slash (possibly empty). */
export interface ReportsLocation {
  bucket: string
  prefix: string
}

/** The files of a report, in the order they are stored (report.md last: once it is there, the report is whole). */
const REPORT_FILES = [
  {name: 'report.json', contentType: 'application/json'},
  {name: 'report.md', contentType: 'text/markdown; charset=utf-8'},
] as const

export function reportsLocation(config: DrctlConfig): ReportsLocation | undefined {
  const match = config.state.reports ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(config.state.reports) : null
  if (!match) return undefined
  return {bucket: match[1] as string, prefix: (match[2] as string).replace(/\/+$/, '')}
}

function reportKey(location: ReportsLocation, topology: string, runId: string, file: string): string {
  return [location.prefix, topology, runId, file].filter(Boolean).join('/')
}

/** `s3://bucket/prefix/topology/run/report.md`: where a run's report is kept in the bucket. */
export function reportUrl(location: ReportsLocation, topology: string, runId: string): string {
  return `s3://${location.bucket}/${reportKey(location, topology, runId, 'report.md')}`
}

/**
 * The Regions to ask where the bucket is, in order: `first` (an unplanned failover's target), then the others; never
 * a Region the run avoids.
 */
function askingRegions(regions: string[], avoid: string[], first?: string): string[] {
  return [...new Set([...(first ? [first] : []), ...regions])].filter((region) => !avoid.includes(region))
}

/**
 * The Region the bucket lives in, asked of each of `regions` until one answers (HeadBucket is answered by any
 * Region's endpoint); a Region that does not answer is passed over, the last failure thrown when none does.
 */
export async function bucketRegion(aws: AwsPorts, location: ReportsLocation, regions: string[]): Promise<string> {
  let unreachable: unknown = new DrctlError('DRCTL_USAGE', 'no Region to ask where the reports bucket is')
  for (const region of regions) {
    let found: string | undefined
    try {
      found = await aws.s3(region).bucketRegion(location.bucket)
    } catch (error) {
      if (!(error instanceof AwsCallError && isTransient(error.kind))) throw error
      unreachable = error
      continue
    }
    if (found === undefined) {
      throw new DrctlError('DRCTL_AWS_NOT_FOUND', `the reports bucket ${location.bucket} does not exist`, {
        hints: [`create it, or change state.reports in drctl.yaml`],
      })
    }
    return found
  }
  throw unreachable
}

/**
 * Stores the report files of the run in `dir` in the bucket, in the bucket's own Region, unless the run avoids that
 * Region (an unplanned failover away from it): then nothing is sent there and the reason is thrown. Where it is.
 */
export async function storeReport(
  aws: AwsPorts,
  location: ReportsLocation,
  run: {dir: string; topology: string; runId: string},
  where: {regions: string[]; avoid: string[]; first?: string},
): Promise<string> {
  const region = await bucketRegion(aws, location, askingRegions(where.regions, where.avoid, where.first))
  if (where.avoid.includes(region)) {
    throw new DrctlError(
      'DRCTL_AWS_UNREACHABLE',
      `the reports bucket ${location.bucket} is in ${region}, which this run avoids`,
    )
  }
  const port = aws.s3(region)
  for (const file of REPORT_FILES) {
    const body = readFileSync(join(run.dir, file.name), 'utf8')
    await port.putObject(
      location.bucket,
      reportKey(location, run.topology, run.runId, file.name),
      body,
      file.contentType,
    )
  }
  return reportUrl(location, run.topology, run.runId)
}

/** The report of a run as stored in the bucket (report.json); undefined when the bucket has none for it. */
export async function fetchReport(
  aws: AwsPorts,
  location: ReportsLocation,
  run: {topology: string; runId: string},
  regions: string[],
): Promise<RunReport | undefined> {
  const region = await bucketRegion(aws, location, regions)
  const text = await aws
    .s3(region)
    .getObject(location.bucket, reportKey(location, run.topology, run.runId, 'report.json'))
  return text === undefined ? undefined : (JSON.parse(text) as RunReport)
}
