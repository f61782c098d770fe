import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {parseConfig} from '../../../src/lib/config/load.js'
import {keepReport, reportsBucket, reportsContext, storedReport} from '../../../src/lib/cli/team-reports.js'
import {reportsLocation, storeReport} from '../../../src/lib/runbook/report-store.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'

const minimal = 'version: 1\nname: retail\nregions: [us-east-1, us-west-2]\n'
const config = parseConfig(`${minimal}state: {reports: "s3://team-reports/drctl/"}`)
const location = {bucket: 'team-reports', prefix: 'drctl'}

let dir = ''
afterEach(() => rmSync(dir, {recursive: true, force: true}))

/** A run directory with its two report files, and a fake AWS with the bucket in `bucketRegion`. */
function setUp(bucketRegion = 'us-west-2') {
  dir = mkdtempSync(join(tmpdir(), 'drctl-report-'))
  writeFileSync(join(dir, 'report.md'), '# Report\n')
  writeFileSync(join(dir, 'report.json'), JSON.stringify({runId: 'run-1', outcome: 'completed'}))
  const aws = new FakeAws(twoRegionState())
  aws.buckets.create('team-reports', bucketRegion)
  return aws
}
const run = () => ({runId: 'run-1', topology: 'retail', dir})
const s3Calls = (aws: FakeAws) =>
  aws.calls.filter((call) => call.service === 'S3').map((call) => `${call.operation} ${call.region}`)

describe('state.reports', () => {
  it('is a bucket and an optional prefix; anything else is a one-line problem at its path', () => {
    expect(reportsLocation(config)).toEqual(location)
    expect(reportsLocation(parseConfig(`${minimal}state: {reports: "s3://team-reports"}`))).toEqual({
      bucket: 'team-reports',
      prefix: '',
    })
    expect(reportsLocation(parseConfig(minimal))).toBeUndefined()
    expect(() => parseConfig(`${minimal}state: {reports: "https://team-reports/x"}`)).toThrow(
      expect.objectContaining({
        exit: 2,
        details: {
          problems: [
            {
              path: 'state.reports',
              message:
                '"https://team-reports/x" is not an S3 URL of a bucket and an optional prefix (s3://bucket/prefix)',
            },
          ],
        },
      }),
    )
  })
})

describe('storing a run’s report in the bucket', () => {
  it('puts report.json, then report.md, in the bucket’s own Region, under prefix/topology/run', async () => {
    const aws = setUp('us-west-2')
    const where = {regions: ['us-east-1', 'us-west-2'], avoid: []}
    expect(await storeReport(aws, location, run(), where)).toBe('s3://team-reports/drctl/retail/run-1/report.md')
    expect(s3Calls(aws)).toEqual(['HeadBucket us-east-1', 'PutObject us-west-2', 'PutObject us-west-2'])
    expect([...(aws.buckets.buckets.get('team-reports')?.objects.keys() ?? [])]).toEqual([
      'drctl/retail/run-1/report.json',
      'drctl/retail/run-1/report.md',
    ])
  })

  it('in an unplanned failover asks the target only, and sends nothing to a bucket in the avoided Region', async () => {
    const aws = setUp('us-east-1')
    const where = {regions: ['us-east-1', 'us-west-2'], avoid: ['us-east-1'], first: 'us-west-2'}
    await expect(storeReport(aws, location, run(), where)).rejects.toThrow(
      'the reports bucket team-reports is in us-east-1, which this run avoids',
    )
    expect(s3Calls(aws)).toEqual(['HeadBucket us-west-2'])
  })

  it('passes over a Region that does not answer, and names a bucket that does not exist', async () => {
    const aws = setUp('us-west-2')
    aws.fail('S3', 'us-east-1', {kind: 'network'})
    const where = {regions: ['us-east-1', 'us-west-2'], avoid: []}
    await storeReport(aws, location, run(), where)
    expect(s3Calls(aws)).toEqual([
      'HeadBucket us-east-1',
      'HeadBucket us-west-2',
      'PutObject us-west-2',
      'PutObject us-west-2',
    ])
    await expect(storeReport(aws, {...location, bucket: 'nope'}, run(), where)).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'the reports bucket nope does not exist',
    })
  })
})

describe('reports through the commands’ context', () => {
  it('keeps a report, then reads it back from another machine; a failure is a warning naming the local path', async () => {
    const aws = setUp('us-west-2')
    const context = await reportsContext(config, async () => aws)
    if (!context) throw new Error('no reports context')
    expect(context.regions).toEqual(['us-east-1', 'us-west-2'])
    const reportPath = join(dir, 'report.md')
    expect(await keepReport(context, {runId: 'run-1', dir, reportPath})).toEqual({
      url: 's3://team-reports/drctl/retail/run-1/report.md',
    })
    expect(await storedReport(context, 'run-1')).toEqual({
      report: {runId: 'run-1', outcome: 'completed'},
      url: 's3://team-reports/drctl/retail/run-1/report.md',
    })
    expect(await storedReport(context, 'run-2')).toBeUndefined()

    aws.fail('S3', 'us-west-2', {kind: 'access', operation: 'PutObject', message: 'not authorized'})
    const kept = await keepReport(context, {runId: 'run-1', dir, reportPath}, {avoid: [], target: 'us-west-2'})
    expect(kept).toEqual({
      warning: expect.stringMatching(
        new RegExp(
          `^run run-1: its report was not stored in s3://team-reports \\(missing permission s3:PutObject in us-west-2 .*\\); it is at ${reportPath}$`,
        ),
      ),
    })
  })

  it('says whether the bucket is there, and where (state init)', async () => {
    const aws = setUp('us-west-2')
    const context = await reportsContext(config, async () => aws)
    if (!context) throw new Error('no reports context')
    expect(await reportsBucket(context)).toEqual({url: 's3://team-reports/drctl', region: 'us-west-2'})
    aws.buckets.buckets.clear()
    expect(await reportsBucket(context)).toEqual({
      url: 's3://team-reports/drctl',
      problem: 'the reports bucket team-reports does not exist',
    })
    expect(await reportsContext(parseConfig(minimal), async () => aws)).toBeUndefined()
  })
})
