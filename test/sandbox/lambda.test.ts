import {GetFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {clearFaults, describeWorld, mutateWorld, readWorld, setFault} from '../../src/lib/sandbox/index.js'
import {seedLambdaFunction} from '../../src/lib/sandbox/services/lambda.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
let lambda: LambdaClient
beforeEach(async () => {
  sandbox = await startTestSandbox()
  await mutateWorld(
    sandbox.home,
    (world) => {
      seedLambdaFunction(world, {region: 'us-west-2', name: 'dr-hook', timeoutSeconds: 60}, sandbox.now())
      seedLambdaFunction(world, {region: 'us-east-1', name: 'dr-hook'}, sandbox.now())
    },
    {now: sandbox.now},
  )
  lambda = sandbox.client((config) => new LambdaClient(config), 'us-west-2')
})
afterEach(async () => sandbox.close())

const text = (payload: Uint8Array | undefined) => new TextDecoder().decode(payload)
const invoke = (payload: unknown, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) =>
  lambda.send(new InvokeCommand({FunctionName: 'dr-hook', Payload: JSON.stringify(payload), ...extra}))

describe('Lambda GetFunction', () => {
  it('describes a function by name, ARN or partial ARN, in its own Region', async () => {
    const out = await lambda.send(new GetFunctionCommand({FunctionName: 'dr-hook'}))
    expect(out.Configuration).toMatchObject({
      FunctionName: 'dr-hook',
      FunctionArn: 'arn:aws:lambda:us-west-2:111122223333:function:dr-hook',
      Runtime: 'nodejs20.x',
      Timeout: 60,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      Version: '$LATEST',
    })
    expect(out.Code?.RepositoryType).toBe('S3')
    for (const name of ['arn:aws:lambda:us-west-2:111122223333:function:dr-hook', '111122223333:function:dr-hook']) {
      const found = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: name}))
      expect(found.FunctionArn).toBe('arn:aws:lambda:us-west-2:111122223333:function:dr-hook')
    }
  })

  it('answers ResourceNotFoundException (404) for an unknown function, another Region’s ARN or a version', async () => {
    for (const name of ['nope', 'arn:aws:lambda:us-east-1:111122223333:function:dr-hook', 'dr-hook:7']) {
      await expect(lambda.send(new GetFunctionCommand({FunctionName: name}))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: expect.stringMatching(/^Function not found: arn:aws:lambda:us-west-2:111122223333:function:/),
        Type: 'User',
        $metadata: {httpStatusCode: 404},
      })
    }
    await expect(invoke({}, {FunctionName: 'nope'})).rejects.toMatchObject({name: 'ResourceNotFoundException'})
  })
})

