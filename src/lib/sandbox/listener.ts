import {randomUUID} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {resolve as resolvePath} from 'node:path'

import {closeDatabase} from './data/databases.js'
import {dispatch} from './dispatch.js'
import {refusal} from './iam/enforce.js'
import type {PolicyDocument} from './iam/policy.js'
import {SandboxError} from './errors.js'
import {arcEndpointMode} from './faults.js'
import {type Answer, internalError, type Routed} from './protocol/answers.js'
import {jsonErrors} from './protocol/aws-json.js'
import {type Listener, route} from './router.js'
import {canonicalArcUrl, parseCanonicalArcUrl} from './scenarios/arc.js'
import type {Service} from './services/simulated-services.js'
import {appendCallLog, type CallLogEntry, isMutatingOperation, readWorld} from './store.js'
import {ARC_ENDPOINT_REGIONS, type FaultMode, type World} from './world.js'

const MAX_BODY_BYTES = 16 * 1024 * 1024
const FAULT_POLL_MS = 500

export interface SandboxServerOptions {
  /** $DRCTL_HOME: the world lives in `<home>/sandbox/`. */
  home: string
  /** Port of the main listener (default: any free one). */
  port?: number
  /**
   * `true` for a stand-alone server (`drctl sandbox serve`): DescribeCluster hands out the live loopback URLs of the
   * ARC endpoints, so any SDK can dial them. `false` (in-process): the canonical URLs, which stay valid across
   * processes and are mapped to live ones with `arcEndpointUrl()`.
   */
  externalArcUrls?: boolean
  /** The clock the world runs on (tests inject one). */
  now?: () => number
  /** Decides which calls a `throttle` fault hits (tests inject one). */
  random?: () => number
  /** Let the process exit while the server is idle (in-process use). */
  unref?: boolean
  /** The services served, by signing name (default: every simulated service); tests of the protocols add probes. */
  services?: Readonly<Record<string, Service>>
  /** Every call is judged against this IAM policy and refused as AWS would (`--enforce-iam`). */
  policy?: PolicyDocument[]
}

export interface ArcEndpointInfo {
  index: number
  region: string
  canonicalUrl: string
  /** The live loopback URL (`http://127.0.0.1:<port>/v1`). */
  url: string
  /** `up`, or how the endpoint is down. */
  mode: 'up' | FaultMode
}

export interface SandboxServer {
  readonly endpoint: string
  readonly port: number
  arcEndpoints(): ArcEndpointInfo[]
  /** Maps a canonical ARC endpoint URL to its live listener (same path); anything else is returned unchanged. */
  arcEndpointUrl(url: string): string
  /** Applies the world's current faults to the listeners now (also done every 500 ms). */
  refreshFaults(): Promise<void>
  close(): Promise<void>
}

const servers = new Map<string, Set<SandboxServerImpl>>()

/** Makes every server of this process that serves `home` apply fault changes at once (no poll delay). */
export async function refreshLocalServers(home: string): Promise<void> {
  await Promise.all([...(servers.get(resolvePath(home)) ?? [])].map((server) => server.refreshFaults()))
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const server = new SandboxServerImpl(options)
  await server.start()
  return server
}

class SandboxServerImpl implements SandboxServer {
  private main?: Server
  private mainPort = 0
  private readonly arc: {info: Listener; port: number; server?: Server; mode: 'up' | FaultMode}[]
  private timer?: NodeJS.Timeout
  private syncing: Promise<void> = Promise.resolve()
  private closed = false
  private readonly now: () => number
  private readonly random: () => number
  private readonly home: string

