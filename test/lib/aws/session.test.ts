import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {assertProfilesExist, staticCredentialSource} from '../../../src/lib/aws/credentials.js'
import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {AwsCallRecord} from '../../../src/lib/aws/invoke.js'
import {AwsSession} from '../../../src/lib/aws/session.js'

let server: Server
let endpoint: string
let mode: 'hang' | 'reset' | 'unavailable' | 'sts' = 'sts'
const seen: IncomingMessage[] = []
/** One per connection the server accepted: settles when the connection is closed. */
const connectionsClosed: Promise<void>[] = []

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request)
    request.resume()
    if (mode === 'hang') return
    if (mode === 'reset') {
      request.socket.destroy()
      return
    }
    if (mode === 'unavailable') {
      response.writeHead(503, {'content-type': 'application/x-amz-json-1.0'})
      response.end(JSON.stringify({__type: 'EndpointTemporarilyUnavailableException', message: 'try another'}))
      return
    }
    response.writeHead(200, {'content-type': 'text/xml', 'x-amzn-requestid': 'req-1'})
    response.end(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        '<Arn>arn:aws:sts::111122223333:assumed-role/ops/me</Arn><UserId>AROA:me</UserId><Account>111122223333</Account>' +
        '</GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    )
  })
  server.on('connection', (socket) => connectionsClosed.push(new Promise((resolve) => socket.on('close', resolve))))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

afterEach(() => {
  mode = 'sts'
  seen.length = 0
  connectionsClosed.length = 0
})

function session(
  options: {readOnly?: boolean; callTimeoutMs?: number; records?: AwsCallRecord[]; random?: () => number} = {},
) {
  return new AwsSession({
    credentials: staticCredentialSource('AKIATEST', 'secret'),
    userAgent: 'drctl/9.9.9',
    endpointFor: () => endpoint,
    connectTimeoutMs: 500,
    callTimeoutMs: options.callTimeoutMs ?? 2000,
    arcEndpointTimeoutMs: 100,
    maxAttempts: 1,
    readOnly: options.readOnly ?? false,
    observers: options.records ? [(record) => options.records?.push(record)] : [],
    clock: {scale: 1, now: () => 0, sleep: async () => {}},
    random: options.random ?? (() => 0),
  })
}

