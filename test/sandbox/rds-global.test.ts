import {
  AddTagsToResourceCommand,
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteGlobalClusterCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterCommand,
  ModifyGlobalClusterCommand,
  PromoteReadReplicaDBClusterCommand,
  type RDSClient,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'
import {afterEach, describe, expect, it} from 'vitest'

import {clearFaults, describeWorld, setFault} from '../../src/lib/sandbox/index.js'
import {scenarioClusterArn, startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const ORDERS_USE1 = scenarioClusterArn('us-east-1', 'orders-use1')
const ORDERS_USW2 = scenarioClusterArn('us-west-2', 'orders-usw2')

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

async function global(rds: RDSClient, id = 'orders-global') {
  const out = await rds.send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: id}))
  return out.GlobalClusters?.[0] ?? {}
}

async function cluster(rds: RDSClient, id: string) {
  const out = await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: id}))
  return out.DBClusters?.[0] ?? {}
}

function writerOf(members: {DBClusterArn?: string; IsWriter?: boolean}[] | undefined) {
  return members?.find((member) => member.IsWriter)?.DBClusterArn
}

describe('RDS describe calls', () => {
  it('shows global clusters from every Region, case-insensitively, with the model’s shapes', async () => {
    sandbox = await startTestSandbox()
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      const out = await sandbox.rds(region).send(new DescribeGlobalClustersCommand({}))
      expect(out.GlobalClusters?.map((g) => g.GlobalClusterIdentifier)).toEqual(['orders-global', 'catalog-global'])
    }
    const orders = await global(sandbox.rds('us-west-2'), 'ORDERS-GLOBAL')
    expect(orders).toMatchObject({
      GlobalClusterArn: 'arn:aws:rds::111122223333:global-cluster:orders-global',
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      DeletionProtection: false,
      GlobalClusterMembers: [
        {DBClusterArn: ORDERS_USE1, IsWriter: true, Readers: [ORDERS_USW2], SynchronizationStatus: 'connected'},
        {
          DBClusterArn: ORDERS_USW2,
          IsWriter: false,
          Readers: [],
          GlobalWriteForwardingStatus: 'disabled',
          SynchronizationStatus: 'connected',
        },
      ],
    })
    expect(orders.FailoverState).toBeUndefined()
    await expect(
      sandbox.rds('us-east-1').send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: 'nope'})),
    ).rejects.toMatchObject({name: 'GlobalClusterNotFoundFault', $metadata: {httpStatusCode: 404}})
  })

  it('keeps clusters and instances regional: another Region’s cluster is not found', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.rds('us-west-2')
    const usw2 = await cluster(west, ORDERS_USW2)
    expect(usw2).toMatchObject({
      DBClusterIdentifier: 'orders-usw2',
      Status: 'available',
      GlobalClusterIdentifier: 'orders-global',
      DBClusterMembers: [{DBInstanceIdentifier: 'orders-usw2-a', IsClusterWriter: false}],
      StorageEncrypted: true,
      DBSubnetGroup: 'retail-db-subnets',
    })
    expect(usw2.ClusterCreateTime).toBeInstanceOf(Date)
    expect(usw2.KmsKeyId).toMatch(/^arn:aws:kms:us-west-2:111122223333:key\//)
    await expect(west.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'orders-use1'}))).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
      $metadata: {httpStatusCode: 404},
    })
    await expect(west.send(new DescribeDBClustersCommand({DBClusterIdentifier: ORDERS_USE1}))).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
    })
    const filtered = await sandbox
      .rds('us-east-1')
      .send(new DescribeDBInstancesCommand({Filters: [{Name: 'db-cluster-id', Values: [ORDERS_USE1]}]}))
    expect(filtered.DBInstances?.map((i) => [i.DBInstanceIdentifier, i.DBInstanceStatus, i.DBInstanceClass])).toEqual([
      ['orders-use1-a', 'available', 'db.r6g.large'],
      ['orders-use1-b', 'available', 'db.r6g.large'],
    ])
    expect(filtered.DBInstances?.[0]?.DBParameterGroups?.[0]?.DBParameterGroupName).toBe('default.aurora-postgresql15')
    await expect(
      west.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: 'orders-use1-a'})),
    ).rejects.toMatchObject({name: 'DBInstanceNotFoundFault', $metadata: {httpStatusCode: 404}})
    await expect(west.send(new DescribeDBClustersCommand({MaxRecords: 5}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    })
    await expect(
      west.send(new DescribeDBClustersCommand({Filters: [{Name: 'colour', Values: ['blue']}]})),
    ).rejects.toMatchObject({name: 'InvalidParameterValue', message: 'Unrecognized filter name: colour'})
  })
})

