import {ApiError, SandboxError} from '../errors.js'
import {derivedId, hexId, nextSeed, uuidFrom} from '../ids.js'
import {lambdaFailure} from '../faults.js'
import type {World} from '../world.js'
import type {LambdaFunctionRecord} from './lambda-records.js'
import type {RestJsonRoute, RestJsonService} from '../protocol/rest-json.js'
import type {CallContext} from './context.js'

/**
 * AWS Lambda (restJson1, aws-reference-steps §6): functions and synchronous invocations. A function answers
 * `{"ok": true, "received": <payload>}`; under the `lambda-fails` fault it fails as a function that throws does: status
 * 200, `X-Amz-Function-Error: Unhandled`, its error object as the payload. Every invocation is kept in the world.
 */

/** The world keeps the latest invocations only. */
const INVOCATIONS_KEPT = 200
const LATEST = '$LATEST'

function notFound(context: CallContext, name: string, qualifier?: string): ApiError {
  const arn = functionArn(context.region, context.world.account, name)
  return new ApiError(
    'ResourceNotFoundException',
    `Function not found: ${qualifier ? `${arn}:${qualifier}` : arn}`,
    404,
    {
      fields: {Type: 'User'},
    },
  )
}

const invalidValue = (message: string) =>
  new ApiError('InvalidParameterValueException', message, 400, {fields: {Type: 'User'}})

export function functionArn(region: string, account: string, name: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`
}

/**
 * The function a call names in the caller's Region: its name, ARN or partial ARN (`ACCOUNT:function:NAME`), with an
 * optional `:QUALIFIER` (or `?Qualifier=`). Only `$LATEST` exists: functions have no published versions here.
 */
function findFunction(context: CallContext, given: string, queryQualifier: string | null): LambdaFunctionRecord {
  const parts = given.split(':')
  let name = given
  let qualifier = queryQualifier ?? undefined
  let region = context.region
  if (parts[0] === 'arn') {
    region = parts[3] ?? ''
    name = parts[6] ?? ''
    qualifier = parts[7] ?? qualifier
  } else if (parts[1] === 'function') {
    name = parts[2] ?? ''
    qualifier = parts[3] ?? qualifier
  } else if (parts.length === 2) {
    name = parts[0] as string
    qualifier = parts[1]
  }
  const found = context.world.lambda.functions.find(
    (candidate) => candidate.region === context.region && candidate.name === name,
  )
  if (!found || region !== context.region || (qualifier !== undefined && qualifier !== LATEST)) {
    throw notFound(context, name, qualifier)
  }
  return found
}

/** FunctionConfiguration, as GetFunction and GetFunctionConfiguration answer it. */
function configuration(fn: LambdaFunctionRecord): Record<string, unknown> {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: 1024,
    Description: '',
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memorySize,
    LastModified: new Date(fn.createdAt).toISOString().replace('Z', '+0000'),
    CodeSha256: fn.codeSha256,
    Version: LATEST,
    TracingConfig: {Mode: 'PassThrough'},
    RevisionId: fn.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: {Size: 512},
    LoggingConfig: {LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}`},
  }
}

const INVOCATION_TYPES: Record<string, number> = {RequestResponse: 200, Event: 202, DryRun: 204}

const invoke: RestJsonRoute['handle'] = (context, request) => {
  const {world} = context
  const fn = findFunction(context, request.params[0] as string, request.query.get('Qualifier'))
  const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse')
  const status = INVOCATION_TYPES[invocationType]
  if (status === undefined) {
    throw invalidValue(`Unsupported invocation type ${invocationType}: RequestResponse, Event or DryRun`)
  }
  if (invocationType === 'DryRun') return {status, body: ''}
  const payload = JSON.stringify(request.body)
  const failure = lambdaFailure(world, fn.name, fn.region)
  const response = failure
    ? JSON.stringify({
        errorType: 'Error',
        errorMessage: failure.message ?? `${fn.name} failed (sandbox fault lambda-fails)`,
        trace: [`Error: ${failure.message ?? 'failed'}`, `    at Runtime.handler (file:///var/task/index.mjs:1:1)`],
      })
    : JSON.stringify({ok: true, received: request.body})
  world.lambda.invocations.push({
    at: context.now,
    region: fn.region,
    functionName: fn.name,
    requestId: context.requestId,
    invocationType,
    payload,
    functionError: failure ? 'Unhandled' : undefined,
    response,
  })
  world.lambda.invocations.splice(0, Math.max(0, world.lambda.invocations.length - INVOCATIONS_KEPT))
  // An asynchronous invocation is queued: its outcome never reaches the caller.
  if (invocationType === 'Event') return {status, body: ''}
  const headers: Record<string, string> = {'X-Amz-Executed-Version': LATEST}
  if (failure) headers['X-Amz-Function-Error'] = 'Unhandled'
  if (request.headers['x-amz-log-type'] === 'Tail') headers['X-Amz-Log-Result'] = logTail(context, failure?.message)
  return {status, headers, body: response}
}

