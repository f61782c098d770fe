import {describe, expect, it} from 'vitest'

import type {RecordSet} from '../../../src/lib/aws/ports.js'
import {discoverConfig} from '../../../src/lib/topology/discover/discover.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'

const REGIONS = ['us-east-1', 'us-west-2']
const endpoint = (id: string, region: string) => `${id}.cluster-c1.${region}.rds.amazonaws.com`
const weighted = (id: string, target: string, failover?: string): RecordSet => ({
  name: 'api.example.com.',
  type: 'CNAME',
  setIdentifier: id,
  ...(failover ? {failover} : {weight: 0}),
  ttl: 30,
  values: [target],
})

function account(): FakeAws {
  const state = twoRegionState()
  for (const cluster of state.clusters) Object.assign(cluster, {endpoint: endpoint(cluster.id, cluster.region)})
  state.hostedZones = {
    Z1: [
      {name: 'writer.example.com.', type: 'CNAME', ttl: 60, values: [endpoint('orders-use1', 'us-east-1')]},
      weighted('east', 'api.us-east-1.example.net'),
      weighted('other', 'api.eu-west-1.example.net'),
    ],
    Z2: [
      {...weighted('primary', 'web.us-east-1.example.net', 'PRIMARY'), name: 'web.example.com.'},
      {...weighted('secondary', 'web.us-west-2.example.net', 'SECONDARY'), name: 'web.example.com.'},
    ],
  }
  state.distributions = [
    {
      id: 'E1',
      status: 'Deployed',
      origins: [{id: 'api', domainName: 'a.us-east-1.example', originPath: ''}],
      originGroups: [],
    },
  ]
  state.proxies = {
    'us-east-1': {'orders-proxy': {targetGroups: {default: [{type: 'TRACKED_CLUSTER', clusterId: 'orders-use1'}]}}},
  }
  state.ecsServices = {'us-east-1': {'app/api': {status: 'ACTIVE', desiredCount: 2, runningCount: 2, deployments: []}}}
  state.parameters = {
    'us-east-1': {
      '/app/active': {name: '/app/active', value: 'us-east-1', type: 'String', version: 1},
      '/app/here': {name: '/app/here', value: 'us-east-1', type: 'String', version: 1},
    },
    'us-west-2': {
      '/app/active': {name: '/app/active', value: 'us-east-1', type: 'String', version: 4},
      '/app/here': {name: '/app/here', value: 'us-west-2', type: 'String', version: 1},
    },
  }
  return new FakeAws(state)
}

describe('discovering application steps', () => {
  it('writes only steps whose counterpart in every Region is known; the half-found are skipped rows saying why', async () => {
    const aws = account()
    const {file, discovery} = await discoverConfig(aws, {
      name: 'retail',
      regions: REGIONS,
      sections: ['aurora', 'steps'],
      header: ['test'],
    })
    expect(file.config.steps).toEqual([
      expect.objectContaining({
        id: 'dns-writer',
        kind: 'route53-record',
        hostedZoneId: 'Z1',
        name: 'writer.example.com',
        routing: 'simple',
        regions: {
          'us-east-1': {value: endpoint('orders-use1', 'us-east-1')},
          'us-west-2': {value: endpoint('orders-usw2', 'us-west-2')},
        },
      }),
      expect.objectContaining({id: 'ssm-app-active', kind: 'ssm-parameter', name: '/app/active', value: '{{target}}'}),
    ])
    const skipped = discovery.skipped.map((row) => `${row.kind} ${row.name}: ${row.detail}`)
    expect(skipped).toEqual(
      expect.arrayContaining([
        'Route 53 record api.example.com: weighted, but no record points at us-west-2',
        'Route 53 record web.example.com: failover routing: Route 53 health checks move it, not drctl',
        'CloudFront distribution E1: no origin in us-west-2: its domain is not known (add a cloudfront-origin step by hand)',
        'RDS proxy orders-proxy: targets orders-use1; no proxy of that name in us-west-2',
        'ECS service app/api: not in us-west-2',
        expect.stringMatching(/^Lambda step —: not recognised/),
      ]),
    )
    expect(aws.calls.filter((call) => call.mutating)).toEqual([])
  })
})