describe('AddTagsToResource', () => {
  it('tags a cluster in its own Region (a key given again takes the new value); DescribeDBClusters returns them', async () => {
    sandbox = await startTestSandbox()
    const rds = sandbox.rds('us-west-2')
    const tag = (Key: string, Value: string) =>
      rds.send(new AddTagsToResourceCommand({ResourceName: ORDERS_USW2, Tags: [{Key, Value}]}))
    await tag('drctl:detached-from', 'orders-global')
    await tag('drctl:detached-from', 'orders-global-2')
    const tags = (await cluster(rds, 'orders-usw2')).TagList ?? []
    expect(tags.filter((entry) => entry.Key === 'drctl:detached-from')).toEqual([
      {Key: 'drctl:detached-from', Value: 'orders-global-2'},
    ])

    await expect(
      sandbox.rds('us-east-1').send(new AddTagsToResourceCommand({ResourceName: ORDERS_USW2, Tags: []})),
    ).rejects.toMatchObject({name: 'DBClusterNotFoundFault'})
    await expect(
      rds.send(new AddTagsToResourceCommand({ResourceName: 'arn:aws:rds::111122223333:global-cluster:x', Tags: []})),
    ).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})

describe('ListTagsForResource', () => {
  it('lists the tags of clusters, instances, snapshots and global clusters by ARN, as the caller’s Region sees them', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.rds('us-west-2')
    const list = (rds: RDSClient, ResourceName: string) =>
      rds.send(new ListTagsForResourceCommand({ResourceName})).then((out) => out.TagList)
    await west.send(new AddTagsToResourceCommand({ResourceName: ORDERS_USW2, Tags: [{Key: 'team', Value: 'orders'}]}))
    expect(await list(west, ORDERS_USW2)).toEqual([
      {Key: 'Topology', Value: 'retail'},
      {Key: 'aws:cloudformation:stack-name', Value: 'retail-app-usw2'},
      {Key: 'team', Value: 'orders'},
    ])
    const globalArn = 'arn:aws:rds::111122223333:global-cluster:orders-global'
    expect(await list(sandbox.rds('us-east-1'), globalArn)).toEqual([{Key: 'Topology', Value: 'retail'}])
    const instance = (await west.send(new DescribeDBInstancesCommand({}))).DBInstances?.[0]?.DBInstanceArn as string
    expect(await list(west, instance)).toEqual([])
    const snapshot = await west.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'orders-usw2',
        DBClusterSnapshotIdentifier: 'before-drill',
        Tags: [{Key: 'why', Value: 'drill'}],
      }),
    )
    expect(await list(west, snapshot.DBClusterSnapshot?.DBClusterSnapshotArn as string)).toEqual([
      {Key: 'why', Value: 'drill'},
    ])

    await expect(list(sandbox.rds('us-east-1'), ORDERS_USW2)).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'The specified resource name does not match an RDS resource in this region.',
    })
    await expect(list(west, scenarioClusterArn('us-west-2', 'nope'))).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
    })
    await expect(list(west, 'arn:aws:rds::111122223333:global-cluster:nope')).rejects.toMatchObject({
      name: 'GlobalClusterNotFoundFault',
    })
    await expect(list(west, 'orders-usw2')).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})

