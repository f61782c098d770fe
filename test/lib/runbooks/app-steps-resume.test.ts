import {afterAll, describe, expect, it} from 'vitest'

import type {StepConfig} from '../../../src/lib/config/steps.js'
import {resumeRun, startRun} from '../../../src/lib/runbook/engine.js'
import {appStep} from '../../../src/lib/runbooks/app-steps/kinds.js'
import {FakeAws, type FakeEcsService} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {tempHome} from '../../helpers/cli.js'
import {engineContext, stepMove, stepsPlan} from './step-context.js'

// Through the real engine and journal: what a step records survives the process, and a resume trusts nothing else.

const {home, cleanup} = tempHome('drctl-app-steps-resume-')
afterAll(cleanup)

const regions = ['us-east-1', 'us-west-2']
const move = stepMove()
const lambda: StepConfig = {
  id: 'warm-caches',
  kind: 'lambda',
  required: false,
  payload: {},
  regions: {'us-east-1': {function: 'warm'}, 'us-west-2': {function: 'warm'}},
}
const restart: StepConfig = {
  id: 'restart',
  kind: 'ecs-service',
  action: 'redeploy',
  required: false,
  timeoutMs: 60_000,
  regions: {'us-east-1': {cluster: 'app', services: ['api']}, 'us-west-2': {cluster: 'app', services: ['api']}},
}

function world(): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.functions = {'us-west-2': {warm: {arn: 'arn:aws:lambda:us-west-2:1:function:warm', invocations: []}}}
  const api: FakeEcsService = {
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    deployments: [
      {id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2, failedTasks: 0},
    ],
  }
  aws.state.ecsServices = {'us-west-2': {'app/api': api}}
  return aws
}

const plan = () =>
  stepsPlan('application steps', [appStep({step: lambda, move}, regions), appStep({step: restart, move}, regions)])

let topologies = 0
const context = (aws: FakeAws) => engineContext(home, aws)
const identity = () => ({
  topology: `s${++topologies}`,
  topologyKey: `test:s${topologies}`,
  configPath: '/x',
  sandbox: true,
  flags: {},
})

const invocations = (aws: FakeAws) => aws.state.functions?.['us-west-2']?.warm?.invocations ?? []
const updates = (aws: FakeAws) => aws.mutatingCalls().filter((call) => call.operation === 'UpdateService')

describe('application steps resumed through the journal', () => {
  it('a function error stops the run with exit 5; the resume invokes it again and goes on', async () => {
    const aws = world()
    aws.state.functions!['us-west-2']!.warm!.answer = {
      functionError: 'Unhandled',
      payload: '{"errorMessage":"redis unreachable"}',
    }
    const failed = await startRun(plan(), identity(), context(aws)).catch((error: unknown) => error)
    expect(failed).toMatchObject({
      code: 'DRCTL_APP_STEP_FAILED',
      exit: 5,
      message: expect.stringContaining('redis unreachable'),
      hints: expect.arrayContaining([expect.stringContaining('drctl runs resume')]),
    })
    const runId = (failed as {result: {runId: string}}).result.runId
    aws.state.functions!['us-west-2']!.warm!.answer = {payload: '"ok"'}
    const resumed = await resumeRun(runId, plan(), context(aws))
    expect(resumed.outcome).toBe('completed')
    expect(invocations(aws)).toHaveLength(2)
  })

  it('a resume after a timeout neither invokes the completed function again nor forces a second deployment', async () => {
    const aws = world()
    aws.state.ecsServices!['us-west-2']!['app/api']!.stuck = true
    const timedOut = await startRun(plan(), identity(), context(aws)).catch((error: unknown) => error)
    expect(timedOut).toMatchObject({code: 'DRCTL_TIMEOUT', exit: 7})
    expect([invocations(aws).length, updates(aws).length]).toEqual([1, 1])
    aws.state.ecsServices!['us-west-2']!['app/api']!.stuck = false
    const runId = (timedOut as {result: {runId: string}}).result.runId
    const resumed = await resumeRun(runId, plan(), context(aws))
    expect(resumed.outcome).toBe('completed')
    expect(resumed.steps.map((step) => step.status)).toEqual(['skipped', 'done'])
    expect([invocations(aws).length, updates(aws).length]).toEqual([1, 1])
  })
})
