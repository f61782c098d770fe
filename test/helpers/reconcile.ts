import {DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient} from '@aws-sdk/client-rds'
import {ExecuteStatementCommand, RDSDataClient} from '@aws-sdk/client-rds-data'
import {expect} from 'vitest'

import {
  acknowledgedWrites,
  clearFaults,
  readWorld,
  setFault,
  stopWorkload,
  databaseSecretArn,
} from '../../src/lib/sandbox/index.js'
import {waitUntil} from './cli.js'
import {drctl, json} from './e2e.js'
import {scenarioClusterArn, type TestSandbox} from './sandbox.js'

// The world `drctl reconcile` works on in the two-region sandbox: orders-global fails over, unplanned, from
// orders-use1 to orders-usw2 while us-west-2 lags, losing the orders written within the lag.

export const OLD_PRIMARY = scenarioClusterArn('us-east-1', 'orders-use1')
const NEW_PRIMARY = scenarioClusterArn('us-west-2', 'orders-usw2')

export const ordersOf = async (home: string) =>
  (await acknowledgedWrites(home)).flatMap((write) => (write.kind === 'order' ? [write] : []))

export interface LosingFailover {
  /** Orders the workload has written before us-west-2 starts lagging. */
  orders: number
  /** The lag: the writes of the old primary within it before the failover are lost. */
  lagMs: number
  /** Orders the workload writes while us-west-2 lags. */
  lostOrders: number
  /** Runs once the orders are written, before us-west-2 starts lagging. */
  beforeLag?: () => Promise<void>
  /** Writes more while us-west-2 lags, before the failover. */
  whileLagging?: () => Promise<void>
  /**
   * us-east-1 goes down before the failover: the writes lost are then those within the lag before the outage,
   * however long the failover takes to start (without it, those within the lag before its call).
   */
  outage?: boolean
  /** The failover's environment (a policy to run under). */
  failoverEnv?: NodeJS.ProcessEnv
}

/**
 * The workload writes orders; us-west-2 lags and more are written; an unplanned failover to us-west-2 (which loses
 * them; us-east-1 down first, if asked); then the workload stops, the faults are cleared, and the old primary
 * rejoins, snapshotted by Aurora.
 */
export async function failoverLosingOrders(home: string, options: LosingFailover): Promise<RunResultJson> {
  drctl(home, ['sandbox', 'workload', 'start', '--rate', '20'])
  await waitUntil(
    `${options.orders} acknowledged orders`,
    async () => (await ordersOf(home)).length >= options.orders,
    {
      timeoutMs: 120_000,
    },
  )
  await options.beforeLag?.()
  await setFault(home, {kind: 'lag', globalCluster: 'orders-global', region: 'us-west-2', ms: options.lagMs})
  const lagged = (await ordersOf(home)).length
  await waitUntil(`${options.lostOrders} more orders while the secondary lags`, async () => {
    return (await ordersOf(home)).length >= lagged + options.lostOrders
  })
  await options.whileLagging?.()
  if (options.outage) await setFault(home, {kind: 'region-outage', region: 'us-east-1'})
  const failover = drctl(
    home,
    ['failover', '--unplanned', '--to', 'us-west-2', '--yes', '--allow-data-loss', '--json'],
    options.failoverEnv,
  )
  expect(failover.status, failover.stderr).toBe(0)
  await stopWorkload(home)
  await clearFaults(home)
  await waitUntil('the old primary to rejoin, snapshotted', async () => {
    const world = await readWorld(home)
    return world?.rds.snapshots.some((snapshot) => snapshot.id.startsWith('rds:unplanned-global-failover-orders-use1-'))
  })
  return json(failover).result
}

/** What `failover --json` gave: the run and its evidence. */
interface RunResultJson {
  runId: string
  evidence: Record<string, unknown>
}

/** A Data API statement on a cluster of the scenario, with the workload's secret. */
export function executeOn(reader: TestSandbox, clusterArn: string, sql: string, parameters?: object[]) {
  const region = clusterArn.split(':')[3] as string
  const client = reader.client((config) => new RDSDataClient(config), region)
  return client.send(
    new ExecuteStatementCommand({resourceArn: clusterArn, secretArn: databaseSecretArn(region), sql, parameters}),
  )
}

/** The ids of the orders the new primary holds. */
export async function survivingOrderIds(reader: TestSandbox): Promise<Set<number | undefined>> {
  const rows = await executeOn(reader, NEW_PRIMARY, 'SELECT id FROM orders')
  return new Set(rows.records?.map((record) => record[0]?.longValue))
}

/**
 * The ids of the clusters and the drctl-* instances in us-east-1, asked through the API: the world file keeps a
 * deleted record until time next moves on.
 */
export async function clustersAndDrctlInstances(
  reader: TestSandbox,
): Promise<{clusters: string[]; instances: string[]}> {
  const rds = reader.client((config) => new RDSClient(config), 'us-east-1')
  const clusters = await rds.send(new DescribeDBClustersCommand({}))
  const instances = await rds.send(new DescribeDBInstancesCommand({}))
  return {
    clusters: clusters.DBClusters?.map((cluster) => cluster.DBClusterIdentifier ?? '') ?? [],
    instances: (instances.DBInstances ?? [])
      .map((instance) => instance.DBInstanceIdentifier ?? '')
      .filter((id) => id.startsWith('drctl-')),
  }
}
