import type {StepOfKind} from '../../config/steps.js'
import {DrctlError} from '../../core/errors.js'
import {waitFor} from '../../runbook/wait.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import type {CallDeclaration} from '../../aws/iam-calls.js'
import type {StepMove} from './move.js'

const DEFAULT_APPROVAL_TIMEOUT_MS = 60 * 60_000

/**
 * A manual approval: the run stops here, journaled as waiting, until someone runs `drctl runs approve` (a typed
 * confirmation, from any machine that sees the run). `--yes` never approves. Past the timeout the run stops as timed
 * out; it is resumed once approved.
 */
export class ApprovalStep implements Step {
  // It waits on the run's journal, and calls no AWS API.
  static readonly calls: CallDeclaration = {reads: [], writes: []}
  readonly id: string
  readonly title: string

  constructor(
    private readonly step: StepOfKind<'approval'>,
    private readonly move: StepMove,
  ) {
    this.id = `step.${step.id}`
    this.title = `Approval ${step.id}: ${step.message}`
  }

  describe(): PlannedCall[] {
    return [
      {
        service: 'drctl',
        operation: 'WaitForApproval',
        region: 'the run journal',
        detail: `waits until drctl runs approve RUN --step ${this.step.id} (no AWS call)`,
      },
    ]
  }

  private async approval(ctx: StepContext) {
    return (await ctx.approvals()).find((approval) => approval.step === this.step.id)
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const approval = await this.approval(ctx)
    return approval ? {state: 'done', note: `approved by ${approval.by} at ${approval.at}`} : {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    ctx.record(`approval.${this.step.id}.requested`, {message: this.step.message, to: this.move.to})
    ctx.progress(`waiting for approval: drctl runs approve ${ctx.runId} --step ${this.step.id} (${this.step.message})`)
  }

  async wait(ctx: StepContext): Promise<void> {
    try {
      await waitFor({
        what: `approval ${this.step.id}`,
        clock: ctx.clock,
        signal: ctx.signal,
        timeoutMs: this.step.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
        firstDelayMs: 1000,
        maxDelayMs: 5000,
        poll: async () => ({done: (await this.approval(ctx)) !== undefined}),
      })
    } catch (error) {
      if (!(error instanceof DrctlError) || error.code !== 'DRCTL_TIMEOUT') throw error
      throw new DrctlError('DRCTL_TIMEOUT', `approval ${this.step.id} was not given in time: the run is paused`, {
        hints: [
          `approve it: drctl runs approve ${ctx.runId} --step ${this.step.id}`,
          `then continue: drctl runs resume ${ctx.runId}`,
        ],
      })
    }
  }

  async verify(ctx: StepContext): Promise<void> {
    const approval = await this.approval(ctx)
    if (!approval) throw new DrctlError('DRCTL_VERIFY_FAILED', `approval ${this.step.id} is not recorded`)
    ctx.progress(`approved by ${approval.by}`)
  }
}
