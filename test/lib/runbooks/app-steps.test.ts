import {describe, expect, it} from 'vitest'

import type {StepConfig} from '../../../src/lib/config/steps.js'
import {appStep} from '../../../src/lib/runbooks/app-steps/kinds.js'
import {planFailover} from '../../../src/lib/runbooks/failover.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {healthyTopology, testConfig} from '../../fakes/topology.js'
import {stepsOf} from '../../helpers/plan.js'
import {stepContext, stepMove} from './step-context.js'

const request = {maxLagMs: 5000, allowChaos: false, endpoints: [{region: 'eu-west-1', url: 'https://e3/v1'}]}
const steps = `steps:
  - id: change-board
    kind: approval
  - id: writer-region
    kind: ssm-parameter
    name: /retail/writer
    value: "{{target}}"
  - id: restart
    kind: ssm-parameter
    name: /retail/restarted-for
    value: "{{runId}}"
    phase: after-traffic
    runbooks: [failover-planned]
`
const parameter: StepConfig = {
  id: 'writer-region',
  kind: 'ssm-parameter',
  name: '/retail/writer',
  value: '{{target}} holds {{globalCluster orders-global}}',
  type: 'String',
  required: false,
}

describe('application steps in a failover', () => {
  it('place themselves by phase: approval first, parameters after the databases, after-traffic last', () => {
    const plan = planFailover(testConfig(steps), healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    expect(plan.items.map((item) => item.id)).toEqual([
      'step.change-board',
      'databases',
      'step.writer-region',
      'traffic',
      'step.restart',
      'verify',
    ])
  })

  it('traffic-first and unplanned runs keep the approval first and the database steps after the databases', () => {
    const config = testConfig(`failover: {order: traffic-first}\n${steps}`)
    const planned = planFailover(config, healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    expect(planned.items.map((item) => item.id)).toEqual([
      'step.change-board',
      'traffic',
      'databases',
      'step.writer-region',
      'step.restart',
      'verify',
    ])
    const unplanned = planFailover(config, healthyTopology(), {...request, mode: 'unplanned', target: 'us-west-2'})
    // `restart` joins planned failovers only.
    expect(unplanned.items.map((item) => item.id)).toEqual([
      'step.change-board',
      'traffic',
      'databases',
      'step.writer-region',
      'verify',
    ])
  })

  it('are journaled with the plan: a resume rebuilds the same steps without drctl.yaml’s steps', () => {
    const plan = planFailover(testConfig(steps), healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    const journaled = JSON.parse(JSON.stringify(plan.params)) as {appSteps: {step: {id: string}}[]}
    expect(journaled.appSteps.map((spec) => spec.step.id)).toEqual(['change-board', 'writer-region', 'restart'])
  })

  it('list every call with its Region for --dry-run', () => {
    const plan = planFailover(testConfig(steps), healthyTopology(), {...request, mode: 'planned', target: 'us-west-2'})
    const calls = stepsOf(plan.items)
      .find((step) => step.id === 'step.writer-region')
      ?.describe()
    expect(calls).toEqual([
      {
        service: 'SSM',
        operation: 'PutParameter',
        region: 'us-east-1',
        detail: '/retail/writer = us-west-2 (Overwrite)',
      },
      {
        service: 'SSM',
        operation: 'PutParameter',
        region: 'us-west-2',
        detail: '/retail/writer = us-west-2 (Overwrite)',
      },
    ])
  })
})

describe('ssm-parameter step', () => {
  it('writes where the value differs, reads it back, and a second run finds it done', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.state.parameters = {
      'us-east-1': {'/retail/writer': {name: '/retail/writer', value: 'old', type: 'String', version: 3}},
    }
    const step = appStep({step: parameter, move: stepMove()}, ['us-east-1', 'us-west-2'])
    const ctx = stepContext(aws)
    expect(await step.check(ctx)).toMatchObject({state: 'pending', note: 'to set in us-east-1, us-west-2'})
    await step.run(ctx)
    await step.verify(ctx)
    expect(aws.state.parameters['us-east-1']?.['/retail/writer']).toMatchObject({
      value: 'us-west-2 holds orders-global',
      version: 4,
    })
    const writes = aws.mutatingCalls().length
    expect(await step.check(ctx)).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(writes)
  })

  it('in an unplanned failover never calls the failed Region and leaves its write as a follow-up', async () => {
    const aws = new FakeAws(twoRegionState())
    const step = appStep({step: parameter, move: stepMove({failedRegions: ['us-east-1']})}, ['us-east-1', 'us-west-2'])
    const followUps: string[] = []
    const ctx = stepContext(aws, {}, undefined, {followUps})
    await step.run(ctx)
    await step.verify(ctx)
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(followUps).toEqual([
      expect.stringContaining('put /retail/writer = us-west-2 holds orders-global in us-east-1'),
    ])
    // Nothing it calls is in the failed Region: no deadline, it must simply work.
    expect(step.deadline).toBeUndefined()
  })
})

describe('approval step', () => {
  const approval: StepConfig = {id: 'change-board', kind: 'approval', message: 'CAB agreed?', required: false}

  it('is pending until approved, then done; the approval is what verify reads', async () => {
    const aws = new FakeAws(twoRegionState())
    const step = appStep({step: approval, move: stepMove()}, ['us-east-1', 'us-west-2'])
    expect(await step.check(stepContext(aws))).toMatchObject({state: 'pending'})
    const approved = stepContext(aws, {}, undefined, {approvals: [{step: 'change-board', by: 'ops', at: 'now'}]})
    expect(await step.check(approved)).toMatchObject({state: 'done', note: expect.stringContaining('ops')})
    await step.verify(approved)
    await expect(step.verify(stepContext(aws))).rejects.toMatchObject({code: 'DRCTL_VERIFY_FAILED'})
    expect(aws.calls).toEqual([])
  })

  it('a wait that runs out pauses the run (timed out, resumable) and says how to approve', async () => {
    const step = appStep({step: {...approval, timeoutMs: 60_000}, move: stepMove()}, ['us-east-1', 'us-west-2'])
    const ctx = stepContext(new FakeAws(twoRegionState()))
    await expect(step.wait!(ctx)).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      hints: [
        expect.stringContaining('drctl runs approve test-run --step change-board'),
        expect.stringContaining('resume'),
      ],
    })
  })
})
