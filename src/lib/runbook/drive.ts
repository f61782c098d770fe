import {AsyncLocalStorage} from 'node:async_hooks'
import {hostname} from 'node:os'

import type {AwsCallObserver, AwsCallRecord} from '../aws/invoke.js'
import {DrctlError, ExitCode} from '../core/errors.js'
import type {Topology} from '../topology/views.js'
import {summarizeTopology} from '../topology/summary.js'
import type {EngineContext, RunResult} from './engine-context.js'
import {Journal, type RunOutcome} from './journal.js'
import type {KeptAlive} from './lock.js'
import {journaledReport, writeReport} from './report.js'
import {asRunError, exitFor} from './run-failures.js'
import {journalPath, loadRun, runDirectory} from './runs.js'
import {executeStep, type RunScope, stopIfNeeded} from './step-execution.js'
import {isGroup, type RunPlan} from './types.js'

/** Drives a run whose lock is held (and kept alive); `resumed` when continuing one that stopped. */
export async function drive(
  runId: string,
  plan: RunPlan,
  context: EngineContext,
  kept: KeptAlive,
  resumed?: {damagedLines: number[]},
): Promise<RunResult> {
  const dir = runDirectory(context.home, runId)
  const now = () => new Date(context.clock.now()).toISOString()
  const journal = new Journal(journalPath(context.home, runId), now, () => context.mirror?.notify(runId))
  const currentStep = new AsyncLocalStorage<string>()
  const recorded = new Map<string, unknown>(Object.entries(plan.evidence))
  let mutations = 0
  const {events: earlier} = loadRun(context.home, runId)
  const sandbox = earlier.find((event) => event.type === 'run-start')?.sandbox ?? false
  for (const event of earlier) {
    if (event.type === 'record') recorded.set(event.key, event.value)
    if (event.type === 'aws-call' && event.mutating) mutations++
  }

  const onCall: AwsCallObserver = (call: AwsCallRecord) => {
    if (call.mutating) mutations++
    // Reads are too many to journal; mutating calls and failures are what the operator needs afterwards.
    if (!call.mutating && !call.error) return
    journal.append({
      type: 'aws-call',
      at: now(),
      step: currentStep.getStore(),
      service: call.service,
      operation: call.operation,
      region: call.region,
      mutating: call.mutating,
      requestId: call.requestId,
      durationMs: call.durationMs,
      error: call.error,
    })
  }
  context.aws.observers.push(onCall)
  if (resumed) {
    const {damagedLines} = resumed
    const resume = {type: 'run-resume', at: now(), pid: process.pid, host: hostname()} as const
    journal.append({...resume, ...(damagedLines.length > 0 && {damagedLines})})
  }

  const scope: RunScope = {runId, context, kept, journal, recorded, currentStep, now}
  let failure: DrctlError | undefined
  try {
    for (const item of plan.items) {
      stopIfNeeded(scope)
      if (!isGroup(item)) {
        await executeStep(scope, item)
        continue
      }
      // A started switchover cannot be taken back: let every parallel step finish before reporting a failure.
      const results = await Promise.allSettled(item.parallel.map((step) => executeStep(scope, step)))
      const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
      if (rejected) throw rejected.reason
    }
  } catch (error) {
    failure = asRunError(error, context.signal)
  } finally {
    context.aws.observers.splice(context.aws.observers.indexOf(onCall), 1)
  }

  let after: Topology | undefined
  try {
    after = await context.observe()
  } catch {
    after = undefined
  }
  const outcome: RunOutcome = !failure
    ? 'completed'
    : failure.code === 'DRCTL_INTERRUPTED'
      ? 'interrupted'
      : failure.code === 'DRCTL_TIMEOUT'
        ? 'timed-out'
        : 'failed'
  const exit = failure ? exitFor(failure, mutations) : ExitCode.ok
  journal.append({
    type: 'run-end',
    at: now(),
    outcome,
    exit,
    error: failure ? {code: failure.code, message: failure.message} : undefined,
    after: after ? summarizeTopology(after) : undefined,
  })
  journal.close()
  const report = journaledReport(context.home, runId)
  const reportPath = writeReport(dir, report)
  const result: RunResult = {
    runId,
    kind: plan.kind,
    outcome,
    exit,
    steps: report.steps,
    rtoSeconds: report.rtoSeconds,
    evidence: report.evidence,
    reportPath,
    error: failure ? {code: failure.code, message: failure.message} : undefined,
  }
  if (failure) {
    throw new DrctlError(failure.code, failure.message, {
      exit: exit as DrctlError['exit'],
      hints: [
        ...failure.hints,
        `the run is journaled: drctl runs show ${runId}; continue with drctl runs resume ${runId}${sandbox ? ' --sandbox' : ''}`,
      ],
      result,
      cause: failure,
    })
  }
  return result
}
