import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {Experiment, ExperimentTemplate} from '../../../src/lib/aws/ports.js'
import type {DrctlConfig} from '../../../src/lib/config/schema.js'
import type {Clock} from '../../../src/lib/core/clock.js'
import {DrctlError} from '../../../src/lib/core/errors.js'
import {type EngineContext, resumeRun, startRun} from '../../../src/lib/runbook/engine.js'
import type {RunStartEvent} from '../../../src/lib/runbook/journal.js'
import {loadRun} from '../../../src/lib/runbook/runs.js'
import {findExperiment, listExperiments, stopExperiment} from '../../../src/lib/runbooks/chaos/experiments.js'
import {
  listTemplates,
  parseIsoDuration,
  readStopAlarms,
  resolveTemplate,
  type TemplateView,
  templateView,
} from '../../../src/lib/runbooks/chaos/templates.js'
import {
  type ChaosSample,
  chaosGates,
  chaosOutcome,
  experimentLeftBy,
  planChaosRun,
  RUN_TOKEN_TAG,
  thinTimeline,
  TOPOLOGY_TAG,
} from '../../../src/lib/runbooks/chaos.js'
import {rebuildPlan} from '../../../src/lib/runbooks/rebuild-plan.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws, type FakeState, metricKey} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {healthyTopology, testConfig} from '../../fakes/topology.js'
import {tempHome} from '../../helpers/cli.js'

const {home, cleanup} = tempHome('drctl-chaos-')
afterAll(cleanup)

const ALARM = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:checkout-errors'
const LAG_KEY = metricKey('AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'orders-usw2'})

function config(): DrctlConfig {
  return {...testConfig(), fis: {region: 'us-east-1', templateTags: {Env: 'test'}}}
}

function template(id: string, name: string, overrides: Partial<ExperimentTemplate & {region: string}> = {}) {
  return {
    id,
    description: `${name} experiment`,
    tags: {Name: name, Env: 'test'},
    roleArn: 'arn:aws:iam::111122223333:role/fis',
    region: 'us-east-1',
    targets: {
      Subnets: {
        resourceType: 'aws:ec2:subnet',
        resourceArns: [],
        resourceTags: {ChaosAllowed: 'true'},
        selectionMode: 'ALL',
      },
      Tables: {
        resourceType: 'aws:dynamodb:global-table',
        resourceArns: ['arn:aws:dynamodb:us-east-1:111122223333:table/carts'],
        resourceTags: {},
        selectionMode: 'ALL',
      },
    },
    actions: {
      DisruptRoutes: {
        actionId: 'aws:network:route-table-disrupt-cross-region-connectivity',
        parameters: {duration: 'PT10M', region: 'us-west-2'},
        targets: {Subnets: 'Subnets'},
        startAfter: [],
      },
      PauseCarts: {
        actionId: 'aws:dynamodb:global-table-pause-replication',
        parameters: {duration: 'PT5M'},
        targets: {Tables: 'Tables'},
        startAfter: ['DisruptRoutes'],
      },
    },
    stopConditions: [{source: 'aws:cloudwatch:alarm', value: ALARM}],
    ...overrides,
  }
}

function world(): FakeState {
  const state = twoRegionState()
  state.templates = [
    template('EXT1', 'cross-region-connectivity'),
    template('EXT2', 'pause-carts-replication', {stopConditions: [{source: 'none'}]}),
    {...template('EXT3', 'prod-only'), tags: {Name: 'prod-only', Env: 'prod'}},
    template('EXT9', 'west-side', {region: 'us-west-2'}),
  ]
  return state
}

/** FIS's part, driven by the test: StopExperiment moves the experiment to `stopping`. */
class ChaosFakeAws extends FakeAws {
  startError?: unknown
  override fis(region: string) {
    const base = super.fis(region)
    return {
      ...base,
      startExperiment: async (input: {templateId: string; clientToken: string; tags: Record<string, string>}) => {
        if (this.startError) {
          this.calls.push({service: 'FIS', region, operation: 'StartExperiment', mutating: true, args: [input]})
          throw new AwsCallError({service: 'FIS', operation: 'StartExperiment', region}, this.startError)
        }
        return base.startExperiment(input)
      },
      stopExperiment: async (id: string) => {
        const result = await base.stopExperiment(id)
        const experiment = this.state.experiments.find((candidate) => candidate.id === id)
        if (experiment && !['completed', 'stopped', 'failed', 'cancelled'].includes(experiment.status)) {
          experiment.status = 'stopping'
        }
        return result
      },
    }
  }
}

/** A clock whose sleeps advance time at once and let the test move the world on. */
function fakeClock(onSleep: () => void = () => {}): Clock {
  let now = Date.parse('2026-11-22T03:00:00.000Z')
  return {
    scale: 1,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      now += ms
      onSleep()
    },
  }
}

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

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as DrctlError,
  )

