import type {Mutation} from './mutation.js'

export interface LambdaFunction {
  name: string
  arn: string
  /** `Pending`, `Active`, `Inactive` or `Failed`. */
  state?: string
  /** How long the function may run: a synchronous invocation is waited for that long. */
  timeoutSeconds?: number
}

export interface LambdaInvocation extends Mutation {
  statusCode: number
  /** Set when the function failed (`Handled`, `Unhandled`): its error object is the payload. */
  functionError?: string
  /** What the function returned, as text. */
  payload: string
  executedVersion?: string
}

/** AWS Lambda, in one Region (functions are Regional). */
export interface LambdaPort {
  readonly region: string
  /** `undefined` when the function does not exist. */
  getFunction(name: string): Promise<LambdaFunction | undefined>
  /**
   * A synchronous (RequestResponse) invocation, waited for up to `timeoutMs`. A function that throws still answers:
   * `functionError` says so; only errors that prevent the execution are thrown.
   */
  invoke(name: string, payload: string, timeoutMs: number): Promise<LambdaInvocation>
}
