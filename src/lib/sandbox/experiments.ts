import type {ExperimentActionRecord, ExperimentRecord} from './services/fis-records.js'

/** The FIS experiment state machine (aws-reference §4.2), read off the experiment's fixed timeline. */
export function experimentStatus(experiment: ExperimentRecord, now: number): {status: string; reason: string} {
  if (experiment.stopRequestedAt !== undefined) {
    if (experiment.stoppedAt !== undefined && now >= experiment.stoppedAt) {
      return {
        status: 'stopped',
        reason: experiment.stoppedBy ? `Stop condition ${experiment.stoppedBy} triggered.` : 'Experiment stopped.',
      }
    }
    return {status: 'stopping', reason: 'Stopping Experiment.'}
  }
  if (now < experiment.runningAt) return {status: 'initiating', reason: 'Experiment is initiating.'}
  if (now < experiment.completesAt) return {status: 'running', reason: 'Experiment is running.'}
  return {status: 'completed', reason: 'Experiment completed.'}
}

export function isActiveStatus(status: string): boolean {
  return status === 'pending' || status === 'initiating' || status === 'running' || status === 'stopping'
}

export function actionStatus(
  experiment: ExperimentRecord,
  action: ExperimentActionRecord,
  now: number,
): {status: string; reason: string} {
  const stop = experiment.stopRequestedAt
  if (stop !== undefined && stop < action.endAt) {
    if (stop < action.startAt) return {status: 'cancelled', reason: 'Action was cancelled.'}
    if (experiment.stoppedAt !== undefined && now >= experiment.stoppedAt) {
      return {status: 'stopped', reason: 'Action was stopped.'}
    }
    return {status: 'stopping', reason: 'Action is stopping.'}
  }
  if (now < action.startAt) return {status: 'pending', reason: 'Initial state'}
  if (now < action.endAt) return {status: 'running', reason: 'Action is running.'}
  return {status: 'completed', reason: 'Action completed.'}
}

/** When an action really ran: from its start until it ended or the experiment was stopped. */
export function actionWindow(
  experiment: ExperimentRecord,
  action: ExperimentActionRecord,
): {start: number; end: number} | undefined {
  const end = Math.min(action.endAt, experiment.stopRequestedAt ?? Number.POSITIVE_INFINITY)
  return end > action.startAt ? {start: action.startAt, end} : undefined
}
