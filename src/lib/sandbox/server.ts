import {randomUUID} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {resolve as resolvePath} from 'node:path'

import {withWorldAt} from './advance.js'
import {ApiError, isSandboxError, SandboxError} from './errors.js'
import {addedLatencyMs, arcEndpointMode, regionOutage, throttleRate} from './faults.js'
import {ARC_CONTROL_PLANE_REGION, ARC_ENDPOINT_REGIONS, type FaultMode, REGION_PATTERN, type World} from './model.js'
import {CborError, decodeCbor, encodeCbor} from './protocol/cbor.js'
import {QueryParams, queryError, queryResponse} from './protocol/query.js'
import {canonicalArcUrl, parseCanonicalArcUrl} from './scenario.js'
import {arcControlService, arcDataService} from './services/arc.js'
import {cloudformationService} from './services/cloudformation.js'
import {cloudwatchService} from './services/cloudwatch.js'
import type {CallContext, JsonInput, JsonService, QueryService, RestService, Service} from './services/context.js'
import {dynamodbService} from './services/dynamodb.js'
import {fisService} from './services/fis.js'
import {rdsService} from './services/rds/index.js'
import {stsService} from './services/sts.js'
import {appendCallLog, type CallLogEntry, isMutatingOperation, readWorld} from './store.js'

/** Services by SigV4 signing name. The ARC data plane is served only on the cluster endpoint listeners. */
const SERVICES: Record<string, Service> = {
  rds: rdsService,
  sts: stsService,
  cloudformation: cloudformationService,
  dynamodb: dynamodbService,
  monitoring: cloudwatchService,
  fis: fisService,
  'route53-recovery-control-config': arcControlService,
}
const ARC_DATA_SERVICE = 'route53-recovery-cluster'
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

interface Listener {
  name: string
  /** ARC endpoint index (1–5); undefined for the main listener. */
  arcIndex?: number
  region?: string
}

type AnswerBody = {status: number; headers: Record<string, string>; body: string | Buffer}
type Answer = AnswerBody & {kind: 'answer'; errorCode?: string}
type Outcome = Answer | {kind: 'fault'; mode: FaultMode; fault: string}

/** What routing made of a request, before the world is consulted. */
interface Routed {
  service: string
  region: string
  operation: string
  requestId: string
  /** How the service writes its errors (also for throttling and internal errors). */
  style: ErrorStyle
  action:
    | {kind: 'reject'; error: ApiError}
    /** No such endpoint: the connection closes without an answer, as with a host that does not exist. */
    | {kind: 'drop'}
    | {kind: 'dispatch'; run: (context: CallContext) => Answer}
}

