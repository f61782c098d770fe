import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  DescribeDBClustersCommand,
  ListTagsForResourceCommand,
  type RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  type RestoreDBClusterFromSnapshotCommandInput,
} from '@aws-sdk/client-rds'
import {afterEach, describe, expect, it} from 'vitest'

import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

const SNAPSHOT_ARN = 'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:before-drill'

/** A manual snapshot of orders-use1, still `creating` (it takes 60 s). */
async function snapshotOrders(east: RDSClient): Promise<void> {
  await east.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: 'orders-use1',
      DBClusterSnapshotIdentifier: 'before-drill',
    }),
  )
}

function restore(rds: RDSClient, input: Partial<RestoreDBClusterFromSnapshotCommandInput> = {}) {
  return rds.send(
    new RestoreDBClusterFromSnapshotCommand({
      DBClusterIdentifier: 'orders-restored',
      SnapshotIdentifier: 'before-drill',
      Engine: 'aurora-postgresql',
      ...input,
    }),
  )
}

describe('RestoreDBClusterFromSnapshot', () => {
  it('refuses an existing cluster, a missing or unavailable snapshot and a wrong engine, as RDS words them', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    await snapshotOrders(east)
    await expect(restore(east)).rejects.toMatchObject({
      name: 'InvalidDBClusterSnapshotStateFault',
      message: 'Snapshot before-drill is in creating state',
    })
    sandbox.clock.advanceWorldSeconds(61)

    // The cluster identifier is checked before the snapshot is looked up.
    await expect(restore(east, {DBClusterIdentifier: 'orders-use1', SnapshotIdentifier: 'nope'})).rejects.toMatchObject(
      {name: 'DBClusterAlreadyExistsFault', message: 'DB Cluster already exists'},
    )
    await expect(restore(east, {SnapshotIdentifier: 'nope'})).rejects.toMatchObject({
      name: 'DBClusterSnapshotNotFoundFault',
      message: 'DBClusterSnapshot nope not found.',
      $metadata: {httpStatusCode: 404},
    })
    // Another Region's snapshot is not found, even by ARN.
    await expect(restore(sandbox.rds('us-west-2'), {SnapshotIdentifier: SNAPSHOT_ARN})).rejects.toMatchObject({
      name: 'DBClusterSnapshotNotFoundFault',
      message: `DBClusterSnapshot ${SNAPSHOT_ARN} not found.`,
    })
    await expect(restore(east, {Engine: 'oracle-ee'})).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Invalid DB engine: oracle-ee',
    })
    await expect(restore(east, {Engine: 'aurora-mysql'})).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: "The engine aurora-mysql does not match the snapshot's engine aurora-postgresql",
    })
  })

  it('creates a cluster with the snapshot’s engine, version and key, and the request’s own settings', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    await snapshotOrders(east)
    sandbox.clock.advanceWorldSeconds(61)
    const source = (await east.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'orders-use1'}))).DBClusters
    const restored = await restore(east, {
      SnapshotIdentifier: SNAPSHOT_ARN,
      DBSubnetGroupName: 'retail-db-subnets',
      VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
      Port: 6543,
      DeletionProtection: true,
      Tags: [{Key: 'why', Value: 'drill'}],
    })
    expect(restored.DBCluster).toMatchObject({
      DBClusterIdentifier: 'orders-restored',
      Status: 'creating',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      StorageEncrypted: true,
      KmsKeyId: source?.[0]?.KmsKeyId,
      DBSubnetGroup: 'retail-db-subnets',
      VpcSecurityGroups: [{VpcSecurityGroupId: 'sg-0123456789abcdef0', Status: 'active'}],
      DBClusterParameterGroup: 'default.aurora-postgresql15',
      Port: 6543,
      DeletionProtection: true,
      TagList: [{Key: 'why', Value: 'drill'}],
      DBClusterMembers: [],
    })
    expect(restored.DBCluster?.DbClusterResourceId).toMatch(/^cluster-[A-Z0-9]{26}$/)

    const plain = await restore(east, {DBClusterIdentifier: 'orders-plain', KmsKeyId: 'arn:aws:kms:us-east-1:1:key/k'})
    expect(plain.DBCluster).toMatchObject({
      DBSubnetGroup: 'default',
      Port: 5432,
      DeletionProtection: false,
      KmsKeyId: 'arn:aws:kms:us-east-1:1:key/k',
    })
    sandbox.clock.advanceWorldSeconds(301)
    const after = await east.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'orders-plain'}))
    expect(after.DBClusters?.[0]?.Status).toBe('available')
  })
})

describe('cluster snapshot lookups', () => {
  it('copy from another Region by ARN only, and name a missing snapshot as the request did', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.rds('us-east-1')
    const west = sandbox.rds('us-west-2')
    await snapshotOrders(east)
    sandbox.clock.advanceWorldSeconds(61)
    const copy = (rds: RDSClient, SourceDBClusterSnapshotIdentifier: string) =>
      rds.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier,
          TargetDBClusterSnapshotIdentifier: 'drill-copy',
          KmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/k',
        }),
      )
    await expect(copy(west, 'before-drill')).rejects.toMatchObject({
      name: 'DBClusterSnapshotNotFoundFault',
      message: 'DBClusterSnapshot before-drill not found.',
    })
    expect((await copy(west, SNAPSHOT_ARN)).DBClusterSnapshot).toMatchObject({
      DBClusterSnapshotIdentifier: 'drill-copy',
      Status: 'copying',
      SourceDBClusterSnapshotArn: SNAPSHOT_ARN,
    })
    expect((await copy(east, 'BEFORE-DRILL')).DBClusterSnapshot?.DBClusterSnapshotIdentifier).toBe('drill-copy')

    const missing = 'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:nope'
    await expect(east.send(new ListTagsForResourceCommand({ResourceName: missing}))).rejects.toMatchObject({
      name: 'DBClusterSnapshotNotFoundFault',
      message: 'DBClusterSnapshot nope not found.',
    })
  })
})
