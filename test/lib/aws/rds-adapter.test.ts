import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  RemoveFromGlobalClusterCommand,
  DBClusterNotFoundFault,
} from '@aws-sdk/client-rds'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, describe, expect, it} from 'vitest'

import {RdsAdapter} from '../../../src/lib/aws/rds.js'
import {invoke} from '../../../src/lib/aws/invoke.js'
import type {Caller} from '../../../src/lib/aws/session.js'

const rdsMock = mockClient(RDSClient)
afterEach(() => rdsMock.reset())

const call: Caller = (operation, mutating, send) =>
  invoke(
    {timeoutMs: 1000, readOnly: false, observers: []},
    {service: 'RDS', operation, region: 'us-east-1'},
    mutating,
    send,
  )
const rds = () => new RdsAdapter('us-east-1', new RDSClient({region: 'us-east-1'}), call)

const primaryArn = 'arn:aws:rds:us-east-1:111122223333:cluster:orders-use1'
const secondaryArn = 'arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2'

describe('RDS adapter', () => {
  it('maps a global cluster mid-switchover: FailoverState present, writer still the old primary', async () => {
    rdsMock.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'orders-global',
          GlobalClusterArn: 'arn:aws:rds::111122223333:global-cluster:orders-global',
          Status: 'switching-over',
          Engine: 'aurora-postgresql',
          EngineVersion: '15.4',
          FailoverState: {
            Status: 'pending',
            FromDbClusterArn: primaryArn,
            ToDbClusterArn: secondaryArn,
            IsDataLossAllowed: false,
          },
          GlobalClusterMembers: [
            {DBClusterArn: primaryArn, IsWriter: true, Readers: [secondaryArn]},
            {
              DBClusterArn: secondaryArn,
              IsWriter: false,
              SynchronizationStatus: 'connected',
              GlobalWriteForwardingStatus: 'disabled',
            },
          ],
        },
      ],
    })
    const global = await rds().describeGlobalCluster('orders-global')
    expect(global?.failoverState).toEqual({
      status: 'pending',
      fromClusterArn: primaryArn,
      toClusterArn: secondaryArn,
      isDataLossAllowed: false,
    })
    expect(global?.members).toEqual([
      expect.objectContaining({clusterId: 'orders-use1', region: 'us-east-1', isWriter: true}),
      expect.objectContaining({
        clusterId: 'orders-usw2',
        region: 'us-west-2',
        isWriter: false,
        synchronizationStatus: 'connected',
      }),
    ])
  })

  it('treats an empty FailoverState as no failover in progress', async () => {
    rdsMock
      .on(DescribeGlobalClustersCommand)
      .resolves({GlobalClusters: [{GlobalClusterIdentifier: 'g', Status: 'available', FailoverState: {}}]})
    expect((await rds().describeGlobalCluster('g'))?.failoverState).toBeUndefined()
  })

  it('returns undefined for a cluster that does not exist', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .rejects(new DBClusterNotFoundFault({message: 'DBCluster x not found', $metadata: {httpStatusCode: 404}}))
    await expect(rds().describeDbCluster('x')).resolves.toBeUndefined()
  })

  it('sends a managed failover with AllowDataLoss, and a planned one as a switchover', async () => {
    rdsMock.on(FailoverGlobalClusterCommand).resolves({$metadata: {requestId: 'req-9'}})
    await expect(rds().failoverGlobalCluster('orders-global', secondaryArn, true)).resolves.toEqual({
      requestId: 'req-9',
    })
    await rds().failoverGlobalCluster('orders-global', secondaryArn, false)
    const inputs = rdsMock.commandCalls(FailoverGlobalClusterCommand).map((c) => c.args[0].input)
    expect(inputs[0]).toEqual({
      GlobalClusterIdentifier: 'orders-global',
      TargetDbClusterIdentifier: secondaryArn,
      AllowDataLoss: true,
    })
    expect(inputs[1]).toEqual({
      GlobalClusterIdentifier: 'orders-global',
      TargetDbClusterIdentifier: secondaryArn,
      Switchover: true,
    })
  })

  it('detaches by cluster ARN', async () => {
    rdsMock.on(RemoveFromGlobalClusterCommand).resolves({})
    await rds().removeFromGlobalCluster('orders-global', secondaryArn)
    expect(rdsMock.commandCalls(RemoveFromGlobalClusterCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'orders-global',
      DbClusterIdentifier: secondaryArn,
    })
  })

  it('never sends FinalDBSnapshotIdentifier for an Aurora instance; clusters take a final snapshot or skip it', async () => {
    rdsMock.on(DeleteDBInstanceCommand).resolves({})
    rdsMock.on(DeleteDBClusterCommand).resolves({})
    await rds().deleteDbInstance('orders-use1-a')
    await rds().deleteDbCluster('orders-use1', 'drctl-final-orders-use1')
    await rds().deleteDbCluster('orders-usw2')
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'orders-use1-a',
    })
    expect(rdsMock.commandCalls(DeleteDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      {DBClusterIdentifier: 'orders-use1', FinalDBSnapshotIdentifier: 'drctl-final-orders-use1'},
      {DBClusterIdentifier: 'orders-usw2', SkipFinalSnapshot: true},
    ])
  })

  it('pages through DescribeGlobalClusters', async () => {
    rdsMock
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce({GlobalClusters: [{GlobalClusterIdentifier: 'a'}], Marker: 'm1'})
      .resolvesOnce({GlobalClusters: [{GlobalClusterIdentifier: 'b'}]})
    expect((await rds().describeGlobalClusters()).map((g) => g.id)).toEqual(['a', 'b'])
  })
})
