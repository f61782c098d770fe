import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {CheckedStep, recordInList} from './checked-step.js'

const recordSnapshot = (ctx: StepContext, snapshot: string) => recordInList(ctx, 'snapshots', snapshot)

/** A snapshot the run creates: pending until it exists, done once available. */
async function snapshotState(ctx: StepContext, region: string, snapshotId: string, noun: string): Promise<StepCheck> {
  const [snapshot] = await ctx.aws.rds(region).describeDbClusterSnapshots({snapshotId})
  if (!snapshot) return {state: 'pending'}
  return snapshot.status === 'available'
    ? {state: 'done', note: `${noun} available`}
    : {state: 'in-progress', note: `${noun} ${snapshot.status}`}
}

/** CreateDBClusterSnapshot with a predictable name (a snapshot for reconciliation). */
export class ClusterSnapshotStep extends CheckedStep {
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
    return [
      {
        service: 'RDS',
        operation: 'CreateDBClusterSnapshot',
        region: this.region,
        detail: `${this.clusterId} → ${this.snapshotId}`,
      },
    ]
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
    return [
      {
        service: 'RDS',
        operation: 'CopyDBClusterSnapshot',
        region: this.region,
        detail: `${this.source} → ${this.targetId}`,
      },
    ]
  }

  check(ctx: StepContext): Promise<StepCheck> {
    return snapshotState(ctx, this.region, this.targetId, 'copy')
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.rds(this.region).copyDbClusterSnapshot(this.source, this.targetId)
    recordSnapshot(ctx, `${this.targetId} (${this.region}, copy of ${this.source})`)
  }
}
