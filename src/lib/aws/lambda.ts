import type {LambdaClient} from '@aws-sdk/client-lambda'

import {AwsCallError} from './errors.js'
import type {LambdaFunction, LambdaInvocation, LambdaPort} from './ports.js'
import type {Caller} from './session.js'

type LambdaSdk = typeof import('@aws-sdk/client-lambda')

/**
 * Lambda in one Region. The SDK module is loaded on the first call: only topologies with Lambda steps pay for it at
 * start-up. An invocation gets its own deadline (a function may run for minutes, far beyond an API call's).
 */
export class LambdaAdapter implements LambdaPort {
  private connection?: Promise<{sdk: LambdaSdk; client: LambdaClient}>

  constructor(
    readonly region: string,
    private readonly createClient: (sdk: LambdaSdk) => LambdaClient,
    private readonly call: Caller,
    /** A caller whose deadline is `timeoutMs` instead of the API call timeout. */
    private readonly callWithin: (timeoutMs: number) => Caller,
  ) {}

  private connect() {
    this.connection ??= import('@aws-sdk/client-lambda').then((sdk) => ({sdk, client: this.createClient(sdk)}))
    return this.connection
  }

  async getFunction(name: string): Promise<LambdaFunction | undefined> {
    const {sdk, client} = await this.connect()
    try {
      const output = await this.call('GetFunction', false, (abortSignal) =>
        client.send(new sdk.GetFunctionCommand({FunctionName: name}), {abortSignal}),
      )
      const configuration = output.Configuration
      return {
        name: configuration?.FunctionName ?? name,
        arn: configuration?.FunctionArn ?? '',
        state: configuration?.State,
        timeoutSeconds: configuration?.Timeout,
      }
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async invoke(name: string, payload: string, timeoutMs: number): Promise<LambdaInvocation> {
    const {sdk, client} = await this.connect()
    const output = await this.callWithin(timeoutMs)('Invoke', true, (abortSignal) =>
      client.send(
        new sdk.InvokeCommand({FunctionName: name, InvocationType: 'RequestResponse', Payload: payload}),
        // The socket stays silent while the function runs: the HTTP handler must not give up before the deadline.
        {abortSignal, requestTimeout: timeoutMs},
      ),
    )
    return {
      requestId: output.$metadata.requestId,
      statusCode: output.StatusCode ?? 0,
      functionError: output.FunctionError,
      payload: output.Payload ? new TextDecoder().decode(output.Payload) : '',
      executedVersion: output.ExecutedVersion,
    }
  }
}