  constructor(private readonly options: SandboxServerOptions) {
    this.home = resolvePath(options.home)
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.arc = ARC_ENDPOINT_REGIONS.map((region, index) => ({
      info: {name: `arc${index + 1}`, arcIndex: index + 1, region},
      port: 0,
      mode: 'up' as const,
    }))
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.mainPort}`
  }

  get port(): number {
    return this.mainPort
  }

  async start(): Promise<void> {
    try {
      this.main = await this.listen({name: 'main'}, this.options.port ?? 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new SandboxError('port-in-use', `port ${this.options.port} is already in use`, {
          hint: 'pick another --port, or leave it out to use any free port',
        })
      }
      throw error
    }
    this.mainPort = (this.main.address() as AddressInfo).port
    for (const endpoint of this.arc) {
      endpoint.server = await this.listen(endpoint.info, 0)
      endpoint.port = (endpoint.server.address() as AddressInfo).port
    }
    const registered = servers.get(this.home) ?? new Set()
    registered.add(this)
    servers.set(this.home, registered)
    await this.refreshFaults()
    this.timer = setInterval(() => void this.refreshFaults().catch(() => undefined), FAULT_POLL_MS)
    this.timer.unref()
  }

  arcEndpoints(): ArcEndpointInfo[] {
    return this.arc.map((endpoint) => ({
      index: endpoint.info.arcIndex as number,
      region: endpoint.info.region as string,
      canonicalUrl: canonicalArcUrl(endpoint.info.arcIndex as number, endpoint.info.region as string),
      url: `http://127.0.0.1:${endpoint.port}/v1`,
      mode: endpoint.mode,
    }))
  }

  arcEndpointUrl(url: string): string {
    const parsed = parseCanonicalArcUrl(url)
    const endpoint = parsed ? this.arc[parsed.index - 1] : undefined
    if (!parsed || !endpoint || endpoint.info.region !== parsed.region) return url
    return `http://127.0.0.1:${endpoint.port}${parsed.path}`
  }

  refreshFaults(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncListeners()).catch(() => undefined)
    return this.syncing
  }

  /**
   * A refused endpoint resets every connection at once. It keeps its port: a closed port can be taken by another
   * process's listener, which would then answer in its place.
   */
  private async syncListeners(): Promise<void> {
    if (this.closed) return
    let world: World | undefined
    try {
      world = await readWorld(this.home)
    } catch {
      return
    }
    for (const endpoint of this.arc) {
      endpoint.mode = (world && arcEndpointMode(world, endpoint.info.arcIndex as number)) ?? 'up'
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    await this.syncing
    servers.get(this.home)?.delete(this)
    const open = [this.main, ...this.arc.map((endpoint) => endpoint.server)].filter((s): s is Server => !!s)
    await Promise.all(
      open.map(
        (server) =>
          new Promise((resolve) => {
            server.closeAllConnections()
            server.close(resolve)
          }),
      ),
    )
    await closeDatabase()
  }

  private listen(info: Listener, port: number): Promise<Server> {
    const server = createServer((request, response) => {
      void this.handle(info, request, response)
    })
    server.keepAliveTimeout = 5000
    if (info.arcIndex !== undefined) {
      const endpoint = this.arc[info.arcIndex - 1]
      server.on('connection', (socket) => {
        if (endpoint?.mode === 'refuse') socket.resetAndDestroy()
      })
    }
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        if (this.options.unref) server.unref()
        resolve(server)
      })
    })
  }

  private async handle(listener: Listener, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now()
    const requestId = randomUUID()
    let routed: Routed | undefined
    const log = (status: number, extra: Partial<CallLogEntry>) =>
      appendCallLog(this.home, {
        time: new Date(this.now()).toISOString(),
        region: routed?.region ?? '',
        service: routed?.service ?? '',
        operation: routed?.operation ?? '',
        mutating: isMutatingOperation(routed?.operation ?? ''),
        status,
        requestId,
        endpoint: listener.name,
        durationMs: Date.now() - started,
        ...attemptOf(request),
        ...extra,
      })
    try {
      const raw = await readBody(request)
      routed = route(listener, request, raw, requestId, this.options.services)
      const {policy} = this.options
      const wire = {url: new URL(request.url ?? '/', 'http://sandbox'), body: raw}
      const outcome = await dispatch(
        {
          home: this.home,
          now: this.now(),
          random: this.random,
          arcIndex: listener.arcIndex,
          arcEndpointUrl: (url) => (this.options.externalArcUrls ? this.arcEndpointUrl(url) : url),
          authorize: policy && ((call, world) => refusal(policy, call, wire, world)),
        },
        routed,
      )
      if (outcome.kind === 'fault') {
        await log(0, {fault: outcome.fault, errorCode: outcome.mode === 'refuse' ? 'ConnectionRefused' : 'NoAnswer'})
        // A hung call keeps its socket until the client gives up (or the server closes).
        if (outcome.mode === 'refuse') request.socket.destroy()
        return
      }
      await log(outcome.status, outcome.errorCode ? {errorCode: outcome.errorCode} : {})
      send(response, outcome, requestId)
    } catch (error) {
      const style = routed?.style ?? jsonErrors({})
      const answer = style.answer(internalError(style, error), requestId)
      await log(answer.status, {errorCode: answer.errorCode}).catch(() => undefined)
      if (!response.headersSent) send(response, answer, requestId)
    }
  }
}

function attemptOf(request: IncomingMessage): {attempt?: number} {
  const header = request.headers['amz-sdk-request']
  const match = typeof header === 'string' ? /attempt=(\d+)/.exec(header) : null
  return match ? {attempt: Number(match[1])} : {}
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function send(response: ServerResponse, outcome: Answer, requestId: string): void {
  response.writeHead(outcome.status, {
    ...outcome.headers,
    'x-amzn-RequestId': requestId,
    'content-length': String(Buffer.byteLength(outcome.body)),
    date: new Date().toUTCString(),
  })
  response.end(outcome.body)
}
