import {DrctlError} from '../core/errors.js'
import {waitFor} from '../runbook/wait.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {CheckedStep, DELETE_TIMEOUT_MS, recordDeleted} from './checked-step.js'

const DELETE_STACK = declared('CloudFormation', 'DeleteStack', 'stacks')

/**
 * DeleteStack, waited; a stack that ends DELETE_FAILED is reported with its failed resources. A stack found
 * DELETE_FAILED before the call (an earlier attempt, fixed since) is deleted again: that is how a resume retries.
 */
export class DeleteStackStep extends CheckedStep {
  static readonly calls: CallDeclaration = {
    reads: [
      declared('CloudFormation', 'DescribeStacks', 'stacks'),
      declared('CloudFormation', 'DescribeStackResources', 'stacks'),
    ],
    writes: [DELETE_STACK],
  }
  readonly id: string
  readonly title: string

  constructor(
    private readonly stack: string,
    private readonly region: string,
  ) {
    super()
    this.id = `stack.${region}.${stack}`
    this.title = `Delete stack ${stack} (${region})`
  }

  describe(): PlannedCall[] {
    return [planned(DELETE_STACK, this.region, this.stack)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const stack = await ctx.aws.cloudformation(this.region).describeStack(this.stack)
    if (!stack || stack.status === 'DELETE_COMPLETE') return {state: 'done', note: 'stack gone'}
    if (stack.status === 'DELETE_IN_PROGRESS') return {state: 'in-progress', note: stack.status}
    return {state: 'pending', note: stack.status}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.cloudformation(this.region).deleteStack(this.stack)
  }

  override async wait(ctx: StepContext): Promise<void> {
    // Only after a DeleteStack: DELETE_FAILED now means this deletion failed, and waiting longer would not help.
    await waitFor({
      what: `stack ${this.stack} to be deleted`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: DELETE_TIMEOUT_MS,
      poll: async () => {
        const stack = await ctx.aws.cloudformation(this.region).describeStack(this.stack)
        if (!stack || stack.status === 'DELETE_COMPLETE') return {done: true}
        if (stack.status === 'DELETE_FAILED') throw await this.failure(ctx, stack.statusReason)
        return {done: false, progress: stack.status}
      },
      progress: (message) => ctx.progress(message),
    })
    recordDeleted(ctx, `stack ${this.stack} (${this.region})`)
  }

  private async failure(ctx: StepContext, reason: string | undefined): Promise<DrctlError> {
    const failed = await ctx.aws.cloudformation(this.region).failedResources(this.stack)
    ctx.record(`stackFailures.${this.stack}`, failed)
    const resources = failed.map(
      (resource) => `${resource.logicalId} (${resource.type}): ${resource.reason ?? resource.status}`,
    )
    return new DrctlError(
      'DRCTL_AWS_ERROR',
      `stack ${this.stack} in ${this.region} failed to delete${reason ? ` (${reason})` : ''}${resources.length > 0 ? `; failed resources: ${resources.join('; ')}` : ''}`,
      {
        hints: [
          'fix or retain the failed resources (CloudFormation console or DeleteStack --retain-resources), then resume the run',
        ],
      },
    )
  }
}
