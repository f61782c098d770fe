import {
  CreateDBClusterCommand,
  type DBProxyTarget,
  DeregisterDBProxyTargetsCommand,
  DescribeDBProxyTargetsCommand,
  RegisterDBProxyTargetsCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {clearFaults, mutateWorld, setFault} from '../../src/lib/sandbox/index.js'
import {seedRdsProxy} from '../../src/lib/sandbox/services/rds/proxies.js'
import {scenarioClusterArn, startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
beforeEach(async () => {
  sandbox = await startTestSandbox()
  await mutateWorld(
    sandbox.home,
    (world) => {
      seedRdsProxy(world, {region: 'us-east-1', name: 'orders-proxy', cluster: 'orders-use1'}, sandbox.now())
      seedRdsProxy(world, {region: 'us-west-2', name: 'orders-proxy'}, sandbox.now())
    },
    {now: sandbox.now},
  )
})
afterEach(async () => sandbox.close())

async function targets(region: string, TargetGroupName?: string): Promise<DBProxyTarget[]> {
  const out = await sandbox
    .rds(region)
    .send(new DescribeDBProxyTargetsCommand({DBProxyName: 'orders-proxy', TargetGroupName}))
  return out.Targets ?? []
}

/** Each target as `TYPE id ROLE STATE`. */
const summary = (list: DBProxyTarget[]) =>
  list.map((t) => [t.Type, t.RdsResourceId, t.Role, t.TargetHealth?.State].filter(Boolean).join(' '))

const register = (region: string, cluster: string, TargetGroupName?: string) =>
  sandbox.rds(region).send(
    new RegisterDBProxyTargetsCommand({
      DBProxyName: 'orders-proxy',
      TargetGroupName,
      DBClusterIdentifiers: [cluster],
    }),
  )

const deregister = (region: string, cluster: string) =>
  sandbox
    .rds(region)
    .send(new DeregisterDBProxyTargetsCommand({DBProxyName: 'orders-proxy', DBClusterIdentifiers: [cluster]}))

describe('RDS Proxy targets', () => {
  it('a proxy targeting an Aurora cluster lists the cluster, then its instances with their roles', async () => {
    const list = await targets('us-east-1', 'default')
    expect(summary(list)).toEqual([
      'TRACKED_CLUSTER orders-use1 AVAILABLE',
      'RDS_INSTANCE orders-use1-a READ_WRITE AVAILABLE',
      'RDS_INSTANCE orders-use1-b READ_ONLY AVAILABLE',
    ])
    expect(list[0]).toMatchObject({
      TargetArn: scenarioClusterArn('us-east-1', 'orders-use1'),
      TrackedClusterId: 'orders-use1',
      Port: 5432,
      Endpoint: expect.stringMatching(/^orders-use1\.cluster-c[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com$/),
    })
    expect(list[1]).toMatchObject({
      TargetArn: 'arn:aws:rds:us-east-1:111122223333:db:orders-use1-a',
      TrackedClusterId: 'orders-use1',
      Endpoint: expect.stringMatching(/^orders-use1-a\./),
    })
    expect(list[1]?.TargetHealth?.Reason).toBeUndefined()
    expect(await targets('us-west-2')).toEqual([])
  })

  it('a registered cluster is REGISTERING, then AVAILABLE; its roles follow the global cluster’s writer', async () => {
    const out = await register('us-west-2', 'orders-usw2')
    expect(summary(out.DBProxyTargets ?? [])).toEqual([
      'TRACKED_CLUSTER orders-usw2 REGISTERING',
      'RDS_INSTANCE orders-usw2-a READ_ONLY REGISTERING',
    ])
    sandbox.clock.advanceWorldSeconds(89)
    expect(summary(await targets('us-west-2'))).toEqual([
      'TRACKED_CLUSTER orders-usw2 REGISTERING',
      'RDS_INSTANCE orders-usw2-a READ_ONLY REGISTERING',
    ])
    sandbox.clock.advanceWorldSeconds(2)
    // A secondary's proxy carries reads only.
    expect(summary(await targets('us-west-2'))).toEqual([
      'TRACKED_CLUSTER orders-usw2 AVAILABLE',
      'RDS_INSTANCE orders-usw2-a READ_ONLY AVAILABLE',
    ])

    await sandbox.rds('us-east-1').send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        TargetDbClusterIdentifier: scenarioClusterArn('us-west-2', 'orders-usw2'),
      }),
    )
    sandbox.clock.advanceWorldSeconds(61)
    expect(summary(await targets('us-west-2'))).toEqual([
      'TRACKED_CLUSTER orders-usw2 AVAILABLE',
      'RDS_INSTANCE orders-usw2-a READ_WRITE AVAILABLE',
    ])
    expect(summary(await targets('us-east-1'))).toEqual([
      'TRACKED_CLUSTER orders-use1 AVAILABLE',
      'RDS_INSTANCE orders-use1-a READ_ONLY AVAILABLE',
      'RDS_INSTANCE orders-use1-b READ_ONLY AVAILABLE',
    ])
  })

  it('retargets: deregister the old cluster, register the new one', async () => {
    await expect(register('us-east-1', 'orders-use1')).rejects.toMatchObject({
      name: 'DBProxyTargetAlreadyRegisteredFault',
      $metadata: {httpStatusCode: 400},
    })
    await deregister('us-east-1', 'orders-use1')
    expect(await targets('us-east-1')).toEqual([])
    await expect(deregister('us-east-1', 'orders-use1')).rejects.toMatchObject({
      name: 'DBProxyTargetNotFoundFault',
      $metadata: {httpStatusCode: 404},
    })
    await register('us-east-1', 'orders-use1')
    expect(summary(await targets('us-east-1'))[0]).toBe('TRACKED_CLUSTER orders-use1 REGISTERING')
  })

  it('answers the faults of the model for unknown proxies, groups, clusters and mismatches', async () => {
    const rds = sandbox.rds('us-east-1')
    await expect(rds.send(new DescribeDBProxyTargetsCommand({DBProxyName: 'nope'}))).rejects.toMatchObject({
      name: 'DBProxyNotFoundFault',
      $metadata: {httpStatusCode: 404},
    })
    // Proxies are Regional.
    await expect(
      sandbox.rds('eu-west-1').send(new DescribeDBProxyTargetsCommand({DBProxyName: 'orders-proxy'})),
    ).rejects.toMatchObject({name: 'DBProxyNotFoundFault'})
    await expect(targets('us-east-1', 'blue')).rejects.toMatchObject({
      name: 'DBProxyTargetGroupNotFoundFault',
      $metadata: {httpStatusCode: 404},
    })
    await expect(register('us-east-1', 'ghost')).rejects.toMatchObject({name: 'DBClusterNotFoundFault'})
    await expect(register('us-west-2', 'catalog-usw2')).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/engine family POSTGRESQL/),
    })
    await expect(
      rds.send(new DescribeDBProxyTargetsCommand({DBProxyName: 'orders-proxy', MaxRecords: 5})),
    ).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })

  it('a target group holds one cluster, and only an available one', async () => {
    const rds = sandbox.rds('us-east-1')
    await rds.send(new CreateDBClusterCommand({DBClusterIdentifier: 'orders-restored', Engine: 'aurora-postgresql'}))
    await expect(register('us-east-1', 'orders-restored')).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
    })
    sandbox.clock.advanceWorldSeconds(301)
    await expect(register('us-east-1', 'orders-restored')).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/already holds orders-use1: deregister it first/),
    })
    await deregister('us-east-1', 'orders-use1')
    await register('us-east-1', 'orders-restored')
    // A cluster without instances shows as its tracked entry alone.
    expect(summary(await targets('us-east-1'))).toEqual(['TRACKED_CLUSTER orders-restored REGISTERING'])
  })

  it('is Regional: an outage of its Region refuses the calls', async () => {
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    await expect(targets('us-east-1')).rejects.toThrow(/socket hang up|ECONNRESET/)
    await clearFaults(sandbox.home, undefined, {now: sandbox.now})
    expect(await targets('us-east-1')).toHaveLength(3)
  })
})
