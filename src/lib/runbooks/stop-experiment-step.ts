import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {isTerminal, requestStop} from './chaos/experiments.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {CheckedStep} from './checked-step.js'

const STOP = declared('FIS', 'StopExperiment', 'fis-experiments')

/** StopExperiment and wait until stopped; an experiment that will not stop blocks the teardown. */
export class StopExperimentStep extends CheckedStep {
  static readonly calls: CallDeclaration = {
    reads: [declared('FIS', 'GetExperiment', 'fis-experiments')],
    writes: [STOP],
  }
  readonly id: string
  readonly title: string

  constructor(
    private readonly experimentId: string,
    private readonly region: string,
  ) {
    super()
    this.id = `fis.${experimentId}`
    this.title = `Stop FIS experiment ${experimentId} (${region})`
  }

  describe(): PlannedCall[] {
    return [planned(STOP, this.region, this.experimentId)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const status = (await ctx.aws.fis(this.region).getExperiment(this.experimentId))?.status ?? 'gone'
    if (status === 'gone' || isTerminal(status)) return {state: 'done', note: status}
    if (status === 'stopping') return {state: 'in-progress', note: status}
    return {state: 'pending', note: status}
  }

  run(ctx: StepContext): Promise<void> {
    return requestStop(ctx.aws, this.region, this.experimentId)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `experiment ${this.experimentId} to stop`, 10 * 60_000)
  }
}