type ErrorStyle =
  | {protocol: 'query'; namespace: string}
  | {protocol: 'json' | 'cbor'; namespace?: string; queryCompatible?: boolean}
  | {protocol: 'rest'}

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
      routed = route(listener, request, await readBody(request), requestId)
      const outcome = await this.decide(listener, routed)
      if (outcome.kind === 'fault') {
        await log(0, {fault: outcome.fault, errorCode: outcome.mode === 'refuse' ? 'ConnectionRefused' : 'NoAnswer'})
        // A hung call keeps its socket until the client gives up (or the server closes).
        if (outcome.mode === 'refuse') request.socket.destroy()
        return
      }
      await log(outcome.status, outcome.errorCode ? {errorCode: outcome.errorCode} : {})
      send(response, outcome, requestId)
    } catch (error) {
      const style: ErrorStyle = routed?.style ?? {protocol: 'json'}
      const answer = errorAnswer(style, internalError(style, error), requestId)
      await log(answer.status, {errorCode: answer.errorCode}).catch(() => undefined)
      if (!response.headersSent) send(response, answer, requestId)
    }
  }

  /** Under the world lock: faults first (outage, throttling), then the operation itself; then the added latency. */
  private async decide(listener: Listener, routed: Routed): Promise<Outcome> {
    const {action, requestId, style} = routed
    // A call signed for no Region cannot be hit by a Region's fault.
    if (!routed.region && action.kind === 'reject') return errorAnswer(style, action.error, requestId)
    const now = this.now()
    const {outcome, latencyMs} = await withWorldAt(this.home, now, (world): {outcome: Outcome; latencyMs: number} => {
      const outage =
        listener.arcIndex !== undefined ? arcEndpointMode(world, listener.arcIndex) : regionOutage(world, routed.region)
      if (outage) {
        const fault = listener.arcIndex !== undefined ? 'arc-endpoint-down' : 'region-outage'
        return {outcome: {kind: 'fault', mode: outage, fault}, latencyMs: 0}
      }
      if (action.kind === 'drop')
        return {outcome: {kind: 'fault', mode: 'refuse', fault: 'no-such-endpoint'}, latencyMs: 0}
      const latencyMs = addedLatencyMs(world)
      if (action.kind === 'reject') return {outcome: errorAnswer(style, action.error, requestId), latencyMs}
      const rate = throttleRate(world)
      if (rate > 0 && this.random() < rate) {
        return {outcome: errorAnswer(style, throttlingError(style), requestId), latencyMs}
      }
      // Changes are made on a copy, kept only if the operation succeeds; reads need no copy.
      const draft = isMutatingOperation(routed.operation) ? structuredClone(world) : world
      const answer = action.run({
        world: draft,
        region: routed.region,
        now,
        arcEndpointUrl: (url) => (this.options.externalArcUrls ? this.arcEndpointUrl(url) : url),
      })
      if (answer.status < 300 && draft !== world) Object.assign(world, draft)
      return {outcome: answer, latencyMs}
    })
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
    return outcome
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

// ---- Routing -------------------------------------------------------------------------------------------------------

/** The SigV4 credential scope: `Credential=AKID/DATE/REGION/SERVICE/aws4_request` (header or presigned query). */
function credentialScope(request: IncomingMessage, url: URL): {region: string; service: string} | undefined {
  const header = request.headers.authorization ?? ''
  const source = header || `Credential=${url.searchParams.get('X-Amz-Credential') ?? ''}`
  const match = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(source)
  return match ? {region: match[1] as string, service: match[2] as string} : undefined
}

type Base = Pick<Routed, 'service' | 'region' | 'operation' | 'requestId'>

function rejected(base: Base, style: ErrorStyle, error: ApiError): Routed {
  return {...base, style, action: {kind: 'reject', error}}
}

/** A request routed to an operation: `produce` runs it; the ApiErrors it throws are answered in `style`. */
function dispatched(base: Base, style: ErrorStyle, produce: (context: CallContext) => AnswerBody): Routed {
  return {
    ...base,
    style,
    action: {kind: 'dispatch', run: (context) => answerOf(style, base.requestId, () => produce(context))},
  }
}

function route(listener: Listener, request: IncomingMessage, raw: Buffer, requestId: string): Routed {
  const url = new URL(request.url ?? '/', 'http://sandbox')
  const body = raw.toString('utf8')
  const target = typeof request.headers['x-amz-target'] === 'string' ? request.headers['x-amz-target'] : undefined
  const isJson = target !== undefined || String(request.headers['content-type'] ?? '').includes('json')
  const formAction = isJson ? undefined : QueryParams.parse(`${url.searchParams.toString()}&${body}`).string('Action')
  const operation = target?.split('.').pop() ?? formAction ?? `${request.method} ${url.pathname}`
  // Before the service is known, errors take the shape the request itself suggests.
  const guessedStyle: ErrorStyle = isJson ? {protocol: 'json'} : {protocol: 'query', namespace: rdsService.namespace}
  const scope = credentialScope(request, url)
  if (!scope) {
    return rejected(
      {service: '', region: '', operation, requestId},
      guessedStyle,
      new ApiError(
        isJson ? 'MissingAuthenticationTokenException' : 'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403,
      ),
    )
  }
  const {region, service} = scope
  const base: Base = {service, region, operation, requestId}
  if (!REGION_PATTERN.test(region)) {
    return rejected(
      base,
      guessedStyle,
      new ApiError(
        isJson ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
        `Credential should be scoped to a valid region, not '${region}'.`,
        403,
      ),
    )
  }
  if (listener.arcIndex !== undefined) return routeArcEndpoint(listener, base, url, target, body)
  if (service === ARC_DATA_SERVICE) {
    return rejected(
      base,
      {protocol: 'json'},
      new ApiError(
        'AccessDeniedException',
        'route53-recovery-cluster answers only on the ARC cluster endpoints (DescribeCluster → ClusterEndpoints)',
        403,
      ),
    )
  }
  const model = Object.hasOwn(SERVICES, service) ? SERVICES[service] : undefined
  if (!model) {
    return rejected(
      base,
      guessedStyle,
      new ApiError(
        isJson ? 'UnknownOperationException' : 'InvalidAction',
        `The sandbox does not simulate the ${service} service`,
      ),
    )
  }
  if (service === 'route53-recovery-control-config' && region !== ARC_CONTROL_PLANE_REGION) {
    // The control plane exists only in us-west-2: elsewhere there is no such endpoint to talk to.
    return {...base, style: {protocol: 'rest'}, action: {kind: 'drop'}}
  }
  switch (model.protocol) {
    case 'query':
      return routeQuery(model, base, url, body)
    case 'json':
      return request.headers['smithy-protocol'] === 'rpc-v2-cbor'
        ? routeCbor(model, base, url, raw)
        : routeJson(model, base, target, body)
    case 'rest':
      return routeRest(model, base, request.method ?? 'GET', url, body)
  }
}

function routeQuery(service: QueryService, base: Base, url: URL, body: string): Routed {
  const style: ErrorStyle = {protocol: 'query', namespace: service.namespace}
  const params = QueryParams.parse(`${url.searchParams.toString()}&${body}`)
  const action = params.string('Action')
  if (!action) return rejected({...base, operation: ''}, style, new ApiError('MissingAction', 'Missing Action'))
  const operation = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined
  if (!operation) {
    return rejected(
      {...base, operation: action},
      style,
      new ApiError(
        'InvalidAction',
        `The action ${action} is not valid for this web service (the sandbox does not simulate it).`,
      ),
    )
  }
  return dispatched({...base, operation: action}, style, (context) => ({
    status: 200,
    headers: {'content-type': 'text/xml'},
    body: queryResponse(action, service.namespace, operation(context, params), base.requestId),
  }))
}

function routeJson(service: JsonService, base: Base, target: string | undefined, body: string): Routed {
  const style: ErrorStyle = {
    protocol: 'json',
    namespace: service.errorNamespace,
    queryCompatible: service.queryCompatible,
  }
  const [prefix, name = ''] = (target ?? '').split('.')
  const operation =
    prefix === service.targetPrefix && Object.hasOwn(service.operations, name) ? service.operations[name] : undefined
  if (!operation) {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('UnknownOperationException', `Unknown operation ${target ?? '(no X-Amz-Target header)'}`),
    )
  }
  let input: JsonInput
  try {
    const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body)
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
    input = parsed as JsonInput
  } catch {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('SerializationException', 'Start of structure or map found where not expected.'),
    )
  }
  return dispatched({...base, operation: name}, style, (context) => ({
    status: 200,
    headers: {'content-type': 'application/x-amz-json-1.0'},
    body: JSON.stringify(operation(context, input)),
  }))
}

