import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import type {Experiment} from '../../../src/lib/aws/ports.js'
import type {Clock} from '../../../src/lib/core/clock.js'
import type {EngineContext} from '../../../src/lib/runbook/engine-context.js'
import {resumeRun, startRun} from '../../../src/lib/runbook/engine.js'
import type {RunStartEvent} from '../../../src/lib/runbook/journal.js'
import {loadRun} from '../../../src/lib/runbook/runs.js'
import {chaosOutcome} from '../../../src/lib/runbooks/chaos/evidence.js'
import {stopExperiment} from '../../../src/lib/runbooks/chaos/experiments.js'
import {planChaosRun} from '../../../src/lib/runbooks/chaos/plan.js'
import {RUN_TOKEN_TAG, TOPOLOGY_TAG} from '../../../src/lib/runbooks/chaos/steps.js'
import {resolveTemplate} from '../../../src/lib/runbooks/chaos/templates.js'
import {type ChaosSample, thinTimeline} from '../../../src/lib/runbooks/chaos/timeline.js'
import {rebuildPlan} from '../../../src/lib/runbooks/rebuild-plan.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws, metricKey} from '../../fakes/aws.js'
import {healthyTopology} from '../../fakes/topology.js'
import {tempHome} from '../../helpers/cli.js'
import {ChaosFakeAws, config, failure, fakeClock, world} from './chaos-world.js'

const {home, cleanup} = tempHome('drctl-chaos-')
afterAll(cleanup)

