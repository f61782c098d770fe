import {DrctlError} from '../core/errors.js'
import {AwsCallError, type AwsCallTarget} from './errors.js'

/** One AWS call as the journal and the sandbox call log see it. */
export interface AwsCallRecord extends AwsCallTarget {
  mutating: boolean
  requestId?: string
  durationMs: number
  error?: {code: string; message: string}
}

export type AwsCallObserver = (record: AwsCallRecord) => void

export interface InvokeSettings {
  /** Hard deadline for the call including SDK retries. */
  timeoutMs: number
  /** Refuse mutating calls outright: defence in depth behind --dry-run. */
  readOnly: boolean
  observers: AwsCallObserver[]
}

interface WithMetadata {
  $metadata?: {requestId?: string}
}

/**
 * The single path every AWS call takes: a deadline that always fires (the SDK's own request timeout only warns
 * on some clients), errors translated into AwsCallError, and every call reported to the observers. `signal` lets the
 * caller abandon the call (its reason becomes the error).
 */
export async function invoke<T extends WithMetadata>(
  settings: InvokeSettings,
  target: AwsCallTarget,
  mutating: boolean,
  send: (abortSignal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (mutating && settings.readOnly) {
    throw new DrctlError(
      'DRCTL_INTERNAL',
      `refused ${target.service} ${target.operation} in ${target.region}: this run is read-only (dry run)`,
    )
  }
  const started = Date.now()
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = Object.assign(new Error(`no answer within ${settings.timeoutMs}ms`), {name: 'TimeoutError'})
      controller.abort(timeout)
      reject(timeout)
    }, settings.timeoutMs)
  })
  let abandon = () => {}
  const abandoned = new Promise<never>((_, reject) => {
    // Settled before the request is aborted, so the caller's reason wins over the SDK's "Request aborted".
    abandon = () => {
      reject(signal?.reason)
      controller.abort(signal?.reason)
    }
  })
  if (signal?.aborted) abandon()
  else signal?.addEventListener('abort', abandon, {once: true})
  try {
    const output = await Promise.race([send(controller.signal), deadline, abandoned])
    report(settings, {...target, mutating, requestId: output.$metadata?.requestId, durationMs: Date.now() - started})
    return output
  } catch (cause) {
    const abandonedByCaller = signal?.aborted === true && cause === signal.reason
    const error =
      cause instanceof AwsCallError
        ? cause
        : new AwsCallError(target, cause, abandonedByCaller ? undefined : settings.timeoutMs)
    report(settings, {
      ...target,
      mutating,
      requestId: error.requestId,
      durationMs: Date.now() - started,
      error: {code: error.awsCode, message: error.awsMessage},
    })
    throw error
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', abandon)
  }
}

function report(settings: InvokeSettings, record: AwsCallRecord): void {
  for (const observer of settings.observers) observer(record)
}
