import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {availableCheck, CheckedStep, recordInList} from './checked-step.js'

const DESCRIBE_SNAPSHOTS = declared('RDS', 'DescribeDBClusterSnapshots')
const CREATE_SNAPSHOT = declared('RDS', 'CreateDBClusterSnapshot', 'clusters', 'cluster-snapshots')
const COPY_SNAPSHOT = declared('RDS', 'CopyDBClusterSnapshot', 'cluster-snapshots')

const recordSnapshot = (ctx: StepContext, snapshot: string) => recordInList(ctx, 'snapshots', snapshot)

/** A snapshot the run creates: pending until it exists, done once available. */
async function snapshotState(ctx: StepContext, region: string, snapshotId: string, noun: string): Promise<StepCheck> {
  const [snapshot] = await ctx.aws.rds(region).describeDbClusterSnapshots({snapshotId})
  return availableCheck(snapshot, noun)
}

/** CreateDBClusterSnapshot with a predictable name (a snapshot for reconciliation). */
export class ClusterSnapshotStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_SNAPSHOTS], writes: [CREATE_SNAPSHOT]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly clusterId: string,
    private readonly region: string,
    private readonly snapshotId: string,
  ) {
    super()
    this.id = `snapshot.${snapshotId}`
    this.title = `Snapshot ${clusterId} (${region}) as ${snapshotId}`
  }

  describe(): PlannedCall[] {
    return [planned(CREATE_SNAPSHOT, this.region, `${this.clusterId} → ${this.snapshotId}`)]
  }

  check(ctx: StepContext): Promise<StepCheck> {
    return snapshotState(ctx, this.region, this.snapshotId, 'snapshot')
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.rds(this.region).createDbClusterSnapshot(this.clusterId, this.snapshotId)
    recordSnapshot(ctx, `${this.snapshotId} (${this.region}, of ${this.clusterId})`)
  }
}

/** Copies a system snapshot (which expires with its cluster's retention) to a manual one that stays. */
export class CopySnapshotStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_SNAPSHOTS], writes: [COPY_SNAPSHOT]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly source: string,
    private readonly region: string,
    private readonly targetId: string,
  ) {
    super()
    this.id = `copy.${targetId}`
    this.title = `Preserve ${source} (${region}) as ${targetId}`
  }

  describe(): PlannedCall[] {
    return [planned(COPY_SNAPSHOT, this.region, `${this.source} → ${this.targetId}`)]
  }

  check(ctx: StepContext): Promise<StepCheck> {
    return snapshotState(ctx, this.region, this.targetId, 'copy')
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.rds(this.region).copyDbClusterSnapshot(this.source, this.targetId)
    recordSnapshot(ctx, `${this.targetId} (${this.region}, copy of ${this.source})`)
  }
}
