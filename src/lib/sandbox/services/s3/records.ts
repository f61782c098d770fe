import {ApiError} from '../../errors.js'
import type {World} from '../../world.js'

/** One object: its content as text (drctl stores reports), and what HeadObject and ListObjectsV2 answer of it. */
export interface ObjectRecord {
  body: string
  contentType?: string
  etag: string
  lastModified: number
}

/** A bucket: it lives in one Region, and only that Region's endpoint serves its objects. */
export interface BucketRecord {
  name: string
  region: string
  createdAt: number
  objects: Record<string, ObjectRecord>
}

export interface S3State {
  buckets: BucketRecord[]
}

/** The Region S3 names when a bucket was created without a location constraint. */
export const DEFAULT_BUCKET_REGION = 'us-east-1'

/** Bucket names: 3–63 lowercase letters, digits, dots and hyphens, a letter or digit at each end. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

function noSuchBucket(bucket: string): ApiError {
  return new ApiError('NoSuchBucket', 'The specified bucket does not exist', 404, {fields: {BucketName: bucket}})
}

/** The bucket named, wherever it lives; NoSuchBucket if there is none. */
export function findBucket(world: World, name: string): BucketRecord {
  const bucket = world.s3.buckets.find((candidate) => candidate.name === name)
  if (!bucket) throw noSuchBucket(name)
  return bucket
}

/**
 * The bucket, served by the endpoint of `region`: a bucket of another Region is answered with a redirect to its own
 * (301 PermanentRedirect, its Region in `x-amz-bucket-region`), as S3's Regional endpoints do.
 */
export function bucketIn(world: World, name: string, region: string): BucketRecord {
  const bucket = findBucket(world, name)
  if (bucket.region !== region) {
    throw new ApiError(
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint. ' +
        'Please send all future requests to this endpoint.',
      301,
      {fields: {Bucket: name, Endpoint: `s3.${bucket.region}.amazonaws.com`, BucketRegion: bucket.region}},
    )
  }
  return bucket
}
