// The Lambda slice of the sandbox world: functions and the invocations they answered.

export interface LambdaFunctionRecord {
  name: string
  region: string
  arn: string
  runtime: string
  handler: string
  role: string
  timeoutSeconds: number
  memorySize: number
  codeSha256: string
  revisionId: string
  createdAt: number
}

/** One invocation, as the (simulated) function saw it: tests read what drctl sent and what it got back. */
export interface InvocationRecord {
  at: number
  region: string
  functionName: string
  requestId: string
  invocationType: string
  /** The payload received, as JSON text. */
  payload: string
  /** Set when the function failed (`Unhandled`); `response` is then its error object. */
  functionError?: string
  response: string
}