const LAG_KEY = metricKey('AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'orders-usw2'})

const actions = (status: string): Experiment['actions'] => [
  {name: 'DisruptRoutes', actionId: 'aws:network:route-table-disrupt-cross-region-connectivity', status},
  {name: 'PauseCarts', actionId: 'aws:dynamodb:global-table-pause-replication', status},
]

/** The experiment goes initiating → running (lag rises) → the given end (lag recovers), one phase per poll. */
function lifecycle(aws: FakeAws, end: Partial<Experiment> = {status: 'completed'}) {
  const phases: ((experiment: Experiment) => void)[] = [
    (experiment) => Object.assign(experiment, {status: 'running', actions: actions('running')}),
    () => (aws.state.metrics['us-west-2']![LAG_KEY] = {value: 45_000, timestamp: '2026-11-22T03:01:00.000Z'}),
    (experiment) => Object.assign(experiment, {actions: actions('completed'), ...end}),
    () => (aws.state.metrics['us-west-2']![LAG_KEY] = {value: 300, timestamp: '2026-11-22T03:02:00.000Z'}),
  ]
  let phase = 0
  return () => {
    const experiment = aws.state.experiments[0]
    if (experiment && phase < phases.length) phases[phase++]!(experiment)
  }
}

let topologies = 0
const identity = () => ({
  topology: 'retail',
  topologyKey: `test:chaos${++topologies}`,
  configPath: '/x/drctl.yaml',
  sandbox: false,
  flags: {yes: true},
})

function engine(aws: FakeAws, clock: Clock, signal = new AbortController().signal): EngineContext {
  return {home, aws, clock, emit: () => {}, signal, observe: async () => healthyTopology()}
}

async function plan(aws: FakeAws, spec = 'cross-region-connectivity', follow = true) {
  const cfg = config()
  const topology = await observe(cfg, aws)
  const view = await resolveTemplate(cfg, aws, spec)
  return planChaosRun(cfg, topology, view, {
    follow,
    noStopConditionOk: false,
    forceGates: false,
    clientToken: 'drctl-token-1',
  })
}

describe('chaos run', () => {
  it('plans a typed confirmation, the tagged start with its token, and the follow', async () => {
    const aws = new FakeAws(world())
    const planned = await plan(aws)
    expect(planned.kind).toBe('chaos-run')
    expect(planned.gates.filter((gate) => gate.status === 'fail')).toEqual([])
    expect(planned.confirmation).toMatchObject({
      kind: 'typed',
      expected: 'cross-region-connectivity',
      yesSuffices: true,
    })
    expect(planned.items.map((item) => item.id)).toEqual(['start', 'follow'])
    expect(planned.params).toMatchObject({
      clientToken: 'drctl-token-1',
      tags: {[RUN_TOKEN_TAG]: 'drctl-token-1', [TOPOLOGY_TAG]: 'retail'},
    })
    expect('describe' in planned.items[0]! && planned.items[0].describe()[0]).toMatchObject({
      operation: 'StartExperiment',
      region: 'us-east-1',
      detail: expect.stringContaining('clientToken drctl-token-1'),
    })
    expect((await plan(aws, 'EXT1', false)).items.map((item) => item.id)).toEqual(['start'])
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('starts once, follows to completed, and records states and signals (lag rises, then recovers)', async () => {
    const aws = new ChaosFakeAws(world())
    const planned = await plan(aws)
    const result = await startRun(planned, identity(), engine(aws, fakeClock(lifecycle(aws))))
    expect(result).toMatchObject({outcome: 'completed', exit: 0})
    expect(aws.mutatingCalls()).toEqual([
      expect.objectContaining({
        operation: 'StartExperiment',
        args: [{templateId: 'EXT1', clientToken: 'drctl-token-1', tags: planned.params.tags}],
      }),
    ])
    const timeline = result.evidence.timeline as ChaosSample[]
    expect(timeline[0]).toMatchObject({status: 'before', lag: {'orders-usw2 (us-west-2)': 250}})
    expect(timeline.map((sample) => sample.status)).toEqual(
      expect.arrayContaining(['before', 'initiating', 'running', 'completed']),
    )
    expect(timeline.some((sample) => sample.actions.PauseCarts === 'running')).toBe(true)
    expect(timeline.at(-1)?.routing).toEqual({'retail-us-east-1': 'On', 'retail-us-west-2': 'Off'})
    const outcome = chaosOutcome(result.evidence)
    expect(outcome.experiment).toMatchObject({status: 'completed', templateName: 'cross-region-connectivity'})
    expect(outcome.peaks.find((peak) => peak.signal === 'orders-usw2 (us-west-2)')).toMatchObject({
      beforeMs: 250,
      peakMs: 45_000,
      lastMs: 300,
    })
    expect(outcome.recovery).toMatchObject({recovered: true, belowMs: 5000})
    const report = JSON.parse(readFileSync(join(result.reportPath, '..', 'report.json'), 'utf8'))
    expect(report.evidence.timeline.length).toBe(timeline.length)
    expect(report.evidence.template).toMatchObject({id: 'EXT1', hasStopCondition: true})
  })

  it('a failed experiment ends the run with FIS’s reason (exit 5)', async () => {
    const aws = new ChaosFakeAws(world())
    const clock = fakeClock(lifecycle(aws, {status: 'failed', reason: 'Target resolution failed'}))
    const error = await failure(startRun(await plan(aws), identity(), engine(aws, clock)))
    expect(error).toMatchObject({code: 'DRCTL_AWS_ERROR', exit: 5})
    expect(error?.message).toContain('FIS experiment EXP')
    expect(error?.message).toContain('failed: Target resolution failed')
  })

  it('a refused start is one line saying nothing was started (exit 5)', async () => {
    const aws = new ChaosFakeAws(world())
    aws.startError = {
      name: 'ServiceQuotaExceededException',
      message: 'Too many experiments',
      $metadata: {httpStatusCode: 402},
    }
    const error = await failure(startRun(await plan(aws), identity(), engine(aws, fakeClock())))
    expect(error).toMatchObject({code: 'DRCTL_AWS_ERROR', exit: 5})
    expect(error?.message).toContain(
      'FIS refused to start cross-region-connectivity in us-east-1: ServiceQuotaExceededException: Too many experiments; no experiment was started',
    )
    expect(error?.hints[0]).toContain('drctl chaos status')
    expect(aws.state.experiments).toEqual([])
  })

  it('finds the experiment its token started instead of starting a second one', async () => {
    const aws = new ChaosFakeAws(world())
    aws.state.experiments.push({
      id: 'EXPEARLIER',
      templateId: 'EXT1',
      status: 'running',
      actions: actions('running'),
      tags: {[RUN_TOKEN_TAG]: 'drctl-token-1', [TOPOLOGY_TAG]: 'retail'},
      region: 'us-east-1',
    })
    const result = await startRun(await plan(aws), identity(), engine(aws, fakeClock(lifecycle(aws))))
    expect(aws.mutatingCalls()).toEqual([])
    expect(chaosOutcome(result.evidence).experiment).toMatchObject({id: 'EXPEARLIER', status: 'completed'})
    expect(result.steps.map((step) => step.status)).toEqual(['skipped', 'done'])
  })

  it('Ctrl-C interrupts the follow (timeline kept); a resume reuses the experiment and finishes', async () => {
    const aws = new ChaosFakeAws(world())
    const controller = new AbortController()
    let sleeps = 0
    const interrupting = fakeClock(() => {
      if (++sleeps === 2) controller.abort()
      else lifecycle(aws)()
    })
    const id = identity()
    const error = await failure(startRun(await plan(aws), id, engine(aws, interrupting, controller.signal)))
    expect(error).toMatchObject({code: 'DRCTL_INTERRUPTED', exit: 130})
    const runId = (error?.result as {runId: string}).runId
    const {summary, events} = loadRun(home, runId)
    expect(summary.status).toBe('interrupted')
    expect(events.filter((event) => event.type === 'record' && event.key === 'timeline').length).toBeGreaterThan(0)

    const experiment = aws.state.experiments[0]!
    await stopExperiment(aws, 'us-east-1', experiment.id, {
      clock: fakeClock(() => (experiment.status = 'stopped')),
      signal: new AbortController().signal,
    })
    const start = events.find((event): event is RunStartEvent => event.type === 'run-start')!
    const rebuilt = rebuildPlan(start, config())
    expect(rebuilt.items.map((item) => item.id)).toEqual(['start', 'follow'])
    const resumed = await resumeRun(runId, rebuilt, engine(aws, fakeClock()))
    expect(resumed).toMatchObject({outcome: 'completed', exit: 0})
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual(['StartExperiment', 'StopExperiment'])
    expect(chaosOutcome(resumed.evidence).experiment).toMatchObject({id: experiment.id, status: 'stopped'})
    expect((resumed.evidence.timeline as ChaosSample[]).at(-1)?.status).toBe('stopped')
  })
})

describe('the timeline of a long experiment', () => {
  it('is thinned, keeping the first and last samples, every change of state and each signal’s peak', () => {
    const samples: ChaosSample[] = Array.from({length: 1000}, (_, index) => ({
      at: new Date(index * 10_000).toISOString(),
      elapsedMs: index * 10_000,
      status: index === 0 ? 'before' : index < 900 ? 'running' : 'completed',
      actions: {},
      lag: {'orders-usw2 (us-west-2)': index === 333 ? 90_000 : 300},
      routing: {},
    }))
    const thinned = thinTimeline(samples)
    expect(thinned.length).toBeLessThan(520)
    expect(thinned[0]?.status).toBe('before')
    expect(thinned.at(-1)).toBe(samples[999])
    expect(thinned).toContain(samples[1])
    expect(thinned).toContain(samples[900])
    expect(thinned).toContain(samples[333])
  })
})