describe('RDS paging', () => {
  it('pages DescribeDBClusters and DescribeDBInstances with Marker', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.rds('us-west-2')
    for (let n = 0; n < 24; n++) {
      await west.send(new CreateDBClusterCommand({DBClusterIdentifier: `extra-${n}`, Engine: 'aurora-mysql'}))
    }
    const first = await west.send(new DescribeDBClustersCommand({MaxRecords: 20}))
    expect(first.DBClusters).toHaveLength(20)
    expect(first.Marker).toBeDefined()
    const second = await west.send(new DescribeDBClustersCommand({MaxRecords: 20, Marker: first.Marker}))
    expect(second.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual([
      'extra-18',
      'extra-19',
      'extra-20',
      'extra-21',
      'extra-22',
      'extra-23',
    ])
    expect(second.Marker).toBeUndefined()
    const filtered = await west.send(
      new DescribeDBClustersCommand({Filters: [{Name: 'db-cluster-id', Values: ['extra-3', ORDERS_USW2]}]}),
    )
    expect(filtered.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['orders-usw2', 'extra-3'])
    expect((await west.send(new DescribeDBInstancesCommand({MaxRecords: 20}))).DBInstances).toHaveLength(2)
  })
})

describe('SwitchoverGlobalCluster', () => {
  it('goes pending → switching-over → writer flipped, in the primary’s Region', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const west = sandbox.rds('us-west-2')
    const called = await east.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        TargetDbClusterIdentifier: ORDERS_USW2,
      }),
    )
    expect(called.GlobalCluster).toMatchObject({
      Status: 'switching-over',
      FailoverState: {
        Status: 'pending',
        FromDbClusterArn: ORDERS_USE1,
        ToDbClusterArn: ORDERS_USW2,
        IsDataLossAllowed: false,
      },
    })
    expect(writerOf(called.GlobalCluster?.GlobalClusterMembers)).toBe(ORDERS_USE1)

    sandbox.clock.advanceWorldSeconds(20)
    const during = await global(west)
    expect(during.Status).toBe('switching-over')
    expect(during.FailoverState?.Status).toBe('switching-over')
    expect(writerOf(during.GlobalClusterMembers)).toBe(ORDERS_USE1)
    await expect(
      east.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'orders-global',
          TargetDbClusterIdentifier: ORDERS_USW2,
        }),
      ),
    ).rejects.toMatchObject({name: 'InvalidGlobalClusterStateFault'})

    sandbox.clock.advanceWorldSeconds(42)
    const after = await global(west)
    expect(after.Status).toBe('available')
    expect(after.FailoverState).toBeUndefined()
    expect(writerOf(after.GlobalClusterMembers)).toBe(ORDERS_USW2)
    expect(after.GlobalClusterMembers?.find((m) => m.DBClusterArn === ORDERS_USE1)?.SynchronizationStatus).toBe(
      'connected',
    )
    expect((await cluster(west, 'orders-usw2')).DBClusterMembers).toEqual([
      expect.objectContaining({DBInstanceIdentifier: 'orders-usw2-a', IsClusterWriter: true}),
    ])
    expect((await cluster(east, 'orders-use1')).DBClusterMembers?.every((m) => m.IsClusterWriter === false)).toBe(true)
  })

  it('refuses the wrong Region, a non-member, the primary and a target without an instance', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const west = sandbox.rds('us-west-2')
    const switchover = (client: RDSClient, target: string) =>
      client.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'orders-global',
          TargetDbClusterIdentifier: target,
        }),
      )
    await expect(switchover(west, ORDERS_USW2)).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('(us-east-1)'),
    })
    await expect(switchover(east, scenarioClusterArn('us-west-2', 'catalog-usw2'))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('is not found in global cluster orders-global'),
    })
    await expect(switchover(east, ORDERS_USE1)).rejects.toMatchObject({name: 'InvalidDBClusterStateFault'})
    await expect(switchover(east, 'orders-usw2')).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(switchover(east, scenarioClusterArn('us-west-2', 'nope'))).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
    })
    await west.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'orders-usw2-a'}))
    await expect(switchover(east, ORDERS_USW2)).rejects.toMatchObject({name: 'InvalidDBClusterStateFault'})
    expect((await global(east)).Status).toBe('available')
  })

  it('takes longer when the target lags', async () => {
    sandbox = await startTestSandbox()
    await setFault(
      sandbox.home,
      {kind: 'lag', globalCluster: 'orders-global', region: 'us-west-2', ms: 30_000},
      {now: sandbox.now},
    )
    const east = sandbox.rds('us-east-1')
    await east.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        TargetDbClusterIdentifier: ORDERS_USW2,
      }),
    )
    sandbox.clock.advanceWorldSeconds(65)
    expect((await global(east)).Status).toBe('switching-over')
    sandbox.clock.advanceWorldSeconds(30)
    expect((await global(east)).Status).toBe('available')
  })
})

