import {GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {sdkStreamMixin} from '@smithy/util-stream'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {Readable} from 'node:stream'
import {afterEach, describe, expect, it} from 'vitest'

import type {AwsCallRecord} from '../../../src/lib/aws/invoke.js'
import {S3Adapter} from '../../../src/lib/aws/s3.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const s3Mock = mockClient(S3Client)
afterEach(() => s3Mock.reset())

const s3 = (options: CallerOptions = {}) =>
  new S3Adapter('us-west-2', (sdk) => new sdk.S3Client({region: 'us-west-2'}), callerFor('S3', 'us-west-2', options))

/** A 301 as the SDK throws it for a HEAD: no code, the bucket's Region in a header of the raw response. */
function redirect(region: string) {
  return {
    ...awsError('Unknown', 'UnknownError', 301),
    $response: {statusCode: 301, headers: {'x-amz-bucket-region': region}},
  }
}

describe('S3 adapter', () => {
  it('finds the bucket’s Region: its own, the one a redirect names, or none', async () => {
    s3Mock.on(HeadBucketCommand, {Bucket: 'here'}).resolves({BucketRegion: 'us-west-2'})
    s3Mock.on(HeadBucketCommand, {Bucket: 'there'}).rejects(redirect('eu-west-1'))
    s3Mock.on(HeadBucketCommand, {Bucket: 'nowhere'}).rejects(awsError('NotFound', 'NotFound', 404))
    s3Mock.on(HeadBucketCommand, {Bucket: 'theirs'}).rejects(awsError('Forbidden', 'Forbidden', 403))
    expect(await s3().bucketRegion('here')).toBe('us-west-2')
    expect(await s3().bucketRegion('there')).toBe('eu-west-1')
    expect(await s3().bucketRegion('nowhere')).toBeUndefined()
    await expect(s3().bucketRegion('theirs')).rejects.toMatchObject({code: 'DRCTL_AWS_ACCESS_DENIED'})
  })

  it('puts an object as a mutating call, with its content type', async () => {
    s3Mock.on(PutObjectCommand).resolves({ETag: '"abc"'})
    const records: AwsCallRecord[] = []
    await s3({records}).putObject('reports', 'drctl/retail/run/report.md', '# Report', 'text/markdown')
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'reports',
      Key: 'drctl/retail/run/report.md',
      Body: '# Report',
      ContentType: 'text/markdown',
    })
    expect(records).toMatchObject([{service: 'S3', operation: 'PutObject', region: 'us-west-2', mutating: true}])
    await expect(s3({readOnly: true}).putObject('reports', 'k', 'x', 'text/plain')).rejects.toThrow()
  })

  it('reads an object’s text; a missing key is undefined, a missing bucket an error', async () => {
    s3Mock.on(GetObjectCommand, {Key: 'report.md'}).resolves({
      Body: sdkStreamMixin(Readable.from([Buffer.from('# Report')])),
    })
    s3Mock
      .on(GetObjectCommand, {Key: 'gone.md'})
      .rejects(awsError('NoSuchKey', 'The specified key does not exist.', 404))
    s3Mock.on(GetObjectCommand, {Bucket: 'none'}).rejects(awsError('NoSuchBucket', 'no bucket', 404))
    expect(await s3().getObject('reports', 'report.md')).toBe('# Report')
    expect(await s3().getObject('reports', 'gone.md')).toBeUndefined()
    await expect(s3().getObject('none', 'x.md')).rejects.toMatchObject({awsCode: 'NoSuchBucket'})
  })
})
