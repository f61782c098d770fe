import {mkdirSync} from 'node:fs'
import {hostname} from 'node:os'

import {summarizeTopology} from '../topology/summary.js'
import {drive} from './drive.js'
import type {EngineContext, RunIdentity, RunResult} from './engine-context.js'
import {Journal, type PlannedStep} from './journal.js'
import {journaledReport, writeReport} from './report.js'
import {holding, lockFor, runLocks} from './run-lock.js'
import type {JournalMirror} from './team-journal.js'
import {
  assertNoUnfinishedRun,
  assertUnfinished,
  journalPath,
  leaseKey,
  loadRun,
  newRunId,
  runDirectory,
} from './runs.js'
import {isGroup, type PlanItem, type RunPlan} from './types.js'
import {errorMessage} from '../core/errors.js'

/**
 * Starts a confirmed plan as a journaled run, holding the topology's lock until it ends; refuses if another process
 * holds it, or if the topology has an unfinished run.
 */
export async function startRun(plan: RunPlan, identity: RunIdentity, context: EngineContext): Promise<RunResult> {
  const locks = context.locks ?? runLocks(context.home)
  const runId = newRunId(plan.kind, identity.topology)
  const lease = await lockFor(locks, identity.topologyKey, runId)
  try {
    assertNoUnfinishedRun(context.home, identity.topologyKey)
    mkdirSync(runDirectory(context.home, runId), {recursive: true})
    const journal = new Journal(journalPath(context.home, runId))
    journal.append({
      type: 'run-start',
      at: new Date(context.clock.now()).toISOString(),
      runId,
      kind: plan.kind,
      title: plan.title,
      topology: identity.topology,
      topologyKey: identity.topologyKey,
      configPath: identity.configPath,
      sandbox: identity.sandbox,
      params: plan.params,
      flags: identity.flags,
      caller: identity.caller,
      pid: process.pid,
      host: hostname(),
      gates: plan.gates,
      plan: plannedSteps(plan.items),
      notes: plan.notes,
      followUps: plan.followUps,
      evidence: plan.evidence,
      excludedRegions: plan.excludedRegions,
      before: identity.before ? summarizeTopology(identity.before) : undefined,
    })
    journal.close()
    context.mirror?.notify(runId)
  } catch (error) {
    await lease.release()
    throw error
  }
  return holding(lease, locks, (kept) => mirrored(context, () => drive(runId, plan, context, kept)))
}

/** Runs `task`, then waits for the journal's copy in the team table, warning of events it could not copy. */
async function mirrored<T>(context: EngineContext, task: () => Promise<T>): Promise<T> {
  try {
    return await task()
  } finally {
    const mirror = context.mirror
    if (mirror) {
      await mirror.flush()
      for (const {runId, error} of mirror.failures.splice(0)) {
        context.emit({
          type: 'warning',
          message:
            `run ${runId}: the team state table ${mirror.table} (${mirror.region}) lacks some of its journal ` +
            `(${errorMessage(error)}); the next resume sends it`,
        })
      }
    }
  }
}

/**
 * Continues a run that stopped for any reason, holding its topology's lock. Every step is checked against live
 * state again, from the first: done steps are verified and skipped, in-flight changes are waited for, the rest run.
 * A damaged journal changes nothing there: its unreadable lines are journaled with the resume.
 */
export async function resumeRun(runId: string, plan: RunPlan, context: EngineContext): Promise<RunResult> {
  const locks = context.locks ?? runLocks(context.home)
  const lease = await lockFor(locks, leaseKey(loadRun(context.home, runId).summary), runId)
  let damagedLines: number[]
  try {
    // Read again under the lock: another process may have finished the run meanwhile.
    const {summary} = loadRun(context.home, runId)
    assertUnfinished(summary, 'resume')
    damagedLines = summary.journalProblems.filter((problem) => problem.kind === 'damaged').map(({line}) => line)
  } catch (error) {
    await lease.release()
    throw error
  }
  return holding(lease, locks, (kept) => mirrored(context, () => drive(runId, plan, context, kept, {damagedLines})))
}

/** Records that an unfinished run will not be resumed (nothing changes in AWS), and writes its report. */
export async function abandonRun(
  home: string,
  runId: string,
  locks = runLocks(home),
  mirror?: JournalMirror,
): Promise<void> {
  const lease = await lockFor(locks, leaseKey(loadRun(home, runId).summary), runId)
  try {
    const {summary} = loadRun(home, runId)
    assertUnfinished(summary, 'abandon')
    const journal = new Journal(journalPath(home, runId))
    journal.append({type: 'run-end', at: new Date().toISOString(), outcome: 'abandoned', exit: 0})
    journal.close()
    await mirror?.push(runId)
    writeReport(summary.dir, journaledReport(home, runId))
  } finally {
    await lease.release()
  }
}

export function plannedSteps(items: PlanItem[]): PlannedStep[] {
  return items.flatMap((item) =>
    (isGroup(item) ? item.parallel.map((step) => ({step, group: item.id})) : [{step: item, group: undefined}]).map(
      ({step, group}) => ({id: step.id, title: step.title, group, calls: step.describe(), milestone: step.milestone}),
    ),
  )
}
