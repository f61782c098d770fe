import {GetFunctionCommand, InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {Uint8ArrayBlobAdapter} from '@smithy/core/serde'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {LambdaAdapter} from '../../../src/lib/aws/lambda.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => lambdaMock.reset())

const deadlines: number[] = []
const lambda = (options: CallerOptions = {}) =>
  new LambdaAdapter(
    'us-west-2',
    (sdk) => new sdk.LambdaClient({region: 'us-west-2'}),
    callerFor('Lambda', 'us-west-2', options),
    (timeoutMs) => {
      deadlines.push(timeoutMs)
      return callerFor('Lambda', 'us-west-2', {...options, timeoutMs})
    },
  )

const bytes = (text: string) => Uint8ArrayBlobAdapter.fromString(text)

describe('Lambda adapter', () => {
  it('reads a function: its ARN, state and timeout', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({
      Configuration: {
        FunctionName: 'dr-hook',
        FunctionArn: 'arn:aws:lambda:us-west-2:111122223333:function:dr-hook',
        State: 'Active',
        Timeout: 120,
      },
    })
    await expect(lambda().getFunction('dr-hook')).resolves.toEqual({
      name: 'dr-hook',
      arn: 'arn:aws:lambda:us-west-2:111122223333:function:dr-hook',
      state: 'Active',
      timeoutSeconds: 120,
    })
  })

  it('returns undefined for a function that does not exist', async () => {
    lambdaMock.on(GetFunctionCommand).rejects(awsError('ResourceNotFoundException', 'Function not found: dr-hook', 404))
    await expect(lambda().getFunction('dr-hook')).resolves.toBeUndefined()
  })

  it('invokes synchronously with the payload, under the deadline it is given', async () => {
    lambdaMock.on(InvokeCommand).resolves({
      $metadata: {requestId: 'req-inv'},
      StatusCode: 200,
      Payload: bytes('{"ok":true}'),
      ExecutedVersion: '$LATEST',
    })
    deadlines.length = 0
    await expect(lambda().invoke('dr-hook', '{"runId":"r1"}', 930_000)).resolves.toEqual({
      requestId: 'req-inv',
      statusCode: 200,
      functionError: undefined,
      payload: '{"ok":true}',
      executedVersion: '$LATEST',
    })
    expect(lambdaMock).toHaveReceivedCommandExactlyOnceWith(InvokeCommand, {
      FunctionName: 'dr-hook',
      InvocationType: 'RequestResponse',
      Payload: '{"runId":"r1"}',
    })
    expect(deadlines).toEqual([930_000])
    // The HTTP handler's own timeout follows the invocation's deadline, not the API call timeout.
    const [, options] = lambdaMock.commandCalls(InvokeCommand)[0]?.args as unknown as [unknown, unknown]
    expect(options).toMatchObject({requestTimeout: 930_000})
  })

  it('returns a function error as an answer: status 200, FunctionError set, the error object as payload', async () => {
    lambdaMock.on(InvokeCommand).resolves({
      $metadata: {requestId: 'req-err'},
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes('{"errorType":"Error","errorMessage":"cache flush failed"}'),
    })
    await expect(lambda().invoke('dr-hook', '{}', 60_000)).resolves.toMatchObject({
      functionError: 'Unhandled',
      payload: '{"errorType":"Error","errorMessage":"cache flush failed"}',
    })
  })

  it('throws errors that prevent the execution: throttling, a missing function', async () => {
    lambdaMock
      .on(InvokeCommand)
      .rejectsOnce(awsError('TooManyRequestsException', 'Rate Exceeded.', 429))
      .rejectsOnce(awsError('ResourceNotFoundException', 'Function not found', 404))
    await expect(lambda().invoke('dr-hook', '{}', 60_000)).rejects.toMatchObject({kind: 'throttling'})
    await expect(lambda().invoke('dr-hook', '{}', 60_000)).rejects.toMatchObject({
      kind: 'not-found',
      hints: [],
    })
  })

  it('refuses Invoke in a read-only run without sending it', async () => {
    await expect(lambda({readOnly: true}).invoke('dr-hook', '{}', 60_000)).rejects.toThrow(/read-only/)
    expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand)
  })
})
