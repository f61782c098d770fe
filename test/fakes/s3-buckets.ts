import {AwsCallError} from '../../src/lib/aws/errors.js'
import type {S3Port} from '../../src/lib/aws/ports.js'

interface FakeBucket {
  region: string
  objects: Map<string, {body: string; contentType: string}>
}

/**
 * S3 buckets in memory, each in one Region: a port of another Region finds the bucket's Region (HeadBucket) but has
 * its object calls refused with a redirect, as S3's Regional endpoints do.
 */
export class FakeBuckets {
  readonly buckets = new Map<string, FakeBucket>()

  create(name: string, region: string): void {
    this.buckets.set(name, {region, objects: new Map()})
  }

  /** The port of `region`; `record` sees each call first (and may throw an injected failure). */
  port(region: string, record: (operation: string, mutating: boolean, args: unknown[]) => void): S3Port {
    const fail = (operation: string, name: string, status: number) => {
      throw new AwsCallError(
        {service: 'S3', operation, region},
        {name, message: name, $metadata: {httpStatusCode: status}},
      )
    }
    const bucketHere = (operation: string, name: string): FakeBucket => {
      const bucket = this.buckets.get(name)
      if (!bucket) return fail(operation, 'NoSuchBucket', 404)
      if (bucket.region !== region) return fail(operation, 'PermanentRedirect', 301)
      return bucket
    }
    return {
      region,
      bucketRegion: async (name) => {
        record('HeadBucket', false, [name])
        return this.buckets.get(name)?.region
      },
      putObject: async (name, key, body, contentType) => {
        record('PutObject', true, [name, key])
        bucketHere('PutObject', name).objects.set(key, {body, contentType})
      },
      getObject: async (name, key) => {
        record('GetObject', false, [name, key])
        return bucketHere('GetObject', name).objects.get(key)?.body
      },
    }
  }
}
