import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RDSDataClient,
} from '@aws-sdk/client-rds-data'
import {
  CreateDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DisableHttpEndpointCommand,
  EnableHttpEndpointCommand,
  FailoverGlobalClusterCommand,
  RemoveFromGlobalClusterCommand,
  RestoreDBClusterFromSnapshotCommand,
} from '@aws-sdk/client-rds'
import {afterEach, describe, expect, it} from 'vitest'

import {databaseSecretArn, setFault} from '../../src/lib/sandbox/index.js'
import {scenarioClusterArn, startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

// PGlite takes seconds to start on a loaded machine: few tests, one database engine for all, a long request timeout.
const ORDERS_USE1 = scenarioClusterArn('us-east-1', 'orders-use1')
const ORDERS_USW2 = scenarioClusterArn('us-west-2', 'orders-usw2')

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

function data(region: string): RDSDataClient {
  return sandbox.client((config) => new RDSDataClient(config), region)
}

function execute(region: string, input: Omit<ExecuteStatementCommandInput, 'secretArn'>) {
  return data(region).send(new ExecuteStatementCommand({secretArn: databaseSecretArn(region), ...input}))
}

async function enableDataApi(region: string, arn: string) {
  await sandbox.rds(region).send(new EnableHttpEndpointCommand({ResourceArn: arn}))
}

async function insertOrders(ids: number[]) {
  await data('us-east-1').send(
    new BatchExecuteStatementCommand({
      resourceArn: ORDERS_USE1,
      secretArn: databaseSecretArn('us-east-1'),
      sql: 'INSERT INTO orders (id, customer, amount, updated_at) VALUES (:id, :customer, :amount, :at)',
      parameterSets: ids.map((id) => [
        {name: 'id', value: {longValue: id}},
        {name: 'customer', value: {stringValue: `c${id}`}},
        {name: 'amount', value: {stringValue: `${id}.50`}, typeHint: 'DECIMAL'},
        {name: 'at', value: {stringValue: '2024-05-01 12:00:00.250'}, typeHint: 'TIMESTAMP'},
      ]),
    }),
  )
}

async function orderIds(region: string, arn: string): Promise<number[]> {
  const out = await execute(region, {resourceArn: arn, sql: 'SELECT id FROM orders ORDER BY id'})
  return (out.records ?? []).map((record) => Number(record[0]?.longValue))
}

describe('RDS Data API', () => {
  it('runs statements on the writer with typed fields, and refuses what AWS refuses', async () => {
    sandbox = await startTestSandbox({requestTimeoutMs: 60_000})
    await expect(execute('us-east-1', {resourceArn: ORDERS_USE1, sql: 'SELECT 1'})).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('HttpEndpoint is not enabled'),
    })
    await enableDataApi('us-east-1', ORDERS_USE1)
    await execute('us-east-1', {
      resourceArn: ORDERS_USE1,
      sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric, updated_at timestamptz)',
    })
    await insertOrders([1, 2])
    const out = await execute('us-east-1', {
      resourceArn: ORDERS_USE1,
      sql: 'SELECT id, customer, amount, updated_at, NULL AS note FROM orders WHERE id = :id',
      parameters: [{name: 'id', value: {longValue: 2}}],
      includeResultMetadata: true,
    })
    expect(out.records).toEqual([
      [
        {longValue: 2},
        {stringValue: 'c2'},
        {stringValue: '2.50'},
        {stringValue: '2024-05-01 12:00:00.25'},
        {isNull: true},
      ],
    ])
    expect(out.columnMetadata?.map((column) => [column.name, column.typeName])).toEqual([
      ['id', 'int8'],
      ['customer', 'text'],
      ['amount', 'numeric'],
      ['updated_at', 'timestamptz'],
      ['note', 'text'],
    ])
    const json = await execute('us-east-1', {
      resourceArn: ORDERS_USE1,
      sql: 'SELECT id FROM orders',
      formatRecordsAs: 'JSON',
    })
    expect(JSON.parse(json.formattedRecords ?? '')).toEqual([{id: 1}, {id: 2}])
    const update = await execute('us-east-1', {resourceArn: ORDERS_USE1, sql: "UPDATE orders SET customer = 'x'"})
    expect(update.numberOfRecordsUpdated).toBe(2)

    await expect(execute('us-east-1', {resourceArn: ORDERS_USE1, sql: 'SELECT * FROM missing'})).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('relation "missing" does not exist'),
    })
    await enableDataApi('us-west-2', ORDERS_USW2)
    await expect(execute('us-west-2', {resourceArn: ORDERS_USW2, sql: 'SELECT 1'})).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('writer instance'),
    })
    await expect(
      data('us-east-1').send(
        new ExecuteStatementCommand({resourceArn: ORDERS_USE1, secretArn: 'orders', sql: 'SELECT 1'}),
      ),
    ).rejects.toMatchObject({name: 'InvalidSecretException'})
    // A secret Secrets Manager cannot find, or the secret of another Region: refused as AWS does.
    for (const secretArn of [
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:orders-admin',
      databaseSecretArn('us-west-2'),
    ]) {
      await expect(
        data('us-east-1').send(new ExecuteStatementCommand({resourceArn: ORDERS_USE1, secretArn, sql: 'SELECT 1'})),
      ).rejects.toMatchObject({
        name: 'SecretsErrorException',
        message: `Error fetching secret ${secretArn} : Secrets Manager can't find the specified secret.`,
      })
    }
    await expect(
      execute('us-east-1', {resourceArn: scenarioClusterArn('us-east-1', 'nope'), sql: 'SELECT 1'}),
    ).rejects.toMatchObject({name: 'NotFoundException'})
    await sandbox.rds('us-east-1').send(new DisableHttpEndpointCommand({ResourceArn: ORDERS_USE1}))
    await expect(execute('us-east-1', {resourceArn: ORDERS_USE1, sql: 'SELECT 1'})).rejects.toMatchObject({
      name: 'BadRequestException',
    })
  })

  it('loses exactly the unreplicated tail in a managed failover; the old primary’s snapshot restores it', async () => {
    sandbox = await startTestSandbox({requestTimeoutMs: 60_000})
    await setFault(
      sandbox.home,
      {kind: 'lag', globalCluster: 'orders-global', region: 'us-west-2', ms: 5000},
      {
        now: sandbox.now,
      },
    )
    await enableDataApi('us-east-1', ORDERS_USE1)
    await enableDataApi('us-west-2', ORDERS_USW2)
    await execute('us-east-1', {
      resourceArn: ORDERS_USE1,
      sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric, updated_at timestamptz)',
    })
    await insertOrders([1, 2, 3])
    sandbox.clock.advanceWorldSeconds(10)
    await insertOrders([4, 5])
    sandbox.clock.advanceWorldSeconds(2)
    // Rows 4 and 5 are 2 s old, inside the secondary's 5 s lag: they never reach it.
    await sandbox.rds('us-west-2').send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        TargetDbClusterIdentifier: ORDERS_USW2,
        AllowDataLoss: true,
      }),
    )
    sandbox.clock.advanceWorldSeconds(91)
    expect(await orderIds('us-west-2', ORDERS_USW2)).toEqual([1, 2, 3])

    const snapshots = await sandbox
      .rds('us-east-1')
      .send(new DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: 'orders-use1', SnapshotType: 'automated'}))
    const snapshotId = snapshots.DBClusterSnapshots?.[0]?.DBClusterSnapshotIdentifier ?? ''
    expect(snapshotId).toMatch(/^rds:unplanned-global-failover-orders-use1-/)
    await sandbox.rds('us-east-1').send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: 'orders-recon',
        SnapshotIdentifier: snapshotId,
        Engine: 'aurora-postgresql',
      }),
    )
    sandbox.clock.advanceWorldSeconds(301)
    await sandbox.rds('us-east-1').send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders-recon-1',
        DBClusterIdentifier: 'orders-recon',
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
      }),
    )
    sandbox.clock.advanceWorldSeconds(301)
    const recon = scenarioClusterArn('us-east-1', 'orders-recon')
    await enableDataApi('us-east-1', recon)
    expect(await orderIds('us-east-1', recon)).toEqual([1, 2, 3, 4, 5])
    // The new primary takes writes; the restored copy is a database of its own.
    await execute('us-west-2', {resourceArn: ORDERS_USW2, sql: "INSERT INTO orders (id, customer) VALUES (6, 'new')"})
    expect(await orderIds('us-west-2', ORDERS_USW2)).toEqual([1, 2, 3, 6])
    expect(await orderIds('us-east-1', recon)).toEqual([1, 2, 3, 4, 5])
  })
  it('answers aurora_global_db_status in both engines’ forms from the world, and reading it logs no write', async () => {
    sandbox = await startTestSandbox({requestTimeoutMs: 60_000})
    await setFault(
      sandbox.home,
      {kind: 'lag', globalCluster: 'orders-global', region: 'us-west-2', ms: 5000},
      {now: sandbox.now},
    )
    await enableDataApi('us-east-1', ORDERS_USE1)
    await execute('us-east-1', {resourceArn: ORDERS_USE1, sql: 'CREATE TABLE orders (id bigint PRIMARY KEY)'})
    await execute('us-east-1', {resourceArn: ORDERS_USE1, sql: 'INSERT INTO orders (id) VALUES (1)'})
    sandbox.clock.advanceWorldSeconds(10)
    await execute('us-east-1', {resourceArn: ORDERS_USE1, sql: 'INSERT INTO orders (id) VALUES (2)'})
    sandbox.clock.advanceWorldSeconds(1)

    const postgres = async (arn: string, region = 'us-east-1') =>
      (await execute(region, {resourceArn: arn, sql: 'SELECT * FROM aurora_global_db_status() ORDER BY aws_region'}))
        .records ?? []
    const [primary, secondary] = await postgres(ORDERS_USE1)
    // The writer's log holds 3 statements; the secondary, 5 s behind, has the first 2.
    expect(primary).toEqual([
      {stringValue: 'us-east-1'},
      {longValue: 3},
      {longValue: -1},
      {longValue: -1},
      {stringValue: '1970-01-01 00:00:00'},
      {longValue: 0},
      {longValue: 0},
    ])
    expect(secondary?.slice(0, 2)).toEqual([{stringValue: 'us-west-2'}, {longValue: 2}])
    const lag = Number(secondary?.[3]?.longValue)
    expect(lag).toBeGreaterThanOrEqual(4850)
    expect(lag).toBeLessThanOrEqual(5150)
    expect(secondary?.[2]).toEqual({longValue: lag})

    const mysql = await execute('us-east-1', {
      resourceArn: ORDERS_USE1,
      sql: 'SELECT AWS_REGION, RPO_LAG_IN_MILLISECONDS, HIGHEST_LSN_WRITTEN FROM information_schema.aurora_global_db_status ORDER BY AWS_REGION',
      formatRecordsAs: 'JSON',
    })
    expect(JSON.parse(mysql.formattedRecords ?? '')).toEqual([
      {aws_region: 'us-east-1', rpo_lag_in_milliseconds: -1, highest_lsn_written: 3},
      {aws_region: 'us-west-2', rpo_lag_in_milliseconds: lag, highest_lsn_written: 2},
    ])

    // A detached cluster keeps what had reached it (its 2 statements) and has no global database to report on.
    await sandbox.rds('us-west-2').send(
      new RemoveFromGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        DbClusterIdentifier: ORDERS_USW2,
      }),
    )
    sandbox.clock.advanceWorldSeconds(31)
    await enableDataApi('us-west-2', ORDERS_USW2)
    expect(await postgres(ORDERS_USW2, 'us-west-2')).toEqual([])
    expect(await orderIds('us-west-2', ORDERS_USW2)).toEqual([1])
    expect((await postgres(ORDERS_USE1)).map((row) => row.slice(0, 3))).toEqual([
      [{stringValue: 'us-east-1'}, {longValue: 3}, {longValue: -1}],
    ])
  })
})
