import {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import {DynamoDBClient} from '@aws-sdk/client-dynamodb'
import {FisClient, type FisClientConfig} from '@aws-sdk/client-fis'
import {RDSClient} from '@aws-sdk/client-rds'
import {Route53RecoveryClusterClient} from '@aws-sdk/client-route53-recovery-cluster'
import {
  Route53RecoveryControlConfigClient,
  type Route53RecoveryControlConfigClientConfig,
} from '@aws-sdk/client-route53-recovery-control-config'
import {SSMClient} from '@aws-sdk/client-ssm'
import {STSClient} from '@aws-sdk/client-sts'
import {NodeHttpHandler} from '@smithy/node-http-handler'

import {type Clock, systemClock} from '../core/clock.js'
import {ARC_CONTROL_PLANE_REGION, ArcControlAdapter} from './arc-control.js'
import {ARC_HEDGE_DELAY_MS, RotatingArcDataPlane} from './arc-data.js'
import {ArcEndpointHealth} from './arc-endpoint-health.js'
import {
  type ClientSettingsOptions,
  type CommonClientConfig,
  commonClientConfig,
  httpHandler,
  SERVICE_LABELS,
  type ServiceId,
} from './client-settings.js'
import {CloudFormationAdapter} from './cloudformation.js'
import {CloudFrontAdapter} from './cloudfront.js'
import {CloudWatchAdapter} from './cloudwatch.js'
import {CONTROL_PLANE_REGIONS} from './control-planes.js'
import {DynamoDbAdapter} from './dynamodb.js'
import {EcsAdapter} from './ecs.js'
import {FisAdapter} from './fis.js'
import {GlobalAcceleratorAdapter} from './global-accelerator.js'
import {type AwsCallObserver, invoke} from './invoke.js'
import {LambdaAdapter} from './lambda.js'
import type {
  ArcControlPort,
  ArcDataOptions,
  ArcDataPort,
  ArcEndpoint,
  AwsPorts,
  CloudFormationPort,
  CloudFrontPort,
  CloudWatchPort,
  DynamoDbPort,
  EcsPort,
  FisPort,
  GlobalAcceleratorPort,
  RdsPort,
  Route53Port,
  LambdaPort,
  RdsProxyPort,
  RdsDataPort,
  S3Port,
  SsmPort,
  StsPort,
} from './ports.js'
import {RdsAdapter} from './rds.js'
import {RdsDataAdapter} from './rds-data.js'
import {Route53Adapter} from './route53.js'
import {RdsProxyAdapter} from './rds-proxy.js'
import {S3Adapter} from './s3.js'
import {SsmAdapter} from './ssm.js'
import {StsAdapter} from './sts.js'

/** The deadline of one RDS Data API call (see rdsData). */
const DATA_API_TIMEOUT_MS = 60_000

/** A call bound to one service client in one Region: the adapters' only way to reach AWS; `signal` abandons it. */
export type Caller = <T extends {$metadata?: {requestId?: string}}>(
  operation: string,
  mutating: boolean,
  send: (abortSignal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
) => Promise<T>

export interface AwsSessionOptions extends ClientSettingsOptions {
  /** Maps a cached ARC cluster endpoint URL to the URL to dial (identity outside the sandbox). */
  arcEndpointUrl?: (url: string) => string
  arcEndpointTimeoutMs: number
  /** Refuse every mutating call (dry runs). */
  readOnly: boolean
  observers?: AwsCallObserver[]
  clock?: Clock
  random?: () => number
}

/** Builds one client per service and Region (cached), each behind the narrow port drctl uses. */
export class AwsSession implements AwsPorts {
  readonly observers: AwsCallObserver[]
  private readonly cache = new Map<string, unknown>()
  private readonly clock: Clock
  /** Which ARC cluster endpoints failed or answered so far: every data-plane port of this run learns from the others. */
  private readonly arcHealth = new ArcEndpointHealth()

  constructor(private readonly options: AwsSessionOptions) {
    this.observers = options.observers ?? []
    this.clock = options.clock ?? systemClock
  }

  sts(region: string): StsPort {
    return this.memo(`sts:${region}`, () => {
      const client = new STSClient(this.clientConfig('sts', region))
      return new StsAdapter(region, client, this.caller('sts', region))
    })
  }

  rds(region: string): RdsPort {
    return this.memo(`rds:${region}`, () => new RdsAdapter(region, this.rdsClient(region), this.caller('rds', region)))
  }

  rdsProxy(region: string): RdsProxyPort {
    return this.memo(
      `rds-proxy:${region}`,
      () => new RdsProxyAdapter(region, this.rdsClient(region), this.caller('rds', region)),
    )
  }

  private rdsClient(region: string): RDSClient {
    return this.memo(`rds-client:${region}`, () => new RDSClient(this.clientConfig('rds', region)))
  }

  ecs(region: string): EcsPort {
    return this.memo(
      `ecs:${region}`,
      () =>
        new EcsAdapter(
          region,
          (sdk) => new sdk.ECSClient(this.clientConfig('ecs', region)),
          this.caller('ecs', region),
        ),
    )
  }

  lambda(region: string): LambdaPort {
    return this.memo(
      `lambda:${region}`,
      () =>
        new LambdaAdapter(
          region,
          (sdk) => new sdk.LambdaClient(this.clientConfig('lambda', region)),
          this.caller('lambda', region),
          (timeoutMs) => this.caller('lambda', region, undefined, timeoutMs),
        ),
    )
  }

  s3(region: string): S3Port {
    return this.memo(
      `s3:${region}`,
      () =>
        new S3Adapter(region, (sdk) => new sdk.S3Client(this.clientConfig('s3', region)), this.caller('s3', region)),
    )
  }

  /**
   * A Data API statement may wait for a paused or cold database to start (seconds, more on a loaded machine), and a
   * page of rows is larger than a control-plane answer: it gets its own deadline.
   */
  rdsData(region: string): RdsDataPort {
    const timeoutMs = Math.max(this.options.callTimeoutMs, DATA_API_TIMEOUT_MS)
    return this.memo(`rds-data:${region}`, () => {
      const config = {...this.clientConfig('rds-data', region), requestHandler: this.handler(timeoutMs)}
      return new RdsDataAdapter(
        region,
        (sdk) => new sdk.RDSDataClient(config),
        this.caller('rds-data', region, undefined, timeoutMs),
      )
    })
  }

  dynamodb(region: string): DynamoDbPort {
    return this.memo(`dynamodb:${region}`, () => {
      const client = new DynamoDBClient(this.clientConfig('dynamodb', region))
      return new DynamoDbAdapter(region, client, this.caller('dynamodb', region))
    })
  }

  cloudwatch(region: string): CloudWatchPort {
    return this.memo(`cloudwatch:${region}`, () => {
      const client = new CloudWatchClient(this.clientConfig('cloudwatch', region))
      return new CloudWatchAdapter(region, client, this.caller('cloudwatch', region))
    })
  }

  cloudformation(region: string): CloudFormationPort {
    return this.memo(`cloudformation:${region}`, () => {
      const client = new CloudFormationClient(this.clientConfig('cloudformation', region))
      return new CloudFormationAdapter(region, client, this.caller('cloudformation', region))
    })
  }

  fis(region: string): FisPort {
    return this.memo(`fis:${region}`, () => {
      const client = new FisClient(this.clientConfig('fis', region) as FisClientConfig)
      return new FisAdapter(region, client, this.caller('fis', region))
    })
  }

  ssm(region: string): SsmPort {
    return this.memo(`ssm:${region}`, () => {
      const client = new SSMClient(this.clientConfig('ssm', region))
      return new SsmAdapter(region, client, this.caller('ssm', region))
    })
  }

  arcControl(): ArcControlPort {
    return this.memo('arc-control', () => {
      // Client 3.332 ignores AWS_ENDPOINT_URL_* (aws-reference §1.5), so the override is always passed explicitly.
      const config = this.clientConfig('arc-control', ARC_CONTROL_PLANE_REGION)
      config.endpoint ??=
        process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG ?? process.env.AWS_ENDPOINT_URL ?? undefined
      const client = new Route53RecoveryControlConfigClient(config as Route53RecoveryControlConfigClientConfig)
      return new ArcControlAdapter(client, this.caller('arc-control', ARC_CONTROL_PLANE_REGION))
    })
  }

  arcData(endpoints: ArcEndpoint[], options: ArcDataOptions = {}): ArcDataPort {
    return new RotatingArcDataPlane(
      endpoints,
      (endpoint) =>
        this.memo(`arc-cluster:${endpoint.region}:${endpoint.url}`, () => {
          const url = this.options.arcEndpointUrl?.(endpoint.url) ?? endpoint.url
          const client = new Route53RecoveryClusterClient({
            region: endpoint.region,
            endpoint: url,
            credentials: this.options.credentials.forRegion(endpoint.region),
            // One attempt per endpoint: a dead endpoint must not be hammered before rotation moves on.
            maxAttempts: 1,
            requestHandler: this.handler(this.options.arcEndpointTimeoutMs),
            customUserAgent: this.options.userAgent,
          })
          return {
            client,
            call: this.caller('arc-cluster', endpoint.region, url, this.options.arcEndpointTimeoutMs),
          }
        }),
      {
        avoidRegions: options.avoidRegions ?? [],
        random: this.options.random ?? Math.random,
        rounds: 2,
        roundBackoffMs: 500,
        hedgeDelayMs: ARC_HEDGE_DELAY_MS,
        health: this.arcHealth,
        clock: this.clock,
      },
    )
  }

  // Global services: their client lives in the control-plane Region, and their SDK is loaded on the first call.

  route53(): Route53Port {
    const region = CONTROL_PLANE_REGIONS.route53
    return this.memo('route53', () => {
      const config = this.clientConfig('route53', region)
      return new Route53Adapter((sdk) => new sdk.Route53Client(config), this.caller('route53', region))
    })
  }

  cloudfront(): CloudFrontPort {
    const region = CONTROL_PLANE_REGIONS.cloudfront
    return this.memo('cloudfront', () => {
      const config = this.clientConfig('cloudfront', region)
      return new CloudFrontAdapter((sdk) => new sdk.CloudFrontClient(config), this.caller('cloudfront', region))
    })
  }

  globalAccelerator(): GlobalAcceleratorPort {
    const region = CONTROL_PLANE_REGIONS.globalaccelerator
    return this.memo('globalaccelerator', () => {
      const config = this.clientConfig('globalaccelerator', region)
      return new GlobalAcceleratorAdapter(
        (sdk) => new sdk.GlobalAcceleratorClient(config),
        this.caller('globalaccelerator', region),
      )
    })
  }

  private clientConfig(service: ServiceId, region: string): CommonClientConfig {
    return commonClientConfig(this.options, service, region)
  }

  private handler(requestTimeoutMs: number): NodeHttpHandler {
    return httpHandler(this.options.connectTimeoutMs, requestTimeoutMs)
  }

  private caller(
    service: ServiceId | 'arc-cluster',
    region: string,
    endpoint?: string,
    timeoutMs = this.options.callTimeoutMs,
  ): Caller {
    const settings = {timeoutMs, readOnly: this.options.readOnly, observers: this.observers}
    const label = SERVICE_LABELS[service]
    return (operation, mutating, send, signal) =>
      invoke(settings, {service: label, operation, region, endpoint}, mutating, send, signal)
  }

  private memo<T>(key: string, create: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, create())
    return this.cache.get(key) as T
  }
}
