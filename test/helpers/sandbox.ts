/**
 * Test helpers for running code against the sandbox: a private $DRCTL_HOME with a fresh world, a server on
 * loopback whose clock the test drives, and real AWS SDK clients pointed at it with dummy credentials.
 *
 *   const sandbox = await startTestSandbox()            // two-region world, manual clock, time scale 1
 *   await sandbox.rds('us-east-1').send(new DescribeGlobalClustersCommand({}))
 *   sandbox.clock.advanceWorldSeconds(61)               // a switchover (60 s) has completed
 *   await sandbox.close()
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

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
import {STSClient} from '@aws-sdk/client-sts'
import {NodeHttpHandler} from '@smithy/node-http-handler'

import {staticCredentialSource} from '../../src/lib/aws/credentials.js'
import {AwsSession, type AwsSessionOptions} from '../../src/lib/aws/session.js'
import {type Clock, scaledClock} from '../../src/lib/core/clock.js'
import {
  resetSandbox,
  SANDBOX_CREDENTIALS,
  type SandboxServer,
  SANDBOX_ACCOUNT,
  type Service,
  startSandboxServer,
} from '../../src/lib/sandbox/index.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

/** A clock the test moves by hand. It starts at the real time, so CloudWatch's time windows line up. */
export class ManualClock {
  private current = Date.now()

  constructor(private readonly timeScale: number) {}

  readonly now = (): number => this.current

  advanceMs(ms: number): void {
    this.current += ms
  }

  /** Moves on by `seconds` of world time (realistic durations, as aws-reference §6a lists them). */
  advanceWorldSeconds(seconds: number): void {
    this.current += Math.round(seconds * 1000 * this.timeScale)
  }
}

export interface TestSandboxOptions {
  scenario?: 'two-region' | 'three-region'
  /** 1 (default) keeps durations realistic, so a manual clock states them in plain seconds. */
  timeScale?: number
  /** `manual` (default): the test moves time; `real`: the wall clock (use a tiny time scale). */
  clock?: 'manual' | 'real'
  /** Share a home with another sandbox (persistence tests). */
  home?: string
  externalArcUrls?: boolean
  random?: () => number
  /** Per-request timeout of the clients, for hanging faults (default 2000 ms). */
  requestTimeoutMs?: number
  /** SDK attempts per call (default 1, so errors surface as they are). */
  maxAttempts?: number
  /** The services served (default: every simulated one); protocol tests add probes. */
  services?: Readonly<Record<string, Service>>
}

/** What every client of the test sandbox is made with: its endpoint, dummy credentials, timeouts and attempts. */
export interface SandboxClientConfig {
  region: string
  endpoint: string
  credentials: typeof SANDBOX_CREDENTIALS
  maxAttempts: number
  requestHandler: NodeHttpHandler
}

export interface TestSandbox {
  home: string
  server: SandboxServer
  clock: ManualClock
  now: () => number
  rds(region: string): RDSClient
  dynamodb(region: string): DynamoDBClient
  cloudwatch(region: string): CloudWatchClient
  cloudformation(region: string): CloudFormationClient
  sts(region: string): STSClient
  fis(region: string): FisClient
  /** The ARC control plane (us-west-2 unless told otherwise). */
  arcControl(region?: string): Route53RecoveryControlConfigClient
  /** An ARC data-plane client for cluster endpoint `index` (1–5), signed for that endpoint's Region. */
  arcData(index: number, region?: string): Route53RecoveryClusterClient
  /** Any other SDK client, made by `create` with the sandbox's config for `region`: `(config) => new SSMClient(config)`. */
  client<C extends {destroy(): void}>(create: (config: SandboxClientConfig) => C, region: string): C
  close(): Promise<void>
}

export async function startTestSandbox(options: TestSandboxOptions = {}): Promise<TestSandbox> {
  const ownHome = options.home === undefined
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'drctl-sandbox-'))
  const timeScale = options.timeScale ?? 1
  const clock = new ManualClock(timeScale)
  const now = options.clock === 'real' ? Date.now : clock.now
  if (ownHome) await resetSandbox({home, scenario: options.scenario, timeScale, now})
  const server = await startSandboxServer({
    home,
    now,
    random: options.random,
    externalArcUrls: options.externalArcUrls,
    services: options.services,
  })
  const timeout = options.requestTimeoutMs ?? 2000
  const common = (region: string): SandboxClientConfig => ({
    region,
    endpoint: server.endpoint,
    credentials: SANDBOX_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeout,
      requestTimeout: timeout,
      throwOnRequestTimeout: true,
    }),
  })
  const clients: {destroy(): void}[] = []
  const track = <T extends {destroy(): void}>(client: T): T => {
    clients.push(client)
    return client
  }
  return {
    home,
    server,
    clock,
    now,
    rds: (region) => track(new RDSClient(common(region))),
    dynamodb: (region) => track(new DynamoDBClient(common(region))),
    cloudwatch: (region) => track(new CloudWatchClient(common(region))),
    cloudformation: (region) => track(new CloudFormationClient(common(region))),
    sts: (region) => track(new STSClient(common(region))),
    fis: (region) => track(new FisClient(common(region) as FisClientConfig)),
    arcControl: (region = 'us-west-2') =>
      track(new Route53RecoveryControlConfigClient(common(region) as Route53RecoveryControlConfigClientConfig)),
    arcData: (index, region) => {
      const endpoint = server.arcEndpoints()[index - 1]
      if (!endpoint) throw new Error(`the ARC cluster has no endpoint ${index}`)
      return track(new Route53RecoveryClusterClient({...common(region ?? endpoint.region), endpoint: endpoint.url}))
    },
    client: (create, region) => track(create(common(region))),
    close: async () => {
      for (const client of clients) client.destroy()
      await server.close()
      if (ownHome) rmSync(home, {recursive: true, force: true})
    },
  }
}

/** The ARN of a scenario cluster (`orders-use1` in us-east-1 …). */
export function scenarioClusterArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${SANDBOX_ACCOUNT}:cluster:${id}`
}

/** drctl's clock on the sandbox's: a sleep moves world time on (scaled as `--sandbox` scales it), nothing waits. */
export function worldClock(sandbox: TestSandbox, timeScale: number): Clock {
  return scaledClock({scale: 1, now: sandbox.now, sleep: async (ms) => sandbox.clock.advanceMs(ms)}, timeScale)
}

/**
 * drctl's own AWS session on the test sandbox, as `--sandbox` builds it: one attempt a call (only drctl's own
 * retries, on the clock it is given: the SDK's would sleep for real); `options` change its timeouts or clock.
 */
export function drctlSession(sandbox: TestSandbox, options: Partial<AwsSessionOptions> = {}): AwsSession {
  return new AwsSession({
    credentials: staticCredentialSource(SANDBOX_CREDENTIALS.accessKeyId, SANDBOX_CREDENTIALS.secretAccessKey),
    userAgent: 'drctl/test',
    endpointFor: () => sandbox.server.endpoint,
    connectTimeoutMs: 1000,
    callTimeoutMs: 5000,
    arcEndpointTimeoutMs: 1000,
    maxAttempts: 1,
    readOnly: false,
    ...options,
  })
}
