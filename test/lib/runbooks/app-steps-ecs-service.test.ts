import {describe, expect, it} from 'vitest'

import type {StepOfKind} from '../../../src/lib/config/steps.js'
import {appStep} from '../../../src/lib/runbooks/app-steps/kinds.js'
import {FakeAws, type FakeEcsService} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {driveStep, stepContext, stepMove, tickingClock} from './step-context.js'

const regions = ['us-east-1', 'us-west-2']
const both = {cluster: 'app', services: ['api', 'worker']}
const redeploy: StepOfKind<'ecs-service'> = {
  id: 'restart',
  kind: 'ecs-service',
  action: 'redeploy',
  required: false,
  regions: {'us-east-1': both, 'us-west-2': both},
}
const scale: StepOfKind<'ecs-service'> = {...redeploy, id: 'capacity', action: 'scale'}
const unplanned = stepMove({failedRegions: ['us-east-1'], runbook: 'failover-unplanned'})

function service(desiredCount: number, extra: Partial<FakeEcsService> = {}): FakeEcsService {
  return {
    status: 'ACTIVE',
    desiredCount,
    runningCount: desiredCount,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        rolloutState: 'COMPLETED',
        desiredCount,
        runningCount: desiredCount,
        failedTasks: 0,
      },
    ],
    ...extra,
  }
}

function world(east: [number, number], west: [number, number]): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.ecsServices = {
    'us-east-1': {'app/api': service(east[0]), 'app/worker': service(east[1])},
    'us-west-2': {'app/api': service(west[0]), 'app/worker': service(west[1])},
  }
  return aws
}

const west = (aws: FakeAws, name: string) => aws.state.ecsServices?.['us-west-2']?.[`app/${name}`] as FakeEcsService
const updates = (aws: FakeAws) => aws.mutatingCalls().map(({region, args}) => ({region, args}))
const recordKey = (name: string) => `ecs.restart.us-west-2.${name}`

describe('ecs-service step: redeploy', () => {
  it('forces a new deployment of each service in the target Region and waits until it has COMPLETED', async () => {
    const aws = world([4, 2], [4, 2])
    const step = appStep({step: redeploy, move: stepMove()}, regions)
    const ctx = stepContext(aws)
    expect(await driveStep(step, ctx)).toEqual({state: 'pending', note: 'to redeploy: api, worker'})
    expect(updates(aws)).toEqual([
      {region: 'us-west-2', args: ['app', 'api', {forceNewDeployment: true}]},
      {region: 'us-west-2', args: ['app', 'worker', {forceNewDeployment: true}]},
    ])
    expect(west(aws, 'api').deployments).toEqual([
      expect.objectContaining({status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 4}),
    ])
    // Within this run it is done: re-checking changes nothing.
    expect(await step.check(ctx)).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(2)
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
  })

  it('resumed after UpdateService went through but before its answer was journaled, only waits', async () => {
    const aws = world([4, 2], [4, 2])
    const step = appStep({step: redeploy, move: stepMove()}, regions)
    const first = stepContext(aws)
    await step.run(first)
    // The run stopped after the calls: only what was journaled before each call survives for `api`.
    const journaled = {
      [recordKey('api')]: {before: 'ecs-svc/1'},
      [recordKey('worker')]: first.recorded(recordKey('worker')),
    }
    const before = aws.mutatingCalls().length
    expect(await driveStep(step, stepContext(aws, journaled))).toMatchObject({state: 'in-progress'})
    expect(aws.mutatingCalls()).toHaveLength(before)
  })

  it('resumed after journaling its intent but before the call, forces the deployment', async () => {
    const aws = world([4, 2], [4, 2])
    const step = appStep({step: redeploy, move: stepMove()}, regions)
    const journaled = {[recordKey('api')]: {before: 'ecs-svc/1'}}
    expect(await driveStep(step, stepContext(aws, journaled))).toEqual({
      state: 'pending',
      note: 'to redeploy: api, worker',
    })
    expect(updates(aws).map(({args}) => args[1])).toEqual(['api', 'worker'])
  })

  it('a run of its own redeploys again: a deployment another run forced does not count', async () => {
    const aws = world([4, 2], [4, 2])
    const step = appStep({step: redeploy, move: stepMove()}, regions)
    await driveStep(step, stepContext(aws))
    expect(await step.check(stepContext(aws))).toMatchObject({state: 'pending'})
  })

  it('fails with ECS’s reason when the deployment FAILED (circuit breaker)', async () => {
    const aws = world([4, 2], [4, 2])
    west(aws, 'worker').failRollout = 'tasks failed to start'
    const step = appStep({step: redeploy, move: stepMove()}, regions)
    const ctx = stepContext(aws)
    await step.run(ctx)
    await expect(step.wait!(ctx)).rejects.toMatchObject({
      code: 'DRCTL_APP_STEP_FAILED',
      exit: 5,
      message: expect.stringMatching(/^step restart: deployment ecs-svc\/\d+ of worker FAILED: tasks failed to start$/),
    })
  })

  it('times out (resumable) on a deployment that never settles, saying where it stands', async () => {
    const aws = world([4, 2], [4, 2])
    west(aws, 'api').stuck = true
    const step = appStep({step: {...redeploy, timeoutMs: 60_000}, move: stepMove()}, regions)
    const ctx = stepContext(aws, {}, tickingClock())
    await step.run(ctx)
    await expect(step.wait!(ctx)).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringContaining('api: deployment ecs-svc/'),
    })
  })

  it('fails before any change, naming the step and the service, when a service does not exist', async () => {
    const aws = world([4, 2], [4, 2])
    delete aws.state.ecsServices?.['us-west-2']?.['app/worker']
    west(aws, 'api').status = 'INACTIVE'
    const step = appStep({step: redeploy, move: stepMove()}, regions)
    await expect(step.check(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step restart: ECS service api, worker does not exist (or is not ACTIVE) in app in us-west-2',
    })
    expect(aws.mutatingCalls()).toEqual([])
  })
})

