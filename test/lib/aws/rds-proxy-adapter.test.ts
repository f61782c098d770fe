import {
  DeregisterDBProxyTargetsCommand,
  DescribeDBProxyTargetsCommand,
  RDSClient,
  RegisterDBProxyTargetsCommand,
} from '@aws-sdk/client-rds'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {RdsProxyAdapter} from '../../../src/lib/aws/rds-proxy.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const rdsMock = mockClient(RDSClient)
afterEach(() => rdsMock.reset())

const proxies = (options: CallerOptions = {}) =>
  new RdsProxyAdapter('us-west-2', new RDSClient({region: 'us-west-2'}), callerFor('RDS', 'us-west-2', options))

describe('RDS Proxy adapter', () => {
  it('reads an Aurora target group: the tracked cluster and its instances, with roles and health, across pages', async () => {
    rdsMock
      .on(DescribeDBProxyTargetsCommand, {Marker: undefined})
      .resolves({
        Targets: [
          {Type: 'TRACKED_CLUSTER', RdsResourceId: 'orders-usw2', TrackedClusterId: 'orders-usw2'},
          {
            Type: 'RDS_INSTANCE',
            RdsResourceId: 'orders-usw2-a',
            TrackedClusterId: 'orders-usw2',
            Role: 'READ_WRITE',
            TargetHealth: {State: 'AVAILABLE'},
          },
        ],
        Marker: 'next',
      })
      .on(DescribeDBProxyTargetsCommand, {Marker: 'next'})
      .resolves({
        Targets: [
          {
            Type: 'RDS_INSTANCE',
            RdsResourceId: 'orders-usw2-b',
            TrackedClusterId: 'orders-usw2',
            Role: 'READ_ONLY',
            TargetHealth: {State: 'UNAVAILABLE', Reason: 'AUTH_FAILURE', Description: 'secret rejected'},
          },
        ],
      })
    await expect(proxies().describeTargets('orders-proxy', 'default')).resolves.toEqual({
      found: true,
      targets: [
        {type: 'TRACKED_CLUSTER', clusterId: 'orders-usw2', instanceId: undefined, role: undefined, health: undefined},
        {
          type: 'RDS_INSTANCE',
          clusterId: 'orders-usw2',
          instanceId: 'orders-usw2-a',
          role: 'READ_WRITE',
          health: {state: 'AVAILABLE', reason: undefined, description: undefined},
        },
        {
          type: 'RDS_INSTANCE',
          clusterId: 'orders-usw2',
          instanceId: 'orders-usw2-b',
          role: 'READ_ONLY',
          health: {state: 'UNAVAILABLE', reason: 'AUTH_FAILURE', description: 'secret rejected'},
        },
      ],
    })
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBProxyTargetsCommand, {
      DBProxyName: 'orders-proxy',
      TargetGroupName: 'default',
    })
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBProxyTargetsCommand, 2)
  })

  it('says which is missing: the proxy or its target group', async () => {
    rdsMock
      .on(DescribeDBProxyTargetsCommand)
      .rejectsOnce(awsError('DBProxyNotFoundFault', 'DBProxy orders-proxy not found', 404))
      .rejectsOnce(awsError('DBProxyTargetGroupNotFoundFault', 'target group blue not found', 404))
    await expect(proxies().describeTargets('orders-proxy', 'default')).resolves.toEqual({
      found: false,
      missing: 'proxy',
    })
    await expect(proxies().describeTargets('orders-proxy', 'blue')).resolves.toEqual({
      found: false,
      missing: 'target group',
    })
  })

  it('passes on access denied and throttling with their kinds', async () => {
    rdsMock
      .on(DescribeDBProxyTargetsCommand)
      .rejectsOnce(awsError('AccessDenied', 'not authorized to perform: rds:DescribeDBProxyTargets', 403))
      .rejectsOnce(awsError('Throttling', 'Rate exceeded', 400))
    await expect(proxies().describeTargets('orders-proxy', 'default')).rejects.toMatchObject({
      kind: 'access-denied',
      hints: [expect.stringContaining('rds:DescribeDBProxyTargets in us-west-2')],
    })
    await expect(proxies().describeTargets('orders-proxy', 'default')).rejects.toMatchObject({kind: 'throttling'})
  })

  it('registers and deregisters clusters by identifier, returning the request ids', async () => {
    rdsMock.on(RegisterDBProxyTargetsCommand).resolves({$metadata: {requestId: 'req-reg'}})
    rdsMock.on(DeregisterDBProxyTargetsCommand).resolves({$metadata: {requestId: 'req-dereg'}})
    await expect(proxies().deregisterClusters('orders-proxy', 'default', ['orders-old'])).resolves.toEqual({
      requestId: 'req-dereg',
    })
    await expect(proxies().registerCluster('orders-proxy', 'default', 'orders-usw2')).resolves.toEqual({
      requestId: 'req-reg',
    })
    expect(rdsMock).toHaveReceivedCommandWith(DeregisterDBProxyTargetsCommand, {
      DBProxyName: 'orders-proxy',
      TargetGroupName: 'default',
      DBClusterIdentifiers: ['orders-old'],
    })
    expect(rdsMock).toHaveReceivedCommandWith(RegisterDBProxyTargetsCommand, {
      DBProxyName: 'orders-proxy',
      TargetGroupName: 'default',
      DBClusterIdentifiers: ['orders-usw2'],
    })
  })

  it('takes an already registered target, or one already gone, as done (a resumed run repeats the call)', async () => {
    rdsMock
      .on(RegisterDBProxyTargetsCommand)
      .rejects(awsError('DBProxyTargetAlreadyRegisteredFault', 'already registered', 400, 'req-again'))
    rdsMock.on(DeregisterDBProxyTargetsCommand).rejects(awsError('DBProxyTargetNotFoundFault', 'not found', 404))
    await expect(proxies().registerCluster('orders-proxy', 'default', 'orders-usw2')).resolves.toEqual({
      requestId: 'req-again',
    })
    await expect(proxies().deregisterClusters('orders-proxy', 'default', ['orders-old'])).resolves.toMatchObject({})
  })

  it('passes on a cluster that cannot be registered', async () => {
    rdsMock
      .on(RegisterDBProxyTargetsCommand)
      .rejects(awsError('InvalidDBClusterStateFault', 'cluster orders-usw2 is not available', 400))
    await expect(proxies().registerCluster('orders-proxy', 'default', 'orders-usw2')).rejects.toMatchObject({
      kind: 'invalid-state',
      code: 'DRCTL_AWS_INVALID_STATE',
    })
  })

  it('refuses registration in a read-only run without sending it', async () => {
    await expect(proxies({readOnly: true}).registerCluster('orders-proxy', 'default', 'orders-usw2')).rejects.toThrow(
      /read-only/,
    )
    await expect(
      proxies({readOnly: true}).deregisterClusters('orders-proxy', 'default', ['orders-old']),
    ).rejects.toThrow(/read-only/)
    expect(rdsMock).not.toHaveReceivedCommand(RegisterDBProxyTargetsCommand)
    expect(rdsMock).not.toHaveReceivedCommand(DeregisterDBProxyTargetsCommand)
  })
})
