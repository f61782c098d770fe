import {createHash} from 'node:crypto'

import {ApiError} from '../../errors.js'
import {s3Content, type S3Route, type S3Service} from '../../protocol/s3.js'
import {parseXml, XmlInput, XmlSyntaxError} from '../../protocol/xml.js'
import {BUCKET_NAME, bucketIn, DEFAULT_BUCKET_REGION, findBucket, type ObjectRecord} from './records.js'

export type {S3State} from './records.js'

/**
 * Amazon S3 (aws-reference §S3), as far as drctl keeps run reports in it: buckets in one Region each, served by that
 * Region's endpoint only (any other answers a redirect naming it), and text objects put, read and listed there.
 */

const MAX_KEYS = 1000

function noSuchKey(key: string): ApiError {
  return new ApiError('NoSuchKey', 'The specified key does not exist.', 404, {fields: {Key: key}})
}

function objectHeaders(object: ObjectRecord): Record<string, string> {
  return {
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    ...(object.contentType ? {'content-type': object.contentType} : {}),
  }
}

/** The Region a new bucket is made in: its location constraint, which must be the Region the call is signed for. */
function locationConstraint(body: string, region: string): string {
  let constraint: string | undefined
  try {
    constraint = body.trim() === '' ? undefined : new XmlInput(parseXml(body)).string('LocationConstraint')
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error
    throw new ApiError('MalformedXML', 'The XML you provided was not well-formed or did not validate.')
  }
  const wanted = constraint || DEFAULT_BUCKET_REGION
  if (wanted !== region) {
    throw new ApiError(
      'IllegalLocationConstraintException',
      `The ${constraint ? `${constraint} location constraint` : 'unspecified location constraint'} is incompatible ` +
        `for the region specific endpoint this request was sent to.`,
    )
  }
  return wanted
}

const createBucket: S3Route['handle'] = ({world, region, now}, {bucket, body}) => {
  if (!BUCKET_NAME.test(bucket)) {
    throw new ApiError('InvalidBucketName', 'The specified bucket is not valid.', 400, {fields: {BucketName: bucket}})
  }
  const location = locationConstraint(body, region)
  if (world.s3.buckets.some((candidate) => candidate.name === bucket)) {
    throw new ApiError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      {fields: {BucketName: bucket}},
    )
  }
  world.s3.buckets.push({name: bucket, region: location, createdAt: now, objects: {}})
  return {headers: {location: `/${bucket}`}}
}

const headBucket: S3Route['handle'] = ({world, region}, {bucket}) => ({
  headers: {'x-amz-bucket-region': bucketIn(world, bucket, region).region},
})

const getBucketLocation: S3Route['handle'] = ({world}, {bucket}) => {
  const {region} = findBucket(world, bucket)
  // us-east-1 is the empty constraint, for historical reasons.
  return {root: 'LocationConstraint', content: region === DEFAULT_BUCKET_REGION ? '' : region}
}

const listObjectsV2: S3Route['handle'] = ({world, region}, {bucket, query}) => {
  const found = bucketIn(world, bucket, region)
  const prefix = query.get('prefix') ?? ''
  const maxText = query.get('max-keys')
  if (maxText !== null && !/^\d+$/.test(maxText)) {
    throw new ApiError('InvalidArgument', 'Provided max-keys not an integer or within integer range')
  }
  const maxKeys = Math.min(maxText === null ? MAX_KEYS : Number(maxText), MAX_KEYS)
  const token = query.get('continuation-token')
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : (query.get('start-after') ?? '')
  const keys = Object.keys(found.objects)
    .filter((key) => key.startsWith(prefix) && key > after)
    .sort()
  const shown = keys.slice(0, maxKeys)
  const truncated = keys.length > shown.length
  const contents = shown.map((key) => {
    const object = found.objects[key] as ObjectRecord
    return s3Content({
      Contents: {
        Key: key,
        LastModified: new Date(object.lastModified),
        ETag: object.etag,
        Size: Buffer.byteLength(object.body),
        StorageClass: 'STANDARD',
      },
    })
  })
  return {
    root: 'ListBucketResult',
    content:
      s3Content({Name: bucket, Prefix: prefix, KeyCount: shown.length, MaxKeys: maxKeys, IsTruncated: truncated}) +
      contents.join('') +
      s3Content({
        ContinuationToken: token ?? undefined,
        NextContinuationToken: truncated ? Buffer.from(shown.at(-1) as string).toString('base64url') : undefined,
      }),
  }
}

const putObject: S3Route['handle'] = ({world, region, now}, {bucket, key, headers, body}) => {
  const found = bucketIn(world, bucket, region)
  const etag = `"${createHash('md5').update(body).digest('hex')}"`
  const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined
  found.objects[key] = {body, contentType, etag, lastModified: now}
  return {headers: {etag}}
}

function objectIn(world: Parameters<S3Route['handle']>[0]['world'], region: string, bucket: string, key: string) {
  const object = bucketIn(world, bucket, region).objects[key]
  if (!object) throw noSuchKey(key)
  return object
}

const getObject: S3Route['handle'] = ({world, region}, {bucket, key}) => {
  const object = objectIn(world, region, bucket, key)
  return {headers: objectHeaders(object), text: object.body}
}

const headObject: S3Route['handle'] = ({world, region}, {bucket, key}) => ({
  headers: objectHeaders(objectIn(world, region, bucket, key)),
})

export const s3Service: S3Service = {
  protocol: 's3RestXml',
  routes: [
    {method: 'PUT', on: 'bucket', operation: 'CreateBucket', handle: createBucket},
    {method: 'HEAD', on: 'bucket', operation: 'HeadBucket', handle: headBucket},
    {method: 'GET', on: 'bucket', subresource: 'location', operation: 'GetBucketLocation', handle: getBucketLocation},
    {method: 'GET', on: 'bucket', subresource: 'list-type', operation: 'ListObjectsV2', handle: listObjectsV2},
    {method: 'PUT', on: 'object', operation: 'PutObject', handle: putObject},
    {method: 'GET', on: 'object', operation: 'GetObject', handle: getObject},
    {method: 'HEAD', on: 'object', operation: 'HeadObject', handle: headObject},
  ],
}
