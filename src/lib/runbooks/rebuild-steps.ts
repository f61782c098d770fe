import {AwsCallError} from '../aws/errors.js'
import {resourceIdOfArn} from '../core/arn.js'
import {formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {lagQueries} from '../topology/readers/aurora-lag.js'
import {CheckedStep, recordInList} from './checked-step.js'

const CREATE_TIMEOUT_MS = 90 * 60_000
const LAG_WINDOW_MS = 5 * 60_000

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

/** ModifyGlobalCluster NewGlobalClusterIdentifier: done when the new id answers and the old one does not. */
export class RenameGlobalStep extends CheckedStep {
  readonly id: string
  readonly title: string

  constructor(
    private readonly currentId: string,
    private readonly newId: string,
    private readonly region: string,
  ) {
    super()
    this.id = `rename.${currentId}`
    this.title = `Rename global cluster ${currentId} to ${newId}`
  }

  describe(): PlannedCall[] {
    return [
      {
        service: 'RDS',
        operation: 'ModifyGlobalCluster',
        region: this.region,
        detail: `${this.currentId} → NewGlobalClusterIdentifier ${this.newId}`,
      },
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const rds = ctx.aws.rds(this.region)
    const [renamed, current] = await Promise.all([
      rds.describeGlobalCluster(this.newId),
      rds.describeGlobalCluster(this.currentId),
    ])
    // Once this run has renamed it, a global cluster under the old name is a new one (fallback creates it again,
    // and may delete the renamed one afterwards): a resumed run must never rename that.
    const renamedByThisRun = ctx.recorded<string>(`renamed.${this.currentId}`) === this.newId
    if (renamedByThisRun && !renamed) return {state: 'done', note: `renamed to ${this.newId} earlier in this run`}
    // Reads are eventually consistent after a rename: trust it only once the old id is gone too.
    if (renamed && (!current || renamedByThisRun))
      return renamed.status === 'available'
        ? {state: 'done', note: `${this.newId} available`}
        : {state: 'in-progress', note: `${this.newId} ${renamed.status}`}
    if (current && current.status === 'modifying') return {state: 'in-progress', note: `${this.currentId} modifying`}
    if (!current)
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `global cluster ${this.currentId} does not exist and ${this.newId} is not there either`,
      )
    return {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.rds(this.region).modifyGlobalCluster(this.currentId, {newId: this.newId})
    ctx.record(`renamed.${this.currentId}`, this.newId)
  }
}

/** CreateGlobalCluster from an existing cluster, which becomes its writer. */
export class CreateGlobalStep extends CheckedStep {
  readonly id: string
  readonly title: string

  constructor(
    private readonly globalClusterId: string,
    private readonly sourceClusterArn: string,
    private readonly region: string,
    /** Restores the original global cluster's protection on the one that replaces it. */
    private readonly deletionProtection = false,
  ) {
    super()
    this.id = `create-global.${globalClusterId}`
    this.title = `Create global cluster ${globalClusterId} from ${resourceIdOfArn(sourceClusterArn)} (${region})`
  }

  describe(): PlannedCall[] {
    return [
      {
        service: 'RDS',
        operation: 'CreateGlobalCluster',
        region: this.region,
        detail: `${this.globalClusterId}, SourceDBClusterIdentifier ${this.sourceClusterArn}${this.deletionProtection ? ', DeletionProtection' : ''}`,
      },
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const global = await ctx.aws.rds(this.region).describeGlobalCluster(this.globalClusterId)
    if (!global) return {state: 'pending'}
    // The source is its writer at first; a later switch-back makes it a secondary, and it is still ours.
    if (!global.members.some((member) => member.clusterArn === this.sourceClusterArn)) {
      if (global.members.length === 0 || global.status === 'creating')
        return {state: 'in-progress', note: `global ${global.status}`}
      const writer = global.members.find((member) => member.isWriter)
      throw new DrctlError(
        'DRCTL_AWS_INVALID_STATE',
        `a global cluster ${this.globalClusterId} already exists with another writer (${writer?.clusterId ?? 'none'})`,
      )
    }
    return global.status === 'available'
      ? {state: 'done', note: `${this.globalClusterId} available`}
      : {state: 'in-progress', note: `global ${global.status}`}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.rds(this.region).createGlobalCluster({
      id: this.globalClusterId,
      sourceClusterArn: this.sourceClusterArn,
      deletionProtection: this.deletionProtection,
    })
    ctx.record(`rebuilt.${this.globalClusterId}`, this.sourceClusterArn)
  }
}

/** What a new secondary copies from the cluster it replaces. */
export interface SecondarySpec {
  globalClusterId: string
  clusterId: string
  region: string
  engine: string
  engineVersion?: string
  subnetGroup?: string
  securityGroupIds: string[]
  kmsKeyId?: string
  storageEncrypted: boolean
  parameterGroup?: string
  deletionProtection?: boolean
  instances: {id: string; instanceClass: string; parameterGroup?: string}[]
}

/** CreateDBCluster in the old Region, joined to the global cluster as a secondary, then its instances. */
export class CreateSecondaryStep extends CheckedStep {
  readonly id: string
  readonly title: string
  protected override timeoutMs = CREATE_TIMEOUT_MS

  constructor(private readonly spec: SecondarySpec) {
    super()
    this.id = `create-secondary.${spec.clusterId}`
    this.title = `Create secondary ${spec.clusterId} (${spec.region}) in ${spec.globalClusterId} with ${spec.instances.length} instance(s)`
  }

  describe(): PlannedCall[] {
    const {spec} = this
    return [
      {
        service: 'RDS',
        operation: 'CreateDBCluster',
        region: spec.region,
        detail: `${spec.clusterId}, GlobalClusterIdentifier ${spec.globalClusterId}, ${spec.engine} ${spec.engineVersion ?? ''}, subnet group ${spec.subnetGroup ?? 'default'}, security groups ${spec.securityGroupIds.join(',') || 'default'}, KMS ${spec.kmsKeyId ?? 'default'}, parameter group ${spec.parameterGroup ?? 'default'}`,
      },
      ...spec.instances.map((instance) => ({
        service: 'RDS',
        operation: 'CreateDBInstance',
        region: spec.region,
        detail: `${instance.id} (${instance.instanceClass}) in ${spec.clusterId}`,
      })),
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const rds = ctx.aws.rds(this.spec.region)
    const cluster = await rds.describeDbCluster(this.spec.clusterId)
    if (!cluster) return {state: 'pending'}
    if (cluster.globalClusterId && cluster.globalClusterId !== this.spec.globalClusterId) {
      throw new DrctlError(
        'DRCTL_AWS_INVALID_STATE',
        `${this.spec.clusterId} exists but belongs to ${cluster.globalClusterId}`,
      )
    }
    const instances = await rds.describeDbInstances(this.spec.clusterId)
    const missing = this.spec.instances.filter((wanted) => !instances.some((instance) => instance.id === wanted.id))
    if (missing.length > 0)
      return {state: 'pending', note: `cluster ${cluster.status}, ${missing.length} instance(s) to create`}
    const ready = cluster.status === 'available' && instances.every((instance) => instance.status === 'available')
    const note = `cluster ${cluster.status}; ${instances.map((instance) => `${instance.id} ${instance.status}`).join(', ')}`
    return ready ? {state: 'done', note} : {state: 'in-progress', note}
  }

  async run(ctx: StepContext): Promise<void> {
    const {spec} = this
    const rds = ctx.aws.rds(spec.region)
    if (!(await rds.describeDbCluster(spec.clusterId))) {
      await rds.createDbCluster({
        id: spec.clusterId,
        engine: spec.engine,
        engineVersion: spec.engineVersion,
        globalClusterId: spec.globalClusterId,
        subnetGroup: spec.subnetGroup,
        securityGroupIds: spec.securityGroupIds,
        kmsKeyId: spec.kmsKeyId,
        storageEncrypted: spec.storageEncrypted,
        parameterGroup: spec.parameterGroup,
        deletionProtection: spec.deletionProtection,
      })
      ctx.record(`created.${spec.clusterId}`, spec.region)
    }
    const existing = new Set((await rds.describeDbInstances(spec.clusterId)).map((instance) => instance.id))
    for (const instance of spec.instances.filter((wanted) => !existing.has(wanted.id))) {
      try {
        await rds.createDbInstance({
          id: instance.id,
          clusterId: spec.clusterId,
          instanceClass: instance.instanceClass,
          engine: spec.engine,
          parameterGroup: instance.parameterGroup,
        })
      } catch (error) {
        // Created by an earlier, interrupted attempt.
        if (!(error instanceof AwsCallError) || !/AlreadyExists/.test(error.awsCode)) throw error
      }
    }
  }
}

/** The secondary awaited: a known cluster, or whichever member the global cluster gets in a Region (a rejoin). */
export type SecondaryTarget = {clusterArn: string} | {region: string}

/** Waits until a secondary is available, connected, and its replication lag is under the gate. */
export class WaitForSecondaryStep extends CheckedStep {
  readonly id: string
  readonly title: string
  protected override timeoutMs = CREATE_TIMEOUT_MS

  constructor(
    private readonly globalClusterId: string,
    private readonly target: SecondaryTarget,
    private readonly maxLagMs: number,
  ) {
    super()
    const name = 'clusterArn' in target ? resourceIdOfArn(target.clusterArn) : `its member in ${target.region}`
    this.id = `sync.${globalClusterId}.${'clusterArn' in target ? name : target.region}`
    this.title = `Wait until ${name} is connected to ${globalClusterId} with lag ≤ ${formatDuration(maxLagMs)}`
  }

  describe(): PlannedCall[] {
    return []
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const target = this.target
    const region = 'clusterArn' in target ? (target.clusterArn.split(':')[3] as string) : target.region
    const rds = ctx.aws.rds(region)
    const global = await rds.describeGlobalCluster(this.globalClusterId)
    const members = global?.members.filter((candidate) =>
      'clusterArn' in target ? candidate.clusterArn === target.clusterArn : candidate.region === region,
    )
    const member = members?.find((candidate) => !candidate.isWriter) ?? members?.[0]
    if (!member) return {state: 'in-progress', note: `no member in ${region} yet`}
    // Switched back already (a resumed run, or by hand): the secondary it waited for now writes.
    if (member.isWriter) return {state: 'done', note: `${member.clusterId} is the writer now`}
    const cluster = await rds.describeDbCluster(member.clusterArn)
    if (cluster?.status !== 'available')
      return {state: 'in-progress', note: `${member.clusterId} ${cluster?.status ?? 'missing'}`}
    if (member.synchronizationStatus !== 'connected') {
      return {
        state: 'in-progress',
        note: `${member.clusterId} replication ${member.synchronizationStatus ?? 'unknown'}`,
      }
    }
    const writerRegion = global?.members.find((candidate) => candidate.isWriter)?.region
    const lag = lagQueries(cluster.id, writerRegion, 'w')
    const reading = lag.pick(await ctx.aws.cloudwatch(region).latest(lag.queries, LAG_WINDOW_MS))
    if (!reading) return {state: 'in-progress', note: `${member.clusterId} connected, replication lag not reported yet`}
    if (reading.ms > this.maxLagMs)
      return {state: 'in-progress', note: `${member.clusterId} lag ${formatDuration(reading.ms)}`}
    return {state: 'done', note: `${member.clusterId} connected, lag ${formatDuration(reading.ms)}`}
  }

  async run(): Promise<void> {}
}

/**
 * A step retiring an old primary whose replacement (the new secondary) reuses its identifiers: once the cluster
 * under that name belongs to the recreated global cluster, it is the replacement and the retirement is done. Without
 * this, a resumed fallback would take the new secondary for the old primary, and remove or delete it.
 */
export class RetireStep implements Step {
  readonly id: string
  readonly title: string

  constructor(
    private readonly inner: Step,
    private readonly clusterId: string,
    private readonly region: string,
    private readonly globalClusterId: string,
  ) {
    this.id = inner.id
    this.title = inner.title
  }

  describe(): PlannedCall[] {
    return this.inner.describe()
  }

  private async replaced(ctx: StepContext): Promise<boolean> {
    const cluster = await ctx.aws.rds(this.region).describeDbCluster(this.clusterId)
    return cluster?.globalClusterId === this.globalClusterId
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    if (await this.replaced(ctx))
      return {state: 'done', note: `${this.clusterId} is already the new secondary in ${this.globalClusterId}`}
    return this.inner.check(ctx)
  }

  run(ctx: StepContext): Promise<void> {
    return this.inner.run(ctx)
  }

  async wait(ctx: StepContext): Promise<void> {
    await this.inner.wait?.(ctx)
  }

  async verify(ctx: StepContext): Promise<void> {
    if (!(await this.replaced(ctx))) await this.inner.verify(ctx)
  }
}
