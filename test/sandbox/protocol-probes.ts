/**
 * Small services that exercise the sandbox's wire protocols before a real service of that protocol exists: each
 * answers a few operations the way the real one does on the wire, so that the real SDK clients can call them.
 */
import {ApiError} from '../../src/lib/sandbox/errors.js'
import type {JsonService} from '../../src/lib/sandbox/protocol/aws-json.js'
import type {RestJsonService} from '../../src/lib/sandbox/protocol/rest-json.js'
import type {RestXmlService} from '../../src/lib/sandbox/protocol/rest-xml.js'
import {xmlList} from '../../src/lib/sandbox/protocol/xml.js'

export const PROBE_ZONE = 'Z0PROBE'

/** Route 53 (restXml): GetHostedZone, and ChangeResourceRecordSets echoing what it read from the XML body. */
export const route53Probe: RestXmlService = {
  protocol: 'restXml',
  namespace: 'https://route53.amazonaws.com/doc/2013-04-01/',
  routes: [
    {
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      operation: 'GetHostedZone',
      handle: (_context, request) => {
        if (request.params[0] !== PROBE_ZONE) {
          throw new ApiError('NoSuchHostedZone', `No hosted zone found with ID: ${request.params[0]}`, 404)
        }
        return {
          root: 'GetHostedZoneResponse',
          body: {
            HostedZone: {
              Id: `/hostedzone/${PROBE_ZONE}`,
              Name: 'example.com.',
              CallerReference: 'probe',
              Config: {PrivateZone: false},
              ResourceRecordSetCount: 2,
            },
            DelegationSet: {NameServers: xmlList('NameServer', ['ns-1.awsdns-00.com', 'ns-2.awsdns-00.net'])},
          },
        }
      },
    },
    {
      method: 'POST',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset$/,
      operation: 'ChangeResourceRecordSets',
      handle: (context, request) => {
        const changes = request.body?.child('ChangeBatch')?.list('Changes') ?? []
        const summary = changes.map((change) => {
          const set = change.child('ResourceRecordSet')
          const values = set?.list('ResourceRecords').map((record) => record.required('Value')) ?? []
          return `${change.required('Action')} ${set?.required('Name')} ${set?.required('Type')} ${set?.integer('TTL')} ${values.join(',')}`
        })
        return {
          root: 'ChangeResourceRecordSetsResponse',
          body: {
            ChangeInfo: {
              Id: '/change/C0PROBE',
              Status: 'PENDING',
              SubmittedAt: new Date(context.now),
              Comment: summary.join('; '),
            },
          },
        }
      },
    },
  ],
}

/** CloudFront (restXml): GetDistribution answers the Distribution as the document and its ETag as a header. */
export const cloudfrontProbe: RestXmlService = {
  protocol: 'restXml',
  namespace: 'http://cloudfront.amazonaws.com/doc/2020-05-31/',
  routes: [
    {
      method: 'GET',
      path: /^\/2020-05-31\/distribution\/([^/]+)$/,
      operation: 'GetDistribution',
      handle: (_context, request) => ({
        headers: {ETag: 'E2PROBE'},
        root: 'Distribution',
        body: {Id: request.params[0], Status: 'Deployed', DomainName: 'd111111abcdef8.cloudfront.net'},
      }),
    },
  ],
}

/** ECS (awsJson1_1): DescribeClusters, and ClusterNotFoundException for a name it does not know. */
export const ecsProbe: JsonService = {
  protocol: 'awsJson1_1',
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  operations: {
    DescribeClusters: (context, input) => {
      const names = Array.isArray(input.clusters) ? input.clusters.map(String) : []
      if (names.includes('missing')) throw new ApiError('ClusterNotFoundException', 'Cluster not found.')
      return {
        clusters: names.map((name) => ({
          clusterName: name,
          clusterArn: `arn:aws:ecs:${context.region}:${context.world.account}:cluster/${name}`,
          status: 'ACTIVE',
        })),
        failures: [],
      }
    },
  },
}

/** Lambda (restJson1): function configuration and reserved concurrency; throttled as Lambda is (429). */
export const lambdaProbe: RestJsonService = {
  protocol: 'restJson1',
  faultErrors: {throttling: {code: 'TooManyRequestsException', message: 'Rate exceeded', status: 429}},
  routes: [
    {
      method: 'GET',
      path: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/,
      operation: 'GetFunctionConfiguration',
      handle: (context, request) => {
        const name = request.params[0] as string
        if (name !== 'orders-api') {
          throw new ApiError('ResourceNotFoundException', `Function not found: ${name}`, 404, {fields: {Type: 'User'}})
        }
        return {
          body: {
            FunctionName: name,
            FunctionArn: `arn:aws:lambda:${context.region}:${context.world.account}:function:${name}`,
            State: 'Active',
          },
        }
      },
    },
    {
      method: 'PUT',
      path: /^\/2017-10-31\/functions\/([^/]+)\/concurrency$/,
      operation: 'PutFunctionConcurrency',
      handle: (_context, request) => ({
        headers: {'x-probe-function': request.params[0] as string},
        body: {ReservedConcurrentExecutions: request.body.ReservedConcurrentExecutions},
      }),
    },
  ],
}
