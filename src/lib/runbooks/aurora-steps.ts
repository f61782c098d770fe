import {AwsCallError} from '../aws/errors.js'
import type {GlobalCluster} from '../aws/ports.js'
import {DrctlError} from '../core/errors.js'
import {waitFor} from '../runbook/wait.js'
import {pollGlobalCluster} from './global-cluster-poll.js'
import {DETACHED_BY_RUN_TAG, DETACHED_FROM_TAG} from '../topology/views.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'

/** The journal record of when a global cluster's unplanned failover (or detach) was started. */
export const failoverAtKey = (globalClusterId: string) => `failoverAt.${globalClusterId}`

/** One global cluster's move: which cluster takes over, and where to call from. */
export interface GlobalMove {
  globalClusterId: string
  targetRegion: string
  targetClusterArn: string
  targetClusterId: string
  /** Where the writer was when the run was planned (a switchover must be sent there). */
  fromRegion: string
}

const SWITCHOVER_TIMEOUT_MS = 30 * 60_000
const FAILOVER_TIMEOUT_MS = 30 * 60_000
const DETACH_TIMEOUT_MS = 30 * 60_000
/**
 * A switchover or failover is polled at least this often, so the run ends within 5 s of the new writer; with the
 * polls of every global cluster shared, that is one DescribeGlobalClusters per Region every 5 s (0.2 calls/s).
 */
const MAX_WRITER_POLL_MS = 5000

/** What a writer move reads: the global cluster (check, wait) and the new writer (verify). */
const WRITER_MOVE_READS = [declared('RDS', 'DescribeGlobalClusters'), declared('RDS', 'DescribeDBClusters')]
const SWITCHOVER = declared('RDS', 'SwitchoverGlobalCluster', 'global-clusters', 'clusters')
const FAILOVER = declared('RDS', 'FailoverGlobalCluster', 'global-clusters', 'clusters')
const REMOVE_MEMBER = declared('RDS', 'RemoveFromGlobalCluster', 'global-clusters', 'clusters')
const TAG_CLUSTER = declared('RDS', 'AddTagsToResource', 'clusters')

const writerOf = (global: GlobalCluster) => global.members.find((member) => member.isWriter)

/** FailoverState and IsWriter lag the call: "done" only when the state is gone, status is available and the target writes. */
function switched(global: GlobalCluster | undefined, targetArn: string): boolean {
  return Boolean(
    global && !global.failoverState && global.status === 'available' && writerOf(global)?.clusterArn === targetArn,
  )
}

function describeProgress(global: GlobalCluster | undefined): string {
  if (!global) return 'global cluster not visible'
  const state = global.failoverState
    ? `, ${global.failoverState.isDataLossAllowed ? 'failover' : 'switchover'} ${global.failoverState.status}`
    : ''
  return `global ${global.status}${state}, writer ${writerOf(global)?.clusterId ?? 'none'}`
}

async function readGlobal(ctx: StepContext, region: string, id: string): Promise<GlobalCluster> {
  const global = await ctx.aws.rds(region).describeGlobalCluster(id)
  if (!global) throw new DrctlError('DRCTL_AWS_NOT_FOUND', `global cluster ${id} does not exist (asked in ${region})`)
  return global
}

/** RemoveFromGlobalCluster; a cluster an earlier attempt removed already ("is not found in global cluster") is fine. */
export async function removeFromGlobalCluster(
  ctx: StepContext,
  region: string,
  globalClusterId: string,
  clusterArn: string,
): Promise<void> {
  try {
    await ctx.aws.rds(region).removeFromGlobalCluster(globalClusterId, clusterArn)
  } catch (error) {
    if (!(error instanceof AwsCallError) || !/not found in global cluster/i.test(error.awsMessage)) throw error
  }
}

async function waitUntilWriter(ctx: StepContext, move: GlobalMove, timeoutMs: number): Promise<void> {
  await waitFor({
    what: `${move.targetClusterId} to become the writer of ${move.globalClusterId}`,
    clock: ctx.clock,
    signal: ctx.signal,
    timeoutMs,
    maxDelayMs: MAX_WRITER_POLL_MS,
    poll: async () => {
      const global = await pollGlobalCluster(ctx, move.targetRegion, move.globalClusterId)
      return {done: switched(global, move.targetClusterArn), progress: describeProgress(global)}
    },
    progress: (message) => ctx.progress(message),
  })
}

