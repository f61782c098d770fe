import {describe, expect, it} from 'vitest'

import type {StepOfKind} from '../../../src/lib/config/steps.js'
import {appStep} from '../../../src/lib/runbooks/app-steps/kinds.js'
import type {StepMove} from '../../../src/lib/runbooks/app-steps/move.js'
import {FakeAws, type FakeFunction} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {driveStep, stepContext, stepMove} from './step-context.js'

const regions = ['us-east-1', 'us-west-2']
const config: StepOfKind<'lambda'> = {
  id: 'warm-caches',
  kind: 'lambda',
  required: false,
  payload: {cache: 'sessions', runId: 'spoofed'},
  regions: {'us-east-1': {function: 'warm-caches-use1'}, 'us-west-2': {function: 'warm-caches-usw2'}},
}
const move = (overrides: Partial<StepMove> = {}) => stepMove({runbook: 'failover-planned', ...overrides})

function world(fn: Partial<FakeFunction> = {}): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.functions = {
    'us-west-2': {
      'warm-caches-usw2': {
        arn: 'arn:aws:lambda:us-west-2:111122223333:function:warm-caches-usw2',
        timeoutSeconds: 60,
        answer: {payload: '{"warmed":12}'},
        invocations: [],
        ...fn,
      },
    },
  }
  return aws
}

const invocations = (aws: FakeAws) => aws.state.functions?.['us-west-2']?.['warm-caches-usw2']?.invocations ?? []

describe('lambda step', () => {
  it('invokes the target Region’s function with the move, journals the answer, and is done from then on', async () => {
    const aws = world()
    const step = appStep({step: config, move: move()}, regions)
    const ctx = stepContext(aws)
    expect(await driveStep(step, ctx)).toEqual({state: 'pending'})
    expect(invocations(aws).map((payload) => JSON.parse(payload))).toEqual([
      {
        cache: 'sessions',
        runId: 'test-run',
        stepId: 'warm-caches',
        mode: 'planned',
        from: ['us-east-1'],
        to: 'us-west-2',
        failedRegions: [],
      },
    ])
    expect(ctx.recorded('lambda.warm-caches.completed')).toEqual({
      requestId: expect.any(String),
      executedVersion: undefined,
      answer: '{"warmed":12}',
    })
    // A resumed run rebuilds the step from the journal: the completed invocation is never repeated.
    const resumed = stepContext(aws, {'lambda.warm-caches.completed': ctx.recorded('lambda.warm-caches.completed')})
    expect(await driveStep(step, resumed)).toMatchObject({state: 'done'})
    expect(invocations(aws)).toHaveLength(1)
    expect(aws.calls.filter((call) => call.region !== 'us-west-2')).toEqual([])
  })

  it('waits for the invocation as long as the function may run; a configured timeout wins', async () => {
    const aws = world()
    await driveStep(appStep({step: config, move: move()}, regions), stepContext(aws))
    await driveStep(appStep({step: {...config, timeoutMs: 5000}, move: move()}, regions), stepContext(aws))
    const deadlines = aws.calls.filter((call) => call.operation === 'Invoke').map((call) => call.args[2])
    expect(deadlines).toEqual([90_000, 5000])
  })

  it('a function error fails the step with the function’s own message (exit 5) and nothing is journaled as done', async () => {
    const aws = world({
      answer: {
        functionError: 'Unhandled',
        payload: '{"errorType":"CacheError","errorMessage":"redis\\nunreachable","trace":[]}',
      },
    })
    const step = appStep({step: config, move: move()}, regions)
    const ctx = stepContext(aws)
    await expect(driveStep(step, ctx)).rejects.toMatchObject({
      code: 'DRCTL_APP_STEP_FAILED',
      exit: 5,
      message: 'step warm-caches: Lambda warm-caches-usw2 in us-west-2 failed: CacheError: redis unreachable',
      hints: [expect.stringContaining('aws logs tail /aws/lambda/warm-caches-usw2'), expect.stringContaining('resume')],
    })
    expect(ctx.recorded('lambda.warm-caches.completed')).toBeUndefined()
    // Resumed once the cause is fixed: invoked again, and it says so.
    aws.state.functions!['us-west-2']!['warm-caches-usw2']!.answer = {payload: 'null'}
    const progress: string[] = []
    const resumed = {...stepContext(aws, {'lambda.warm-caches.attempts': 1}), progress: (m: string) => progress.push(m)}
    await driveStep(step, resumed)
    expect(invocations(aws)).toHaveLength(2)
    expect(progress[0]).toBe('invoking warm-caches-usw2 again: 1 earlier attempt(s) did not complete')
  })

  it('a function error that is not Lambda’s error object is reported as it came', async () => {
    const aws = world({answer: {functionError: 'Handled', payload: 'plain failure'}})
    await expect(driveStep(appStep({step: config, move: move()}, regions), stepContext(aws))).rejects.toMatchObject({
      message: expect.stringMatching(/failed: Handled: plain failure$/),
    })
  })

  it('fails before invoking, naming the step, when the function does not exist', async () => {
    const aws = world()
    delete aws.state.functions?.['us-west-2']?.['warm-caches-usw2']
    await expect(driveStep(appStep({step: config, move: move()}, regions), stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step warm-caches: Lambda function warm-caches-usw2 does not exist in us-west-2',
    })
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('in an unplanned failover tells the function so and never calls the failed Region', async () => {
    const aws = world()
    const step = appStep(
      {step: config, move: move({failedRegions: ['us-east-1'], runbook: 'failover-unplanned'})},
      regions,
    )
    await driveStep(step, stepContext(aws))
    expect(JSON.parse(invocations(aws)[0] as string)).toMatchObject({mode: 'unplanned', failedRegions: ['us-east-1']})
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(step.deadline).toBeUndefined()
  })

  it('lists its invocation and payload for --dry-run, and a dry run (check) calls nothing', async () => {
    const aws = world()
    const step = appStep({step: config, move: move({runbook: 'fallback'})}, regions)
    expect(step.describe()).toEqual([
      {
        service: 'Lambda',
        operation: 'Invoke',
        region: 'us-west-2',
        detail:
          'warm-caches-usw2 (RequestResponse) with {"cache":"sessions","runId":"<run id>","stepId":"warm-caches","mode":"fallback","from":["us-east-1"],"to":"us-west-2","failedRegions":[]}',
      },
    ])
    await step.check(stepContext(aws))
    expect(aws.calls).toEqual([])
  })
})
