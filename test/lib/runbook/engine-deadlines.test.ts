import {readFileSync} from 'node:fs'

import {afterAll, describe, expect, it} from 'vitest'

import type {Clock} from '../../../src/lib/core/clock.js'
import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {ProgressEvent} from '../../../src/lib/core/events.js'
import {approvalsOf, approvalToGive, recordApproval} from '../../../src/lib/runbook/approvals.js'
import type {EngineContext} from '../../../src/lib/runbook/engine-context.js'
import {startRun} from '../../../src/lib/runbook/engine.js'
import {loadRun} from '../../../src/lib/runbook/runs.js'
import {JournalMirror} from '../../../src/lib/runbook/team-journal.js'
import type {RunPlan, Step, StepContext, StepDeadline} from '../../../src/lib/runbook/types.js'
import {FakeAws} from '../../fakes/aws.js'
import {FakeItemTables} from '../../fakes/dynamodb-items.js'
import {twoRegionState} from '../../fakes/state.js'
import {healthyTopology} from '../../fakes/topology.js'
import {stepsPlan} from '../runbooks/step-context.js'
import {tempHome} from '../../helpers/cli.js'

const {home, cleanup} = tempHome('drctl-deadlines-')
afterAll(cleanup)

/** Sleeps that never end on their own: only an abort ends them (a control plane that hangs). */
const hangingClock: Clock = {
  scale: 1,
  now: () => Date.parse('2026-12-03T03:00:00Z'),
  sleep: (_ms, signal) =>
    new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), {once: true})),
}

/** The first sleep of `deadlineMs` resolves at once (the deadline passes); every other sleep hangs. */
function deadlineClock(deadlineMs: number): Clock {
  return {
    ...hangingClock,
    sleep: (ms, signal) => (ms === deadlineMs ? Promise.resolve() : hangingClock.sleep(ms, signal)),
  }
}

class ControlPlaneStep implements Step {
  readonly title: string
  ran = false
  constructor(
    readonly id: string,
    readonly deadline: StepDeadline | undefined,
    private readonly behaviour: 'hang' | 'refuse' | 'work',
  ) {
    this.title = `step ${id}`
  }
  describe() {
    return [{service: 'Route 53', operation: 'ChangeResourceRecordSets', region: 'us-east-1', detail: this.id}]
  }
  async check() {
    return {state: 'pending' as const}
  }
  async run(ctx: StepContext) {
    if (this.behaviour === 'hang') await ctx.clock.sleep(1, ctx.signal)
    if (this.behaviour === 'refuse')
      throw new AwsCallError(
        {service: 'Route 53', operation: 'ChangeResourceRecordSets', region: 'us-east-1'},
        {name: 'AccessDeniedException', message: 'no', $metadata: {httpStatusCode: 403}},
        1000,
      )
    this.ran = true
  }
  async verify() {}
}

function plan(items: Step[]): RunPlan {
  return {...stepsPlan('deadlines', items), excludedRegions: ['us-east-1']}
}

let topologies = 0
function run(steps: Step[], clock: Clock, mirror?: JournalMirror) {
  const events: ProgressEvent[] = []
  const context: EngineContext = {
    home,
    aws: new FakeAws(twoRegionState()),
    clock,
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
    observe: async () => healthyTopology(),
    ...(mirror ? {mirror} : {}),
  }
  const identity = {
    topology: `d${++topologies}`,
    topologyKey: `test:d${topologies}`,
    configPath: '/x',
    sandbox: true,
    flags: {},
  }
  return {events, result: startRun(plan(steps), identity, context)}
}

const defer = (ms = 20_000): StepDeadline => ({ms, onMiss: 'defer', followUp: 'point the record at us-west-2 later'})