/** Smithy RPC v2 CBOR: `POST /service/<Service>/operation/<Operation>` with a CBOR body. */
function routeCbor(service: JsonService, base: Base, url: URL, raw: Buffer): Routed {
  const style: ErrorStyle = {
    protocol: 'cbor',
    namespace: service.errorNamespace,
    queryCompatible: service.queryCompatible,
  }
  const [, serviceName, name = ''] = /\/service\/([^/]+)\/operation\/([^/]+)$/.exec(url.pathname) ?? []
  const operation =
    service.cbor && serviceName === service.targetPrefix && Object.hasOwn(service.operations, name)
      ? service.operations[name]
      : undefined
  if (!operation || !service.cbor) {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('UnknownOperationException', `Unknown operation ${url.pathname} for the CBOR protocol`),
    )
  }
  let input: JsonInput
  try {
    const decoded = raw.length === 0 ? {} : decodeCbor(raw)
    if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) throw new CborError('not a map')
    input = decoded as JsonInput
  } catch {
    return rejected(
      {...base, operation: name},
      style,
      new ApiError('SerializationException', 'The request body is not valid CBOR.'),
    )
  }
  const timestamps = new Set(service.cbor.timestampKeys)
  return dispatched({...base, operation: name}, style, (context) => ({
    status: 200,
    headers: {'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor'},
    body: encodeCbor(operation(context, input), timestamps),
  }))
}