async function verifyWriter(ctx: StepContext, move: GlobalMove): Promise<void> {
  const global = await readGlobal(ctx, move.targetRegion, move.globalClusterId)
  if (!switched(global, move.targetClusterArn)) {
    throw new DrctlError(
      'DRCTL_VERIFY_FAILED',
      `${move.globalClusterId}: expected ${move.targetClusterId} to write, but ${describeProgress(global)}`,
    )
  }
  const cluster = await ctx.aws.rds(move.targetRegion).describeDbCluster(move.targetClusterArn)
  if (!cluster?.members.some((member) => member.isWriter)) {
    throw new DrctlError(
      'DRCTL_VERIFY_FAILED',
      `${move.targetClusterId} is the global writer but has no writer instance yet`,
    )
  }
}

/**
 * A move of the writer to the target (switchover or managed failover): done only once the target writes, in
 * progress while FailoverState points at it; the two differ in the call and where it is sent.
 */
abstract class WriterMoveStep implements Step {
  abstract readonly id: string
  abstract readonly title: string
  readonly milestone = 'writes' as const
  protected abstract readonly timeoutMs: number

  constructor(protected readonly move: GlobalMove) {}

  abstract describe(): PlannedCall[]
  abstract run(ctx: StepContext): Promise<void>

  async check(ctx: StepContext): Promise<StepCheck> {
    const global = await readGlobal(ctx, this.move.targetRegion, this.move.globalClusterId)
    if (switched(global, this.move.targetClusterArn))
      return {state: 'done', note: `${this.move.targetClusterId} already writes`}
    if (global.failoverState?.toClusterArn === this.move.targetClusterArn)
      return {state: 'in-progress', note: describeProgress(global)}
    if (global.failoverState && this.refusesOtherMoves) {
      throw new DrctlError(
        'DRCTL_AWS_INVALID_STATE',
        `${this.move.globalClusterId} has another switchover/failover in progress: ${describeProgress(global)}`,
      )
    }
    return {state: 'pending'}
  }

  /** A switchover must not start over another move; a managed failover is the way out of a stuck one. */
  protected abstract readonly refusesOtherMoves: boolean

  wait(ctx: StepContext): Promise<void> {
    return waitUntilWriter(ctx, this.move, this.timeoutMs)
  }

  verify(ctx: StepContext): Promise<void> {
    return verifyWriter(ctx, this.move)
  }
}

/** SwitchoverGlobalCluster (planned, RPO 0): sent to the current primary's Region, with the target's ARN. */
export class SwitchoverStep extends WriterMoveStep {
  static readonly calls: CallDeclaration = {reads: WRITER_MOVE_READS, writes: [SWITCHOVER]}
  readonly id: string
  readonly title: string
  protected readonly timeoutMs = SWITCHOVER_TIMEOUT_MS
  protected readonly refusesOtherMoves = true

  constructor(move: GlobalMove) {
    super(move)
    this.id = `switchover.${move.globalClusterId}`
    this.title = `Switch over ${move.globalClusterId} to ${move.targetClusterId} (${move.targetRegion})`
  }

  describe(): PlannedCall[] {
    return [planned(SWITCHOVER, this.move.fromRegion, `${this.move.globalClusterId} → ${this.move.targetClusterArn}`)]
  }

  async run(ctx: StepContext): Promise<void> {
    // Re-read where the writer is now: the switchover must go to the current primary's Region.
    const global = await readGlobal(ctx, this.move.targetRegion, this.move.globalClusterId)
    const primaryRegion = writerOf(global)?.region ?? this.move.fromRegion
    await ctx.aws.rds(primaryRegion).switchoverGlobalCluster(this.move.globalClusterId, this.move.targetClusterArn)
  }
}

/** FailoverGlobalCluster with AllowDataLoss: sent to the target's Region; the old primary's Region is never called. */
export class ManagedFailoverStep extends WriterMoveStep {
  static readonly calls: CallDeclaration = {reads: WRITER_MOVE_READS, writes: [FAILOVER]}
  readonly id: string
  readonly title: string
  protected readonly timeoutMs = FAILOVER_TIMEOUT_MS
  protected readonly refusesOtherMoves = false

  constructor(move: GlobalMove) {
    super(move)
    this.id = `failover.${move.globalClusterId}`
    this.title = `Fail over ${move.globalClusterId} to ${move.targetClusterId} (${move.targetRegion}), allowing data loss`
  }

  describe(): PlannedCall[] {
    return [
      planned(
        FAILOVER,
        this.move.targetRegion,
        `${this.move.globalClusterId} → ${this.move.targetClusterArn}, AllowDataLoss`,
      ),
    ]
  }

