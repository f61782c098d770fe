import type {AwsPorts} from '../aws/ports.js'
import type {Check} from '../checks/check.js'
import type {Clock} from '../core/clock.js'

/** One AWS call a step will make, as the plan and --dry-run show it (and an IAM policy generator would read it). */
export interface PlannedCall {
  service: string
  operation: string
  region: string
  /** The key parameters, in words: `orders-global → arn:aws:rds:us-west-2:…:cluster:orders-usw2`. */
  detail: string
}

/** What a step's check found in live state (read before write: a done step is not run again). */
export type StepCheck =
  | {state: 'done'; note?: string}
  | {state: 'pending'; note?: string}
  /** The change was already requested (by an earlier, interrupted attempt): only wait for it. */
  | {state: 'in-progress'; note?: string}

export type Milestone = 'writes' | 'traffic'

/** An operator's go-ahead for an approval step (`drctl runs approve`), from any process or machine. */
export interface Approval {
  step: string
  /** Who approved: the AWS caller and the local user and host. */
  by: string
  at: string
}

export interface StepContext {
  /** The run the step belongs to (a step marks what it leaves behind with it). */
  readonly runId: string
  readonly aws: AwsPorts
  readonly clock: Clock
  /** Aborted on Ctrl-C: waits stop at once; a call in flight completes. */
  readonly signal: AbortSignal
  progress(message: string): void
  /** Evidence for the report (lag at failover, snapshot ids …), journaled so it survives a crash. */
  record(key: string, value: unknown): void
  recorded<T>(key: string): T | undefined
  /** Something the operator must do later (a Region the run could not call): listed in the report's follow-ups. */
  followUp(message: string): void
  /** The approvals given for this run so far (read afresh on each call). */
  approvals(): Promise<Approval[]>
}

export interface Step {
  id: string
  title: string
  /** The AWS calls `run` makes. */
  describe(): PlannedCall[]
  check(ctx: StepContext): Promise<StepCheck>
  run(ctx: StepContext): Promise<void>
  /** Until the state the step exists for is reached (backoff, timeout, progress). */
  wait?(ctx: StepContext): Promise<void>
  /** Reads back and throws if the state is not what the step promised. */
  verify(ctx: StepContext): Promise<void>
  /** What a failure of this step may leave behind, and how to remove it: hints added to the run's error. */
  leftBehind?(ctx: StepContext): string[]
  /** When this step is verified, writes (or traffic) are in the target Region: the RTO clock stops there. */
  milestone?: Milestone
  /**
   * A short deadline (an application step whose control plane is in the failed Region of an unplanned failover). If
   * the step fails or misses it, `defer` lets the run go on and lists the follow-up in the report; `stop` stops the
   * run (resumable).
   */
  deadline?: StepDeadline
}

export interface StepDeadline {
  ms: number
  onMiss: 'defer' | 'stop'
  /** What the operator must do later if the step is deferred. */
  followUp: string
}

/** Steps that run concurrently (one per global cluster, say); the group ends when all have. */
export interface StepGroup {
  id: string
  title: string
  parallel: Step[]
}

export type PlanItem = Step | StepGroup

export function isGroup(item: PlanItem): item is StepGroup {
  return 'parallel' in item
}

export type Confirmation =
  | {kind: 'confirm'; message: string}
  | {
      kind: 'typed'
      message: string
      /** What the operator must type (the target Region, the topology name). */
      expected: string
      /** Whether --yes alone replaces the typed answer, or needs a companion flag. */
      yesSuffices: boolean
      yesFlagHint: string
    }

/** Everything a runbook decided before changing anything: printed, confirmed, journaled, then executed. */
export interface RunPlan {
  kind: string
  title: string
  /** The parameters that rebuild this runbook on `drctl runs resume`. */
  params: Record<string, unknown>
  items: PlanItem[]
  gates: Check[]
  confirmation: Confirmation
  /** Facts the operator should read before confirming (data-loss estimate, what will be orphaned …). */
  notes: string[]
  /** What the report should tell the operator to do next. */
  followUps: string[]
  /** Evidence known at planning time (e.g. lag observed before an unplanned failover). */
  evidence: Record<string, unknown>
  /** Regions the run must never call (the failed Region of an unplanned failover). */
  excludedRegions: string[]
}
