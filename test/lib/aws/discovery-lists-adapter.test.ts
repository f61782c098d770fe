import {CloudFrontClient, ListDistributionsCommand} from '@aws-sdk/client-cloudfront'
import {ECSClient, ListClustersCommand, ListServicesCommand} from '@aws-sdk/client-ecs'
import {
  GlobalAcceleratorClient,
  ListAcceleratorsCommand,
  ListEndpointGroupsCommand,
  ListListenersCommand,
} from '@aws-sdk/client-global-accelerator'
import {DescribeDBProxiesCommand, RDSClient} from '@aws-sdk/client-rds'
import {ListHostedZonesCommand, ListResourceRecordSetsCommand, Route53Client} from '@aws-sdk/client-route-53'
import {GetParametersByPathCommand, SSMClient} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {CloudFrontAdapter} from '../../../src/lib/aws/cloudfront.js'
import {EcsAdapter} from '../../../src/lib/aws/ecs.js'
import {GlobalAcceleratorAdapter} from '../../../src/lib/aws/global-accelerator.js'
import {RdsProxyAdapter} from '../../../src/lib/aws/rds-proxy.js'
import {Route53Adapter} from '../../../src/lib/aws/route53.js'
import {SsmAdapter} from '../../../src/lib/aws/ssm.js'
import {callerFor} from './harness.js'

// The list calls `drctl config init --discover` makes to recognise application steps: each follows every page.

const route53Mock = mockClient(Route53Client)
const cloudfrontMock = mockClient(CloudFrontClient)
const gaMock = mockClient(GlobalAcceleratorClient)
const rdsMock = mockClient(RDSClient)
const ecsMock = mockClient(ECSClient)
const ssmMock = mockClient(SSMClient)
afterEach(() => {
  for (const mock of [route53Mock, cloudfrontMock, gaMock, rdsMock, ecsMock, ssmMock]) mock.reset()
})

const ACCELERATOR = 'arn:aws:globalaccelerator::111122223333:accelerator/a1'

