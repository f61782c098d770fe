import {readFileSync, writeFileSync} from 'node:fs'

import {DescribeServicesCommand, ECSClient, UpdateServiceCommand} from '@aws-sdk/client-ecs'
import {InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {DescribeDBProxyTargetsCommand} from '@aws-sdk/client-rds'
import {afterEach, describe, expect, it} from 'vitest'

import {renderSandbox} from '../../src/lib/cli/render-sandbox.js'
import {createStyle} from '../../src/lib/cli/style.js'
import {describeWorld, mutateWorld, sandboxPaths, setFault} from '../../src/lib/sandbox/index.js'
import {seedEcsServices} from '../../src/lib/sandbox/services/ecs.js'
import {seedLambdaFunction} from '../../src/lib/sandbox/services/lambda.js'
import {seedRdsProxy} from '../../src/lib/sandbox/services/rds/proxies.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

describe('the ECS, Lambda and RDS Proxy slices of the world', () => {
  it('a world saved before they existed loads with them empty, not as a corrupt world', async () => {
    sandbox = await startTestSandbox()
    const path = sandboxPaths(sandbox.home).world
    const saved = JSON.parse(readFileSync(path, 'utf8'))
    delete saved.ecs
    delete saved.lambda
    delete saved.rds.proxies
    writeFileSync(path, JSON.stringify(saved))

    const ecs = sandbox.client((config) => new ECSClient(config), 'us-west-2')
    await expect(ecs.send(new DescribeServicesCommand({cluster: 'app', services: ['api']}))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    })
    const lambda = sandbox.client((config) => new LambdaClient(config), 'us-west-2')
    await expect(lambda.send(new InvokeCommand({FunctionName: 'dr-hook'}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
    await expect(
      sandbox.rds('us-west-2').send(new DescribeDBProxyTargetsCommand({DBProxyName: 'orders-proxy'})),
    ).rejects.toMatchObject({name: 'DBProxyNotFoundFault'})
    const view = await describeWorld(sandbox.home, {now: sandbox.now})
    expect(view.ecs.regions['us-west-2']).toEqual({clusters: []})
    expect(view.lambda.regions['us-west-2']).toEqual({functions: []})
    expect(view.rds.regions['us-west-2']?.proxies).toEqual([])
    expect(renderSandbox(view, createStyle(false), path)).not.toMatch(/ECS services|Lambda functions|RDS Proxies/)
  })

  it('sandbox show lists proxies and their targets, ECS rollouts, Lambda invocations and the lambda-fails fault', async () => {
    sandbox = await startTestSandbox()
    await mutateWorld(
      sandbox.home,
      (world) => {
        const at = sandbox.now()
        seedRdsProxy(world, {region: 'us-east-1', name: 'orders-proxy-use1', cluster: 'orders-use1'}, at)
        seedRdsProxy(world, {region: 'us-west-2', name: 'orders-proxy-usw2'}, at)
        seedEcsServices(world, {region: 'us-west-2', cluster: 'app', services: [{name: 'api', desiredCount: 2}]}, at)
        seedLambdaFunction(world, {region: 'us-west-2', name: 'warm-caches'}, at)
      },
      {now: sandbox.now},
    )
    const ecs = sandbox.client((config) => new ECSClient(config), 'us-west-2')
    await ecs.send(new UpdateServiceCommand({cluster: 'app', service: 'api', forceNewDeployment: true}))
    await setFault(sandbox.home, {kind: 'lambda-fails', function: 'warm-caches', message: 'boom'}, {now: sandbox.now})
    const lambda = sandbox.client((config) => new LambdaClient(config), 'us-west-2')
    await lambda.send(new InvokeCommand({FunctionName: 'warm-caches'}))

    const view = await describeWorld(sandbox.home, {now: sandbox.now})
    expect(view.rds.regions['us-east-1']?.proxies).toEqual([
      {
        name: 'orders-proxy-use1',
        engineFamily: 'POSTGRESQL',
        targetGroups: [{name: 'default', clusters: [{id: 'orders-use1', state: 'AVAILABLE'}]}],
      },
    ])
    expect(view.ecs.regions['us-west-2']?.clusters[0]?.services[0]).toMatchObject({
      name: 'api',
      desiredCount: 2,
      runningCount: 2,
      deployments: [
        {status: 'PRIMARY', rolloutState: 'IN_PROGRESS', runningCount: 0},
        {status: 'ACTIVE', rolloutState: 'COMPLETED', runningCount: 2},
      ],
    })
    expect(view.lambda.regions['us-west-2']?.functions).toEqual([
      {
        name: 'warm-caches',
        arn: 'arn:aws:lambda:us-west-2:111122223333:function:warm-caches',
        invocations: 1,
        lastOutcome: 'Unhandled',
      },
    ])
    const text = renderSandbox(view, createStyle(false), 'world.json')
    expect(text).toContain('lambda-fails warm-caches (every Region): boom')
    expect(text).toContain('RDS Proxies\n  us-east-1  orders-proxy-use1 (default) → orders-use1\n')
    expect(text).toContain('  us-west-2  orders-proxy-usw2 (default) → no target')
    expect(text).toContain(
      'ECS services\n  us-west-2  app/api  2 running, 2 desired; rolling out: PRIMARY IN_PROGRESS 0/2, ACTIVE COMPLETED 2/2',
    )
    expect(text).toContain('Lambda functions\n  us-west-2  warm-caches  1 invocation, last Unhandled')
  })
})
