import {randomUUID} from 'node:crypto'

import {AwsCallError} from '../aws/errors.js'
import type {AwsPorts, Experiment} from '../aws/ports.js'
import {type Check, fail, ok, warn} from '../checks/check.js'
import {accountGate} from '../checks/gates.js'
import {statusChecks} from '../checks/status-checks.js'
import type {DrctlConfig} from '../config/schema.js'
import {type Clock, formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {RunResult} from '../runbook/engine.js'
import {waitFor} from '../runbook/wait.js'
import type {PlanItem, PlannedCall, RunPlan, Step, StepCheck, StepContext} from '../runbook/types.js'
import type {Topology} from '../topology/views.js'
import {observe} from '../topology/observe.js'
import {isTerminal, readExperiment} from './chaos/experiments.js'
import {alarmNameOf, describeTags, type StopAlarms, type TemplateView} from './chaos/templates.js'

// The chaos-run runbook (runbook-spec R8): guardrail gates, the start with an idempotency token, and following the
// experiment while sampling the DR signals into the report's timeline.

export const CHAOS_RUN = 'chaos-run'
/** Tags drctl puts on every experiment it starts: the token finds the experiment of a run again after a crash. */
export const RUN_TOKEN_TAG = 'drctl:run-token'
export const TOPOLOGY_TAG = 'drctl:topology'

/** Beyond the template's own durations: initiating, target resolution, actions without a duration. */
const FOLLOW_MARGIN_MS = 15 * 60_000
const FOLLOW_DEFAULT_MS = 30 * 60_000
/** How long lag may take to return under the gate after the experiment ends before the report calls it slow. */
const RECOVERY_WINDOW_MS = 5 * 60_000
const POLL_FIRST_MS = 5000
const POLL_MAX_MS = 10_000
/** Timeline samples are journaled on every state change and at least this often. */
const SAVE_EVERY_SAMPLES = 10
/** A long experiment (FIS allows 12 h) keeps its timeline, and so the journal, bounded by thinning it. */
const MAX_TIMELINE_SAMPLES = 240

// ---- Gates and plan ----------------------------------------------------------------------------------------------

export interface ChaosRequest {
  /** Follow the experiment to its end (and lag to recovery), or only start it. */
  follow: boolean
  /** Accept a template without a stop condition (recorded). */
  noStopConditionOk: boolean
  /** Start although status checks fail (recorded). */
  forceGates: boolean
  /** The stop-condition alarms as CloudWatch reported them just now (absent: not read, not judged). */
  stopAlarms?: StopAlarms
  /** Generated once per plan and journaled: a retried or resumed start reuses it, so FIS starts one experiment. */
  clientToken: string
}

/** Journaled parameters: enough to rebuild the steps on `drctl runs resume`. */
export interface ChaosParams {
  region: string
  templateId: string
  templateName: string
  clientToken: string
  tags: Record<string, string>
  follow: boolean
  followTimeoutMs: number
  /** Lag at or below this counts as recovered (gates.maxReplicationLagMs). */
  recoveredBelowMs: number
  [key: string]: unknown
}

export function newClientToken(): string {
  // FIS accepts up to 64 characters: a UUID, not the topology name, which may itself be 63 long.
  return `drctl-${randomUUID()}`
}

/** The guardrails: a way to stop it, no other experiment at a time, a healthy topology to start from. */
export function chaosGates(
  config: DrctlConfig,
  topology: Topology,
  template: TemplateView,
  options: Pick<ChaosRequest, 'noStopConditionOk' | 'forceGates' | 'stopAlarms'>,
): {gates: Check[]; notes: string[]} {
  const gates: Check[] = []
  const notes: string[] = []
  gates.push(accountGate(config.account, topology))

  if (template.hasStopCondition) {
    const alarms = template.stopConditions.filter((condition) => condition.source !== 'none')
    gates.push(
      ok(
        'gate.stop-condition',
        `FIS stops the experiment when ${alarms.map((condition) => condition.value ?? condition.source).join(' or ')} goes to ALARM`,
      ),
    )
  } else if (options.noStopConditionOk) {
    gates.push(
      warn(
        'gate.stop-condition',
        `template ${template.name} has no stop condition; accepted by --no-stop-condition-ok (recorded)`,
      ),
    )
    notes.push(
      `no stop condition (accepted by --no-stop-condition-ok): only its duration${template.expectedDurationMs ? ` (${formatDuration(template.expectedDurationMs)})` : ''} or drctl chaos stop ends it`,
    )
  } else {
    gates.push(
      fail(
        'gate.stop-condition',
        `template ${template.name} has no stop condition: nothing but its duration or a manual stop would end it; add a CloudWatch alarm stop condition, or pass --no-stop-condition-ok`,
      ),
    )
  }
  if (template.hasStopCondition && options.stopAlarms) gates.push(...stopAlarmGates(template, options))

  const chaos = topology.chaos
  const running = chaos?.running ?? []
  const unreadableFis = chaos?.unreadable.find((entry) => entry.region === template.region)
  if (running.length > 0) {
    gates.push(
      fail(
        'gate.chaos',
        `FIS experiment(s) already active: ${running.map((experiment) => `${experiment.id} ${experiment.status} in ${experiment.region}`).join(', ')}; one at a time: wait, or drctl chaos stop ${running[0]?.id}`,
      ),
    )
  } else if (!chaos || unreadableFis) {
    gates.push(
      fail(
        'gate.chaos',
        `experiments in ${template.region} could not be listed${unreadableFis ? `: ${unreadableFis.reason.message}` : ''}; refusing to start another one blind`,
      ),
    )
  } else {
    for (const {region, reason} of chaos.unreadable) {
      gates.push(warn(`gate.chaos.${region}`, `experiments in ${region} could not be listed: ${reason.message}`))
    }
    gates.push(ok('gate.chaos', `no FIS experiment active in ${config.regions.join(', ')}`))
  }

  // The account is gated above (never overridable); the chaos checks warn about what gate.chaos already judged.
  const checks = statusChecks(topology, config).filter(
    (check) => check.id !== 'identity' && !check.id.startsWith('chaos'),
  )
  const failing = checks.filter((check) => check.status === 'fail')
  if (failing.length === 0) {
    const warnings = checks.filter((check) => check.status === 'warn').length
    gates.push(
      ok('gate.status', `status checks pass${warnings > 0 ? ` (${warnings} warning(s): see drctl status)` : ''}`),
    )
  } else {
    const findings = failing.map((check) => check.message).join('; ')
    if (options.forceGates) {
      gates.push(
        warn('gate.status', `${failing.length} status check(s) fail, overridden by --force-gates: ${findings}`),
      )
      notes.push(`status gate overridden by --force-gates (recorded): ${findings}`)
    } else {
      gates.push(
        fail(
          'gate.status',
          `${failing.length} status check(s) fail: ${findings}; an experiment on an unhealthy topology teaches nothing (--force-gates overrides, recorded)`,
        ),
      )
    }
  }
  return {gates, notes}
}

/** Each stop-condition alarm must exist and be able to fire; one already in ALARM would stop the experiment at once. */
function stopAlarmGates(
  template: TemplateView,
  options: Pick<ChaosRequest, 'noStopConditionOk' | 'stopAlarms'>,
): Check[] {
  const alarms = options.stopAlarms
  if (!alarms) return []
  if ('unreadable' in alarms) {
    return [
      warn(
        'gate.stop-condition.alarms',
        `stop-condition alarms could not be read (${alarms.unreadable}): state unknown`,
      ),
    ]
  }
  return Object.entries(alarms.states).map(([arn, state]) => {
    const id = `gate.stop-condition.${alarmNameOf(arn)}`
    const alarm = `stop-condition alarm ${alarmNameOf(arn)}`
    if (state === 'OK') return ok(id, `${alarm} is OK`)
    if (state === 'ALARM') {
      return fail(id, `${alarm} is already in ALARM: FIS would stop the experiment as it starts; wait until it is OK`)
    }
    if (state === 'missing') {
      const message = `${alarm} does not exist in ${template.region}: it can never stop the experiment`
      return options.noStopConditionOk
        ? warn(id, `${message}; accepted by --no-stop-condition-ok (recorded)`)
        : fail(id, `${message}; fix the template's alarm, or pass --no-stop-condition-ok`)
    }
    return warn(
      id,
      `${alarm} is ${state}: it cannot fire until its metric reports; check the metric's Region and dimensions`,
    )
  })
}

/** Plans a game day: gates, the template shown in full, the start with its idempotency token, and the follow. */
export function planChaosRun(
  config: DrctlConfig,
  topology: Topology,
  template: TemplateView,
  request: ChaosRequest,
): RunPlan {
  const {gates, notes} = chaosGates(config, topology, template, request)
  const params: ChaosParams = {
    region: template.region,
    templateId: template.id,
    templateName: template.name,
    clientToken: request.clientToken,
    tags: {[RUN_TOKEN_TAG]: request.clientToken, [TOPOLOGY_TAG]: config.name},
    follow: request.follow,
    followTimeoutMs: (template.expectedDurationMs ?? FOLLOW_DEFAULT_MS) + FOLLOW_MARGIN_MS,
    recoveredBelowMs: config.gates.maxReplicationLagMs,
  }
  return {
    kind: CHAOS_RUN,
    title: `Chaos experiment ${template.name} on ${config.name} (${template.id} in ${template.region})`,
    params,
    items: chaosItems(config, params),
    gates,
    confirmation: {
      kind: 'typed',
      message: `This starts FIS experiment template ${template.name} (${template.actions.length} action(s)${template.expectedDurationMs ? `, ${formatDuration(template.expectedDurationMs)}` : ''}) against ${config.name}.`,
      expected: template.name,
      yesSuffices: true,
      yesFlagHint: '--yes',
    },
    notes: [
      ...notes,
      ...(request.follow
        ? [
            `followed until it ends, then until replication lag is back under ${formatDuration(params.recoveredBelowMs)}; Ctrl-C offers to stop it`,
          ]
        : [
            'not followed (--no-wait, or no terminal without --wait): it keeps running after drctl exits; drctl chaos status follows it, drctl chaos stop ends it early',
          ]),
    ],
    followUps: ['review the timeline of states and signals in this report against what you expected to see'],
    evidence: {template, timeline: [sampleOf(topology, undefined, 0, topology.observedAt)]},
    excludedRegions: [],
  }
}

/** The steps of a chaos run from its journaled parameters (also how `drctl runs resume` rebuilds them). */
export function chaosItems(config: DrctlConfig, params: ChaosParams): PlanItem[] {
  return [new StartExperimentStep(params), ...(params.follow ? [new FollowExperimentStep(config, params)] : [])]
}

// ---- Signals -----------------------------------------------------------------------------------------------------

/** One moment of a game day: the experiment's and actions' states, and the DR signals drctl watches. */
export interface ChaosSample {
  at: string
  /** Since the experiment started, in the world's time (the sandbox runs faster). */
  elapsedMs: number
  /** `before` for the planning observation, then the experiment's status. */
  status: string
  actions: Record<string, string>
  /** Replication lag (Aurora secondaries) and latency (DynamoDB), by signal name; null when unknown. */
  lag: Record<string, number | null>
  routing: Record<string, string>
}

function signalsOf(topology: Topology): Pick<ChaosSample, 'lag' | 'routing'> {
  const lag: Record<string, number | null> = {}
  for (const view of topology.aurora) {
    for (const member of view.members.filter((candidate) => candidate.role === 'secondary')) {
      lag[`${member.clusterId} (${member.region})`] = member.lag?.ms ?? null
    }
  }
  for (const table of topology.dynamodb) {
    for (const entry of table.latency) lag[`${table.name} ${entry.from}→${entry.to}`] = entry.reading?.ms ?? null
  }
  const routing: Record<string, string> = {}
  for (const control of topology.routing?.controls ?? []) routing[control.name] = control.state ?? 'unknown'
  return {lag, routing}
}

function sampleOf(topology: Topology, experiment: Experiment | undefined, elapsedMs: number, at: string): ChaosSample {
  return {
    at,
    elapsedMs,
    status: experiment?.status ?? 'before',
    actions: Object.fromEntries((experiment?.actions ?? []).map((action) => [action.name, action.status])),
    ...signalsOf(topology),
  }
}

export interface SignalPeak {
  signal: string
  peakMs: number
  /** When the peak was seen, since the experiment started. */
  peakElapsedMs: number
  beforeMs: number | null
  lastMs: number | null
}

/** Per lag signal: before, peak, last: what a game day is for. */
function signalPeaks(timeline: ChaosSample[]): SignalPeak[] {
  const names = [...new Set(timeline.flatMap((sample) => Object.keys(sample.lag)))]
  return names.flatMap((signal) => {
    const known = timeline.filter((sample) => typeof sample.lag[signal] === 'number')
    if (known.length === 0) return []
    const peak = known.reduce((best, sample) =>
      (sample.lag[signal] as number) > (best.lag[signal] as number) ? sample : best,
    )
    const before = timeline.find((sample) => sample.status === 'before')?.lag[signal]
    return [
      {
        signal,
        peakMs: peak.lag[signal] as number,
        peakElapsedMs: peak.elapsedMs,
        beforeMs: before ?? null,
        lastMs: (known.at(-1) as ChaosSample).lag[signal] as number,
      },
    ]
  })
}

/** How replication lag came back after the experiment ended (evidence `recovery`). */
export interface Recovery {
  recovered: boolean
  /** World time from the end of the experiment to the sample that found lag under the gate (or the last one). */
  afterMs: number
  belowMs: number
  lag: Record<string, number | null>
}

export interface ChaosOutcome {
  experiment?: ExperimentRecord
  peaks: SignalPeak[]
  recovery?: Recovery
}

/** What a run's evidence says about the game day: the end state, the lag peaks, the recovery. */
export function chaosOutcome(evidence: Record<string, unknown>): ChaosOutcome {
  return {
    experiment: evidence.experiment as ExperimentRecord | undefined,
    peaks: signalPeaks((evidence.timeline as ChaosSample[] | undefined) ?? []),
    recovery: evidence.recovery as Recovery | undefined,
  }
}

const lagRecovered = (lag: Record<string, number | null>, belowMs: number) =>
  Object.values(lag).every((value) => value === null || value <= belowMs)

// ---- Steps -------------------------------------------------------------------------------------------------------

/** What the report keeps about the experiment (evidence `experiment`). */
export interface ExperimentRecord {
  id: string
  region: string
  templateId: string
  templateName: string
  status: string
  reason?: string
  actions: {name: string; actionId: string; status: string; reason?: string}[]
  startTime?: string
  endTime?: string
}

/** The experiment a chaos run that stopped with `error` had started (from its evidence), and how FIS sees it now. */
export async function experimentLeftBy(
  aws: AwsPorts,
  error: DrctlError,
): Promise<{experiment: ExperimentRecord; current?: Experiment; runId?: string} | undefined> {
  const run = error.result as Partial<RunResult> | undefined
  const experiment = run?.evidence?.experiment as ExperimentRecord | undefined
  if (!experiment) return undefined
  return {experiment, current: await aws.fis(experiment.region).getExperiment(experiment.id), runId: run?.runId}
}

function experimentRecord(params: ChaosParams, experiment: Experiment): ExperimentRecord {
  return {
    id: experiment.id,
    region: params.region,
    templateId: params.templateId,
    templateName: params.templateName,
    status: experiment.status,
    reason: experiment.reason,
    actions: experiment.actions.map(({name, actionId, status, reason}) => ({name, actionId, status, reason})),
    startTime: experiment.startTime,
    endTime: experiment.endTime,
  }
}

function recordedExperimentId(ctx: StepContext): string {
  const record = ctx.recorded<ExperimentRecord>('experiment')
  if (!record)
    throw new DrctlError('DRCTL_INTERNAL', 'the chaos run has no experiment recorded; its start step did not run')
  return record.id
}

/** Reads the run's experiment into the evidence; one that FIS failed or cancelled fails the step. */
async function readRecordedExperiment(ctx: StepContext, params: ChaosParams): Promise<Experiment> {
  const experiment = await readExperiment(ctx.aws, params.region, recordedExperimentId(ctx))
  ctx.record('experiment', experimentRecord(params, experiment))
  if (experiment.status === 'failed' || experiment.status === 'cancelled') throw experimentFailed(experiment)
  return experiment
}

/** StartExperiment with the run's clientToken and tags; the tags find the experiment again on resume. */
export class StartExperimentStep implements Step {
  readonly id = 'start'
  readonly title: string

  constructor(private readonly params: ChaosParams) {
    this.title = `Start an experiment from ${params.templateName} (${params.templateId}) in ${params.region}`
  }

  describe(): PlannedCall[] {
    return [
      {
        service: 'FIS',
        operation: 'StartExperiment',
        region: this.params.region,
        detail: `template ${this.params.templateId}, clientToken ${this.params.clientToken}, tags ${describeTags(this.params.tags)}`,
      },
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const fis = ctx.aws.fis(this.params.region)
    const recorded = ctx.recorded<ExperimentRecord>('experiment')
    const id =
      recorded?.id ??
      (await fis.listExperiments()).find((summary) => summary.tags[RUN_TOKEN_TAG] === this.params.clientToken)?.id
    if (!id) return {state: 'pending'}
    const experiment = await readExperiment(ctx.aws, this.params.region, id)
    ctx.record('experiment', experimentRecord(this.params, experiment))
    return {state: 'done', note: `experiment ${id} of this run already started (${experiment.status})`}
  }

  async run(ctx: StepContext): Promise<void> {
    try {
      const {experiment} = await ctx.aws.fis(this.params.region).startExperiment({
        templateId: this.params.templateId,
        clientToken: this.params.clientToken,
        tags: this.params.tags,
      })
      ctx.record('experiment', experimentRecord(this.params, experiment))
      ctx.progress(`experiment ${experiment.id} ${experiment.status}`)
    } catch (error) {
      throw explainStartRefusal(error, this.params)
    }
  }

  async verify(ctx: StepContext): Promise<void> {
    await readRecordedExperiment(ctx, this.params)
  }
}

/** FIS refusing the start is one clear line that says nothing was started, and what usually causes it. */
function explainStartRefusal(error: unknown, params: ChaosParams): unknown {
  if (!(error instanceof AwsCallError) || ['network', 'timeout'].includes(error.kind)) return error
  const hint =
    error.awsCode === 'ServiceQuotaExceededException'
      ? `FIS limits active experiments per Region: drctl chaos status lists those running in ${params.region}`
      : error.kind === 'access-denied'
        ? `the caller needs fis:StartExperiment on the template and iam:PassRole on its role (drctl chaos list shows it)`
        : `FIS rejected template ${params.templateId}: check its targets and role (drctl chaos list)`
  return new DrctlError(
    error.code,
    `FIS refused to start ${params.templateName} in ${params.region}: ${error.awsCode}: ${error.awsMessage}; no experiment was started`,
    {hints: [hint], cause: error},
  )
}

function experimentFailed(experiment: Experiment): DrctlError {
  const failedActions = experiment.actions.filter((action) => action.status === 'failed')
  return new DrctlError(
    'DRCTL_AWS_ERROR',
    `FIS experiment ${experiment.id} ${experiment.status}: ${experiment.reason ?? 'no reason given'}${failedActions.length > 0 ? ` (${failedActions.map((action) => `${action.name}: ${action.reason ?? 'failed'}`).join('; ')})` : ''}`,
    {hints: [`drctl chaos status ${experiment.id} shows each action's state and reason`]},
  )
}

/**
 * Follows the experiment until FIS ends it, then watches replication lag return under the gate. Every poll samples
 * the experiment's and actions' states and the DR signals into the report's timeline.
 */
export class FollowExperimentStep implements Step {
  readonly id = 'follow'
  readonly title = 'Follow the experiment'

  constructor(
    private readonly config: DrctlConfig,
    private readonly params: ChaosParams,
  ) {}

  describe(): PlannedCall[] {
    return [
      {
        service: 'FIS',
        operation: 'GetExperiment',
        region: this.params.region,
        detail:
          'until completed, stopped, failed or cancelled, then until replication lag recovers; lag and routing states sampled meanwhile',
      },
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const experiment = await readExperiment(ctx.aws, this.params.region, recordedExperimentId(ctx))
    if (isTerminal(experiment.status) && ctx.recorded('recovery')) {
      return {state: 'done', note: `experiment ${experiment.id} ${experiment.status}`}
    }
    return {state: 'in-progress', note: `experiment ${experiment.id} ${experiment.status}`}
  }

  /** FIS runs the experiment: following it is all waiting. */
  async run(): Promise<void> {}

  async wait(ctx: StepContext): Promise<void> {
    const id = recordedExperimentId(ctx)
    const timeline = new Timeline(ctx)
    const sample = async () => {
      const [experiment, topology] = await Promise.all([
        readExperiment(ctx.aws, this.params.region, id),
        observe(this.config, ctx.aws, {parts: ['aurora', 'dynamodb', 'routing']}),
      ])
      const entry = sampleOf(
        topology,
        experiment,
        elapsedSince(experiment, ctx.clock, timeline.first()),
        new Date(ctx.clock.now()).toISOString(),
      )
      timeline.add(entry, () => ctx.record('experiment', experimentRecord(this.params, experiment)))
      return {experiment, entry}
    }
    try {
      await waitFor({
        what: `FIS experiment ${id} to end`,
        clock: ctx.clock,
        signal: ctx.signal,
        timeoutMs: this.params.followTimeoutMs,
        firstDelayMs: POLL_FIRST_MS,
        maxDelayMs: POLL_MAX_MS,
        poll: async () => {
          const {experiment, entry} = await sample()
          return {done: isTerminal(experiment.status), progress: describeProgress(experiment, entry, ctx.clock)}
        },
        progress: (message) => ctx.progress(message),
      })
      await this.watchRecovery(ctx, sample)
    } finally {
      timeline.save()
    }
  }

  /** After the end: until every known lag is back under the gate, or the window passes (a finding, not a failure). */
  private async watchRecovery(
    ctx: StepContext,
    sample: () => Promise<{experiment: Experiment; entry: ChaosSample}>,
  ): Promise<void> {
    const below = this.params.recoveredBelowMs
    let last: {experiment: Experiment; entry: ChaosSample} | undefined
    const recovery = (recovered: boolean): Recovery => ({
      recovered,
      afterMs: last ? (worldSince(last.experiment.endTime, ctx.clock, last.entry.at) ?? 0) : 0,
      belowMs: below,
      lag: last?.entry.lag ?? {},
    })
    try {
      await waitFor({
        what: `replication lag to return under ${formatDuration(below)}`,
        clock: ctx.clock,
        signal: ctx.signal,
        timeoutMs: RECOVERY_WINDOW_MS,
        firstDelayMs: POLL_FIRST_MS,
        maxDelayMs: POLL_MAX_MS,
        poll: async () => {
          last = await sample()
          return {
            done: lagRecovered(last.entry.lag, below),
            progress: `${last.experiment.id} ${last.experiment.status}; waiting for lag to recover: ${describeLag(last.entry.lag)}`,
          }
        },
        progress: (message) => ctx.progress(message),
      })
      ctx.record('recovery', recovery(true))
    } catch (error) {
      if (!(error instanceof DrctlError) || error.code !== 'DRCTL_TIMEOUT') throw error
      ctx.record('recovery', recovery(false))
      ctx.progress(`lag still above ${formatDuration(below)} after the end: ${describeLag(last?.entry.lag ?? {})}`)
    }
  }

  async verify(ctx: StepContext): Promise<void> {
    const experiment = await readRecordedExperiment(ctx, this.params)
    if (!isTerminal(experiment.status)) {
      throw new DrctlError('DRCTL_VERIFY_FAILED', `FIS experiment ${experiment.id} is still ${experiment.status}`)
    }
  }
}

/**
 * The timeline in the run's evidence: journaled on every state change, and otherwise less often as it grows (each
 * record holds the whole timeline); thinned when long.
 */
class Timeline {
  private samples: ChaosSample[]
  private unsaved = 0
  private lastStates = ''

  constructor(private readonly ctx: StepContext) {
    this.samples = [...(ctx.recorded<ChaosSample[]>('timeline') ?? [])]
  }

  first(): ChaosSample | undefined {
    return this.samples.find((sample) => sample.status !== 'before')
  }

  add(sample: ChaosSample, onStateChange: () => void): void {
    this.samples.push(sample)
    if (this.samples.length > MAX_TIMELINE_SAMPLES) this.samples = thinTimeline(this.samples)
    this.unsaved++
    const states = statesOf(sample)
    if (states !== this.lastStates) {
      this.lastStates = states
      onStateChange()
      this.save()
    } else if (this.unsaved >= Math.max(SAVE_EVERY_SAMPLES, this.samples.length / 2)) {
      this.save()
    }
  }

  save(): void {
    if (this.unsaved === 0) return
    this.ctx.record('timeline', this.samples)
    this.unsaved = 0
  }
}

const statesOf = (sample: ChaosSample) => JSON.stringify([sample.status, sample.actions])

/** Drops every other ordinary sample; keeps the first and last, every change of state and each signal's peak. */
export function thinTimeline(samples: ChaosSample[]): ChaosSample[] {
  const keep = new Set([0, samples.length - 1])
  samples.forEach((sample, index) => {
    if (index > 0 && statesOf(sample) !== statesOf(samples[index - 1] as ChaosSample)) keep.add(index)
  })
  for (const signal of new Set(samples.flatMap((sample) => Object.keys(sample.lag)))) {
    let peak = -1
    samples.forEach((sample, index) => {
      const value = sample.lag[signal]
      if (typeof value === 'number' && (peak < 0 || value > ((samples[peak] as ChaosSample).lag[signal] ?? 0))) {
        peak = index
      }
    })
    if (peak >= 0) keep.add(peak)
  }
  return samples.filter((_, index) => keep.has(index) || index % 2 === 1)
}

/**
 * World time between two AWS timestamps, or from one until now. AWS (and the sandbox) stamp with their clock;
 * drctl's clock runs in real time, so differences are divided by the time scale (the sandbox runs faster).
 */
function worldSince(from: string | undefined, clock: Clock, to?: string): number | undefined {
  const start = Date.parse(from ?? '')
  if (!Number.isFinite(start)) return undefined
  return Math.max(0, ((to ? Date.parse(to) : clock.now()) - start) / clock.scale)
}

function elapsedSince(experiment: Experiment, clock: Clock, first: ChaosSample | undefined): number {
  const since = worldSince(experiment.startTime ?? experiment.creationTime, clock)
  if (since !== undefined) return since
  return first ? first.elapsedMs + (clock.now() - Date.parse(first.at)) / clock.scale : 0
}

/** Elapsed time to the 10 s, then to the minute: the progress line changes when something does, not every poll. */
function coarse(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  return seconds < 60 ? `${Math.floor(seconds / 10) * 10}s` : formatDuration(Math.floor(seconds / 60) * 60_000)
}

function describeLag(lag: Record<string, number | null>): string {
  const known = Object.entries(lag).filter((entry): entry is [string, number] => entry[1] !== null)
  return known.length > 0 ? known.map(([name, ms]) => `${name} ${formatDuration(ms)}`).join(', ') : 'unknown'
}

/** One progress line: the experiment and each action with state and elapsed time, then lag and traffic. */
export function describeProgress(experiment: Experiment, sample: ChaosSample, clock: Clock): string {
  const actions = experiment.actions
    .map((action) => {
      const elapsed = worldSince(action.startTime, clock, action.endTime)
      return `${action.name} ${action.status}${elapsed === undefined ? '' : ` ${coarse(elapsed)}`}`
    })
    .join(', ')
  const on = Object.entries(sample.routing)
    .filter(([, state]) => state === 'On')
    .map(([name]) => name)
  return [
    `${experiment.id} ${experiment.status} ${coarse(sample.elapsedMs)}`,
    actions || 'no actions yet',
    `lag ${describeLag(sample.lag)}`,
    ...(Object.keys(sample.routing).length > 0 ? [`traffic On: ${on.join(', ') || 'none'}`] : []),
  ].join(' · ')
}
