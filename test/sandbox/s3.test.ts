import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import {afterEach, describe, expect, it} from 'vitest'

import {readCallLog, setFault} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

async function withBucket(region = 'us-west-2') {
  sandbox = await startTestSandbox()
  const s3 = (where: string, config: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) =>
    sandbox.client((common) => new S3Client({...common, ...config}), where)
  const home = s3(region)
  await home.send(
    new CreateBucketCommand({
      Bucket: 'team-reports',
      ...(region === 'us-east-1' ? {} : {CreateBucketConfiguration: {LocationConstraint: region as 'us-west-2'}}),
    }),
  )
  return {s3, home}
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: any) => ({name: error.name, status: error.$metadata?.httpStatusCode, message: error.message}),
  )

describe('S3 buckets and objects', () => {
  it('puts, heads, gets and lists objects path-style in the bucket’s Region', async () => {
    const {home} = await withBucket()
    const put = await home.send(
      new PutObjectCommand({Bucket: 'team-reports', Key: 'drctl/retail/run 1/report.md', Body: '# Report\n'}),
    )
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/)
    await home.send(new PutObjectCommand({Bucket: 'team-reports', Key: 'drctl/retail/run 1/report.json', Body: '{}'}))
    const got = await home.send(new GetObjectCommand({Bucket: 'team-reports', Key: 'drctl/retail/run 1/report.md'}))
    expect(await got.Body?.transformToString()).toBe('# Report\n')
    expect(got.ETag).toBe(put.ETag)
    const head = await home.send(new HeadObjectCommand({Bucket: 'team-reports', Key: 'drctl/retail/run 1/report.md'}))
    expect(head.ETag).toBe(put.ETag)
    const first = await home.send(
      new ListObjectsV2Command({Bucket: 'team-reports', Prefix: 'drctl/retail/', MaxKeys: 1}),
    )
    expect(first).toMatchObject({KeyCount: 1, IsTruncated: true, Contents: [{Key: 'drctl/retail/run 1/report.json'}]})
    const rest = await home.send(
      new ListObjectsV2Command({
        Bucket: 'team-reports',
        Prefix: 'drctl/retail/',
        ContinuationToken: first.NextContinuationToken,
      }),
    )
    expect(rest).toMatchObject({IsTruncated: false, Contents: [{Key: 'drctl/retail/run 1/report.md', Size: 9}]})
    expect((await readCallLog(sandbox.home)).map((call) => call.operation)).toEqual([
      'CreateBucket',
      'PutObject',
      'PutObject',
      'GetObject',
      'HeadObject',
      'ListObjectsV2',
      'ListObjectsV2',
    ])
  })

  it('names its Region from any Region’s endpoint, and redirects object calls made elsewhere', async () => {
    const {s3} = await withBucket()
    const east = s3('us-east-1')
    const location = await east.send(new GetBucketLocationCommand({Bucket: 'team-reports'}))
    expect(location.LocationConstraint).toBe('us-west-2')
    expect(await failure(east.send(new HeadBucketCommand({Bucket: 'team-reports'})))).toMatchObject({status: 301})
    expect(await s3('us-west-2').send(new HeadBucketCommand({Bucket: 'team-reports'}))).toMatchObject({
      BucketRegion: 'us-west-2',
    })
    expect(await failure(east.send(new PutObjectCommand({Bucket: 'team-reports', Key: 'a', Body: 'x'})))).toMatchObject(
      {name: 'PermanentRedirect', status: 301},
    )
  })

  it('answers S3’s errors: NoSuchBucket, NoSuchKey, NotFound on HEAD, a refused location constraint', async () => {
    const {home, s3} = await withBucket()
    expect(await failure(home.send(new GetObjectCommand({Bucket: 'nope-bucket', Key: 'a'})))).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
    })
    expect(await failure(home.send(new GetObjectCommand({Bucket: 'team-reports', Key: 'a'})))).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
    })
    expect(await failure(home.send(new HeadObjectCommand({Bucket: 'team-reports', Key: 'a'})))).toMatchObject({
      name: 'NotFound',
      status: 404,
    })
    expect(await failure(home.send(new HeadBucketCommand({Bucket: 'nope-bucket'})))).toMatchObject({status: 404})
    const elsewhere = {Bucket: 'other-bucket', CreateBucketConfiguration: {LocationConstraint: 'eu-west-1' as const}}
    expect(await failure(home.send(new CreateBucketCommand(elsewhere)))).toMatchObject({
      name: 'IllegalLocationConstraintException',
    })
    expect(
      await failure(
        s3('us-west-2').send(
          new CreateBucketCommand({
            Bucket: 'team-reports',
            CreateBucketConfiguration: {LocationConstraint: 'us-west-2'},
          }),
        ),
      ),
    ).toMatchObject({name: 'BucketAlreadyOwnedByYou', status: 409})
  })

  it('serves virtual-hosted requests (bucket.localhost) as path-style ones', async () => {
    const {s3} = await withBucket('us-east-1')
    const virtual = s3('us-east-1', {endpoint: sandbox.server.endpoint.replace('127.0.0.1', 'localhost')})
    // The SDK sends `Host: team-reports.localhost:port`; the connection goes to the sandbox whatever the name.
    virtual.middlewareStack.add(
      (next) => (args: any) => {
        args.request.hostname = '127.0.0.1'
        return next(args)
      },
      {step: 'finalizeRequest', priority: 'low'},
    )
    await virtual.send(new PutObjectCommand({Bucket: 'team-reports', Key: 'v/report.md', Body: 'hosted'}))
    const got = await s3('us-east-1').send(new GetObjectCommand({Bucket: 'team-reports', Key: 'v/report.md'}))
    expect(await got.Body?.transformToString()).toBe('hosted')
  })

  it('is down with its Region: a Region outage takes the bucket’s endpoint with it', async () => {
    const {home} = await withBucket()
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2'}, {now: sandbox.now})
    await expect(home.send(new HeadBucketCommand({Bucket: 'team-reports'}))).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    )
  })
})
