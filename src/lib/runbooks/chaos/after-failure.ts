import type {AwsPorts, Experiment} from '../../aws/ports.js'
import {DrctlError, errorMessage, isDrctlError} from '../../core/errors.js'
import type {RunResult} from '../../runbook/engine-context.js'
import type {ExperimentRecord} from './evidence.js'
import {isActive} from './experiments.js'

// A chaos run that stopped (an error, a timeout, Ctrl-C) may leave its experiment running: it is never left so
// without saying so. After Ctrl-C the operator is offered to stop it; after any other failure it keeps running and
// the error says how to end it.

/** The experiment a failed chaos run had started, how FIS sees it now (absent: not found), and the run. */
export interface LeftExperiment {
  experiment: ExperimentRecord
  current?: Experiment
  runId?: string
}

/** What became of the experiment a failed chaos run left behind. */
export type Aftermath =
  /** Interrupted after the experiment had already ended (or disappeared). */
  | {kind: 'had-ended'}
  /** The run failed (not interrupted) while the experiment is active: it runs on until it ends. */
  | {kind: 'still-active'; status: string}
  /** Interrupted, and the operator chose to leave it running. */
  | {kind: 'left-running'; status: string}
  /** Interrupted and stopped: how it ended (`stopped`, or the end FIS reached first). */
  | {kind: 'stopped'; status: string}
  /** StopExperiment was sent, but the wait for the stop was cut short. */
  | {kind: 'stopping'}
  /** The stop itself failed: the experiment may still run. */
  | {kind: 'not-stopped'; message: string}

export interface AftermathChoices {
  /** Asked only when an interrupted run's experiment is still active. */
  shouldStop(id: string): Promise<boolean>
  /** Stops the experiment and follows it; DRCTL_INTERRUPTED when the following was cut short. */
  stop(experiment: ExperimentRecord): Promise<Experiment>
}

/** The experiment a chaos run that stopped with `error` had started (from its evidence), and how FIS sees it now. */
export async function experimentLeftBy(aws: AwsPorts, error: DrctlError): Promise<LeftExperiment | undefined> {
  const run = error.result as Partial<RunResult> | undefined
  const experiment = run?.evidence?.experiment as ExperimentRecord | undefined
  if (!experiment) return undefined
  return {experiment, current: await aws.fis(experiment.region).getExperiment(experiment.id), runId: run?.runId}
}

/**
 * Deals with the experiment a failed chaos run left behind: after Ctrl-C an active one is stopped if the operator
 * says so; otherwise it is left, and the aftermath says so. Undefined when there is nothing to add to the error.
 */
export async function settleLeftExperiment(
  aws: AwsPorts,
  error: DrctlError,
  choices: AftermathChoices,
): Promise<{left: LeftExperiment; aftermath: Aftermath} | undefined> {
  const left = await experimentLeftBy(aws, error)
  if (!left) return undefined
  const interrupted = error.code === 'DRCTL_INTERRUPTED'
  const {experiment, current} = left
  if (!current || !isActive(current.status)) return interrupted ? {left, aftermath: {kind: 'had-ended'}} : undefined
  if (!interrupted) return {left, aftermath: {kind: 'still-active', status: current.status}}
  if (!(await choices.shouldStop(experiment.id))) {
    return {left, aftermath: {kind: 'left-running', status: current.status}}
  }
  try {
    const final = await choices.stop(experiment)
    return {left, aftermath: {kind: 'stopped', status: final.status}}
  } catch (stopError) {
    if (isDrctlError(stopError) && stopError.code === 'DRCTL_INTERRUPTED') return {left, aftermath: {kind: 'stopping'}}
    const message = errorMessage(stopError)
    return {left, aftermath: {kind: 'not-stopped', message}}
  }
}
