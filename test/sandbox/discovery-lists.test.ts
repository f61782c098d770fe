import {ECSClient, ListClustersCommand, ListServicesCommand} from '@aws-sdk/client-ecs'
import {DescribeDBProxiesCommand} from '@aws-sdk/client-rds'
import {afterEach, describe, expect, it} from 'vitest'

import {mutateWorld} from '../../src/lib/sandbox/index.js'
import {seedEcsServices} from '../../src/lib/sandbox/services/ecs.js'
import {seedRdsProxy} from '../../src/lib/sandbox/services/rds/proxies.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

describe('the list calls discovery makes, in the sandbox', () => {
  it('ECS ListClusters and ListServices page through the Region’s clusters and services', async () => {
    sandbox = await startTestSandbox()
    await mutateWorld(
      sandbox.home,
      (world) => {
        const services = [
          {name: 'api', desiredCount: 2},
          {name: 'worker', desiredCount: 1},
        ]
        seedEcsServices(world, {region: 'us-west-2', cluster: 'app', services}, sandbox.now())
        seedEcsServices(world, {region: 'us-west-2', cluster: 'batch', services: []}, sandbox.now())
        seedEcsServices(world, {region: 'us-east-1', cluster: 'elsewhere', services}, sandbox.now())
      },
      {now: sandbox.now},
    )
    const ecs = sandbox.client((config) => new ECSClient(config), 'us-west-2')
    const first = await ecs.send(new ListClustersCommand({maxResults: 1}))
    expect(first.clusterArns).toEqual([expect.stringMatching(/:cluster\/app$/)])
    const second = await ecs.send(new ListClustersCommand({maxResults: 1, nextToken: first.nextToken}))
    expect(second.clusterArns).toEqual([expect.stringMatching(/:cluster\/batch$/)])
    expect(second.nextToken).toBeUndefined()
    const services = await ecs.send(new ListServicesCommand({cluster: 'app', maxResults: 1}))
    expect(services.serviceArns).toEqual([expect.stringMatching(/:service\/app\/api$/)])
    const rest = await ecs.send(new ListServicesCommand({cluster: 'app', nextToken: services.nextToken}))
    expect(rest.serviceArns).toEqual([expect.stringMatching(/:service\/app\/worker$/)])
    await expect(ecs.send(new ListServicesCommand({cluster: 'nope'}))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    })
  })

  it('DescribeDBProxies lists the Region’s proxies, or one by name', async () => {
    sandbox = await startTestSandbox()
    await mutateWorld(
      sandbox.home,
      (world) => {
        seedRdsProxy(world, {region: 'us-west-2', name: 'orders-proxy', cluster: 'orders-usw2'}, sandbox.now())
        seedRdsProxy(world, {region: 'us-west-2', name: 'catalog-proxy'}, sandbox.now())
        seedRdsProxy(world, {region: 'us-east-1', name: 'orders-proxy'}, sandbox.now())
      },
      {now: sandbox.now},
    )
    const all = await sandbox.rds('us-west-2').send(new DescribeDBProxiesCommand({}))
    expect(all.DBProxies?.map((proxy) => proxy.DBProxyName)).toEqual(['orders-proxy', 'catalog-proxy'])
    const one = await sandbox.rds('us-west-2').send(new DescribeDBProxiesCommand({DBProxyName: 'catalog-proxy'}))
    expect(one.DBProxies).toEqual([
      expect.objectContaining({DBProxyName: 'catalog-proxy', Status: 'available', EngineFamily: 'POSTGRESQL'}),
    ])
    await expect(
      sandbox.rds('us-west-2').send(new DescribeDBProxiesCommand({DBProxyName: 'nope'})),
    ).rejects.toMatchObject({name: 'DBProxyNotFoundFault'})
  })
})
