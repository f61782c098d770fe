import {phaseOf, runsIn, type StepConfig, type StepPhase, type StepRunbook} from '../../config/steps.js'

/** The move an application step takes part in: where writes and traffic go, and from where. */
export interface StepMove {
  /** The Region writes and traffic move to. */
  to: string
  /** The Regions they move from. */
  from: string[]
  /** Regions the run never calls (the failed Region of an unplanned failover). */
  failedRegions: string[]
  /** Aurora global clusters by their name in drctl.yaml: the names `{{globalCluster NAME}}` resolves to. */
  globalClusters: string[]
  /** The runbook moving (absent in runs journaled before it was recorded). */
  runbook?: StepRunbook
}

/** A step as journaled: its drctl.yaml entry and the move, so a resume rebuilds the same step. */
export interface AppStepSpec {
  step: StepConfig
  move: StepMove
}

/** The application steps of `runbook` for a move, grouped by phase, in drctl.yaml order. */
export function appStepSpecs(
  steps: StepConfig[],
  runbook: StepRunbook,
  move: StepMove,
): Record<StepPhase, AppStepSpec[]> {
  const phases: Record<StepPhase, AppStepSpec[]> = {'before-database': [], 'after-database': [], 'after-traffic': []}
  for (const step of steps) if (runsIn(step, runbook)) phases[phaseOf(step)].push({step, move: {...move, runbook}})
  return phases
}
