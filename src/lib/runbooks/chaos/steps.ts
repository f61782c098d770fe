import {AwsCallError} from '../../aws/errors.js'
import type {Experiment} from '../../aws/ports.js'
import type {DrctlConfig} from '../../config/schema.js'
import {formatDuration} from '../../core/clock.js'
import {DrctlError} from '../../core/errors.js'
import {waitFor} from '../../runbook/wait.js'
import type {PlanItem, PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, callsOfAll, declared, planned, readsOnly} from '../../aws/iam-calls.js'
import {observe, observeCalls, type TopologyPart} from '../../topology/observe.js'
import type {ExperimentRecord, Recovery} from './evidence.js'
import {isTerminal, readExperiment} from './experiments.js'
import {describeLag, describeProgress} from './progress.js'
import {describeTags} from './templates.js'
import {type ChaosSample, elapsedSince, lagRecovered, sampleOf, Timeline, worldSince} from './timeline.js'

// The steps of a chaos run: the start with an idempotency token, and following the experiment while sampling the DR
// signals into the report's timeline.

/** Tags drctl puts on every experiment it starts: the token finds the experiment of a run again after a crash. */
export const RUN_TOKEN_TAG = 'drctl:run-token'
export const TOPOLOGY_TAG = 'drctl:topology'

/** How long lag may take to return under the gate after the experiment ends before the report calls it slow. */
const RECOVERY_WINDOW_MS = 5 * 60_000
const POLL_FIRST_MS = 5000
const POLL_MAX_MS = 10_000

const GET_EXPERIMENT = declared('FIS', 'GetExperiment', 'fis-experiments')
const START = declared('FIS', 'StartExperiment', 'fis-templates', 'fis-experiments')
const SAMPLED_PARTS: TopologyPart[] = ['aurora', 'dynamodb', 'routing']

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

/** The steps of a chaos run from its journaled parameters (also how `drctl runs resume` rebuilds them). */
export function chaosItems(config: DrctlConfig, params: ChaosParams): PlanItem[] {
  return [new StartExperimentStep(params), ...(params.follow ? [new FollowExperimentStep(config, params)] : [])]
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
  static readonly calls: CallDeclaration = {
    reads: [declared('FIS', 'ListExperiments'), GET_EXPERIMENT],
    // Tagging the experiment it starts needs fis:TagResource on it.
    writes: [START, {...declared('FIS', 'TagResource', 'fis-experiments'), onBehalf: true}],
  }
  readonly id = 'start'
  readonly title: string

  constructor(private readonly params: ChaosParams) {
    this.title = `Start an experiment from ${params.templateName} (${params.templateId}) in ${params.region}`
  }

  describe(): PlannedCall[] {
    return [
      planned(
        START,
        this.params.region,
        `template ${this.params.templateId}, clientToken ${this.params.clientToken}, tags ${describeTags(this.params.tags)}`,
      ),
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
  // A refusal by IAM keeps its one line naming the missing permission.
  const why =
    error.kind === 'access-denied'
      ? error.message
      : `FIS refused to start ${params.templateName} in ${params.region}: ${error.awsCode}: ${error.awsMessage}`
  return new DrctlError(error.code, `${why}; no experiment was started`, {hints: [hint], cause: error})
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
  static readonly calls: CallDeclaration = callsOfAll(
    {calls: readsOnly([GET_EXPERIMENT])},
    {calls: observeCalls(SAMPLED_PARTS)},
  )
  readonly id = 'follow'
  readonly title = 'Follow the experiment'

  constructor(
    private readonly config: DrctlConfig,
    private readonly params: ChaosParams,
  ) {}

  describe(): PlannedCall[] {
    return [
      planned(
        GET_EXPERIMENT,
        this.params.region,
        'until completed, stopped, failed or cancelled, then until replication lag recovers; lag and routing states sampled meanwhile',
      ),
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
        observe(this.config, ctx.aws, {parts: SAMPLED_PARTS}),
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