function routeRest(service: RestService, base: Base, method: string, url: URL, body: string): Routed {
  const style: ErrorStyle = {protocol: 'rest'}
  for (const candidate of service.routes) {
    const match = candidate.method === method ? candidate.path.exec(url.pathname) : null
    if (!match) continue
    // ARNs travel percent-encoded inside one path segment (`arn%3Aaws%3A…%2F…`): match raw, then decode.
    const params = match.slice(1).map((group) => safeDecode(group ?? ''))
    const named = {...base, operation: candidate.operation}
    let input: JsonInput = {}
    try {
      if (body.trim() !== '') input = JSON.parse(body) as JsonInput
    } catch {
      return rejected(named, style, new ApiError('SerializationException', 'The request body is not valid JSON.'))
    }
    return dispatched(named, style, (context) => {
      const result = candidate.handle(context, {method, params, query: url.searchParams, body: input})
      return {
        status: result.status ?? 200,
        headers: {'content-type': 'application/json'},
        body: JSON.stringify(result.body),
      }
    })
  }
  return rejected(
    {...base, operation: `${method} ${url.pathname}`},
    style,
    new ApiError('UnknownOperationException', `No operation matches ${method} ${url.pathname}`, 404),
  )
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function routeArcEndpoint(listener: Listener, base: Base, url: URL, target: string | undefined, body: string): Routed {
  const style: ErrorStyle = {protocol: 'json'}
  if (base.service !== ARC_DATA_SERVICE) {
    return rejected(
      base,
      style,
      new ApiError(
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${ARC_DATA_SERVICE}'.`,
        403,
      ),
    )
  }
  if (!['/', '/v1', '/v1/'].includes(url.pathname)) {
    return rejected(base, style, new ApiError('UnknownOperationException', `No operation at ${url.pathname}`, 404))
  }
  if (base.region !== listener.region) {
    return rejected(
      {...base, region: listener.region as string},
      style,
      new ApiError(
        'InvalidSignatureException',
        `Credential should be scoped to a valid region: this cluster endpoint is in ${listener.region}, not '${base.region}'.`,
        403,
      ),
    )
  }
  return routeJson(arcDataService, base, target, body)
}

// ---- Answers and errors ----------------------------------------------------------------------------------------------

function answerOf(style: ErrorStyle, requestId: string, produce: () => AnswerBody): Answer {
  try {
    return {kind: 'answer', ...produce()}
  } catch (error) {
    if (error instanceof ApiError) return errorAnswer(style, error, requestId)
    throw error
  }
}

function errorAnswer(style: ErrorStyle, error: ApiError, requestId: string): Answer {
  switch (style.protocol) {
    case 'query':
      return {
        kind: 'answer',
        status: error.status,
        headers: {'content-type': 'text/xml'},
        body: queryError(error, style.namespace, requestId),
        errorCode: error.code,
      }
    case 'json':
    case 'cbor': {
      const payload = {__type: `${style.namespace ?? ''}${error.code}`, message: error.message, ...error.fields}
      const cbor = style.protocol === 'cbor'
      return {
        kind: 'answer',
        status: error.status,
        headers: {
          'content-type': cbor ? 'application/cbor' : 'application/x-amz-json-1.0',
          ...(cbor ? {'smithy-protocol': 'rpc-v2-cbor'} : {'x-amzn-ErrorType': error.code}),
          ...(style.queryCompatible ? {'x-amzn-query-error': `${error.code};${error.type}`} : {}),
        },
        body: cbor ? encodeCbor(payload) : JSON.stringify(payload),
        errorCode: error.code,
      }
    }
    case 'rest':
      return {
        kind: 'answer',
        status: error.status,
        headers: {'content-type': 'application/json', 'x-amzn-ErrorType': error.code},
        body: JSON.stringify({message: error.message, ...error.fields}),
        errorCode: error.code,
      }
  }
}

/** DynamoDB answers throttling and internal failures with codes and statuses of its own. */
function isDynamoDb(style: ErrorStyle): boolean {
  return style.protocol === 'json' && style.namespace === dynamodbService.errorNamespace
}

function throttlingError(style: ErrorStyle): ApiError {
  if (style.protocol === 'query' || (style.protocol !== 'rest' && style.queryCompatible)) {
    return new ApiError('Throttling', 'Rate exceeded', 400)
  }
  if (isDynamoDb(style)) {
    return new ApiError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.', 400)
  }
  return new ApiError('ThrottlingException', 'Rate exceeded', 429)
}

function internalError(style: ErrorStyle, error: unknown): ApiError {
  const message = isSandboxError(error)
    ? `${error.message}${error.hint ? ` (${error.hint})` : ''}`
    : `The sandbox failed to handle the request: ${error instanceof Error ? error.message : String(error)}`
  if (style.protocol === 'query') return new ApiError('InternalFailure', message, 500)
  if (isDynamoDb(style)) return new ApiError('InternalServerError', message, 500)
  return new ApiError('InternalServerException', message, 500)
}
