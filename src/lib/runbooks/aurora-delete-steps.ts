import {AwsCallError} from '../aws/errors.js'
import {resourceIdOfArn} from '../core/arn.js'
import {waitFor} from '../runbook/wait.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {removeFromGlobalCluster} from './aurora-steps.js'
import {
  CheckedStep,
  DELETE_TIMEOUT_MS,
  isNotFound,
  recordDeleted,
  recordInList,
  SHORT_TIMEOUT_MS,
} from './checked-step.js'

const DESCRIBE_GLOBAL = declared('RDS', 'DescribeGlobalClusters')
const DESCRIBE_CLUSTERS = declared('RDS', 'DescribeDBClusters')
const REMOVE_MEMBER = declared('RDS', 'RemoveFromGlobalCluster', 'global-clusters', 'clusters')
const DELETE_INSTANCE = declared('RDS', 'DeleteDBInstance', 'instances', 'clusters')
const DELETE_CLUSTER = declared('RDS', 'DeleteDBCluster', 'clusters')
// A final snapshot is created with the caller's rds:CreateDBClusterSnapshot.
const FINAL_SNAPSHOT = {...declared('RDS', 'CreateDBClusterSnapshot', 'clusters', 'cluster-snapshots'), onBehalf: true}
const DELETE_GLOBAL = declared('RDS', 'DeleteGlobalCluster', 'global-clusters')
const PROMOTE = declared('RDS', 'PromoteReadReplicaDBCluster', 'clusters')

/** RemoveFromGlobalCluster for a secondary, in its own Region; done when it left the membership and is available. */
export class RemoveMemberStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_CLUSTERS, DESCRIBE_GLOBAL], writes: [REMOVE_MEMBER]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly globalClusterId: string,
    private readonly clusterArn: string,
    private readonly region: string,
  ) {
    super()
    const clusterId = resourceIdOfArn(clusterArn)
    this.id = `detach.${globalClusterId}.${clusterId}`
    this.title = `Remove ${clusterId} (${region}) from ${globalClusterId}`
  }

  describe(): PlannedCall[] {
    return [planned(REMOVE_MEMBER, this.region, `${this.clusterArn} from ${this.globalClusterId}`)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const rds = ctx.aws.rds(this.region)
    const [cluster, global] = await Promise.all([
      rds.describeDbCluster(this.clusterArn),
      rds.describeGlobalCluster(this.globalClusterId),
    ])
    if (!cluster) return {state: 'done', note: 'cluster already gone'}
    const member = global?.members.some((candidate) => candidate.clusterArn === this.clusterArn)
    if (!member && !cluster.globalClusterId && cluster.status === 'available')
      return {state: 'done', note: 'standalone and available'}
    if (!member || cluster.status === 'promoting')
      return {state: 'in-progress', note: `cluster ${cluster.status}${member ? ', still a member' : ', leaving'}`}
    return {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    await removeFromGlobalCluster(ctx, this.region, this.globalClusterId, this.clusterArn)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `${this.clusterArn} to leave ${this.globalClusterId}`, SHORT_TIMEOUT_MS)
  }
}

/** Deletes every instance of a cluster (Aurora instances never take a final snapshot) and waits until they are gone. */
export class DeleteInstancesStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [declared('RDS', 'DescribeDBInstances')], writes: [DELETE_INSTANCE]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly clusterId: string,
    private readonly region: string,
    private readonly instanceIds: string[],
  ) {
    super()
    this.id = `instances.${clusterId}`
    this.title = `Delete the instances of ${clusterId} (${region}): ${instanceIds.join(', ') || 'none'}`
  }

  describe(): PlannedCall[] {
    return this.instanceIds.map((id) => planned(DELETE_INSTANCE, this.region, id))
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const instances = await ctx.aws.rds(this.region).describeDbInstances([this.clusterId])
    if (instances.length === 0) return {state: 'done', note: 'no instance left'}
    const remaining = instances.filter((instance) => instance.status !== 'deleting')
    const note = instances.map((instance) => `${instance.id} ${instance.status}`).join(', ')
    return remaining.length === 0 ? {state: 'in-progress', note} : {state: 'pending', note}
  }

  async run(ctx: StepContext): Promise<void> {
    const rds = ctx.aws.rds(this.region)
    for (const instance of await rds.describeDbInstances([this.clusterId])) {
      if (instance.status === 'deleting') continue
      try {
        await rds.deleteDbInstance(instance.id)
        recordDeleted(ctx, `instance ${instance.id} (${this.region})`)
      } catch (error) {
        if (!isNotFound(error)) throw error
      }
    }
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `the instances of ${this.clusterId} to be deleted`, DELETE_TIMEOUT_MS)
  }
}