  async run(ctx: StepContext): Promise<void> {
    ctx.record(failoverAtKey(this.move.globalClusterId), new Date(ctx.clock.now()).toISOString())
    await ctx.aws
      .rds(this.move.targetRegion)
      .failoverGlobalCluster(this.move.globalClusterId, this.move.targetClusterArn, true)
  }
}

/**
 * RemoveFromGlobalCluster on the target ("detach and promote"): it becomes a standalone writer, the old global
 * cluster is left orphaned around the old primary (fallback deals with it).
 */
export class DetachStep implements Step {
  static readonly calls: CallDeclaration = {
    reads: [declared('RDS', 'DescribeDBClusters')],
    writes: [REMOVE_MEMBER, TAG_CLUSTER],
  }
  readonly id: string
  readonly title: string
  readonly milestone = 'writes' as const

  constructor(private readonly move: GlobalMove) {
    this.id = `detach.${move.globalClusterId}`
    this.title = `Detach ${move.targetClusterId} (${move.targetRegion}) from ${move.globalClusterId} and promote it`
  }

  describe(): PlannedCall[] {
    return [
      planned(REMOVE_MEMBER, this.move.targetRegion, `${this.move.targetClusterArn} from ${this.move.globalClusterId}`),
      planned(
        TAG_CLUSTER,
        this.move.targetRegion,
        `${this.move.targetClusterId} ${DETACHED_FROM_TAG}=${this.move.globalClusterId} (so drctl anywhere finds it)`,
      ),
    ]
  }

  private async standalone(ctx: StepContext) {
    const cluster = await ctx.aws.rds(this.move.targetRegion).describeDbCluster(this.move.targetClusterArn)
    if (!cluster)
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `${this.move.targetClusterId} does not exist in ${this.move.targetRegion}`,
      )
    const writer = cluster.members.some((member) => member.isWriter)
    return {cluster, done: !cluster.globalClusterId && cluster.status === 'available' && writer}
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const {cluster, done} = await this.standalone(ctx)
    if (done) return {state: 'done', note: `${cluster.id} is already a standalone writer`}
    if (cluster.status === 'promoting' || !cluster.globalClusterId)
      return {state: 'in-progress', note: `cluster ${cluster.status}`}
    return {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    ctx.record(failoverAtKey(this.move.globalClusterId), new Date(ctx.clock.now()).toISOString())
    ctx.record(`orphaned.${this.move.globalClusterId}`, {
      globalClusterId: this.move.globalClusterId,
      survivor: this.move.targetClusterArn,
      oldPrimaryRegion: this.move.fromRegion,
    })
    await removeFromGlobalCluster(ctx, this.move.targetRegion, this.move.globalClusterId, this.move.targetClusterArn)
  }

  async wait(ctx: StepContext): Promise<void> {
    await waitFor({
      what: `${this.move.targetClusterId} to leave ${this.move.globalClusterId} and be an available writer`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: DETACH_TIMEOUT_MS,
      poll: async () => {
        const {cluster, done} = await this.standalone(ctx)
        return {
          done,
          progress: `cluster ${cluster.status}${cluster.globalClusterId ? `, still in ${cluster.globalClusterId}` : ', detached'}`,
        }
      },
      progress: (message) => ctx.progress(message),
    })
  }

  async verify(ctx: StepContext): Promise<void> {
    const {cluster, done} = await this.standalone(ctx)
    if (!done)
      throw new DrctlError(
        'DRCTL_VERIFY_FAILED',
        `${cluster.id} is ${cluster.status}${cluster.globalClusterId ? `, still in ${cluster.globalClusterId}` : ''}`,
      )
    if (cluster.tags?.[DETACHED_FROM_TAG] !== this.move.globalClusterId) await this.tag(ctx)
  }

  /**
   * Here rather than in `run`, so that a run resumed after the detach still tags. Writes already moved: a refused
   * tag is said, not fatal (this machine's journal still knows the survivor).
   */
  private async tag(ctx: StepContext): Promise<void> {
    try {
      await ctx.aws.rds(this.move.targetRegion).tagCluster(this.move.targetClusterArn, {
        [DETACHED_FROM_TAG]: this.move.globalClusterId,
        [DETACHED_BY_RUN_TAG]: ctx.runId,
      })
    } catch (error) {
      if (!(error instanceof AwsCallError)) throw error
      ctx.progress(
        `could not tag ${this.move.targetClusterId} (${error.message}): drctl elsewhere will not know it left ${this.move.globalClusterId}`,
      )
      ctx.followUp(
        `tag ${this.move.targetClusterId} ${DETACHED_FROM_TAG}=${this.move.globalClusterId} by hand, so that drctl anywhere finds it (${error.message})`,
      )
    }
  }
}