describe('list calls for discovery, across pages', () => {
  it('Route 53: every hosted zone, and every record set of a zone', async () => {
    route53Mock
      .on(ListHostedZonesCommand, {Marker: undefined})
      .resolves({
        HostedZones: [{Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'a', Config: {PrivateZone: false}}],
        IsTruncated: true,
        NextMarker: 'Z2',
        Marker: '',
        MaxItems: 1,
      })
      .on(ListHostedZonesCommand, {Marker: 'Z2'})
      .resolves({
        HostedZones: [{Id: '/hostedzone/Z2', Name: 'internal.', CallerReference: 'b', Config: {PrivateZone: true}}],
        IsTruncated: false,
        Marker: 'Z2',
        MaxItems: 1,
      })
    route53Mock
      .on(ListResourceRecordSetsCommand, {StartRecordName: undefined})
      .resolves({
        ResourceRecordSets: [{Name: 'a.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: 'x'}]}],
        IsTruncated: true,
        NextRecordName: 'b.example.com.',
        NextRecordType: 'A',
        NextRecordIdentifier: 'east',
        MaxItems: 1,
      })
      .on(ListResourceRecordSetsCommand, {StartRecordName: 'b.example.com.'})
      .resolves({
        ResourceRecordSets: [
          {Name: 'b.example.com.', Type: 'A', SetIdentifier: 'east', Failover: 'PRIMARY', ResourceRecords: []},
        ],
        IsTruncated: false,
        MaxItems: 1,
      })
    const route53 = new Route53Adapter(
      (sdk) => new sdk.Route53Client({region: 'us-east-1'}),
      callerFor('Route 53', 'us-east-1'),
    )
    expect(await route53.listHostedZones()).toEqual([
      {id: 'Z1', name: 'example.com', private: false},
      {id: 'Z2', name: 'internal', private: true},
    ])
    expect(await route53.listZoneRecordSets('/hostedzone/Z1')).toEqual([
      {name: 'a.example.com.', type: 'CNAME', ttl: 60, values: ['x']},
      {name: 'b.example.com.', type: 'A', setIdentifier: 'east', values: [], failover: 'PRIMARY'},
    ])
    expect(route53Mock).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'Z1',
      StartRecordName: 'b.example.com.',
      StartRecordType: 'A',
      StartRecordIdentifier: 'east',
    })
  })

  it('CloudFront: every distribution with its origins and the default behaviour’s target', async () => {
    const summary = (id: string, domain: string) => ({
      Id: id,
      Status: 'Deployed',
      Comment: `api ${id}`,
      Origins: {Quantity: 1, Items: [{Id: 'api', DomainName: domain, OriginPath: '/prod'}]},
      OriginGroups: {Quantity: 0},
      DefaultCacheBehavior: {TargetOriginId: 'api', ViewerProtocolPolicy: 'https-only' as const},
    })
    cloudfrontMock
      .on(ListDistributionsCommand, {Marker: undefined})
      .resolves({
        DistributionList: {
          Marker: '',
          MaxItems: 1,
          IsTruncated: true,
          NextMarker: 'E1',
          Quantity: 1,
          Items: [summary('E1', 'a.us-east-1.example') as never],
        },
      })
      .on(ListDistributionsCommand, {Marker: 'E1'})
      .resolves({
        DistributionList: {
          Marker: 'E1',
          MaxItems: 1,
          IsTruncated: false,
          Quantity: 1,
          Items: [summary('E2', 'b.us-west-2.example') as never],
        },
      })
    const cloudfront = new CloudFrontAdapter(
      (sdk) => new sdk.CloudFrontClient({region: 'us-east-1'}),
      callerFor('CloudFront', 'us-east-1'),
    )
    expect(await cloudfront.listDistributions()).toEqual([
      {
        id: 'E1',
        status: 'Deployed',
        comment: 'api E1',
        defaultOriginId: 'api',
        origins: [{id: 'api', domainName: 'a.us-east-1.example', originPath: '/prod'}],
        originGroups: [],
      },
      expect.objectContaining({id: 'E2', origins: [expect.objectContaining({domainName: 'b.us-west-2.example'})]}),
    ])
  })

  it('Global Accelerator: every accelerator, and the endpoint groups of each listener', async () => {
    gaMock
      .on(ListAcceleratorsCommand, {NextToken: undefined})
      .resolves({Accelerators: [{AcceleratorArn: ACCELERATOR, Name: 'api', Enabled: true}], NextToken: 't'})
      .on(ListAcceleratorsCommand, {NextToken: 't'})
      .resolves({Accelerators: [{AcceleratorArn: `${ACCELERATOR}2`, Name: 'web', Enabled: false}]})
    gaMock
      .on(ListListenersCommand, {NextToken: undefined})
      .resolves({Listeners: [{ListenerArn: `${ACCELERATOR}/listener/l1`}], NextToken: 'l'})
      .on(ListListenersCommand, {NextToken: 'l'})
      .resolves({Listeners: [{ListenerArn: `${ACCELERATOR}/listener/l2`}]})
    const group = (listener: string, region: string) => ({
      EndpointGroupArn: `${ACCELERATOR}/listener/${listener}/endpoint-group/${region}`,
      EndpointGroupRegion: region,
      TrafficDialPercentage: 100,
    })
    gaMock
      .on(ListEndpointGroupsCommand, {ListenerArn: `${ACCELERATOR}/listener/l1`, NextToken: undefined})
      .resolves({EndpointGroups: [group('l1', 'us-east-1')], NextToken: 'g'})
      .on(ListEndpointGroupsCommand, {ListenerArn: `${ACCELERATOR}/listener/l1`, NextToken: 'g'})
      .resolves({EndpointGroups: [group('l1', 'us-west-2')]})
      .on(ListEndpointGroupsCommand, {ListenerArn: `${ACCELERATOR}/listener/l2`})
      .resolves({EndpointGroups: []})
    const ga = new GlobalAcceleratorAdapter(
      (sdk) => new sdk.GlobalAcceleratorClient({region: 'us-west-2'}),
      callerFor('Global Accelerator', 'us-west-2'),
    )
    expect((await ga.listAccelerators()).map((accelerator) => accelerator.name)).toEqual(['api', 'web'])
    const listeners = await ga.listEndpointGroups(ACCELERATOR)
    expect(listeners.map(({listenerArn, groups}) => [listenerArn, groups.map((entry) => entry.region)])).toEqual([
      [`${ACCELERATOR}/listener/l1`, ['us-east-1', 'us-west-2']],
      [`${ACCELERATOR}/listener/l2`, []],
    ])
  })

  it('RDS Proxy, ECS and SSM: every proxy, every service of every cluster, every parameter under a path', async () => {
    rdsMock
      .on(DescribeDBProxiesCommand, {Marker: undefined})
      .resolves({DBProxies: [{DBProxyName: 'orders-proxy-us-east-1'}], Marker: 'm'})
      .on(DescribeDBProxiesCommand, {Marker: 'm'})
      .resolves({DBProxies: [{DBProxyName: 'catalog-proxy'}]})
    const rds = new RdsProxyAdapter('us-east-1', new RDSClient({region: 'us-east-1'}), callerFor('RDS', 'us-east-1'))
    expect(await rds.listProxies()).toEqual(['orders-proxy-us-east-1', 'catalog-proxy'])

    const clusterArn = (name: string) => `arn:aws:ecs:us-east-1:111122223333:cluster/${name}`
    const serviceArn = (cluster: string, name: string) =>
      `arn:aws:ecs:us-east-1:111122223333:service/${cluster}/${name}`
    ecsMock
      .on(ListClustersCommand, {nextToken: undefined})
      .resolves({clusterArns: [clusterArn('retail')], nextToken: 'c'})
      .on(ListClustersCommand, {nextToken: 'c'})
      .resolves({clusterArns: [clusterArn('batch')]})
    ecsMock
      .on(ListServicesCommand, {cluster: clusterArn('retail'), nextToken: undefined})
      .resolves({serviceArns: [serviceArn('retail', 'orders-api')], nextToken: 's'})
      .on(ListServicesCommand, {cluster: clusterArn('retail'), nextToken: 's'})
      .resolves({serviceArns: [serviceArn('retail', 'carts-api')]})
      .on(ListServicesCommand, {cluster: clusterArn('batch')})
      .resolves({serviceArns: []})
    const ecs = new EcsAdapter(
      'us-east-1',
      (sdk) => new sdk.ECSClient({region: 'us-east-1'}),
      callerFor('ECS', 'us-east-1'),
    )
    expect(await ecs.listServices()).toEqual([
      {cluster: 'retail', service: 'orders-api'},
      {cluster: 'retail', service: 'carts-api'},
    ])

    ssmMock
      .on(GetParametersByPathCommand, {Path: '/', Recursive: true, NextToken: undefined})
      .resolves({
        Parameters: [{Name: '/retail/db', Value: 'orders-global', Type: 'String', Version: 3}],
        NextToken: 'p',
      })
      .on(GetParametersByPathCommand, {NextToken: 'p'})
      .resolves({Parameters: [{Name: '/retail/active', Value: 'us-east-1', Type: 'String', Version: 1}]})
    const ssm = new SsmAdapter('us-east-1', new SSMClient({region: 'us-east-1'}), callerFor('SSM', 'us-east-1'))
    expect(await ssm.listParameters('/')).toEqual([
      {name: '/retail/db', value: 'orders-global', type: 'String', version: 3},
      {name: '/retail/active', value: 'us-east-1', type: 'String', version: 1},
    ])
  })
})
