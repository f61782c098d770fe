// What the status benchmarks share: a session on the in-process sandbox made for timing, the same reads made one
// after another, and the median of their samples.
import {staticCredentialSource} from '../src/lib/aws/credentials.js'
import type {AwsPorts} from '../src/lib/aws/ports.js'
import {AwsSession} from '../src/lib/aws/session.js'
import {type InProcessSandbox, SANDBOX_CREDENTIALS} from '../src/lib/sandbox/index.js'
import {KeyedLimiter} from '../src/lib/topology/limiter.js'

/** A read-only session on the sandbox that tries each call once and tells `onCall` of every call it makes. */
export function timingSession(sandbox: InProcessSandbox, callTimeoutMs: number, onCall: () => void): AwsSession {
  return new AwsSession({
    credentials: staticCredentialSource(SANDBOX_CREDENTIALS.accessKeyId, SANDBOX_CREDENTIALS.secretAccessKey),
    userAgent: 'drctl-bench',
    endpointFor: () => sandbox.endpoint,
    arcEndpointUrl: (url) => sandbox.arcEndpointUrl(url),
    connectTimeoutMs: 5000,
    callTimeoutMs,
    arcEndpointTimeoutMs: 10_000,
    maxAttempts: 1,
    readOnly: true,
    observers: [onCall],
  })
}

/** Every method of every port goes through one queue: the same reads, one after another. */
export function serialized(aws: AwsPorts): AwsPorts {
  const queue = new KeyedLimiter(1)
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver)
        return typeof value === 'function'
          ? (...args: unknown[]) => queue.run('all', () => Promise.resolve(value.apply(target, args)))
          : value
      },
    })
  return new Proxy(aws, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? (...args: unknown[]) => wrap(value.apply(target, args)) : value
    },
  })
}

export const median = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number
