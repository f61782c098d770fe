import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {staticCredentialSource} from '../../../src/lib/aws/credentials.js'
import {AwsSession} from '../../../src/lib/aws/session.js'

// A Lambda endpoint that takes 300ms to answer anything: longer than the API call timeout, shorter than an invocation's.
let server: Server
let endpoint: string
const seen: IncomingMessage[] = []

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request)
    request.resume()
    setTimeout(() => {
      if (request.url?.endsWith('/invocations')) {
        response.writeHead(200, {'content-type': 'application/json', 'x-amz-function-error': 'Unhandled'})
        response.end('{"errorMessage":"flush failed"}')
        return
      }
      response.writeHead(200, {'content-type': 'application/json'})
      response.end('{"Configuration":{"FunctionName":"dr-hook"}}')
    }, 300)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const session = () =>
  new AwsSession({
    credentials: staticCredentialSource('AKIATEST', 'secret'),
    userAgent: 'drctl/9.9.9',
    endpointFor: (service) => (service === 'lambda' ? endpoint : undefined),
    connectTimeoutMs: 500,
    callTimeoutMs: 100,
    arcEndpointTimeoutMs: 100,
    maxAttempts: 1,
    readOnly: false,
    clock: {scale: 1, now: () => 0, sleep: async () => {}},
  })

describe('Lambda through the session', () => {
  it('waits for an invocation as long as it is told, while other Lambda calls keep the API call timeout', async () => {
    const lambda = session().lambda('us-west-2')
    await expect(lambda.invoke('dr-hook', '{"runId":"r1"}', 5000)).resolves.toMatchObject({
      statusCode: 200,
      functionError: 'Unhandled',
      payload: '{"errorMessage":"flush failed"}',
    })
    await expect(lambda.getFunction('dr-hook')).rejects.toMatchObject({kind: 'timeout'})
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /2015-03-31/functions/dr-hook/invocations',
      'GET /2015-03-31/functions/dr-hook',
    ])
    expect(seen[0]?.headers['x-amz-invocation-type']).toBe('RequestResponse')
    expect(seen[0]?.headers.authorization).toMatch(/\/us-west-2\/lambda\/aws4_request/)
  })
})
