import type * as S3Sdk from '@aws-sdk/client-s3'

import {AwsCallError} from './errors.js'
import type {S3Port} from './ports.js'
import type {Caller} from './session.js'

type Sdk = typeof S3Sdk

/** A redirect to the bucket's own Region (HTTP 301): the Region it names in `x-amz-bucket-region`. */
function redirectedTo(error: unknown): string | undefined {
  const e = error as {$metadata?: {httpStatusCode?: number}; $response?: {headers?: Record<string, string>}}
  return e.$metadata?.httpStatusCode === 301 ? e.$response?.headers?.['x-amz-bucket-region'] : undefined
}

/**
 * S3 in one Region. The SDK is loaded on the first call, so commands that keep no report in S3 do not pay for it at
 * start-up.
 */
export class S3Adapter implements S3Port {
  private loaded?: Promise<{sdk: Sdk; client: S3Sdk.S3Client}>

  constructor(
    readonly region: string,
    private readonly createClient: (sdk: Sdk) => S3Sdk.S3Client,
    private readonly call: Caller,
  ) {}

  private load() {
    this.loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({sdk, client: this.createClient(sdk)}))
    return this.loaded
  }

  async bucketRegion(bucket: string): Promise<string | undefined> {
    const {sdk, client} = await this.load()
    try {
      const output = await this.call('HeadBucket', false, (abortSignal) =>
        client.send(new sdk.HeadBucketCommand({Bucket: bucket}), {abortSignal}).catch((error: unknown) => {
          const region = redirectedTo(error)
          if (region === undefined) throw error
          return {BucketRegion: region, $metadata: {}}
        }),
      )
      return output.BucketRegion ?? this.region
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async putObject(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    const {sdk, client} = await this.load()
    await this.call('PutObject', true, (abortSignal) =>
      client.send(new sdk.PutObjectCommand({Bucket: bucket, Key: key, Body: body, ContentType: contentType}), {
        abortSignal,
      }),
    )
  }

  async getObject(bucket: string, key: string): Promise<string | undefined> {
    const {sdk, client} = await this.load()
    try {
      return await this.call('GetObject', false, async (abortSignal) => {
        const output = await client.send(new sdk.GetObjectCommand({Bucket: bucket, Key: key}), {abortSignal})
        // Read within the call, so that its deadline covers the body too.
        return {...output, text: (await output.Body?.transformToString()) ?? ''}
      }).then((output) => output.text)
    } catch (error) {
      if (error instanceof AwsCallError && error.awsCode === 'NoSuchKey') return undefined
      throw error
    }
  }
}