describe('FailoverGlobalCluster with AllowDataLoss', () => {
  it('promotes the target while the primary’s Region is down; the old primary rejoins when it is back', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const west = sandbox.rds('us-west-2')
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    await expect(east.send(new DescribeGlobalClustersCommand({}))).rejects.toThrow()

    await expect(
      east.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'orders-global',
          TargetDbClusterIdentifier: ORDERS_USW2,
          AllowDataLoss: true,
        }),
      ),
    ).rejects.toThrow()
    const called = await west.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        TargetDbClusterIdentifier: ORDERS_USW2,
        AllowDataLoss: true,
      }),
    )
    expect(called.GlobalCluster).toMatchObject({
      Status: 'failing-over',
      FailoverState: {
        Status: 'pending',
        IsDataLossAllowed: true,
        FromDbClusterArn: ORDERS_USE1,
        ToDbClusterArn: ORDERS_USW2,
      },
    })
    sandbox.clock.advanceWorldSeconds(30)
    expect((await global(west)).FailoverState?.Status).toBe('failing-over')

    sandbox.clock.advanceWorldSeconds(61)
    const promoted = await global(west)
    expect(promoted.Status).toBe('available')
    expect(promoted.FailoverState).toBeUndefined()
    expect(promoted.GlobalClusterMembers).toEqual([
      expect.objectContaining({DBClusterArn: ORDERS_USW2, IsWriter: true}),
    ])
    expect((await cluster(west, 'orders-usw2')).DBClusterMembers?.[0]?.IsClusterWriter).toBe(true)

    sandbox.clock.advanceWorldSeconds(600)
    await clearFaults(sandbox.home, 'region-outage', {now: sandbox.now})
    const rejoined = await global(east)
    expect(rejoined.GlobalClusterMembers).toEqual([
      expect.objectContaining({DBClusterArn: ORDERS_USW2, IsWriter: true}),
      expect.objectContaining({DBClusterArn: ORDERS_USE1, IsWriter: false, SynchronizationStatus: 'pending-resync'}),
    ])
    const snapshots = await east.send(
      new DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: 'orders-use1', SnapshotType: 'automated'}),
    )
    expect(snapshots.DBClusterSnapshots).toHaveLength(1)
    expect(snapshots.DBClusterSnapshots?.[0]).toMatchObject({
      DBClusterSnapshotIdentifier: expect.stringMatching(
        /^rds:unplanned-global-failover-orders-use1-\d{4}-\d\d-\d\d-\d\d-\d\d$/,
      ),
      SnapshotType: 'automated',
      Status: 'available',
    })
    expect((await cluster(east, 'orders-use1')).DBClusterMembers?.every((m) => !m.IsClusterWriter)).toBe(true)

    const copy = await east.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: snapshots.DBClusterSnapshots?.[0]?.DBClusterSnapshotArn,
        TargetDBClusterSnapshotIdentifier: 'orders-use1-lost-writes',
      }),
    )
    expect(copy.DBClusterSnapshot).toMatchObject({SnapshotType: 'manual', Status: 'copying'})
    await expect(
      west.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: snapshots.DBClusterSnapshots?.[0]?.DBClusterSnapshotArn,
          TargetDBClusterSnapshotIdentifier: 'cross-region-copy',
        }),
      ),
    ).rejects.toMatchObject({name: 'InvalidParameterValue', message: expect.stringContaining('KmsKeyId')})

    sandbox.clock.advanceWorldSeconds(121)
    const connected = await global(east)
    expect(connected.GlobalClusterMembers?.map((m) => m.SynchronizationStatus)).toEqual(['connected', 'connected'])
    const view = await describeWorld(sandbox.home, {now: sandbox.now})
    expect(view.history.find((entry) => entry.event === 'managed-failover')?.dataLossMs).toBeGreaterThan(0)
  })

  it('rejoins at once when the old primary’s Region was never down, and must be sent to the target’s Region', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const west = sandbox.rds('us-west-2')
    const failover = (client: RDSClient) =>
      client.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'catalog-global',
          TargetDbClusterIdentifier: scenarioClusterArn('us-west-2', 'catalog-usw2'),
          AllowDataLoss: true,
        }),
      )
    await expect(failover(east)).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('(us-west-2)'),
    })
    await expect(
      west.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'catalog-global',
          TargetDbClusterIdentifier: scenarioClusterArn('us-west-2', 'catalog-usw2'),
          AllowDataLoss: true,
          Switchover: true,
        }),
      ),
    ).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    await failover(west)
    sandbox.clock.advanceWorldSeconds(91)
    const after = await global(east, 'catalog-global')
    expect(
      after.GlobalClusterMembers?.map((m) => [m.DBClusterArn?.split(':').pop(), m.IsWriter, m.SynchronizationStatus]),
    ).toEqual([
      ['catalog-usw2', true, 'connected'],
      ['catalog-use1', false, 'pending-resync'],
    ])
  })
})

