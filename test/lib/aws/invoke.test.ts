import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {AwsCallError} from '../../../src/lib/aws/errors.js'
import {type AwsCallRecord, invoke, type InvokeSettings} from '../../../src/lib/aws/invoke.js'
import {DrctlError} from '../../../src/lib/core/errors.js'

const target = {service: 'RDS', operation: 'SwitchoverGlobalCluster', region: 'us-east-1'}

function settings(options: Partial<InvokeSettings> = {}): InvokeSettings & {records: AwsCallRecord[]} {
  const records: AwsCallRecord[] = []
  return {timeoutMs: 300, readOnly: false, observers: [(record) => records.push(record)], ...options, records}
}

/** A send that never answers by itself, only rejects when aborted (what the SDK does with its abortSignal). */
function neverAnswers() {
  const seen: {signal?: AbortSignal} = {}
  const send = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => {
      seen.signal = signal
      signal.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), {name: 'AbortError'})))
    })
  return {send, seen}
}

describe('invoke', () => {
  beforeEach(() => {
    vi.useFakeTimers({now: new Date('2026-01-01T00:00:00Z')})
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('refuses a mutating call in a read-only run before sending, and lets reads through', async () => {
    const send = vi.fn(async () => ({$metadata: {requestId: 'req-1'}}))
    const readOnly = settings({readOnly: true})
    const refusal = await invoke(readOnly, target, true, send).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(DrctlError)
    expect(refusal).not.toBeInstanceOf(AwsCallError)
    expect((refusal as DrctlError).message).toBe(
      'refused RDS SwitchoverGlobalCluster in us-east-1: this run is read-only (dry run)',
    )
    expect(send).not.toHaveBeenCalled()
    await invoke(readOnly, {...target, operation: 'DescribeGlobalClusters'}, false, send)
    expect(send).toHaveBeenCalledTimes(1)
  })

  it('reports each answered call to every observer, with its request id and how long it took', async () => {
    const other: AwsCallRecord[] = []
    const run = settings()
    run.observers.push((record) => other.push(record))
    const output = await invoke(run, target, true, async () => {
      await vi.advanceTimersByTimeAsync(120)
      return {$metadata: {requestId: 'req-7'}}
    })
    expect(output).toEqual({$metadata: {requestId: 'req-7'}})
    const record = {...target, mutating: true, requestId: 'req-7', durationMs: 120}
    expect(run.records).toEqual([record])
    expect(other).toEqual([record])
  })

  it('aborts a call that does not answer by its deadline, and not before, as a timeout', async () => {
    const run = settings({timeoutMs: 300})
    const {send, seen} = neverAnswers()
    const outcome = invoke(run, target, false, send).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(299)
    expect(seen.signal?.aborted).toBe(false)
    expect(run.records).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    const failure = await outcome
    expect(seen.signal?.aborted).toBe(true)
    expect(seen.signal?.reason).toMatchObject({name: 'TimeoutError'})
    expect(failure).toBeInstanceOf(AwsCallError)
    expect(failure).toMatchObject({
      kind: 'timeout',
      code: 'DRCTL_AWS_UNREACHABLE',
      exit: 5,
      awsCode: 'TimeoutError',
      awsMessage: 'no answer within 300ms',
    })
    expect(run.records).toEqual([
      {...target, mutating: false, durationMs: 300, error: {code: 'TimeoutError', message: 'no answer within 300ms'}},
    ])
  })

  it('abandons a call when the caller’s signal aborts, long before the deadline, with the caller’s reason', async () => {
    const run = settings({timeoutMs: 2000})
    const {send, seen} = neverAnswers()
    const caller = new AbortController()
    const outcome = invoke(run, target, false, send, caller.signal).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(400)
    caller.abort(Object.assign(new Error('another endpoint answered first'), {name: 'AbortError'}))
    const failure = await outcome
    expect(seen.signal?.aborted).toBe(true)
    expect(failure).toMatchObject({kind: 'timeout', awsMessage: 'another endpoint answered first'})
    expect(run.records).toEqual([
      {
        ...target,
        mutating: false,
        durationMs: 400,
        error: {code: 'TimeoutError', message: 'another endpoint answered first'},
      },
    ])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('sends nothing that lasts when the caller’s signal is already aborted', async () => {
    const caller = new AbortController()
    caller.abort(Object.assign(new Error('not needed any more'), {name: 'AbortError'}))
    const {send, seen} = neverAnswers()
    await expect(invoke(settings(), target, false, send, caller.signal)).rejects.toMatchObject({
      awsMessage: 'not needed any more',
    })
    expect(seen.signal?.aborted).toBe(true)
  })

  it('reads the HTTP handler’s own request timeout as a timeout too', async () => {
    const failure = await invoke(settings(), target, false, async () => {
      throw Object.assign(new Error('Request timed out after 2000 ms'), {name: 'TimeoutError'})
    }).catch((error: unknown) => error)
    expect(failure).toMatchObject({kind: 'timeout', awsMessage: 'Request timed out after 2000 ms'})
  })

  it.each([
    ['AccessDeniedException', 403, 'access-denied', 'DRCTL_AWS_ACCESS_DENIED'],
    ['GlobalClusterNotFoundFault', 404, 'not-found', 'DRCTL_AWS_NOT_FOUND'],
    ['ThrottlingException', 400, 'throttling', 'DRCTL_AWS_THROTTLED'],
    ['InvalidGlobalClusterStateFault', 400, 'invalid-state', 'DRCTL_AWS_INVALID_STATE'],
  ])(
    'turns %s into an AwsCallError of kind %s, reported with its code and request id',
    async (name, status, kind, code) => {
      const run = settings()
      const failure = await invoke(run, target, true, async () => {
        throw Object.assign(new Error('refused'), {name, $metadata: {httpStatusCode: status, requestId: 'req-x'}})
      }).catch((error: unknown) => error)
      expect(failure).toMatchObject({kind, code, exit: 5, awsCode: name, httpStatus: status, requestId: 'req-x'})
      expect(run.records).toEqual([
        {...target, mutating: true, requestId: 'req-x', durationMs: 0, error: {code: name, message: 'refused'}},
      ])
    },
  )

  it('passes an AwsCallError from a nested call on unchanged', async () => {
    const inner = new AwsCallError({...target, region: 'us-west-2'}, {name: 'ThrottlingException', message: 'slow'})
    await expect(
      invoke(settings(), target, false, async () => {
        throw inner
      }),
    ).rejects.toBe(inner)
  })

  it('leaves no deadline timer behind once a call is answered', async () => {
    await invoke(settings({timeoutMs: 60_000}), target, false, async () => ({$metadata: {}}))
    expect(vi.getTimerCount()).toBe(0)
  })
})
