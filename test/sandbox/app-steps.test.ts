/**
 * drctl's own RDS Proxy, ECS and Lambda adapters (through AwsSession, as `--sandbox` builds them) driving the
 * rds-proxy-target, ecs-service and lambda steps against the in-process sandbox: check → run → wait → verify, at a
 * fast world time scale whose sleeps move the sandbox's clock instead of waiting.
 */
import {CreateDBClusterCommand, SwitchoverGlobalClusterCommand} from '@aws-sdk/client-rds'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {AwsSession} from '../../src/lib/aws/session.js'
import type {StepOfKind} from '../../src/lib/config/steps.js'
import type {Clock} from '../../src/lib/core/clock.js'
import {appStep} from '../../src/lib/runbooks/app-steps/kinds.js'
import type {StepMove} from '../../src/lib/runbooks/app-steps/move.js'
import {mutateWorld, readCallLog, setFault, type World} from '../../src/lib/sandbox/index.js'
import {seedEcsServices} from '../../src/lib/sandbox/services/ecs.js'
import {seedLambdaFunction} from '../../src/lib/sandbox/services/lambda.js'
import {seedRdsProxy} from '../../src/lib/sandbox/services/rds/proxies.js'
import {driveStep, stepContext, stepMove} from '../lib/runbooks/step-context.js'
import {drctlSession, scenarioClusterArn, startTestSandbox, type TestSandbox, worldClock} from '../helpers/sandbox.js'

const TIME_SCALE = 0.01
const regions = ['us-east-1', 'us-west-2']

let sandbox: TestSandbox
let clock: Clock
let session: AwsSession
beforeEach(async () => {
  sandbox = await startTestSandbox({timeScale: TIME_SCALE})
  // As `--sandbox` does: waits sleep the scaled time; here a sleep moves the sandbox's clock rather than waiting.
  clock = worldClock(sandbox, TIME_SCALE)
  session = drctlSession(sandbox, {clock})
})
afterEach(async () => sandbox.close())

const seed = (fn: (world: World, at: number) => void) =>
  mutateWorld(sandbox.home, (world) => fn(world, sandbox.now()), {now: sandbox.now})

/** The world as of the sandbox's clock (reads do not save what came due since the last write). */
const worldNow = () => mutateWorld(sandbox.home, (world) => structuredClone(world), {now: sandbox.now})

const move = (overrides: Partial<StepMove> = {}) => stepMove({runbook: 'failover-planned', ...overrides})

/** The calls the sandbox logged since `from`, as `region operation status`. */
async function callsSince(from: number): Promise<string[]> {
  return (await readCallLog(sandbox.home))
    .slice(from)
    .map((entry) => `${entry.region} ${entry.operation} ${entry.status}`)
}

const mutating = async (from: number) => (await readCallLog(sandbox.home)).slice(from).filter((entry) => entry.mutating)