describe('RemoveFromGlobalCluster (detach and promote)', () => {
  it('promotes asynchronously: promoting, membership removed later, standalone writer at the end', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.rds('us-west-2')
    const remove = (client: RDSClient, arn: string) =>
      client.send(
        new RemoveFromGlobalClusterCommand({GlobalClusterIdentifier: 'orders-global', DbClusterIdentifier: arn}),
      )
    await expect(remove(sandbox.rds('us-east-1'), ORDERS_USW2)).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('(us-west-2)'),
    })
    await expect(remove(west, 'orders-usw2')).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(remove(sandbox.rds('us-east-1'), ORDERS_USE1)).rejects.toMatchObject({
      name: 'InvalidGlobalClusterStateFault',
    })

    const out = await remove(west, ORDERS_USW2)
    expect(out.GlobalCluster?.Status).toBe('available')
    expect(out.GlobalCluster?.GlobalClusterMembers?.map((m) => m.DBClusterArn)).toContain(ORDERS_USW2)
    expect(await cluster(west, 'orders-usw2')).toMatchObject({
      Status: 'promoting',
      GlobalClusterIdentifier: 'orders-global',
    })

    sandbox.clock.advanceWorldSeconds(21)
    expect((await global(west)).GlobalClusterMembers?.map((m) => m.DBClusterArn)).toEqual([ORDERS_USE1])
    const leaving = await cluster(west, 'orders-usw2')
    expect(leaving.Status).toBe('promoting')
    expect(leaving.GlobalClusterIdentifier).toBeUndefined()

    sandbox.clock.advanceWorldSeconds(10)
    const standalone = await cluster(west, 'orders-usw2')
    expect(standalone.Status).toBe('available')
    expect(standalone.DBClusterMembers).toEqual([expect.objectContaining({IsClusterWriter: true})])
    await expect(remove(west, ORDERS_USW2)).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('is not found in global cluster orders-global'),
    })
  })
})