describe('Lambda Invoke', () => {
  it('answers a RequestResponse call with what the function received, and records the invocation', async () => {
    const sent = {runId: 'r-1', mode: 'planned', from: ['us-east-1'], to: 'us-west-2'}
    const out = await invoke(sent, {LogType: 'Tail'})
    expect(out.StatusCode).toBe(200)
    expect(out.FunctionError).toBeUndefined()
    expect(out.ExecutedVersion).toBe('$LATEST')
    expect(JSON.parse(text(out.Payload))).toEqual({ok: true, received: sent})
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString()).toMatch(
      new RegExp(`^START RequestId: ${out.$metadata.requestId} Version: \\$LATEST\n`),
    )

    const world = await readWorld(sandbox.home)
    expect(world?.lambda.invocations).toEqual([
      {
        at: sandbox.now(),
        region: 'us-west-2',
        functionName: 'dr-hook',
        requestId: out.$metadata.requestId,
        invocationType: 'RequestResponse',
        payload: JSON.stringify(sent),
        response: JSON.stringify({ok: true, received: sent}),
      },
    ])
  })

  it('Event is accepted (202) without an answer; DryRun (204) runs nothing', async () => {
    const queued = await invoke({n: 1}, {InvocationType: 'Event'})
    expect(queued.StatusCode).toBe(202)
    expect(queued.Payload?.length ?? 0).toBe(0)
    const dry = await invoke({n: 2}, {InvocationType: 'DryRun'})
    expect(dry.StatusCode).toBe(204)
    const world = await readWorld(sandbox.home)
    expect(world?.lambda.invocations.map((i) => [i.invocationType, i.payload])).toEqual([['Event', '{"n":1}']])
  })

  it('lambda-fails: status 200 with FunctionError Unhandled and the error object as the payload', async () => {
    await setFault(
      sandbox.home,
      {kind: 'lambda-fails', function: 'dr-hook', region: 'us-west-2', message: 'flush failed'},
      {now: sandbox.now},
    )
    const out = await invoke({runId: 'r-2'})
    expect(out.StatusCode).toBe(200)
    expect(out.FunctionError).toBe('Unhandled')
    expect(JSON.parse(text(out.Payload))).toMatchObject({errorType: 'Error', errorMessage: 'flush failed'})
    // Only the function of that Region fails.
    const east = sandbox.client((config) => new LambdaClient(config), 'us-east-1')
    const eastOut = await east.send(new InvokeCommand({FunctionName: 'dr-hook', Payload: '{}'}))
    expect(eastOut.FunctionError).toBeUndefined()

    const view = await describeWorld(sandbox.home, {now: sandbox.now})
    expect(view.faults.map((fault) => fault.description)).toEqual(['lambda-fails dr-hook (us-west-2): flush failed'])
    const world = await readWorld(sandbox.home)
    expect(world?.lambda.invocations[0]).toMatchObject({functionError: 'Unhandled', payload: '{"runId":"r-2"}'})

    await clearFaults(sandbox.home, 'lambda-fails', {now: sandbox.now})
    expect((await invoke({runId: 'r-3'})).FunctionError).toBeUndefined()
  })

  it('lambda-fails without a Region or message fails the function everywhere with a default message', async () => {
    await setFault(sandbox.home, {kind: 'lambda-fails', function: 'dr-hook'}, {now: sandbox.now})
    for (const region of ['us-east-1', 'us-west-2']) {
      const client = sandbox.client((config) => new LambdaClient(config), region)
      const out = await client.send(new InvokeCommand({FunctionName: 'dr-hook'}))
      expect(out.FunctionError).toBe('Unhandled')
      expect(JSON.parse(text(out.Payload)).errorMessage).toBe('dr-hook failed (sandbox fault lambda-fails)')
    }
  })

  it('refuses a lambda-fails fault for a function the world does not have, naming the ones it has', async () => {
    await expect(setFault(sandbox.home, {kind: 'lambda-fails', function: 'dr-hok'})).rejects.toMatchObject({
      code: 'bad-fault',
      message: 'no Lambda function named "dr-hok"',
      hint: 'functions: dr-hook',
    })
    await expect(
      setFault(sandbox.home, {kind: 'lambda-fails', function: 'dr-hook', region: 'eu-west-1'}),
    ).rejects.toMatchObject({
      code: 'bad-fault',
      message: 'no Lambda function named "dr-hook" in eu-west-1',
      hint: 'dr-hook exists in us-west-2, us-east-1',
    })
  })

  it('answers throttling as Lambda does (429 TooManyRequestsException), and is Regional under an outage', async () => {
    await setFault(sandbox.home, {kind: 'throttle', rate: 1}, {now: sandbox.now})
    await expect(invoke({})).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: {httpStatusCode: 429},
    })
    await clearFaults(sandbox.home, undefined, {now: sandbox.now})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2'}, {now: sandbox.now})
    await expect(invoke({})).rejects.toThrow(/socket hang up|ECONNRESET/)
    const world = await readWorld(sandbox.home)
    expect(world?.lambda.invocations).toEqual([])
  })
})