describe('steps with a deadline (a control plane in the failed Region)', () => {
  it('a step that misses its deadline is deferred: the run goes on, and the report lists the follow-up', async () => {
    const late = new ControlPlaneStep('dns', defer(20_000), 'hang')
    const next = new ControlPlaneStep('after', undefined, 'work')
    const {result, events} = run([late, next], deadlineClock(20_000))
    const outcome = await result
    expect(outcome.outcome).toBe('completed')
    expect(next.ran).toBe(true)
    expect(outcome.steps.find((step) => step.id === 'dns')).toMatchObject({status: 'deferred'})
    expect(events).toContainEqual(expect.objectContaining({type: 'task-end', id: 'dns', status: 'deferred'}))
    const report = JSON.parse(readFileSync(outcome.reportPath.replace(/\.md$/, '.json'), 'utf8'))
    expect(report.followUps).toEqual([expect.stringContaining('point the record at us-west-2 later')])
    expect(readFileSync(outcome.reportPath, 'utf8')).toContain('point the record at us-west-2 later')
  })

  it('a step that fails is deferred the same way', async () => {
    const refused = new ControlPlaneStep('dns', defer(), 'refuse')
    const outcome = await run([refused], hangingClock).result
    expect(outcome.outcome).toBe('completed')
    expect(outcome.steps[0]).toMatchObject({status: 'deferred', error: expect.stringContaining('AccessDenied')})
  })

  it('a required step stops the run instead: timed out, resumable', async () => {
    const required = new ControlPlaneStep('dns', {...defer(20_000), onMiss: 'stop'}, 'hang')
    const after = new ControlPlaneStep('after', undefined, 'work')
    await expect(run([required, after], deadlineClock(20_000)).result).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      exit: 7,
      hints: expect.arrayContaining([expect.stringContaining('drctl runs resume')]),
    })
    expect(after.ran).toBe(false)
  })
})

describe('approvals', () => {
  it('are journaled by another process and seen by the run; each is given once', async () => {
    const {result} = run([new ControlPlaneStep('x', undefined, 'work')], hangingClock)
    const {runId} = await result
    expect(() => approvalsOf(home, runId)).toThrow(/completed: there is nothing to approve/)
    expect(() => approvalToGive([], undefined, runId)).toThrow(/has no approval step/)
    const open = [
      {step: 'a', title: 'A', waiting: true},
      {step: 'b', title: 'B', waiting: false},
    ]
    expect(() => approvalToGive(open, undefined, runId)).toThrow(/2 approvals to give: name one with --step/)
    expect(approvalToGive(open, 'b', runId).step).toBe('b')
    expect(() => approvalToGive([{...open[0]!, approvedBy: 'ops'}], 'a', runId)).toThrow(/already given by ops/)
    recordApproval(home, runId, 'a', 'arn:aws:sts::1:assumed-role/ops/me (me@laptop)')
    expect(loadRun(home, runId).events.at(-1)).toMatchObject({
      type: 'approval',
      step: 'a',
      by: expect.stringContaining('me@laptop'),
    })
  })

  it('given on another machine through the team table, is seen by the run and journaled by it', async () => {
    const tables = new FakeItemTables()
    tables.create('us-west-2', 'drctl-state', {name: 'pk', type: 'S'}, {name: 'sk', type: 'S'})
    const port = {region: 'us-west-2', ...tables.port('us-west-2')}
    const colleague = tempHome('drctl-colleague-')
    let seen: unknown
    class WaitsForApproval extends ControlPlaneStep {
      override async run(ctx: StepContext) {
        await new JournalMirror(port, 'drctl-state', colleague.home).pushApproval(ctx.runId, {
          step: 'board',
          by: 'arn:aws:sts::1:assumed-role/ops/bo (bo@laptop)',
          at: '2026-12-03T03:00:01.000Z',
        })
        seen = await ctx.approvals()
      }
    }
    const {result} = run(
      [new WaitsForApproval('x', undefined, 'work')],
      hangingClock,
      new JournalMirror(port, 'drctl-state', home),
    )
    const {runId} = await result
    colleague.cleanup()
    expect(seen).toEqual([expect.objectContaining({step: 'board', by: expect.stringContaining('bo@laptop')})])
    expect(loadRun(home, runId).events).toContainEqual(
      expect.objectContaining({type: 'approval', step: 'board', by: expect.stringContaining('bo@laptop')}),
    )
  })
})
