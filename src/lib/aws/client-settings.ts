import {AdaptiveRetryStrategy, DefaultRateLimiter} from '@smithy/core/retry'
import {NodeHttpHandler} from '@smithy/node-http-handler'

import type {CredentialSource} from './credentials.js'

// What every SDK client of a session is made with: Region, credentials, endpoint override, retries, deadlines.

export type ServiceId =
  | 'rds'
  | 'dynamodb'
  | 'cloudwatch'
  | 'cloudformation'
  | 'sts'
  | 'fis'
  | 'arc-control'
  | 'ssm'
  | 'route53'
  | 'cloudfront'
  | 'globalaccelerator'
  | 'ecs'
  | 'lambda'
  | 's3'
  | 'rds-data'

export const SERVICE_LABELS: Record<ServiceId | 'arc-cluster', string> = {
  rds: 'RDS',
  dynamodb: 'DynamoDB',
  cloudwatch: 'CloudWatch',
  cloudformation: 'CloudFormation',
  sts: 'STS',
  fis: 'FIS',
  'arc-control': 'ARC control',
  'arc-cluster': 'ARC cluster',
  ssm: 'SSM',
  route53: 'Route 53',
  cloudfront: 'CloudFront',
  globalaccelerator: 'Global Accelerator',
  ecs: 'ECS',
  lambda: 'Lambda',
  s3: 'S3',
  'rds-data': 'RDS Data',
}

// Every client shares these settings; typed loosely because two clients come from older SDK generations.
export interface CommonClientConfig {
  region: string
  credentials: ReturnType<CredentialSource['forRegion']>
  endpoint?: string
  maxAttempts: number
  retryMode?: string
  retryStrategy?: AdaptiveRetryStrategy
  requestHandler: NodeHttpHandler
  customUserAgent: string
}

/** What a session's options say of its clients. */
export interface ClientSettingsOptions {
  credentials: CredentialSource
  userAgent: string
  /** Endpoint override per service (config `aws.endpoints`, the sandbox); `undefined` → SDK default resolution. */
  endpointFor?: (service: ServiceId, region: string) => string | undefined
  connectTimeoutMs: number
  callTimeoutMs: number
  maxAttempts: number
}

export function commonClientConfig(
  options: ClientSettingsOptions,
  service: ServiceId,
  region: string,
): CommonClientConfig {
  return {
    region,
    credentials: options.credentials.forRegion(region),
    endpoint: options.endpointFor?.(service, region),
    maxAttempts: options.maxAttempts,
    ...(service === 'fis' || service === 'arc-control'
      ? {retryMode: 'adaptive'} // older client generations: their own adaptive strategy
      : {retryStrategy: adaptiveRetries(options.maxAttempts)}),
    requestHandler: httpHandler(options.connectTimeoutMs, options.callTimeoutMs),
    customUserAgent: options.userAgent,
  }
}

export function httpHandler(connectTimeoutMs: number, requestTimeoutMs: number): NodeHttpHandler {
  // throwOnRequestTimeout: without it the 4.x handler only logs a warning when the request timeout passes.
  return new NodeHttpHandler({
    connectionTimeout: Math.min(connectTimeoutMs, requestTimeoutMs),
    requestTimeout: requestTimeoutMs,
    throwOnRequestTimeout: true,
  })
}

/**
 * Adaptive retries (client-side rate limiting after throttling), with a floor under the sending rate: the SDK's
 * default floor (0.5 requests/s) can stall a failover's polling for longer than its per-call deadline.
 */
function adaptiveRetries(maxAttempts: number): AdaptiveRetryStrategy {
  return new AdaptiveRetryStrategy(maxAttempts, {
    rateLimiter: new DefaultRateLimiter({minFillRate: 10, minCapacity: 5}),
  })
}