describe('AwsSession', () => {
  it('calls the endpoint with the Region in the signature and a drctl user agent, and reports the call', async () => {
    const records: AwsCallRecord[] = []
    const identity = await session({records}).sts('eu-west-1').getCallerIdentity()
    expect(identity).toEqual({
      account: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/ops/me',
      userId: 'AROA:me',
    })
    expect(seen[0]?.headers.authorization).toContain('/eu-west-1/sts/aws4_request')
    expect(seen[0]?.headers['user-agent'] ?? '').toContain('drctl/9.9.9')
    expect(records).toEqual([
      expect.objectContaining({
        service: 'STS',
        operation: 'GetCallerIdentity',
        region: 'eu-west-1',
        mutating: false,
        requestId: 'req-1',
      }),
    ])
  })

  it('gives up on a call that never answers at its deadline: the request is aborted, as an unreachable-Region error', async () => {
    mode = 'hang'
    const records: AwsCallRecord[] = []
    const failure = await session({callTimeoutMs: 300, records})
      .sts('us-east-1')
      .getCallerIdentity()
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AwsCallError)
    expect(failure).toMatchObject({kind: 'timeout', code: 'DRCTL_AWS_UNREACHABLE', exit: 5})
    expect((failure as AwsCallError).message).toContain('is unreachable')
    // The request is aborted, not left hanging: every connection drctl opened gets closed.
    await Promise.all(connectionsClosed)
    expect(records).toEqual([
      expect.objectContaining({
        service: 'STS',
        operation: 'GetCallerIdentity',
        error: expect.objectContaining({code: 'TimeoutError'}),
      }),
    ])
  })

  it('reads a connection reset as a network failure', async () => {
    mode = 'reset'
    await expect(session().sts('us-east-1').getCallerIdentity()).rejects.toMatchObject({
      kind: 'network',
      code: 'DRCTL_AWS_UNREACHABLE',
    })
  })

  it('refuses mutating calls in a read-only session without sending anything', async () => {
    await expect(session({readOnly: true}).rds('us-east-1').switchoverGlobalCluster('g', 'arn')).rejects.toThrow(
      /read-only/,
    )
    await expect(
      session({readOnly: true})
        .arcData([{region: 'eu-west-1', url: `${endpoint}/v1`}])
        .updateRoutingControlStates([{arn: 'arn:rc', state: 'Off'}], []),
    ).rejects.toThrow(/read-only/)
    expect(seen).toHaveLength(0)
  })

  it('builds one ARC data-plane client per endpoint, signed with that endpoint’s Region, in the rotation order', async () => {
    mode = 'unavailable'
    const endpoints = [
      {region: 'ap-southeast-2', url: `${endpoint}/v1`},
      {region: 'eu-west-1', url: `${endpoint}/v1`},
      {region: 'us-east-1', url: `${endpoint}/v1`},
    ]
    // One draw per round: start at the second endpoint, then at the first; the avoided Region always goes last.
    const draws = [0.5, 0]
    const data = session({random: () => draws.shift() ?? 0}).arcData(endpoints, {avoidRegions: ['eu-west-1']})
    await expect(data.listRoutingControls()).rejects.toMatchObject({
      code: 'DRCTL_ARC_ENDPOINTS_FAILED',
      message: expect.stringContaining('EndpointTemporarilyUnavailableException: try another'),
    })
    const scopes = seen.map(
      (request) => /Credential=[^/]+\/\d+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1],
    )
    expect(scopes).toEqual(['us-east-1', 'ap-southeast-2', 'eu-west-1', 'ap-southeast-2', 'us-east-1', 'eu-west-1'])
    expect(seen.every((request) => request.url === '/v1/')).toBe(true)
  })
})

describe('AwsSession: global services', () => {
  it('calls Route 53 and CloudFront in us-east-1 and Global Accelerator in us-west-2, through the endpoint override', async () => {
    mode = 'unavailable'
    const records: AwsCallRecord[] = []
    const aws = session({records})
    await aws
      .route53()
      .getChange('C1')
      .catch(() => undefined)
    await aws
      .cloudfront()
      .getDistribution('E1')
      .catch(() => undefined)
    await aws
      .globalAccelerator()
      .describeAccelerator('arn:aws:globalaccelerator::1:accelerator/a')
      .catch(() => undefined)
    const scopes = seen.map(
      (request) => /Credential=[^/]+\/\d+\/([^/]+\/[^/]+)\//.exec(request.headers.authorization ?? '')?.[1],
    )
    expect(scopes).toEqual(['us-east-1/route53', 'us-east-1/cloudfront', 'us-west-2/globalaccelerator'])
    expect(records.map(({service, region}) => `${service} ${region}`)).toEqual([
      'Route 53 us-east-1',
      'CloudFront us-east-1',
      'Global Accelerator us-west-2',
    ])
  })
})

describe('AWS profiles', () => {
  it('fails before any AWS call when a profile does not exist, listing the known ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drctl-aws-'))
    writeFileSync(join(dir, 'config'), '[profile ops]\nregion = us-east-1\n')
    writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = x\naws_secret_access_key = y\n')
    process.env.AWS_CONFIG_FILE = join(dir, 'config')
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials')
    try {
      await expect(assertProfilesExist(['ops', 'default'])).resolves.toBeUndefined()
      await expect(assertProfilesExist(['opz'])).rejects.toMatchObject({
        code: 'DRCTL_PROFILE_NOT_FOUND',
        exit: 2,
        hints: ['known profiles: default, ops'],
      })
    } finally {
      delete process.env.AWS_CONFIG_FILE
      delete process.env.AWS_SHARED_CREDENTIALS_FILE
    }
  })
})
