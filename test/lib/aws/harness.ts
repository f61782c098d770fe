import {type AwsCommand, type AwsStub, mockClient} from 'aws-sdk-client-mock'

import {type AwsCallRecord, invoke} from '../../../src/lib/aws/invoke.js'
import type {Caller} from '../../../src/lib/aws/session.js'

export interface CallerOptions {
  readOnly?: boolean
  timeoutMs?: number
  /** Receives every call the adapter makes, as the journal would. */
  records?: AwsCallRecord[]
  /** The endpoint URL the call goes to (ARC cluster endpoints name theirs in errors). */
  endpoint?: string
}

/** The Caller the session gives an adapter, minus the HTTP client: every call goes through the real `invoke`. */
export function callerFor(service: string, region: string, options: CallerOptions = {}): Caller {
  const settings = {
    timeoutMs: options.timeoutMs ?? 1000,
    readOnly: options.readOnly ?? false,
    observers: options.records ? [(record: AwsCallRecord) => options.records?.push(record)] : [],
  }
  return (operation, mutating, send, signal) =>
    invoke(settings, {service, operation, region, endpoint: options.endpoint}, mutating, send, signal)
}

/** An error as the SDK throws it for a modelled AWS answer. */
export function awsError(name: string, message: string, httpStatusCode: number, requestId = 'req-err') {
  return {
    name,
    message,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: {httpStatusCode, requestId},
  } as const
}

/** What every command output carries (the SDK's MetadataBearer, without importing @smithy/types directly). */
type MetadataBearer = {$metadata: {requestId?: string; httpStatusCode?: number}}

/** Any command class, of whichever SDK generation: what matters is its input and the output its handler resolves. */
type AnyCommand = abstract new (input: never) => {
  resolveMiddleware(...args: never[]): (args: never) => Promise<{output: unknown}>
}
type InputOf<C> = C extends abstract new (input: infer I) => unknown ? I & object : never
type OutputOf<C extends AnyCommand> = Awaited<ReturnType<ReturnType<InstanceType<C>['resolveMiddleware']>>>['output'] &
  MetadataBearer

/**
 * The FIS (3.523) and ARC control-config (3.332) clients are built on @smithy/types 2.x, which aws-sdk-client-mock's
 * types reject (toolchain.md §3.2); mocking them works at run time. These casts keep the tests typed: `mockOldClient`
 * for the stub, `oldCommand` for each command handed to it or to a matcher.
 */
export function mockOldClient(client: unknown): AwsStub<object, MetadataBearer, unknown> {
  return mockClient(client as never) as unknown as AwsStub<object, MetadataBearer, unknown>
}

export function oldCommand<C extends AnyCommand>(
  command: C,
): new (input: InputOf<C>) => AwsCommand<InputOf<C>, OutputOf<C>> {
  return command as never
}