describe('ModifyGlobalCluster', () => {
  it('renames (members follow; the old id is gone), refuses collisions and invalid identifiers', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const out = await east.send(
      new ModifyGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        NewGlobalClusterIdentifier: 'Orders-Global-2',
      }),
    )
    expect(out.GlobalCluster).toMatchObject({
      GlobalClusterIdentifier: 'orders-global-2',
      GlobalClusterArn: 'arn:aws:rds::111122223333:global-cluster:orders-global-2',
      Status: 'modifying',
    })
    await expect(global(east, 'orders-global')).rejects.toMatchObject({name: 'GlobalClusterNotFoundFault'})
    expect((await cluster(sandbox.rds('us-west-2'), 'orders-usw2')).GlobalClusterIdentifier).toBe('orders-global-2')
    sandbox.clock.advanceWorldSeconds(6)
    expect((await global(east, 'orders-global-2')).Status).toBe('available')

    const rename = (id: string, to: string) =>
      east.send(new ModifyGlobalClusterCommand({GlobalClusterIdentifier: id, NewGlobalClusterIdentifier: to}))
    await expect(rename('catalog-global', 'orders-global-2')).rejects.toMatchObject({
      name: 'GlobalClusterAlreadyExistsFault',
    })
    for (const bad of ['bad--name', '1catalog', 'catalog-', 'a'.repeat(64), 'under_score']) {
      await expect(rename('catalog-global', bad)).rejects.toMatchObject({name: 'InvalidParameterValue'})
    }
  })

  it('sets deletion protection, which DeleteGlobalCluster respects', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    await east.send(
      new ModifyGlobalClusterCommand({GlobalClusterIdentifier: 'catalog-global', DeletionProtection: true}),
    )
    expect((await global(east, 'catalog-global')).DeletionProtection).toBe(true)
    sandbox.clock.advanceWorldSeconds(6)
    await expect(
      east.send(new DeleteGlobalClusterCommand({GlobalClusterIdentifier: 'catalog-global'})),
    ).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('protected'),
    })
  })
})

describe('CreateGlobalCluster and CreateDBCluster', () => {
  it('builds a new global database from a detached cluster and joins a secondary', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const west = sandbox.rds('us-west-2')
    await west.send(
      new RemoveFromGlobalClusterCommand({GlobalClusterIdentifier: 'orders-global', DbClusterIdentifier: ORDERS_USW2}),
    )
    sandbox.clock.advanceWorldSeconds(31)

    await expect(
      west.send(
        new CreateGlobalClusterCommand({
          GlobalClusterIdentifier: 'orders-v2',
          SourceDBClusterIdentifier: ORDERS_USW2,
          Engine: 'aurora-postgresql',
        }),
      ),
    ).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    await expect(
      east.send(
        new CreateGlobalClusterCommand({GlobalClusterIdentifier: 'orders-v2', SourceDBClusterIdentifier: ORDERS_USE1}),
      ),
    ).rejects.toMatchObject({name: 'InvalidDBClusterStateFault'})
    await expect(
      east.send(new CreateGlobalClusterCommand({GlobalClusterIdentifier: 'orders-v2'})),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('engineName'),
    })
    await expect(
      west.send(
        new CreateGlobalClusterCommand({
          GlobalClusterIdentifier: 'orders-global',
          SourceDBClusterIdentifier: ORDERS_USW2,
        }),
      ),
    ).rejects.toMatchObject({name: 'GlobalClusterAlreadyExistsFault'})

    const created = await west.send(
      new CreateGlobalClusterCommand({GlobalClusterIdentifier: 'orders-v2', SourceDBClusterIdentifier: ORDERS_USW2}),
    )
    expect(created.GlobalCluster).toMatchObject({
      Status: 'creating',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      GlobalClusterMembers: [{DBClusterArn: ORDERS_USW2, IsWriter: true}],
    })
    const joinInput = {
      DBClusterIdentifier: 'orders-use1-v2',
      Engine: 'aurora-postgresql',
      GlobalClusterIdentifier: 'orders-v2',
      DBSubnetGroupName: 'retail-db-subnets',
      VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
      DBClusterParameterGroupName: 'orders-pg15',
    }
    await expect(
      east.send(new CreateDBClusterCommand({...joinInput, KmsKeyId: 'alias/aws/rds'})),
    ).rejects.toMatchObject({
      name: 'InvalidGlobalClusterStateFault',
    })
    sandbox.clock.advanceWorldSeconds(21)
    await expect(east.send(new CreateDBClusterCommand(joinInput))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('kmsKeyId'),
    })
    await expect(
      east.send(new CreateDBClusterCommand({...joinInput, Engine: 'aurora-mysql', KmsKeyId: 'k'})),
    ).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    const joined = await east.send(
      new CreateDBClusterCommand({...joinInput, KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k'}),
    )
    expect(joined.DBCluster).toMatchObject({
      Status: 'creating',
      GlobalClusterIdentifier: 'orders-v2',
      DBSubnetGroup: 'retail-db-subnets',
      DBClusterParameterGroup: 'orders-pg15',
      KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
      VpcSecurityGroups: [{VpcSecurityGroupId: 'sg-0123456789abcdef0', Status: 'active'}],
      DBClusterMembers: [],
    })
    await expect(east.send(new CreateDBClusterCommand({...joinInput, KmsKeyId: 'k'}))).rejects.toMatchObject({
      name: 'DBClusterAlreadyExistsFault',
    })
    const newArn = scenarioClusterArn('us-east-1', 'orders-use1-v2')
    expect(
      (await global(east, 'orders-v2')).GlobalClusterMembers?.find((m) => m.DBClusterArn === newArn),
    ).toMatchObject({
      IsWriter: false,
      SynchronizationStatus: 'pending-resync',
    })
    const instance = await east.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders-use1-v2-a',
        DBClusterIdentifier: 'orders-use1-v2',
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
        DBParameterGroupName: 'orders-instance-pg15',
      }),
    )
    expect(instance.DBInstance).toMatchObject({DBInstanceStatus: 'creating', DBClusterIdentifier: 'orders-use1-v2'})
    await expect(
      east.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: 'orders-use1-v2-b',
          DBClusterIdentifier: 'orders-use1-v2',
          DBInstanceClass: 'db.r6g.large',
          Engine: 'aurora-mysql',
        }),
      ),
    ).rejects.toMatchObject({name: 'InvalidParameterCombination'})

    sandbox.clock.advanceWorldSeconds(301)
    expect(await cluster(east, 'orders-use1-v2')).toMatchObject({
      Status: 'available',
      DBClusterMembers: [{DBInstanceIdentifier: 'orders-use1-v2-a', IsClusterWriter: false}],
    })
    const instances = await east.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: 'orders-use1-v2-a'}))
    expect(instances.DBInstances?.[0]).toMatchObject({
      DBInstanceStatus: 'available',
      DBParameterGroups: [{DBParameterGroupName: 'orders-instance-pg15'}],
    })
    expect((await global(east, 'orders-v2')).GlobalClusterMembers?.map((m) => m.SynchronizationStatus)).toEqual([
      'connected',
      'connected',
    ])
  })
})