describe('ecs-service step: scale', () => {
  it('copies the source Region’s desired counts, waits until the tasks run, and is idempotent', async () => {
    const aws = world([4, 2], [0, 0])
    const step = appStep({step: scale, move: stepMove()}, regions)
    expect(await driveStep(step, stepContext(aws))).toMatchObject({state: 'pending'})
    expect(updates(aws)).toEqual([
      {region: 'us-west-2', args: ['app', 'api', {desiredCount: 4}]},
      {region: 'us-west-2', args: ['app', 'worker', {desiredCount: 2}]},
    ])
    expect([west(aws, 'api').runningCount, west(aws, 'worker').runningCount]).toEqual([4, 2])
    expect(await driveStep(step, stepContext(aws))).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(2)
    expect(aws.mutatingCalls().filter((call) => call.region === 'us-east-1')).toEqual([])
  })

  it('a configured desired count wins and the source Region is not read', async () => {
    const aws = world([4, 2], [0, 0])
    const fixed: StepOfKind<'ecs-service'> = {
      ...scale,
      regions: {...scale.regions, 'us-west-2': {...both, desiredCount: 3}},
    }
    const step = appStep({step: fixed, move: stepMove()}, regions)
    await driveStep(step, stepContext(aws))
    expect(updates(aws).map(({args}) => args[2])).toEqual([{desiredCount: 3}, {desiredCount: 3}])
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
  })

  it('in an unplanned failover with a configured count scales without calling the failed Region', async () => {
    const aws = world([4, 2], [0, 0])
    const fixed: StepOfKind<'ecs-service'> = {
      ...scale,
      regions: {...scale.regions, 'us-west-2': {...both, desiredCount: 3}},
    }
    await driveStep(appStep({step: fixed, move: unplanned}, regions), stepContext(aws))
    expect(updates(aws)).toHaveLength(2)
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
  })

  it('in an unplanned failover without a configured count changes nothing and leaves follow-ups', async () => {
    const aws = world([4, 2], [0, 2])
    const step = appStep({step: scale, move: unplanned}, regions)
    expect(step.describe()[0]?.detail).toBe(
      'app/api desiredCount unknown (us-east-1 failed and drctl.yaml gives no desiredCount for us-west-2): a service at 0 is left as a follow-up',
    )
    const followUps: string[] = []
    await driveStep(step, stepContext(aws, {}, undefined, {followUps}))
    expect(aws.mutatingCalls()).toEqual([])
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(followUps).toEqual([
      expect.stringContaining('scale app/api in us-west-2: it desires 0 tasks'),
      expect.stringContaining('check the capacity of app/worker in us-west-2 (2 tasks desired)'),
    ])
  })

  it('when required, a service at 0 with no count to set stops the step until scaled by hand', async () => {
    const aws = world([4, 2], [0, 2])
    const step = appStep({step: {...scale, required: true}, move: unplanned}, regions)
    await expect(step.check(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_APP_STEP_FAILED',
      message: expect.stringContaining('api in us-west-2 desire 0 tasks and the count to set is unknown'),
      hints: [
        expect.stringContaining('aws ecs update-service --region us-west-2'),
        expect.stringContaining('desiredCount'),
      ],
    })
    // Scaled by hand, the resumed step goes through, leaving the capacity check to the operator.
    west(aws, 'api').desiredCount = 3
    const followUps: string[] = []
    await driveStep(step, stepContext(aws, {}, undefined, {followUps}))
    expect(followUps).toHaveLength(2)
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('lists its calls with the count it will set for --dry-run', () => {
    expect(appStep({step: scale, move: stepMove()}, regions).describe()).toEqual([
      {
        service: 'ECS',
        operation: 'UpdateService',
        region: 'us-west-2',
        detail: 'app/api desiredCount = that of app/api in us-east-1',
      },
      {
        service: 'ECS',
        operation: 'UpdateService',
        region: 'us-west-2',
        detail: 'app/worker desiredCount = that of app/worker in us-east-1',
      },
    ])
    expect(appStep({step: redeploy, move: stepMove()}, regions).describe()[0]?.detail).toBe(
      'app/api forceNewDeployment',
    )
  })
})