describe('rds-proxy-target step against the sandbox', () => {
  const config: StepOfKind<'rds-proxy-target'> = {
    id: 'orders-proxy',
    kind: 'rds-proxy-target',
    globalCluster: 'orders-global',
    targetGroup: 'default',
    required: false,
    regions: {'us-east-1': {proxy: 'orders-proxy-use1'}, 'us-west-2': {proxy: 'orders-proxy-usw2'}},
  }

  it('retargets the new writer Region’s proxy from a stray cluster to its member, and waits until it can write', async () => {
    const rds = sandbox.rds('us-west-2')
    await rds.send(new CreateDBClusterCommand({DBClusterIdentifier: 'orders-restored', Engine: 'aurora-postgresql'}))
    await sandbox.rds('us-east-1').send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        TargetDbClusterIdentifier: scenarioClusterArn('us-west-2', 'orders-usw2'),
      }),
    )
    sandbox.clock.advanceWorldSeconds(301)
    await seed((world, at) => {
      seedRdsProxy(world, {region: 'us-east-1', name: 'orders-proxy-use1', cluster: 'orders-use1'}, at)
      seedRdsProxy(world, {region: 'us-west-2', name: 'orders-proxy-usw2', cluster: 'orders-restored'}, at)
    })
    const from = (await readCallLog(sandbox.home)).length
    const step = appStep({step: config, move: move()}, regions)
    const ctx = stepContext(session, {}, clock)
    const started = sandbox.now()

    expect(await driveStep(step, ctx)).toEqual({
      state: 'pending',
      note: 'orders-proxy-usw2 targets orders-restored; to target orders-usw2',
    })
    // The targets were REGISTERING for 90 s of world time: the wait polled until they were AVAILABLE.
    expect(sandbox.now() - started).toBeGreaterThanOrEqual(90_000 * TIME_SCALE)
    expect((await mutating(from)).map((entry) => `${entry.region} ${entry.operation} ${entry.status}`)).toEqual([
      'us-west-2 DeregisterDBProxyTargets 200',
      'us-west-2 RegisterDBProxyTargets 200',
    ])
    expect((await callsSince(from)).filter((call) => call.startsWith('us-east-1'))).toEqual([])
    expect(await step.check(ctx)).toEqual({
      state: 'done',
      note: 'orders-proxy-usw2 already targets orders-usw2 (AVAILABLE)',
    })
  })

  it('a proxy on a cluster that is not the writer times out in its wait, with the reason in words', async () => {
    await seed((world, at) => seedRdsProxy(world, {region: 'us-west-2', name: 'orders-proxy-usw2'}, at))
    const step = appStep({step: {...config, timeoutMs: 5 * 60_000}, move: move()}, regions)
    const ctx = stepContext(session, {}, clock)
    expect((await step.check(ctx)).state).toBe('pending')
    await step.run(ctx)
    await expect(step.wait?.(ctx)).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringMatching(/AVAILABLE, but no READ_WRITE instance \(orders-usw2 is not the writer\)/),
    })
  })

  it('a missing proxy fails the check naming it', async () => {
    const step = appStep({step: config, move: move()}, regions)
    await expect(step.check(stepContext(session, {}, clock))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step orders-proxy: RDS Proxy orders-proxy-usw2 does not exist in us-west-2',
    })
  })
})

describe('ecs-service step against the sandbox', () => {
  const services = {cluster: 'app', services: ['api', 'worker']}
  const redeploy: StepOfKind<'ecs-service'> = {
    id: 'restart',
    kind: 'ecs-service',
    action: 'redeploy',
    required: false,
    regions: {'us-east-1': services, 'us-west-2': services},
  }
  const scale: StepOfKind<'ecs-service'> = {...redeploy, id: 'capacity', action: 'scale'}

  const seedServices = (east: [number, number], west: [number, number]) =>
    seed((world, at) => {
      for (const [region, [api, worker]] of [
        ['us-east-1', east],
        ['us-west-2', west],
      ] as const) {
        seedEcsServices(
          world,
          {
            region,
            cluster: 'app',
            services: [
              {name: 'api', desiredCount: api},
              {name: 'worker', desiredCount: worker},
            ],
          },
          at,
        )
      }
    })

  it('redeploy: forces a new deployment of each service and waits until it has COMPLETED', async () => {
    await seedServices([3, 1], [3, 1])
    const from = (await readCallLog(sandbox.home)).length
    const step = appStep({step: redeploy, move: move()}, regions)
    const ctx = stepContext(session, {}, clock)
    expect(await driveStep(step, ctx)).toEqual({state: 'pending', note: 'to redeploy: api, worker'})
    expect((await mutating(from)).map((entry) => `${entry.region} ${entry.operation}`)).toEqual([
      'us-west-2 UpdateService',
      'us-west-2 UpdateService',
    ])
    expect((await callsSince(from)).filter((call) => call.startsWith('us-east-1'))).toEqual([])
    const world = await worldNow()
    const west = world.ecs.clusters.find((cluster) => cluster.region === 'us-west-2')
    for (const service of west?.services ?? []) {
      expect(service.deployments).toEqual([
        expect.objectContaining({
          status: 'PRIMARY',
          rolloutState: 'COMPLETED',
          runningCount: service.name === 'api' ? 3 : 1,
        }),
      ])
    }
    // Within the run it is done: a re-check (a resume) forces nothing again.
    expect(await step.check(ctx)).toMatchObject({state: 'done'})
  })

  it('scale: copies the source Region’s desired counts and waits until they run', async () => {
    await seedServices([4, 2], [0, 0])
    const step = appStep({step: scale, move: move()}, regions)
    const ctx = stepContext(session, {}, clock)
    expect(await driveStep(step, ctx)).toEqual({state: 'pending', note: 'to scale: api, worker'})
    const world = await worldNow()
    const west = world.ecs.clusters.find((cluster) => cluster.region === 'us-west-2')
    expect(west?.services.map((service) => [service.name, service.deployments[0]?.runningCount])).toEqual([
      ['api', 4],
      ['worker', 2],
    ])
  })

  it('unplanned, with us-east-1 down: redeploys in us-west-2 without a single call to us-east-1', async () => {
    await seedServices([3, 1], [3, 1])
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    const from = (await readCallLog(sandbox.home)).length
    const step = appStep(
      {step: redeploy, move: move({failedRegions: ['us-east-1'], runbook: 'failover-unplanned'})},
      regions,
    )
    await driveStep(step, stepContext(session, {}, clock))
    const calls = await callsSince(from)
    expect(calls.length).toBeGreaterThan(2)
    expect(calls.every((call) => call.startsWith('us-west-2'))).toBe(true)
  })

  it('a missing service fails the check naming it (DescribeServices lists it as MISSING)', async () => {
    await seed((world, at) =>
      seedEcsServices(world, {region: 'us-west-2', cluster: 'app', services: [{name: 'api', desiredCount: 1}]}, at),
    )
    const step = appStep({step: redeploy, move: move()}, regions)
    await expect(step.check(stepContext(session, {}, clock))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step restart: ECS service worker does not exist (or is not ACTIVE) in app in us-west-2',
    })
  })
})

