import {
  DBClusterNotFoundFault,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  EnableHttpEndpointCommand,
  FailoverGlobalClusterCommand,
  InvalidGlobalClusterStateFault,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {RdsAdapter} from '../../../src/lib/aws/rds.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const rdsMock = mockClient(RDSClient)
afterEach(() => rdsMock.reset())

const rds = (options: CallerOptions = {}) =>
  new RdsAdapter('us-east-1', new RDSClient({region: 'us-east-1'}), callerFor('RDS', 'us-east-1', options))

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
    expect(rdsMock.commandCalls(DescribeGlobalClustersCommand).map((c) => c.args[0].input)).toEqual([
      {Marker: undefined, MaxRecords: 100},
      {Marker: 'm1', MaxRecords: 100},
    ])
  })

  it('pages through DescribeDBClusters', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolvesOnce({DBClusters: [{DBClusterIdentifier: 'a', DBClusterArn: primaryArn}], Marker: 'm1'})
      .resolvesOnce({DBClusters: [], Marker: 'm2'})
      .resolvesOnce({DBClusters: [{DBClusterIdentifier: 'b'}]})
    const clusters = await rds().describeDbClusters()
    expect(clusters.map((c) => [c.id, c.region])).toEqual([
      ['a', 'us-east-1'],
      ['b', 'us-east-1'],
    ])
    expect(rdsMock.commandCalls(DescribeDBClustersCommand).map((c) => c.args[0].input.Marker)).toEqual([
      undefined,
      'm1',
      'm2',
    ])
  })

  it('lists many clusters with db-cluster-id filters in batches of 50, each batch paged', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({DBClusters: []})
    const ids = Array.from({length: 120}, (_, index) => `orders-${index}`)
    await rds().describeDbClusters([...ids, 'orders-0'])
    const filters = rdsMock.commandCalls(DescribeDBClustersCommand).map((c) => c.args[0].input.Filters?.[0])
    expect(filters.map((filter) => [filter?.Name, filter?.Values?.length])).toEqual([
      ['db-cluster-id', 50],
      ['db-cluster-id', 50],
      ['db-cluster-id', 20],
    ])
    rdsMock.reset()
    await expect(rds().describeDbInstances([])).resolves.toEqual([])
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0)
  })

  it('pages through DescribeDBInstances filtered on the cluster', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({
        DBInstances: [
          {
            DBInstanceIdentifier: 'orders-use1-a',
            DBInstanceArn: 'arn:aws:rds:us-east-1:111122223333:db:orders-use1-a',
            DBInstanceStatus: 'available',
            DBClusterIdentifier: 'orders-use1',
            DBInstanceClass: 'db.r6g.large',
            Engine: 'aurora-postgresql',
            DBParameterGroups: [{DBParameterGroupName: 'pg15'}],
          },
        ],
        Marker: 'm1',
      })
      .resolvesOnce({DBInstances: [{DBInstanceIdentifier: 'orders-use1-b'}]})
    await expect(rds().describeDbInstances(['orders-use1'])).resolves.toEqual([
      {
        id: 'orders-use1-a',
        arn: 'arn:aws:rds:us-east-1:111122223333:db:orders-use1-a',
        status: 'available',
        clusterId: 'orders-use1',
        instanceClass: 'db.r6g.large',
        engine: 'aurora-postgresql',
        parameterGroup: 'pg15',
      },
      {
        id: 'orders-use1-b',
        arn: '',
        status: 'unknown',
        clusterId: undefined,
        instanceClass: '',
        engine: '',
        parameterGroup: undefined,
      },
    ])
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand).map((c) => c.args[0].input)).toEqual([
      {Filters: [{Name: 'db-cluster-id', Values: ['orders-use1']}], Marker: undefined, MaxRecords: 100},
      {Filters: [{Name: 'db-cluster-id', Values: ['orders-use1']}], Marker: 'm1', MaxRecords: 100},
    ])
  })

  it('pages through DescribeDBClusterSnapshots (a cluster can have more than one page of them)', async () => {
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .resolvesOnce({
        DBClusterSnapshots: [
          {
            DBClusterSnapshotIdentifier: 'rds:orders-use1-2026-01-01-00-00',
            DBClusterIdentifier: 'orders-use1',
            Status: 'available',
            SnapshotType: 'automated',
          },
        ],
        Marker: 'm1',
      })
      .resolvesOnce({
        DBClusterSnapshots: [
          {
            DBClusterSnapshotIdentifier: 'rds:orders-use1-2026-01-02-00-00',
            DBClusterIdentifier: 'orders-use1',
            Status: 'available',
            SnapshotType: 'automated',
            SnapshotCreateTime: new Date('2026-01-02T00:00:00Z'),
          },
        ],
      })
    const snapshots = await rds().describeDbClusterSnapshots({clusterId: 'orders-use1', type: 'automated'})
    expect(snapshots.map((snapshot) => snapshot.id)).toEqual([
      'rds:orders-use1-2026-01-01-00-00',
      'rds:orders-use1-2026-01-02-00-00',
    ])
    expect(snapshots[1]?.createdAt).toBe('2026-01-02T00:00:00.000Z')
    expect(rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      {DBClusterIdentifier: 'orders-use1', SnapshotType: 'automated', Marker: undefined, MaxRecords: 100},
      {DBClusterIdentifier: 'orders-use1', SnapshotType: 'automated', Marker: 'm1', MaxRecords: 100},
    ])
  })

  it('finds no snapshot when the named one does not exist', async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(
      new DBClusterSnapshotNotFoundFault({
        message: 'DBClusterSnapshot drctl-final-x not found.',
        $metadata: {httpStatusCode: 404},
      }),
    )
    await expect(rds().describeDbClusterSnapshots({snapshotId: 'drctl-final-x'})).resolves.toEqual([])
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBClusterSnapshotsCommand, {
      DBClusterSnapshotIdentifier: 'drctl-final-x',
    })
  })

  it('reads a global cluster in the wrong state as invalid state, and throttling as throttling', async () => {
    rdsMock
      .on(SwitchoverGlobalClusterCommand)
      .rejectsOnce(
        new InvalidGlobalClusterStateFault({
          message: 'Global cluster orders-global is switching over',
          $metadata: {httpStatusCode: 400},
        }),
      )
      .rejects(awsError('Throttling', 'Rate exceeded', 400))
    await expect(rds().switchoverGlobalCluster('orders-global', secondaryArn)).rejects.toMatchObject({
      kind: 'invalid-state',
      code: 'DRCTL_AWS_INVALID_STATE',
      exit: 5,
    })
    await expect(rds().switchoverGlobalCluster('orders-global', secondaryArn)).rejects.toMatchObject({
      kind: 'throttling',
    })
    expect(rdsMock).toHaveReceivedCommandWith(SwitchoverGlobalClusterCommand, {
      GlobalClusterIdentifier: 'orders-global',
      TargetDbClusterIdentifier: secondaryArn,
    })
  })

  it('does not read access denied as a missing cluster', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .rejects(awsError('AccessDenied', 'not authorized to perform: rds:DescribeDBClusters', 403))
    await expect(rds().describeDbCluster('orders-use1')).rejects.toMatchObject({
      kind: 'access-denied',
      hints: [expect.stringContaining('rds:DescribeDBClusters in us-east-1')],
    })
  })

  it('refuses mutating calls in a read-only run without sending them', async () => {
    const readOnly = rds({readOnly: true})
    await expect(readOnly.failoverGlobalCluster('orders-global', secondaryArn, true)).rejects.toThrow(/read-only/)
    await expect(readOnly.deleteDbCluster('orders-use1')).rejects.toThrow(/read-only/)
    expect(rdsMock).not.toHaveReceivedAnyCommand()
  })

  it('restores a snapshot without deletion protection, tagged, then enables its Data API endpoint', async () => {
    rdsMock.on(RestoreDBClusterFromSnapshotCommand).resolves({})
    rdsMock.on(EnableHttpEndpointCommand).resolves({HttpEndpointEnabled: true})
    await rds().restoreDbClusterFromSnapshot({
      id: 'drctl-reconcile-run1',
      snapshotId: 'rds:unplanned-global-failover-orders-use1-2026-12-06-08-00',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      tags: {'drctl:purpose': 'reconcile'},
    })
    await rds().enableHttpEndpoint(primaryArn)
    expect(rdsMock).toHaveReceivedCommandWith(RestoreDBClusterFromSnapshotCommand, {
      DBClusterIdentifier: 'drctl-reconcile-run1',
      SnapshotIdentifier: 'rds:unplanned-global-failover-orders-use1-2026-12-06-08-00',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      DeletionProtection: false,
      Tags: [{Key: 'drctl:purpose', Value: 'reconcile'}],
    })
    expect(rdsMock).toHaveReceivedCommandWith(EnableHttpEndpointCommand, {ResourceArn: primaryArn})
  })
})
