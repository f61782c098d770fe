import type {LambdaInvocation} from '../../aws/ports.js'
import type {StepOfKind, StepRunbook} from '../../config/steps.js'
import {DrctlError, oneLine} from '../../core/errors.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../../aws/iam-calls.js'

const INVOKE = declared('Lambda', 'Invoke', 'lambda-functions')
import type {StepMove} from './move.js'

/** Lambda's own limit on a function's run time: a synchronous invocation never lasts longer. */
const MAX_FUNCTION_MS = 15 * 60_000
/** Beyond the function's timeout: the round trip and the answer. */
const INVOKE_MARGIN_MS = 30_000
/** How much of the function's answer the journal keeps. */
const ANSWER_LIMIT = 1000

const MODES: Record<StepRunbook, string> = {
  'failover-planned': 'planned',
  'failover-unplanned': 'unplanned',
  fallback: 'fallback',
}

/** What the journal keeps of a completed invocation: once there, the function is never invoked again in this run. */
interface Completed {
  requestId?: string
  executedVersion?: string
  answer: string
}

/**
 * Invokes a function in the target Region and waits for its answer; the function's own error fails the step with its
 * message (resumable). A completed invocation is journaled, so a resumed run never repeats it. One whose outcome is
 * unknown (a timeout, a lost connection) is invoked again with the same run and step ids: the function should treat
 * them as an idempotency key.
 */
export class LambdaStep implements Step {
  // It reads nothing from AWS: whether it ran is in the run's journal.
  static readonly calls: CallDeclaration = {reads: [], writes: [INVOKE]}
  readonly id: string
  readonly title: string
  private readonly functionName: string

  constructor(
    private readonly step: StepOfKind<'lambda'>,
    private readonly move: StepMove,
  ) {
    this.id = `step.${step.id}`
    this.functionName = step.regions[move.to]?.function ?? ''
    this.title = `Invoke Lambda ${this.functionName} in ${move.to}`
  }

  private get completedKey() {
    return `lambda.${this.step.id}.completed`
  }

  private get attemptsKey() {
    return `lambda.${this.step.id}.attempts`
  }

  /** What the function is sent: the step's payload, then what drctl knows of the move (drctl's keys win). */
  private payload(runId: string): string {
    const {to, from, failedRegions, runbook} = this.move
    const mode = runbook ? MODES[runbook] : failedRegions.length > 0 ? 'unplanned' : 'planned'
    return JSON.stringify({...this.step.payload, runId, stepId: this.step.id, mode, from, to, failedRegions})
  }

  describe(): PlannedCall[] {
    return [planned(INVOKE, this.move.to, `${this.functionName} (RequestResponse) with ${this.payload('<run id>')}`)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const completed = ctx.recorded<Completed>(this.completedKey)
    return completed
      ? {
          state: 'done',
          note: `${this.functionName} already answered in this run (request ${completed.requestId ?? '?'})`,
        }
      : {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const lambda = ctx.aws.lambda(this.move.to)
    const found = await lambda.getFunction(this.functionName)
    if (!found)
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `step ${this.step.id}: Lambda function ${this.functionName} does not exist in ${this.move.to}`,
      )
    const attempts = ctx.recorded<number>(this.attemptsKey) ?? 0
    if (attempts > 0)
      ctx.progress(`invoking ${this.functionName} again: ${attempts} earlier attempt(s) did not complete`)
    ctx.record(this.attemptsKey, attempts + 1)
    const timeoutMs =
      this.step.timeoutMs ?? (found.timeoutSeconds ? found.timeoutSeconds * 1000 : MAX_FUNCTION_MS) + INVOKE_MARGIN_MS
    const invocation = await lambda.invoke(this.functionName, this.payload(ctx.runId), timeoutMs)
    if (invocation.functionError)
      throw new DrctlError(
        'DRCTL_APP_STEP_FAILED',
        `step ${this.step.id}: Lambda ${this.functionName} in ${this.move.to} failed: ${functionErrorMessage(invocation)}`,
        {
          hints: [
            `its logs: aws logs tail /aws/lambda/${this.functionName} --region ${this.move.to}`,
            'once the cause is fixed, resume the run: the function is invoked again with the same runId and stepId',
          ],
        },
      )
    ctx.record(this.completedKey, {
      requestId: invocation.requestId,
      executedVersion: invocation.executedVersion,
      answer: invocation.payload.slice(0, ANSWER_LIMIT),
    } satisfies Completed)
    ctx.progress(`${this.functionName} answered: ${oneLine(invocation.payload).slice(0, 200) || '(nothing)'}`)
  }

  async verify(ctx: StepContext): Promise<void> {
    if (!ctx.recorded<Completed>(this.completedKey))
      throw new DrctlError('DRCTL_VERIFY_FAILED', `no completed invocation of ${this.functionName} is journaled`)
  }
}

/** The function's own message: Lambda's error object `{errorType, errorMessage}`, else its raw answer. */
function functionErrorMessage(invocation: LambdaInvocation): string {
  try {
    const error = JSON.parse(invocation.payload) as {errorType?: unknown; errorMessage?: unknown}
    if (typeof error.errorMessage === 'string')
      return `${typeof error.errorType === 'string' ? `${error.errorType}: ` : ''}${oneLine(error.errorMessage)}`
  } catch {
    // Not JSON: the raw answer is the message.
  }
  return `${invocation.functionError}: ${oneLine(invocation.payload).slice(0, 500) || '(no message)'}`
}
