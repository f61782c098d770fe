import {execFile, spawnSync} from 'node:child_process'
import {promisify} from 'node:util'

import {AwsSmithyRpcV2CborProtocol} from '@aws-sdk/core/protocols'
import {cbor, tag} from '@smithy/core/cbor'
import {CloudFrontClient, GetDistributionCommand} from '@aws-sdk/client-cloudfront'
import {CloudWatchClient, GetMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import {DescribeClustersCommand, ECSClient} from '@aws-sdk/client-ecs'
import {GetFunctionConfigurationCommand, LambdaClient, PutFunctionConcurrencyCommand} from '@aws-sdk/client-lambda'
import {ChangeResourceRecordSetsCommand, GetHostedZoneCommand, Route53Client} from '@aws-sdk/client-route-53'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {clearFaults, readCallLog, SANDBOX_CREDENTIALS, setFault} from '../../src/lib/sandbox/index.js'
import {SERVICES} from '../../src/lib/sandbox/services/simulated-services.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'
import {cloudfrontProbe, ecsProbe, lambdaProbe, PROBE_ZONE, route53Probe} from './protocol-probes.js'

let sandbox: TestSandbox
beforeAll(async () => {
  sandbox = await startTestSandbox()
})
afterAll(async () => sandbox.close())

const signed = (region: string, service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIASANDBOX/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`

async function call(
  path: string,
  options: {method?: string; auth?: string; body?: string; headers?: Record<string, string>; base?: string} = {},
) {
  const response = await fetch(`${options.base ?? sandbox.server.endpoint}${path}`, {
    method: options.method ?? 'POST',
    headers: {...(options.auth ? {authorization: options.auth} : {}), ...options.headers},
    body: options.body,
  })
  return {status: response.status, headers: response.headers, text: await response.text()}
}

const form = {'content-type': 'application/x-www-form-urlencoded'}
const json = (target: string) => ({'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target})

describe('wire protocol errors', () => {
  it('answers query-protocol mistakes with XML errors and request ids', async () => {
    const unknown = await call('/', {
      auth: signed('us-east-1', 'rds'),
      headers: form,
      body: 'Action=Frobnicate&Version=2014-10-31',
    })
    expect(unknown.status).toBe(400)
    expect(unknown.headers.get('content-type')).toBe('text/xml')
    expect(unknown.text).toContain('<Code>InvalidAction</Code>')
    expect(unknown.text).toContain(`<RequestId>${unknown.headers.get('x-amzn-requestid')}</RequestId>`)

    const missing = await call('/', {
      auth: signed('us-east-1', 'rds'),
      headers: form,
      body: 'Action=SwitchoverGlobalCluster',
    })
    expect(missing.status).toBe(400)
    expect(missing.text).toMatch(
      /<Code>MissingParameter<\/Code><Message>The request must contain the parameter GlobalClusterIdentifier/,
    )

    const junk = await call('/', {auth: signed('us-east-1', 'rds'), headers: form, body: '%%%&&&==='})
    expect(junk.status).toBe(400)
    expect(junk.text).toContain('<Code>MissingAction</Code>')

    const viaGet = await call('/?Action=GetCallerIdentity&Version=2011-06-15', {
      method: 'GET',
      auth: signed('us-east-1', 'sts'),
    })
    expect(viaGet.status).toBe(200)
    expect(viaGet.text).toContain('<Account>111122223333</Account>')
  })

  it('answers JSON-protocol mistakes with __type errors', async () => {
    const malformed = await call('/', {
      auth: signed('us-east-1', 'dynamodb'),
      headers: json('DynamoDB_20120810.DescribeTable'),
      body: '{"TableName": ',
    })
    expect(malformed.status).toBe(400)
    expect(JSON.parse(malformed.text)).toMatchObject({__type: expect.stringMatching(/SerializationException$/)})

    const unknown = await call('/', {
      auth: signed('us-east-1', 'dynamodb'),
      headers: json('DynamoDB_20120810.Frobnicate'),
      body: '{}',
    })
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.text).__type).toMatch(/UnknownOperationException$/)

    const noTarget = await call('/', {
      auth: signed('us-east-1', 'monitoring'),
      headers: {'content-type': 'application/x-amz-json-1.0'},
      body: '{}',
    })
    expect(noTarget.status).toBe(400)
    expect(noTarget.headers.get('x-amzn-query-error')).toBe('UnknownOperationException;Sender')

    const dataPlaneHere = await call('/', {
      auth: signed('us-east-1', 'route53-recovery-cluster'),
      headers: json('ToggleCustomerAPI.ListRoutingControls'),
      body: '{}',
    })
    expect(dataPlaneHere.status).toBe(403)
    expect(JSON.parse(dataPlaneHere.text).__type).toBe('AccessDeniedException')
  })

  it('answers REST mistakes with a status and x-amzn-ErrorType', async () => {
    const unknownPath = await call('/experimentz', {method: 'GET', auth: signed('us-east-1', 'fis')})
    expect(unknownPath.status).toBe(404)
    expect(unknownPath.headers.get('x-amzn-errortype')).toBe('UnknownOperationException')
    expect(JSON.parse(unknownPath.text)).toHaveProperty('message')

    const badBody = await call('/experiments', {
      auth: signed('us-east-1', 'fis'),
      headers: {'content-type': 'application/json'},
      body: '{nope',
    })
    expect(badBody.status).toBe(400)
    expect(badBody.headers.get('x-amzn-errortype')).toBe('SerializationException')

    const missingToken = await call('/experiments', {
      auth: signed('us-east-1', 'fis'),
      headers: {'content-type': 'application/json'},
      body: '{"experimentTemplateId": "EXT1"}',
    })
    expect(missingToken.status).toBe(400)
    expect(missingToken.headers.get('x-amzn-errortype')).toBe('ValidationException')
  })

  it('refuses unsigned calls, invalid Regions and unknown services, never with an HTML page', async () => {
    const unsigned = await call('/', {method: 'GET'})
    expect(unsigned.status).toBe(403)
    expect(unsigned.text).not.toMatch(/<html/i)
    expect(unsigned.text).toContain('MissingAuthenticationToken')

    const badRegion = await call('/', {
      auth: signed('mars-north-1x', 'rds'),
      headers: form,
      body: 'Action=DescribeDBClusters',
    })
    expect(badRegion.status).toBe(403)
    expect(badRegion.text).toContain('<Code>SignatureDoesNotMatch</Code>')

    const unknown = await call('/stream', {method: 'GET', auth: signed('us-east-1', 'kinesis')})
    expect(unknown.status).toBe(400)
    expect(unknown.text).not.toMatch(/<html/i)
  })

  it('serves the ARC data plane only on its endpoints, under their own Region', async () => {
    const endpoint = sandbox.server.arcEndpoints()[0]?.url.replace(/\/v1$/, '') as string
    const wrongService = await call('/v1/', {
      base: endpoint,
      auth: signed('us-east-1', 'rds'),
      headers: form,
      body: 'Action=X',
    })
    expect(wrongService.status).toBe(403)
    const wrongPath = await call('/elsewhere', {
      base: endpoint,
      auth: signed('us-east-1', 'route53-recovery-cluster'),
      headers: json('ToggleCustomerAPI.ListRoutingControls'),
      body: '{}',
    })
    expect(wrongPath.status).toBe(404)
    for (const path of ['/', '/v1', '/v1/']) {
      const ok = await call(path, {
        base: endpoint,
        auth: signed('us-east-1', 'route53-recovery-cluster'),
        headers: json('ToggleCustomerAPI.ListRoutingControls'),
        body: '{}',
      })
      expect(ok.status).toBe(200)
      expect(JSON.parse(ok.text).RoutingControls).toHaveLength(2)
    }
  })

  it('logs every call, mutating or not, with its outcome', async () => {
    const log = await readCallLog(sandbox.home)
    const invalid = log.find((entry) => entry.operation === 'Frobnicate' && entry.service === 'rds')
    expect(invalid).toMatchObject({
      region: 'us-east-1',
      status: 400,
      errorCode: 'InvalidAction',
      mutating: false,
      endpoint: 'main',
    })
    const switchover = log.find((entry) => entry.operation === 'SwitchoverGlobalCluster')
    expect(switchover).toMatchObject({mutating: true, status: 400, errorCode: 'MissingParameter'})
    expect(log.find((entry) => entry.endpoint === 'arc1' && entry.status === 200)).toMatchObject({
      service: 'route53-recovery-cluster',
      operation: 'ListRoutingControls',
      region: 'us-east-1',
    })
    for (const entry of log) {
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining([
          'time',
          'region',
          'service',
          'operation',
          'mutating',
          'status',
          'requestId',
          'endpoint',
          'durationMs',
        ]),
      )
    }
  })
})

describe('Smithy RPC v2 CBOR (CloudWatch as botocore and CBOR-configured SDKs call it)', () => {
  it('answers GetMetricData with tagged timestamps, and errors with the query-compatible code', async () => {
    const client = new CloudWatchClient({
      region: 'us-west-2',
      endpoint: sandbox.server.endpoint,
      credentials: SANDBOX_CREDENTIALS,
      maxAttempts: 1,
      protocol: AwsSmithyRpcV2CborProtocol,
    })
    const now = sandbox.now()
    const query = (period: number) =>
      new GetMetricDataCommand({
        StartTime: new Date(now - 5 * 60_000),
        EndTime: new Date(now),
        MetricDataQueries: [
          {
            Id: 'lag',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'AuroraGlobalDBRPOLag',
                Dimensions: [{Name: 'DBClusterIdentifier', Value: 'orders-usw2'}],
              },
              Period: period,
              Stat: 'Maximum',
            },
          },
        ],
      })
    try {
      const out = await client.send(query(60))
      const series = out.MetricDataResults?.[0]
      expect(series?.Values?.length).toBeGreaterThan(3)
      expect(series?.Timestamps?.[0]).toBeInstanceOf(Date)
      expect((series?.Timestamps?.[0] as Date).getTime() % 60_000).toBe(0)
      await expect(client.send(query(7))).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
        $metadata: {httpStatusCode: 400},
      })
    } finally {
      client.destroy()
    }
  })
})

describe('Smithy RPC v2 CBOR bodies', () => {
  const post = (body: Uint8Array) =>
    fetch(`${sandbox.server.endpoint}/service/GraniteServiceVersion20100801/operation/ListMetrics`, {
      method: 'POST',
      headers: {
        authorization: signed('us-west-2', 'monitoring'),
        'smithy-protocol': 'rpc-v2-cbor',
        'content-type': 'application/cbor',
      },
      body,
    })

  it('refuses a body that is not CBOR, or holds a tag other than timestamps, with a CBOR SerializationException', async () => {
    for (const body of [new Uint8Array([0xff, 0x00]), cbor.serialize({Namespace: tag({tag: 4, value: [1, 2]})})]) {
      const response = await post(body)
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-query-error')).toBe('SerializationException;Sender')
      const payload = cbor.deserialize(new Uint8Array(await response.arrayBuffer()))
      expect(payload.__type).toBe('com.amazonaws.cloudwatch#SerializationException')
    }
    const ok = await post(cbor.serialize({Namespace: 'AWS/RDS'}))
    expect(ok.status).toBe(200)
    expect(cbor.deserialize(new Uint8Array(await ok.arrayBuffer())).Metrics.length).toBeGreaterThan(0)
  })
})

describe('the protocols wave-2 services speak, through probe services and the real SDK clients', () => {
  let probes: TestSandbox
  beforeAll(async () => {
    probes = await startTestSandbox({
      services: {
        ...SERVICES,
        route53: route53Probe,
        cloudfront: cloudfrontProbe,
        ecs: ecsProbe,
        lambda: lambdaProbe,
      },
    })
  })
  afterAll(async () => probes.close())

  it('restXml: routes on method and path, reads the XML body, answers XML documents and headers', async () => {
    const route53 = probes.client((config) => new Route53Client(config), 'us-east-1')
    const zone = await route53.send(new GetHostedZoneCommand({Id: PROBE_ZONE}))
    expect(zone.HostedZone).toMatchObject({Id: `/hostedzone/${PROBE_ZONE}`, Name: 'example.com.'})
    expect(zone.HostedZone?.Config?.PrivateZone).toBe(false)
    expect(zone.DelegationSet?.NameServers).toEqual(['ns-1.awsdns-00.com', 'ns-2.awsdns-00.net'])
    const change = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: PROBE_ZONE,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {Name: 'api.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{Value: '10.0.0.1'}]},
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'txt.example.com.',
                Type: 'TXT',
                TTL: 300,
                ResourceRecords: [{Value: '"a&b <c>"'}, {Value: '"d"'}],
              },
            },
          ],
        },
      }),
    )
    expect(change.ChangeInfo).toMatchObject({Id: '/change/C0PROBE', Status: 'PENDING'})
    expect(change.ChangeInfo?.SubmittedAt?.getTime()).toBe(probes.now())
    expect(change.ChangeInfo?.Comment).toBe(
      'UPSERT api.example.com. A 60 10.0.0.1; CREATE txt.example.com. TXT 300 "a&b <c>","d"',
    )

    const cloudfront = probes.client((config) => new CloudFrontClient(config), 'us-east-1')
    const distribution = await cloudfront.send(new GetDistributionCommand({Id: 'E1PROBE'}))
    expect(distribution.ETag).toBe('E2PROBE')
    expect(distribution.Distribution).toMatchObject({Id: 'E1PROBE', Status: 'Deployed'})

    const log = await readCallLog(probes.home)
    expect(log.map((entry) => [entry.service, entry.operation, entry.mutating, entry.status])).toEqual(
      expect.arrayContaining([
        ['route53', 'GetHostedZone', false, 200],
        ['route53', 'ChangeResourceRecordSets', true, 200],
        ['cloudfront', 'GetDistribution', false, 200],
      ]),
    )
  })

  it('restXml: errors are ErrorResponse documents the SDK reads the code and message from', async () => {
    const route53 = probes.client((config) => new Route53Client(config), 'us-east-1')
    await expect(route53.send(new GetHostedZoneCommand({Id: 'Z0NONE'}))).rejects.toMatchObject({
      name: 'NoSuchHostedZone',
      message: 'No hosted zone found with ID: Z0NONE',
      $fault: 'client',
      $metadata: {httpStatusCode: 404},
    })
    const malformed = await call(`/2013-04-01/hostedzone/${PROBE_ZONE}/rrset`, {
      base: probes.server.endpoint,
      auth: signed('us-east-1', 'route53'),
      headers: {'content-type': 'application/xml'},
      body: '<ChangeResourceRecordSetsRequest><ChangeBatch></ChangeResourceRecordSetsRequest>',
    })
    expect(malformed.status).toBe(400)
    expect(malformed.headers.get('content-type')).toBe('text/xml')
    expect(malformed.text).toMatch(
      new RegExp(
        '^<\\?xml version="1.0" encoding="UTF-8"\\?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">' +
          '<Error><Type>Sender</Type><Code>MalformedInput</Code><Message>[^<]+</Message></Error>' +
          `<RequestId>${malformed.headers.get('x-amzn-requestid')}</RequestId></ErrorResponse>$`,
      ),
    )
    await setFault(probes.home, {kind: 'throttle', rate: 1})
    try {
      await expect(route53.send(new GetHostedZoneCommand({Id: PROBE_ZONE}))).rejects.toMatchObject({
        name: 'Throttling',
        $metadata: {httpStatusCode: 400},
      })
    } finally {
      await clearFaults(probes.home, 'throttle')
    }
  })

  it('awsJson1_1: answers application/x-amz-json-1.1, errors with __type', async () => {
    const ecs = probes.client((config) => new ECSClient(config), 'eu-west-1')
    const out = await ecs.send(new DescribeClustersCommand({clusters: ['web']}))
    expect(out.clusters).toEqual([
      {clusterName: 'web', clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/web', status: 'ACTIVE'},
    ])
    await expect(ecs.send(new DescribeClustersCommand({clusters: ['missing']}))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    })
    const raw = await call('/', {
      base: probes.server.endpoint,
      auth: signed('eu-west-1', 'ecs'),
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.Nope',
      },
      body: '{}',
    })
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(JSON.parse(raw.text).__type).toBe('UnknownOperationException')
  })

  it('restJson1: path parameters, JSON bodies and headers both ways; a service’s own throttling error', async () => {
    const lambda = probes.client((config) => new LambdaClient(config), 'us-west-2')
    const config = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'orders-api'}))
    expect(config).toMatchObject({
      FunctionName: 'orders-api',
      FunctionArn: 'arn:aws:lambda:us-west-2:111122223333:function:orders-api',
      State: 'Active',
    })
    const concurrency = await lambda.send(
      new PutFunctionConcurrencyCommand({FunctionName: 'orders-api', ReservedConcurrentExecutions: 0}),
    )
    expect(concurrency.ReservedConcurrentExecutions).toBe(0)
    await expect(lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'nope'}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      Type: 'User',
      $metadata: {httpStatusCode: 404},
    })
    await setFault(probes.home, {kind: 'throttle', rate: 1})
    try {
      await expect(
        lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'orders-api'})),
      ).rejects.toMatchObject({name: 'TooManyRequestsException', $metadata: {httpStatusCode: 429}})
    } finally {
      await clearFaults(probes.home, 'throttle')
    }
    const log = await readCallLog(probes.home)
    expect(log.find((entry) => entry.operation === 'PutFunctionConcurrency')).toMatchObject({
      service: 'lambda',
      region: 'us-west-2',
      mutating: true,
    })
  })
})

const execFileAsync = promisify(execFile)
const awsCli = spawnSync('aws', ['--version'], {encoding: 'utf8'})

describe.skipIf(awsCli.status !== 0)('the AWS CLI against the sandbox', () => {
  it('works unchanged with AWS_ENDPOINT_URL and dummy credentials', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: sandbox.home,
      AWS_ENDPOINT_URL: sandbox.server.endpoint,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    }
    // Asynchronously: the sandbox answers from this very process. --endpoint-url too, because AWS CLI v1 ignores
    // AWS_ENDPOINT_URL for some RDS calls in us-east-1.
    const run = async (...args: string[]) => {
      const {stdout, stderr} = await execFileAsync(
        'aws',
        [...args, '--output', 'json', '--endpoint-url', sandbox.server.endpoint],
        {
          env,
          timeout: 30_000,
        },
      )
      expect(stderr).toBe('')
      return JSON.parse(stdout)
    }
    expect((await run('sts', 'get-caller-identity')).Account).toBe('111122223333')
    const globals = (await run('rds', 'describe-global-clusters')).GlobalClusters
    expect(globals.map((g: {GlobalClusterIdentifier: string}) => g.GlobalClusterIdentifier)).toEqual([
      'orders-global',
      'catalog-global',
    ])
    const table = await run('dynamodb', 'describe-table', '--table-name', 'carts', '--region', 'us-west-2')
    expect(table.Table.TableStatus).toBe('ACTIVE')
    expect((await run('fis', 'list-experiment-templates')).experimentTemplates).toHaveLength(2)
    const end = new Date(sandbox.now())
    const metrics = await run(
      'cloudwatch',
      'get-metric-data',
      '--region',
      'us-west-2',
      '--start-time',
      new Date(end.getTime() - 300_000).toISOString(),
      '--end-time',
      end.toISOString(),
      '--metric-data-queries',
      JSON.stringify([
        {
          Id: 'lag',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraGlobalDBReplicationLag',
              Dimensions: [{Name: 'DBClusterIdentifier', Value: 'catalog-usw2'}],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ]),
    )
    expect(metrics.MetricDataResults[0].Values.length).toBeGreaterThan(3)
    // As public runbooks read Aurora replication lag.
    const statistics = await run(
      'cloudwatch',
      'get-metric-statistics',
      '--region',
      'us-west-2',
      '--namespace',
      'AWS/RDS',
      '--metric-name',
      'AuroraGlobalDBReplicationLag',
      '--dimensions',
      'Name=DBClusterIdentifier,Value=catalog-usw2',
      '--start-time',
      new Date(end.getTime() - 300_000).toISOString(),
      '--end-time',
      end.toISOString(),
      '--period',
      '60',
      '--statistics',
      'Maximum',
    )
    expect(statistics.Datapoints.length).toBeGreaterThan(3)
    expect(statistics.Datapoints[0]).toMatchObject({Unit: 'Milliseconds', Maximum: expect.any(Number)})
  }, 60_000)
})
