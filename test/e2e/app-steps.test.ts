import {appendFileSync, copyFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {clearFaults, mutateWorld, readCallLog, readWorld, setFault, type World} from '../../src/lib/sandbox/index.js'
import {seedEcsServices} from '../../src/lib/sandbox/services/ecs.js'
import {seedLambdaFunction} from '../../src/lib/sandbox/services/lambda.js'
import {seedRdsProxy} from '../../src/lib/sandbox/services/rds/proxies.js'
import {callsSince, drctl, json, runIds, useSandbox} from '../helpers/e2e.js'

const STEPS = `steps:
  - id: orders-proxy
    kind: rds-proxy-target
    globalCluster: orders-global
    regions:
      us-east-1: {proxy: orders-proxy-use1}
      us-west-2: {proxy: orders-proxy-usw2}
  - id: restart-api
    kind: ecs-service
    action: redeploy
    regions:
      us-east-1: {cluster: app, services: [api]}
      us-west-2: {cluster: app, services: [api]}
  - id: warm-caches
    kind: lambda
    payload: {cache: sessions}
    regions:
      us-east-1: {function: warm-caches}
      us-west-2: {function: warm-caches}
`

/** The application of the dns-ecs shape: a proxy, an ECS service and a Lambda per Region (us-west-2's proxy idle). */
async function seedApplication(home: string): Promise<string> {
  await mutateWorld(home, (world) => {
    const at = Date.now()
    seedRdsProxy(world, {region: 'us-east-1', name: 'orders-proxy-use1', cluster: 'orders-use1'}, at)
    seedRdsProxy(world, {region: 'us-west-2', name: 'orders-proxy-usw2'}, at)
    for (const region of ['us-east-1', 'us-west-2']) {
      seedEcsServices(world, {region, cluster: 'app', services: [{name: 'api', desiredCount: 2}]}, at)
      seedLambdaFunction(world, {region, name: 'warm-caches'}, at)
    }
  })
  const config = join(home, 'with-steps.yaml')
  copyFileSync(join(home, 'sandbox', 'drctl.yaml'), config)
  appendFileSync(config, STEPS)
  return config
}

const west = (world: World | undefined) => ({
  proxy: world?.rds.proxies
    .find((proxy) => proxy.region === 'us-west-2')
    ?.targetGroups[0]?.targets.map((t) => t.clusterId),
  api: world?.ecs.clusters.find((cluster) => cluster.region === 'us-west-2')?.services[0]?.deployments,
  invocations: world?.lambda.invocations.filter((invocation) => invocation.region === 'us-west-2'),
})

describe('application steps on the sandbox (compiled CLI)', () => {
  const sandbox = useSandbox()

  it('a planned failover retargets the proxy, redeploys ECS and invokes the Lambda in us-west-2 only', async () => {
    const config = await seedApplication(sandbox.home)
    const since = (await readCallLog(sandbox.home)).length
    const result = drctl(sandbox.home, ['failover', '-c', config, '--planned', '--to', 'us-west-2', '--yes', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const after = west(await readWorld(sandbox.home))
    expect(after.proxy).toEqual(['orders-usw2'])
    expect(after.api).toEqual([
      expect.objectContaining({status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 2}),
    ])
    expect(after.invocations).toHaveLength(1)
    expect(JSON.parse(after.invocations?.[0]?.payload ?? '')).toMatchObject({
      cache: 'sessions',
      mode: 'planned',
      from: ['us-east-1'],
      to: 'us-west-2',
    })
    const appCalls = (await callsSince(sandbox.home, since)).filter(
      (entry) => ['ecs', 'lambda'].includes(entry.service) || entry.operation.includes('DBProxy'),
    )
    expect(appCalls.filter((entry) => entry.mutating).map((entry) => `${entry.region} ${entry.operation}`)).toEqual([
      'us-west-2 RegisterDBProxyTargets',
      'us-west-2 UpdateService',
      'us-west-2 Invoke',
    ])
    expect(appCalls.filter((entry) => entry.region !== 'us-west-2' && entry.mutating)).toEqual([])

    // Status reads where each step points now.
    const status = json(drctl(sandbox.home, ['status', '-c', config, '--json']))
    expect(JSON.stringify(status.result)).toContain('orders-proxy-usw2 in us-west-2 → orders-usw2')
  })

  it('a failing Lambda stops the run (exit 5) with its message; the resume after the fault is cleared invokes it again', async () => {
    const config = join(sandbox.home, 'with-steps.yaml')
    await setFault(sandbox.home, {kind: 'lambda-fails', function: 'warm-caches', message: 'cache cluster unreachable'})
    const earlier = runIds(sandbox.home)
    const back = drctl(sandbox.home, ['failover', '-c', config, '--planned', '--to', 'us-east-1', '--yes', '--json'])
    expect(back.status).toBe(5)
    const failure = json(back)
    expect(failure.error.message).toContain('Lambda warm-caches in us-east-1 failed: Error: cache cluster unreachable')
    const [runId] = runIds(sandbox.home).filter((id) => !earlier.includes(id))

    await clearFaults(sandbox.home, 'lambda-fails')
    const resumed = drctl(sandbox.home, ['runs', 'resume', runId as string, '--yes', '--json'])
    expect(resumed.status, resumed.stderr).toBe(0)
    const east = (await readWorld(sandbox.home))?.lambda.invocations.filter((i) => i.region === 'us-east-1') ?? []
    expect(east.map((invocation) => invocation.functionError ?? 'ok')).toEqual(['Unhandled', 'ok'])
  })

  it('sandbox fault lambda-fails: set from the CLI, shown by sandbox show, cleared by fault clear', () => {
    const set = drctl(sandbox.home, [
      'sandbox',
      'fault',
      'lambda-fails',
      'warm-caches',
      '--region',
      'us-west-2',
      '--message',
      'boom',
      '--json',
    ])
    expect(json(set).result.fault).toMatchObject({
      kind: 'lambda-fails',
      function: 'warm-caches',
      region: 'us-west-2',
      message: 'boom',
    })
    const show = drctl(sandbox.home, ['sandbox', 'show'])
    expect(show.stdout).toContain('lambda-fails warm-caches (us-west-2): boom')
    expect(show.stdout).toMatch(/Lambda functions\n {2}us-east-1 {2}warm-caches {2}2 invocations, last ok/)

    const typo = drctl(sandbox.home, ['sandbox', 'fault', 'lambda-fails', 'warm-cache', '--json'])
    expect(typo.status).toBe(2)
    expect(json(typo).error).toMatchObject({
      message: expect.stringContaining('no Lambda function named "warm-cache"'),
      hints: ['functions: warm-caches'],
    })
    const mistyped = drctl(sandbox.home, ['sandbox', 'fault', 'lambda-fail', 'warm-caches'])
    expect(mistyped.status).toBe(2)
    expect(mistyped.stderr).toContain('did you mean sandbox fault lambda-fails?')

    const cleared = drctl(sandbox.home, ['sandbox', 'fault', 'clear', 'lambda-fails'])
    expect(cleared.stdout).toContain('cleared lambda-fails warm-caches (us-west-2): boom')
  })
})