/** The last lines of the execution log, base64-encoded, as `LogType: Tail` returns them. */
function logTail(context: CallContext, failure?: string): string {
  const id = context.requestId
  const lines = [
    `START RequestId: ${id} Version: ${LATEST}`,
    ...(failure === undefined ? [] : [`ERROR\tInvoke Error\t${failure}`]),
    `END RequestId: ${id}`,
    `REPORT RequestId: ${id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB`,
  ]
  return Buffer.from(`${lines.join('\n')}\n`).toString('base64')
}

const FUNCTION_PATH = String.raw`^\/2015-03-31\/functions\/([^/]+)`

export const lambdaService: RestJsonService = {
  protocol: 'restJson1',
  faultErrors: {
    throttling: {code: 'TooManyRequestsException', message: 'Rate exceeded', status: 429},
    internalCode: 'ServiceException',
  },
  routes: [
    {
      method: 'GET',
      path: new RegExp(`${FUNCTION_PATH}\\/?$`),
      operation: 'GetFunction',
      handle: (context, request) => {
        const fn = findFunction(context, request.params[0] as string, request.query.get('Qualifier'))
        return {
          body: {
            Configuration: configuration(fn),
            Code: {
              RepositoryType: 'S3',
              Location: `https://awslambda-${fn.region}-tasks.s3.${fn.region}.amazonaws.com/snapshots/${context.world.account}/${fn.name}-${derivedId(fn.arn, 8)}`,
            },
          },
        }
      },
    },
    {
      method: 'GET',
      path: new RegExp(`${FUNCTION_PATH}\\/configuration\\/?$`),
      operation: 'GetFunctionConfiguration',
      handle: (context, request) => ({
        body: configuration(findFunction(context, request.params[0] as string, request.query.get('Qualifier'))),
      }),
    },
    {
      method: 'POST',
      path: new RegExp(`${FUNCTION_PATH}\\/invocations\\/?$`),
      operation: 'Invoke',
      handle: invoke,
    },
  ],
}

// ---- Seeding -------------------------------------------------------------------------------------------------------

/** Adds a function to `region`, deployed at `at`. For scenarios and tests. */
export function seedLambdaFunction(
  world: World,
  spec: {region: string; name: string; timeoutSeconds?: number},
  at: number,
): LambdaFunctionRecord {
  const {region, name} = spec
  if (world.lambda.functions.some((fn) => fn.region === region && fn.name === name)) {
    throw new SandboxError('bad-argument', `Lambda function ${name} already exists in ${region}`)
  }
  const seed = nextSeed(world, `lambda:${region}:${name}`)
  const record: LambdaFunctionRecord = {
    name,
    region,
    arn: functionArn(region, world.account, name),
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    role: `arn:aws:iam::${world.account}:role/${name}-role`,
    timeoutSeconds: spec.timeoutSeconds ?? 30,
    memorySize: 128,
    codeSha256: Buffer.from(hexId(seed, 32), 'hex').toString('base64'),
    revisionId: uuidFrom(seed),
    createdAt: at,
  }
  world.lambda.functions.push(record)
  return record
}

// ---- sandbox show --------------------------------------------------------------------------------------------------

export interface LambdaFunctionView {
  name: string
  arn: string
  invocations: number
  /** The outcome of the latest invocation: `ok`, or the function error. */
  lastOutcome?: string
}

export function viewLambda(world: World, region: string): LambdaFunctionView[] {
  return world.lambda.functions
    .filter((fn) => fn.region === region)
    .map((fn) => {
      const invocations = world.lambda.invocations.filter(
        (invocation) => invocation.region === region && invocation.functionName === fn.name,
      )
      const last = invocations.at(-1)
      return {
        name: fn.name,
        arn: fn.arn,
        invocations: invocations.length,
        lastOutcome: last && (last.functionError ?? 'ok'),
      }
    })
}
