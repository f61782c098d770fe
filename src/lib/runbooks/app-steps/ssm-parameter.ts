import {renderTemplate, type StepOfKind} from '../../config/steps.js'
import {DrctlError} from '../../core/errors.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../../aws/iam-calls.js'

const PUT = declared('SSM', 'PutParameter', 'ssm-parameters')
import type {StepMove} from './move.js'
import {STEP_READS} from '../../topology/readers/app-steps.js'

/**
 * Puts a parameter in each listed Region (a DR flag, the writer Region, the global cluster's current name), checked
 * before and read back after. In an unplanned failover the failed Region is never called: its write is left as a
 * follow-up.
 */
export class SsmParameterStep implements Step {
  static readonly calls: CallDeclaration = {reads: STEP_READS['ssm-parameter'], writes: [PUT]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly step: StepOfKind<'ssm-parameter'>,
    private readonly move: StepMove,
    private readonly regions: string[],
  ) {
    this.id = `step.${step.id}`
    this.title = `Parameter ${step.name} in ${this.reachable().join(', ')}`
  }

  /** The Regions written in this move (never a failed one). */
  private reachable(): string[] {
    return this.regions.filter((region) => !this.move.failedRegions.includes(region))
  }

  private valueIn(region: string, runId: string): string {
    const {to, from, globalClusters} = this.move
    return renderTemplate(this.step.value, {target: to, from, region, runId, globalClusters})
  }

  describe(): PlannedCall[] {
    return this.reachable().map((region) =>
      planned(PUT, region, `${this.step.name} = ${this.valueIn(region, '<run id>')} (Overwrite)`),
    )
  }

  private async pending(ctx: StepContext): Promise<string[]> {
    const pending: string[] = []
    for (const region of this.reachable()) {
      const current = await ctx.aws.ssm(region).getParameter(this.step.name)
      if (current?.value !== this.valueIn(region, ctx.runId)) pending.push(region)
    }
    return pending
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const pending = await this.pending(ctx)
    return pending.length === 0
      ? {state: 'done', note: `${this.step.name} already set in ${this.reachable().join(', ')}`}
      : {state: 'pending', note: `to set in ${pending.join(', ')}`}
  }

  async run(ctx: StepContext): Promise<void> {
    for (const region of await this.pending(ctx)) {
      const value = this.valueIn(region, ctx.runId)
      const {version} = await ctx.aws.ssm(region).putParameter({name: this.step.name, value, type: this.step.type})
      ctx.progress(`${this.step.name} = ${value} in ${region} (version ${version})`)
    }
  }

  async verify(ctx: StepContext): Promise<void> {
    const pending = await this.pending(ctx)
    if (pending.length > 0)
      throw new DrctlError(
        'DRCTL_VERIFY_FAILED',
        `${this.step.name} does not read back as set in ${pending.join(', ')}`,
      )
    for (const region of this.regions.filter((candidate) => this.move.failedRegions.includes(candidate))) {
      ctx.followUp(
        `put ${this.step.name} = ${this.valueIn(region, ctx.runId)} in ${region} once it recovers (the run never calls a failed Region)`,
      )
    }
  }
}
