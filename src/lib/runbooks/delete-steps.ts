import {AwsCallError} from '../aws/errors.js'
import {resourceIdOfArn} from '../core/arn.js'
import {DrctlError} from '../core/errors.js'
import {waitFor} from '../runbook/wait.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {removeFromGlobalCluster} from './aurora-steps.js'
import {isTerminal, requestStop} from './chaos/experiments.js'
import {CheckedStep, recordInList} from './checked-step.js'

const DELETE_TIMEOUT_MS = 60 * 60_000
const SHORT_TIMEOUT_MS = 20 * 60_000

const isNotFound = (error: unknown) => error instanceof AwsCallError && error.kind === 'not-found'

/** Record what a teardown removed (the report lists it). */
const recordDeleted = (ctx: StepContext, what: string) => recordInList(ctx, 'deleted', what)

/** RemoveFromGlobalCluster for a secondary, in its own Region; done when it left the membership and is available. */
export class RemoveMemberStep extends CheckedStep {
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
    return [
      {
        service: 'RDS',
        operation: 'RemoveFromGlobalCluster',
        region: this.region,
        detail: `${this.clusterArn} from ${this.globalClusterId}`,
      },
    ]
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
    return this.instanceIds.map((id) => ({
      service: 'RDS',
      operation: 'DeleteDBInstance',
      region: this.region,
      detail: id,
    }))
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const instances = await ctx.aws.rds(this.region).describeDbInstances(this.clusterId)
    if (instances.length === 0) return {state: 'done', note: 'no instance left'}
    const remaining = instances.filter((instance) => instance.status !== 'deleting')
    const note = instances.map((instance) => `${instance.id} ${instance.status}`).join(', ')
    return remaining.length === 0 ? {state: 'in-progress', note} : {state: 'pending', note}
  }

  async run(ctx: StepContext): Promise<void> {
    const rds = ctx.aws.rds(this.region)
    for (const instance of await rds.describeDbInstances(this.clusterId)) {
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
    return [
      {service: 'RDS', operation: 'DeleteDBCluster', region: this.region, detail: `${this.clusterId}, ${snapshot}`},
    ]
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
    return [{service: 'RDS', operation: 'DeleteGlobalCluster', region: this.region, detail: this.globalClusterId}]
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
    return [{service: 'RDS', operation: 'PromoteReadReplicaDBCluster', region: this.region, detail: this.clusterId}]
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

export type ProtectedResource =
  | {kind: 'global-cluster'; id: string; region: string}
  | {kind: 'cluster'; id: string; region: string}
  | {kind: 'table'; id: string; region: string}

/** Turns deletion protection off (only with --disable-deletion-protection). */
export class DisableProtectionStep extends CheckedStep {
  readonly id: string
  readonly title: string

  constructor(private readonly resource: ProtectedResource) {
    super()
    this.id = `protection.${resource.kind}.${resource.id}.${resource.region}`
    this.title = `Turn off deletion protection on ${resource.kind} ${resource.id} (${resource.region})`
  }

  describe(): PlannedCall[] {
    const {kind, id, region} = this.resource
    const operation =
      kind === 'global-cluster' ? 'ModifyGlobalCluster' : kind === 'cluster' ? 'ModifyDBCluster' : 'UpdateTable'
    return [
      {service: kind === 'table' ? 'DynamoDB' : 'RDS', operation, region, detail: `${id}: DeletionProtection false`},
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const {kind, id, region} = this.resource
    const enabled =
      kind === 'global-cluster'
        ? (await ctx.aws.rds(region).describeGlobalCluster(id))?.deletionProtection
        : kind === 'cluster'
          ? (await ctx.aws.rds(region).describeDbCluster(id))?.deletionProtection
          : (await ctx.aws.dynamodb(region).describeTable(id))?.deletionProtection
    return enabled ? {state: 'pending'} : {state: 'done', note: 'not protected'}
  }

  async run(ctx: StepContext): Promise<void> {
    const {kind, id, region} = this.resource
    if (kind === 'global-cluster') await ctx.aws.rds(region).modifyGlobalCluster(id, {deletionProtection: false})
    else if (kind === 'cluster') await ctx.aws.rds(region).modifyDbCluster(id, {deletionProtection: false})
    else await ctx.aws.dynamodb(region).setDeletionProtection(id, false)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `deletion protection off on ${this.resource.id}`, SHORT_TIMEOUT_MS)
  }
}

/** Removes one replica of a global table (UpdateTable ReplicaUpdates Delete, called in another replica's Region). */
export class RemoveTableReplicaStep extends CheckedStep {
  readonly id: string
  readonly title: string

  constructor(
    private readonly table: string,
    private readonly replicaRegion: string,
    private readonly viaRegion: string,
  ) {
    super()
    this.id = `replica.${table}.${replicaRegion}`
    this.title = `Remove the ${replicaRegion} replica of ${table}`
  }

  describe(): PlannedCall[] {
    return [
      {
        service: 'DynamoDB',
        operation: 'UpdateTable',
        region: this.viaRegion,
        detail: `${this.table}: ReplicaUpdates Delete ${this.replicaRegion}`,
      },
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const table = await ctx.aws.dynamodb(this.viaRegion).describeTable(this.table)
    const replica = table?.replicas.find((candidate) => candidate.region === this.replicaRegion)
    if (!table || !replica) return {state: 'done', note: 'replica gone'}
    if (replica.status === 'DELETING') return {state: 'in-progress', note: 'replica DELETING'}
    return {state: 'pending', note: `table ${table.status}, replica ${replica.status}`}
  }

  async run(ctx: StepContext): Promise<void> {
    // One replica change at a time: while the table is UPDATING, DynamoDB answers ResourceInUseException.
    await waitFor({
      what: `${this.table} to accept a replica change`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: SHORT_TIMEOUT_MS,
      poll: async () => {
        try {
          await ctx.aws.dynamodb(this.viaRegion).removeReplica(this.table, this.replicaRegion)
          return {done: true}
        } catch (error) {
          if (error instanceof AwsCallError && error.awsCode === 'ResourceInUseException')
            return {done: false, progress: 'table busy (UPDATING)'}
          throw error
        }
      },
      progress: (message) => ctx.progress(message),
    })
    recordDeleted(ctx, `table replica ${this.table} (${this.replicaRegion})`)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `the ${this.replicaRegion} replica of ${this.table} to be removed`, DELETE_TIMEOUT_MS)
  }
}

export class DeleteTableStep extends CheckedStep {
  readonly id: string
  readonly title: string

  constructor(
    private readonly table: string,
    private readonly region: string,
  ) {
    super()
    this.id = `table.${table}.${region}`
    this.title = `Delete table ${table} (${region}), the last replica`
  }

  describe(): PlannedCall[] {
    return [{service: 'DynamoDB', operation: 'DeleteTable', region: this.region, detail: this.table}]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const table = await ctx.aws.dynamodb(this.region).describeTable(this.table)
    if (!table) return {state: 'done', note: 'table gone'}
    if (table.status === 'DELETING') return {state: 'in-progress', note: 'DELETING'}
    return {state: 'pending', note: table.status}
  }

  async run(ctx: StepContext): Promise<void> {
    try {
      await ctx.aws.dynamodb(this.region).deleteTable(this.table)
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    recordDeleted(ctx, `table ${this.table} (${this.region})`)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `table ${this.table} to be deleted`, SHORT_TIMEOUT_MS)
  }
}

/**
 * DeleteStack, waited; a stack that ends DELETE_FAILED is reported with its failed resources. A stack found
 * DELETE_FAILED before the call (an earlier attempt, fixed since) is deleted again: that is how a resume retries.
 */
export class DeleteStackStep extends CheckedStep {
  readonly id: string
  readonly title: string

  constructor(
    private readonly stack: string,
    private readonly region: string,
  ) {
    super()
    this.id = `stack.${region}.${stack}`
    this.title = `Delete stack ${stack} (${region})`
  }

  describe(): PlannedCall[] {
    return [{service: 'CloudFormation', operation: 'DeleteStack', region: this.region, detail: this.stack}]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const stack = await ctx.aws.cloudformation(this.region).describeStack(this.stack)
    if (!stack || stack.status === 'DELETE_COMPLETE') return {state: 'done', note: 'stack gone'}
    if (stack.status === 'DELETE_IN_PROGRESS') return {state: 'in-progress', note: stack.status}
    return {state: 'pending', note: stack.status}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.cloudformation(this.region).deleteStack(this.stack)
  }

  override async wait(ctx: StepContext): Promise<void> {
    // Only after a DeleteStack: DELETE_FAILED now means this deletion failed, and waiting longer would not help.
    await waitFor({
      what: `stack ${this.stack} to be deleted`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: DELETE_TIMEOUT_MS,
      poll: async () => {
        const stack = await ctx.aws.cloudformation(this.region).describeStack(this.stack)
        if (!stack || stack.status === 'DELETE_COMPLETE') return {done: true}
        if (stack.status === 'DELETE_FAILED') throw await this.failure(ctx, stack.statusReason)
        return {done: false, progress: stack.status}
      },
      progress: (message) => ctx.progress(message),
    })
    recordDeleted(ctx, `stack ${this.stack} (${this.region})`)
  }

  private async failure(ctx: StepContext, reason: string | undefined): Promise<DrctlError> {
    const failed = await ctx.aws.cloudformation(this.region).failedResources(this.stack)
    ctx.record(`stackFailures.${this.stack}`, failed)
    const resources = failed.map(
      (resource) => `${resource.logicalId} (${resource.type}): ${resource.reason ?? resource.status}`,
    )
    return new DrctlError(
      'DRCTL_AWS_ERROR',
      `stack ${this.stack} in ${this.region} failed to delete${reason ? ` (${reason})` : ''}${resources.length > 0 ? `; failed resources: ${resources.join('; ')}` : ''}`,
      {
        hints: [
          'fix or retain the failed resources (CloudFormation console or DeleteStack --retain-resources), then resume the run',
        ],
      },
    )
  }
}

/** StopExperiment and wait until stopped; an experiment that will not stop blocks the teardown. */
export class StopExperimentStep extends CheckedStep {
  readonly id: string
  readonly title: string

  constructor(
    private readonly experimentId: string,
    private readonly region: string,
  ) {
    super()
    this.id = `fis.${experimentId}`
    this.title = `Stop FIS experiment ${experimentId} (${region})`
  }

  describe(): PlannedCall[] {
    return [{service: 'FIS', operation: 'StopExperiment', region: this.region, detail: this.experimentId}]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const status = (await ctx.aws.fis(this.region).getExperiment(this.experimentId))?.status ?? 'gone'
    if (status === 'gone' || isTerminal(status)) return {state: 'done', note: status}
    if (status === 'stopping') return {state: 'in-progress', note: status}
    return {state: 'pending', note: status}
  }

  run(ctx: StepContext): Promise<void> {
    return requestStop(ctx.aws, this.region, this.experimentId)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `experiment ${this.experimentId} to stop`, 10 * 60_000)
  }
}