describe('chaos templates', () => {
  it('parses FIS ISO-8601 durations', () => {
    expect(parseIsoDuration('PT10M')).toBe(600_000)
    expect(parseIsoDuration('PT1H30M')).toBe(5_400_000)
    expect(parseIsoDuration('PT45S')).toBe(45_000)
    expect(parseIsoDuration('P1D')).toBe(86_400_000)
    expect(parseIsoDuration('10m')).toBeUndefined()
    expect(parseIsoDuration('PT')).toBeUndefined()
  })

  it('shows actions with durations and order, targets, stop conditions and the expected length', () => {
    const view = templateView(template('EXT1', 'cross-region-connectivity'), 'us-east-1')
    expect(view.actions.map((action) => [action.name, action.durationMs, action.startAfter])).toEqual([
      ['DisruptRoutes', 600_000, []],
      ['PauseCarts', 300_000, ['DisruptRoutes']],
    ])
    expect(view.expectedDurationMs).toBe(900_000)
    expect(view.targets.map((target) => target.resources)).toEqual(['tags ChaosAllowed=true', '1 ARN'])
    expect(view.hasStopCondition).toBe(true)
    expect(
      templateView(template('EXT2', 'x', {stopConditions: [{source: 'none'}]}), 'us-east-1').hasStopCondition,
    ).toBe(false)
  })

  it('lists only the templates carrying the topology’s tags in fis.region', async () => {
    const listing = await listTemplates(config(), new FakeAws(world()))
    expect(listing.templates.map((view) => view.name)).toEqual(['cross-region-connectivity', 'pause-carts-replication'])
    expect(listing.hidden).toBe(1)
  })

  it('selects by id, else by exact Name tag', async () => {
    const aws = new FakeAws(world())
    expect((await resolveTemplate(config(), aws, 'EXT2')).name).toBe('pause-carts-replication')
    expect((await resolveTemplate(config(), aws, 'cross-region-connectivity')).id).toBe('EXT1')
  })

  it('refuses an unknown template with a suggestion and the known names (exit 2)', async () => {
    const error = await failure(resolveTemplate(config(), new FakeAws(world()), 'cross-region-conectivity'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toContain('did you mean "cross-region-connectivity"?')
    expect(error?.hints.join(' ')).toContain('pause-carts-replication')
  })

  it('refuses an ambiguous Name, listing the ids', async () => {
    const state = world()
    state.templates.push(template('EXT4', 'cross-region-connectivity'))
    const error = await failure(resolveTemplate(config(), new FakeAws(state), 'cross-region-connectivity'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toMatch(/ambiguous.*EXT1, EXT4/)
  })

  it('explains the tag filter for a template without the topology’s tags', async () => {
    const error = await failure(resolveTemplate(config(), new FakeAws(world()), 'EXT3'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toContain("does not carry this topology's tags (Env=test)")
  })

  it('names the Region of a template that lives outside fis.region', async () => {
    const error = await failure(resolveTemplate(config(), new FakeAws(world()), 'EXT9'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toBe("template EXT9 is in us-west-2, but drctl.yaml's fis.region is us-east-1")
  })

  it('needs a fis: section', async () => {
    const error = await failure(resolveTemplate({...config(), fis: undefined}, new FakeAws(world()), 'EXT1'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.hints[0]).toContain('fis:')
  })
})

describe('chaos gates', () => {
  const view = (
    stopConditions: {source: string; value?: string}[] = [{source: 'aws:cloudwatch:alarm', value: ALARM}],
  ): TemplateView => templateView(template('EXT1', 'cross-region-connectivity', {stopConditions}), 'us-east-1')
  const options = {noStopConditionOk: false, forceGates: false}
  const status = (gates: {id: string; status: string}[], id: string) => gates.find((gate) => gate.id === id)?.status

  it('pass on a healthy topology with a stop condition', () => {
    const {gates} = chaosGates(config(), healthyTopology(), view(), options)
    expect(gates.filter((gate) => gate.status !== 'ok')).toEqual([])
    expect(gates.map((gate) => gate.id)).toEqual(['gate.account', 'gate.stop-condition', 'gate.chaos', 'gate.status'])
  })

  it('refuse a template without a stop condition, unless accepted (recorded)', () => {
    const none = view([{source: 'none'}])
    expect(status(chaosGates(config(), healthyTopology(), none, options).gates, 'gate.stop-condition')).toBe('fail')
    const accepted = chaosGates(config(), healthyTopology(), none, {...options, noStopConditionOk: true})
    expect(status(accepted.gates, 'gate.stop-condition')).toBe('warn')
    expect(accepted.notes.join(' ')).toContain('--no-stop-condition-ok')
  })

  it('judge each stop-condition alarm: OK passes; ALARM refuses; missing refuses (unless accepted); no data warns', () => {
    const judged = (states: Record<string, string>, extra = {}) =>
      status(
        chaosGates(config(), healthyTopology(), view(), {...options, ...extra, stopAlarms: {states}}).gates,
        'gate.stop-condition.checkout-errors',
      )
    expect(judged({[ALARM]: 'OK'})).toBe('ok')
    expect(judged({[ALARM]: 'ALARM'})).toBe('fail')
    expect(judged({[ALARM]: 'ALARM'}, {noStopConditionOk: true, forceGates: true})).toBe('fail')
    expect(judged({[ALARM]: 'missing'})).toBe('fail')
    expect(judged({[ALARM]: 'missing'}, {noStopConditionOk: true})).toBe('warn')
    expect(judged({[ALARM]: 'INSUFFICIENT_DATA'})).toBe('warn')
    const unread = chaosGates(config(), healthyTopology(), view(), {...options, stopAlarms: {unreadable: 'denied'}})
    expect(status(unread.gates, 'gate.stop-condition.alarms')).toBe('warn')
  })

  it('read the stop-condition alarms in the template’s Region; a refused read leaves them unknown', async () => {
    const state = world()
    state.alarms = {'us-east-1': [{name: 'checkout-errors', state: 'ALARM'}]}
    const aws = new FakeAws(state)
    expect(await readStopAlarms(aws, view())).toEqual({states: {[ALARM]: 'ALARM'}})
    expect(await readStopAlarms(new FakeAws(world()), view())).toEqual({states: {[ALARM]: 'missing'}})
    aws.fail('CloudWatch', 'us-east-1', {
      kind: 'access',
      message: 'not authorized to perform: cloudwatch:DescribeAlarms',
    })
    expect(await readStopAlarms(aws, view())).toEqual({unreadable: expect.stringContaining('DescribeAlarms')})
  })

  it('refuse while another experiment is active, or when experiments cannot be listed', () => {
    const topology = healthyTopology()
    topology.chaos!.running = [{id: 'EXP7', templateId: 'EXT2', status: 'running', tags: {}, region: 'us-east-1'}]
    const {gates} = chaosGates(config(), topology, view(), options)
    expect(gates.find((gate) => gate.id === 'gate.chaos')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('EXP7 running in us-east-1'),
    })
    const blind = healthyTopology()
    blind.chaos!.unreadable = [{region: 'us-east-1', reason: {kind: 'access-denied', message: 'denied'}}]
    expect(status(chaosGates(config(), blind, view(), options).gates, 'gate.chaos')).toBe('fail')
  })

  it('refuse on a failing status check, naming it; --force-gates overrides and records it', () => {
    const topology = healthyTopology()
    topology.stacks[1]!.status = 'ROLLBACK_COMPLETE'
    const strict = chaosGates(config(), topology, view(), options)
    expect(strict.gates.find((gate) => gate.id === 'gate.status')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('stack app-usw2 in us-west-2 ROLLBACK_COMPLETE'),
    })
    const forced = chaosGates(config(), topology, view(), {...options, forceGates: true})
    expect(status(forced.gates, 'gate.status')).toBe('warn')
    expect(forced.notes.join(' ')).toContain('overridden by --force-gates (recorded): stack app-usw2')
  })

  it('refuse credentials of another account, even with --force-gates', () => {
    const topology = healthyTopology()
    topology.identity!.account = '999988887777'
    const {gates} = chaosGates(config(), topology, view(), {noStopConditionOk: true, forceGates: true})
    expect(status(gates, 'gate.account')).toBe('fail')
  })
})

describe('after a failed chaos run', () => {
  it('finds the experiment the run started (from its evidence) and reads how FIS sees it now', async () => {
    const aws = new FakeAws(world())
    const failure = (result?: unknown) => new DrctlError('DRCTL_INTERRUPTED', 'interrupted', {result})
    expect(await experimentLeftBy(aws, failure())).toBeUndefined()
    expect(await experimentLeftBy(aws, failure({runId: 'r1', evidence: {}}))).toBeUndefined()
    const experiment = {id: 'EXPgone', region: 'us-east-1', templateId: 'EXT1', templateName: 'x', status: 'running'}
    const left = await experimentLeftBy(aws, failure({runId: 'r1', evidence: {experiment}}))
    expect(left).toEqual({experiment, current: undefined, runId: 'r1'})
    expect(aws.calls.map((call) => `${call.operation} ${call.region}`)).toEqual(['GetExperiment us-east-1'])
  })
})

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

describe('stopping an experiment', () => {
  const running = (): FakeState => {
    const state = world()
    state.experiments.push({
      id: 'EXP5',
      templateId: 'EXT1',
      status: 'running',
      actions: [],
      tags: {},
      region: 'us-east-1',
    })
    return state
  }

  it('sends StopExperiment and waits until stopped', async () => {
    const aws = new ChaosFakeAws(running())
    const seen: string[] = []
    const final = await stopExperiment(aws, 'us-east-1', 'EXP5', {
      clock: fakeClock(() => (aws.state.experiments[0]!.status = 'stopped')),
      signal: new AbortController().signal,
      progress: (message) => seen.push(message),
    })
    expect(final.status).toBe('stopped')
    expect(seen).toEqual(['EXP5 stopping'])
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual(['StopExperiment'])
  })

  it('leaves an ended experiment alone, and trusts the state over a refusal for one that just ended', async () => {
    const state = running()
    state.experiments[0]!.status = 'completed'
    const ended = new ChaosFakeAws(state)
    const signal = new AbortController().signal
    expect((await stopExperiment(ended, 'us-east-1', 'EXP5', {clock: fakeClock(), signal})).status).toBe('completed')
    expect(ended.mutatingCalls()).toEqual([])

    const racing = new FakeAws(running())
    const fis = racing.fis('us-east-1')
    let reads = 0
    const endsFirst = Object.assign(racing, {
      fis: () => ({
        ...fis,
        getExperiment: async () => ({...racing.state.experiments[0]!, status: reads++ === 0 ? 'running' : 'completed'}),
        stopExperiment: async () => {
          throw new AwsCallError(
            {service: 'FIS', operation: 'StopExperiment', region: 'us-east-1'},
            {name: 'ValidationException', message: 'experiment already completed', $metadata: {httpStatusCode: 400}},
          )
        },
      }),
    })
    expect((await stopExperiment(endsFirst, 'us-east-1', 'EXP5', {clock: fakeClock(), signal})).status).toBe(
      'completed',
    )
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

describe('finding experiments', () => {
  const state = (): FakeState => {
    const fake = world()
    fake.experiments.push(
      {
        id: 'EXPA',
        templateId: 'EXT1',
        status: 'completed',
        actions: [],
        tags: {},
        region: 'us-east-1',
        creationTime: '2026-11-22T01:00:00.000Z',
      },
      {
        id: 'EXPB',
        templateId: 'EXT9',
        status: 'running',
        actions: [],
        tags: {},
        region: 'us-west-2',
        creationTime: '2026-11-22T02:00:00.000Z',
      },
    )
    return fake
  }

  it('looks in fis.region first, then the topology’s other Regions, and names the template', async () => {
    const aws = new FakeAws(state())
    expect(await findExperiment(config(), aws, 'EXPB')).toMatchObject({region: 'us-west-2', templateName: 'west-side'})
    const error = await failure(findExperiment(config(), aws, 'EXPZ'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toBe('no FIS experiment EXPZ in us-east-1, us-west-2')
  })

  it('lists every Region’s experiments newest first, and the Regions that did not answer', async () => {
    const aws = new FakeAws(state())
    expect((await listExperiments(config(), aws)).experiments.map((experiment) => experiment.id)).toEqual([
      'EXPB',
      'EXPA',
    ])
    aws.fail('FIS', 'us-west-2', {kind: 'access'})
    const partial = await listExperiments(config(), aws)
    expect(partial.experiments.map((experiment) => experiment.id)).toEqual(['EXPA'])
    expect(partial.unreadable).toEqual([{region: 'us-west-2', message: expect.stringContaining('AccessDenied')}])
  })
})