describe('lambda step against the sandbox', () => {
  const config: StepOfKind<'lambda'> = {
    id: 'warm-caches',
    kind: 'lambda',
    required: false,
    payload: {cache: 'sessions'},
    regions: {'us-east-1': {function: 'warm-caches'}, 'us-west-2': {function: 'warm-caches'}},
  }

  it('invokes the function in the target Region with the run’s payload and journals its answer', async () => {
    await seed((world, at) => seedLambdaFunction(world, {region: 'us-west-2', name: 'warm-caches'}, at))
    const step = appStep({step: config, move: move()}, regions)
    const records: Record<string, unknown> = {}
    const ctx = stepContext(session, records, clock)
    expect(await driveStep(step, ctx)).toEqual({state: 'pending'})
    const world = await worldNow()
    expect(world.lambda.invocations).toHaveLength(1)
    const invocation = world.lambda.invocations[0]
    expect(JSON.parse(invocation?.payload ?? '')).toEqual({
      cache: 'sessions',
      runId: 'test-run',
      stepId: 'warm-caches',
      mode: 'planned',
      from: ['us-east-1'],
      to: 'us-west-2',
      failedRegions: [],
    })
    expect(ctx.recorded('lambda.warm-caches.completed')).toEqual({
      requestId: invocation?.requestId,
      executedVersion: '$LATEST',
      answer: invocation?.response,
    })
    // Done within the run: never invoked again.
    expect(await step.check(ctx)).toMatchObject({state: 'done'})
  })

  it('a function error fails the step with the function’s own message', async () => {
    await seed((world, at) => seedLambdaFunction(world, {region: 'us-west-2', name: 'warm-caches'}, at))
    await setFault(
      sandbox.home,
      {kind: 'lambda-fails', function: 'warm-caches', message: 'cache cluster unreachable'},
      {now: sandbox.now},
    )
    const step = appStep({step: config, move: move()}, regions)
    const ctx = stepContext(session, {}, clock)
    await expect(driveStep(step, ctx)).rejects.toMatchObject({
      code: 'DRCTL_APP_STEP_FAILED',
      message: 'step warm-caches: Lambda warm-caches in us-west-2 failed: Error: cache cluster unreachable',
    })
    expect(ctx.recorded('lambda.warm-caches.completed')).toBeUndefined()
  })

  it('a missing function fails the step before any invocation', async () => {
    const step = appStep({step: config, move: move()}, regions)
    await expect(driveStep(step, stepContext(session, {}, clock))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step warm-caches: Lambda function warm-caches does not exist in us-west-2',
    })
    expect((await readCallLog(sandbox.home)).filter((entry) => entry.operation === 'Invoke')).toEqual([])
  })
})