/** DeleteDBCluster, with a final snapshot (a predictable name) or skipping it; waits until the cluster is gone. */
export class DeleteClusterStep extends CheckedStep {
  static readonly calls: CallDeclaration = {
    reads: [DESCRIBE_CLUSTERS, declared('RDS', 'DescribeDBClusterSnapshots')],
    writes: [DELETE_CLUSTER, FINAL_SNAPSHOT],
  }
  readonly id: string
  readonly title: string

  constructor(
    private readonly clusterId: string,
    private readonly region: string,
    private readonly finalSnapshotId?: string,
  ) {
    super()
    this.id = `cluster.${clusterId}`
    this.title = `Delete cluster ${clusterId} (${region})${finalSnapshotId ? `, final snapshot ${finalSnapshotId}` : ', no final snapshot'}`
  }

  describe(): PlannedCall[] {
    const snapshot = this.finalSnapshotId ? `FinalDBSnapshotIdentifier ${this.finalSnapshotId}` : 'SkipFinalSnapshot'
    return [planned(DELETE_CLUSTER, this.region, `${this.clusterId}, ${snapshot}`)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const cluster = await ctx.aws.rds(this.region).describeDbCluster(this.clusterId)
    if (!cluster) return {state: 'done', note: 'cluster gone'}
    if (cluster.status === 'deleting') return {state: 'in-progress', note: 'cluster deleting'}
    if (this.finalSnapshotId) {
      // While the final snapshot is taken the cluster stays `available` (aws-reference §2.10).
      const snapshots = await ctx.aws.rds(this.region).describeDbClusterSnapshots({snapshotId: this.finalSnapshotId})
      if (snapshots.length > 0) return {state: 'in-progress', note: `final snapshot ${snapshots[0]?.status}`}
    }
    return {state: 'pending', note: `cluster ${cluster.status}`}
  }

  async run(ctx: StepContext): Promise<void> {
    try {
      await ctx.aws.rds(this.region).deleteDbCluster(this.clusterId, this.finalSnapshotId)
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    recordDeleted(ctx, `cluster ${this.clusterId} (${this.region})`)
    if (this.finalSnapshotId) recordInList(ctx, 'snapshots', `${this.finalSnapshotId} (${this.region})`)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `cluster ${this.clusterId} to be deleted`, DELETE_TIMEOUT_MS)
  }
}

/** DeleteGlobalCluster; RDS may still say "not empty" for a while after the last member left: retried, bounded. */
export class DeleteGlobalClusterStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_GLOBAL], writes: [DELETE_GLOBAL]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly globalClusterId: string,
    private readonly region: string,
  ) {
    super()
    this.id = `global.${globalClusterId}`
    this.title = `Delete global cluster ${globalClusterId}`
  }

  describe(): PlannedCall[] {
    return [planned(DELETE_GLOBAL, this.region, this.globalClusterId)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const global = await ctx.aws.rds(this.region).describeGlobalCluster(this.globalClusterId)
    if (!global) return {state: 'done', note: 'global cluster gone'}
    if (global.status === 'deleting') return {state: 'in-progress', note: 'deleting'}
    return {state: 'pending', note: `${global.members.length} member(s)`}
  }

  async run(ctx: StepContext): Promise<void> {
    await waitFor({
      what: `RDS to accept deleting ${this.globalClusterId} (it reports "not empty" for a while after the last member left)`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: 10 * 60_000,
      firstDelayMs: 5000,
      poll: async () => {
        try {
          await ctx.aws.rds(this.region).deleteGlobalCluster(this.globalClusterId)
          return {done: true}
        } catch (error) {
          if (isNotFound(error)) return {done: true}
          if (error instanceof AwsCallError && /not empty/i.test(error.awsMessage))
            return {done: false, progress: 'not empty yet'}
          throw error
        }
      },
      progress: (message) => ctx.progress(message),
    })
    recordDeleted(ctx, `global cluster ${this.globalClusterId}`)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `global cluster ${this.globalClusterId} to be deleted`, SHORT_TIMEOUT_MS)
  }
}

/** PromoteReadReplicaDBCluster: a replicating binlog replica cannot lose its last instance (aws-reference §2.9). */
export class PromoteReplicaStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_CLUSTERS], writes: [PROMOTE]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly clusterId: string,
    private readonly region: string,
  ) {
    super()
    this.id = `promote.${clusterId}`
    this.title = `Promote binlog replica ${clusterId} (${region}) to standalone`
  }

  describe(): PlannedCall[] {
    return [planned(PROMOTE, this.region, this.clusterId)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const cluster = await ctx.aws.rds(this.region).describeDbCluster(this.clusterId)
    if (!cluster) return {state: 'done', note: 'cluster gone'}
    if (!cluster.replicationSourceArn && cluster.status === 'available') return {state: 'done', note: 'standalone'}
    if (cluster.status === 'promoting') return {state: 'in-progress', note: 'promoting'}
    return {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.rds(this.region).promoteReadReplicaDbCluster(this.clusterId)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `${this.clusterId} to be promoted`, SHORT_TIMEOUT_MS)
  }
}