describe('Deleting a global database', () => {
  it('refuses every out-of-order step as aws-reference §2.10 says, then goes through in order', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const west = sandbox.rds('us-west-2')
    const deleteCluster = (client: RDSClient, id: string, options: {skip?: boolean; final?: string} = {skip: true}) =>
      client.send(
        new DeleteDBClusterCommand({
          DBClusterIdentifier: id,
          SkipFinalSnapshot: options.skip,
          FinalDBSnapshotIdentifier: options.final,
        }),
      )
    await expect(deleteCluster(west, 'orders-usw2')).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
      message: 'This cluster is a part of a global cluster, please remove it from globalcluster first',
    })
    await expect(deleteCluster(east, 'orders-use1')).rejects.toMatchObject({
      name: 'InvalidGlobalClusterStateFault',
      message: expect.stringContaining('primary member of global cluster while there are other global cluster members'),
    })
    await expect(
      east.send(new DeleteGlobalClusterCommand({GlobalClusterIdentifier: 'orders-global'})),
    ).rejects.toMatchObject({
      name: 'InvalidGlobalClusterStateFault',
      message: 'Global Cluster arn:aws:rds::111122223333:global-cluster:orders-global is not empty',
    })

    await west.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: 'orders-usw2',
        DeletionProtection: true,
        ApplyImmediately: true,
      }),
    )
    await west.send(
      new RemoveFromGlobalClusterCommand({GlobalClusterIdentifier: 'orders-global', DbClusterIdentifier: ORDERS_USW2}),
    )
    sandbox.clock.advanceWorldSeconds(31)
    await expect(deleteCluster(west, 'orders-usw2')).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'Cannot delete protected Cluster, please disable deletion protection and try again.',
    })
    await west.send(new ModifyDBClusterCommand({DBClusterIdentifier: 'orders-usw2', DeletionProtection: false}))
    await expect(deleteCluster(west, 'orders-usw2')).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
      message: 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
    })
    await expect(
      west.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'orders-usw2-a', FinalDBSnapshotIdentifier: 'x'})),
    ).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'FinalDBSnapshotIdentifier cannot be specified when deleting a cluster instance',
    })
    const deleting = await west.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'orders-usw2-a'}))
    expect(deleting.DBInstance?.DBInstanceStatus).toBe('deleting')
    await expect(west.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'orders-usw2-a'}))).rejects.toMatchObject(
      {
        name: 'InvalidDBInstanceStateFault',
      },
    )
    await expect(deleteCluster(west, 'orders-usw2', {})).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('FinalDBSnapshotIdentifier is required'),
    })
    await west.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'orders-usw2',
        DBClusterSnapshotIdentifier: 'usw2-final',
      }),
    )
    await expect(deleteCluster(west, 'orders-usw2', {final: 'usw2-final'})).rejects.toMatchObject({
      name: 'DBClusterSnapshotAlreadyExistsFault',
    })
    const finalSnapshot = await deleteCluster(west, 'orders-usw2', {final: 'usw2-final-2'})
    expect(finalSnapshot.DBCluster?.Status).toBe('available')
    sandbox.clock.advanceWorldSeconds(181)
    expect((await cluster(west, 'orders-usw2')).Status).toBe('deleting')
    sandbox.clock.advanceWorldSeconds(121)
    await expect(cluster(west, 'orders-usw2')).rejects.toMatchObject({name: 'DBClusterNotFoundFault'})
    const finals = await west.send(new DescribeDBClusterSnapshotsCommand({DBClusterSnapshotIdentifier: 'usw2-final-2'}))
    expect(finals.DBClusterSnapshots?.[0]).toMatchObject({Status: 'available', SnapshotType: 'manual'})

    for (const id of ['orders-use1-a', 'orders-use1-b']) {
      await east.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: id}))
    }
    await deleteCluster(east, 'orders-use1')
    sandbox.clock.advanceWorldSeconds(181)
    await expect(cluster(east, 'orders-use1')).rejects.toMatchObject({name: 'DBClusterNotFoundFault'})
    expect((await global(east)).GlobalClusterMembers).toEqual([])
    await expect(
      east.send(new DeleteGlobalClusterCommand({GlobalClusterIdentifier: 'orders-global'})),
    ).rejects.toMatchObject({
      name: 'InvalidGlobalClusterStateFault',
      message: expect.stringContaining('is not empty'),
    })
    sandbox.clock.advanceWorldSeconds(61)
    const deleted = await east.send(new DeleteGlobalClusterCommand({GlobalClusterIdentifier: 'orders-global'}))
    expect(deleted.GlobalCluster?.Status).toBe('deleting')
    sandbox.clock.advanceWorldSeconds(11)
    await expect(global(east)).rejects.toMatchObject({name: 'GlobalClusterNotFoundFault'})
  })

  it('keeps the last instance of a binlog replica until the replica is promoted', async () => {
    sandbox = await startTestSandbox({scenario: 'three-region'})
    const eu = sandbox.rds('eu-west-1')
    expect((await cluster(eu, 'reports-euw1')).ReplicationSourceIdentifier).toBe(
      scenarioClusterArn('us-east-1', 'catalog-use1'),
    )
    expect((await cluster(sandbox.rds('us-east-1'), 'catalog-use1')).ReadReplicaIdentifiers).toEqual([
      scenarioClusterArn('eu-west-1', 'reports-euw1'),
    ])
    await expect(eu.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'reports-euw1-a'}))).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
      message: expect.stringContaining('Cannot delete the last instance of the read replica DB cluster'),
    })
    await expect(
      eu.send(new PromoteReadReplicaDBClusterCommand({DBClusterIdentifier: 'catalog-euw1'})),
    ).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
    })
    const promoting = await eu.send(new PromoteReadReplicaDBClusterCommand({DBClusterIdentifier: 'reports-euw1'}))
    expect(promoting.DBCluster?.Status).toBe('promoting')
    sandbox.clock.advanceWorldSeconds(31)
    const promoted = await cluster(eu, 'reports-euw1')
    expect(promoted.Status).toBe('available')
    expect(promoted.ReplicationSourceIdentifier).toBeUndefined()
    await eu.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'reports-euw1-a'}))
  })
})
