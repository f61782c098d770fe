/** S3, as drctl keeps run reports in it: one client per Region, each reaching the buckets of its Region only. */
export interface S3Port {
  readonly region: string
  /**
   * The Region bucket `bucket` lives in, as HeadBucket answers it from this Region's endpoint (a bucket of another
   * Region answers a redirect naming its own); `undefined` when there is no such bucket.
   */
  bucketRegion(bucket: string): Promise<string | undefined>
  putObject(bucket: string, key: string, body: string, contentType: string): Promise<void>
  /** The object's content as text; `undefined` when there is no such key. */
  getObject(bucket: string, key: string): Promise<string | undefined>
}
