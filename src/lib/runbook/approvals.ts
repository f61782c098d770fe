import {DrctlError} from '../core/errors.js'
import {quote} from '../core/quote.js'
import {Journal, type RunStartEvent} from './journal.js'
import {isFinished, journalPath, loadRun} from './runs.js'

/** The planned call that marks an approval step (runbooks/app-steps/approval.ts). */
export const APPROVAL_OPERATION = 'WaitForApproval'

export interface ApprovalState {
  /** The step's id in drctl.yaml. */
  step: string
  title: string
  /** The run has reached it and waits. */
  waiting: boolean
  approvedBy?: string
}

/** The approval steps of a run, and which of them are approved or waited on. */
export function approvalsOf(
  home: string,
  runId: string,
): {
  runId: string
  title: string
  sandbox: boolean
  configPath: string
  approvals: ApprovalState[]
  /** The Regions the run does not call (an unplanned failover's failed Region): approving must not call them either. */
  excludedRegions: string[]
} {
  const {summary, events} = loadRun(home, runId)
  if (isFinished(summary))
    throw new DrctlError('DRCTL_USAGE', `run ${summary.id} is ${summary.status}: there is nothing to approve`)
  const start = events.find((event): event is RunStartEvent => event.type === 'run-start') as RunStartEvent
  const approvals = start.plan
    .filter((step) => step.calls.some((call) => call.operation === APPROVAL_OPERATION))
    .map((step): ApprovalState => {
      const id = step.id.replace(/^step\./, '')
      const approved = events.find((event) => event.type === 'approval' && event.step === id)
      return {
        step: id,
        title: step.title,
        waiting: events.some((event) => event.type === 'record' && event.key === `approval.${id}.requested`),
        approvedBy: approved?.type === 'approval' ? approved.by : undefined,
      }
    })
  return {
    runId: summary.id,
    title: summary.title,
    sandbox: start.sandbox,
    configPath: start.configPath,
    approvals,
    excludedRegions: start.excludedRegions ?? [],
  }
}

/** The approval `--step` names, or the only one not yet given. */
export function approvalToGive(
  approvals: ApprovalState[],
  requested: string | undefined,
  runId: string,
): ApprovalState {
  const open = approvals.filter((approval) => !approval.approvedBy)
  if (approvals.length === 0) throw new DrctlError('DRCTL_USAGE', `run ${runId} has no approval step`)
  if (requested) {
    const named = approvals.find((approval) => approval.step === requested)
    if (!named)
      throw new DrctlError('DRCTL_USAGE', `run ${runId} has no approval step ${quote(requested)}`, {
        hints: [`its approval steps: ${approvals.map((approval) => approval.step).join(', ')}`],
      })
    if (named.approvedBy)
      throw new DrctlError('DRCTL_USAGE', `approval ${named.step} was already given by ${named.approvedBy}`)
    return named
  }
  if (open.length === 0) throw new DrctlError('DRCTL_USAGE', `every approval of run ${runId} is already given`)
  if (open.length > 1)
    throw new DrctlError('DRCTL_USAGE', `run ${runId} has ${open.length} approvals to give: name one with --step`, {
      hints: [`--step ${open.map((approval) => approval.step).join(' | ')}`],
    })
  return open[0] as ApprovalState
}

/** Journals the approval; the run waiting on it (in any process) sees it at its next poll. */
export function recordApproval(home: string, runId: string, step: string, by: string, now = new Date()): void {
  const event = {type: 'approval' as const, at: now.toISOString(), step, by}
  const path = journalPath(home, runId)
  if (loadRun(home, runId).summary.status === 'running') {
    Journal.appendAlongside(path, event)
    return
  }
  const journal = new Journal(path)
  try {
    journal.append(event)
  } finally {
    journal.close()
  }
}
