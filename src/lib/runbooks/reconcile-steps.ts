import type {RestoreDbClusterInput} from '../aws/ports.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {availableCheck, CheckedStep, DELETE_TIMEOUT_MS} from './checked-step.js'

/** A restore, and an instance's creation, can take most of an hour on a large volume. */
const CREATE_TIMEOUT_MS = DELETE_TIMEOUT_MS

const RESTORE = declared('RDS', 'RestoreDBClusterFromSnapshot', 'clusters', 'cluster-snapshots')
const CREATE_INSTANCE = declared('RDS', 'CreateDBInstance', 'instances', 'clusters')
const ENABLE_DATA_API = declared('RDS', 'EnableHttpEndpoint', 'clusters')
/** A restore with tags needs rds:AddTagsToResource on the new cluster too. */
const TAG_ON_RESTORE = {...declared('RDS', 'AddTagsToResource', 'clusters'), onBehalf: true}

/** The temporary cluster a reconcile restores the old primary's snapshot to: the restore's input, in a Region. */
export interface RestoreSpec extends Omit<RestoreDbClusterInput, 'id' | 'tags'> {
  clusterId: string
  region: string
  tags: Record<string, string>
}

export interface InstanceSpec {
  instanceId: string
  clusterId: string
  region: string
  instanceClass: string
  engine: string
}

/**
 * A failure from the restore until the comparison can leave the temporary cluster behind: only the run's own delete
 * steps, after the comparison, remove it.
 */
function temporaryClusterLeft(ctx: StepContext, clusterId: string, region: string): string[] {
  return [
    `the temporary cluster ${clusterId} (${region}) may be left behind: fix the cause and resume the run (below), which deletes it at its end`,
    `or delete it yourself: drctl runs abandon ${ctx.runId}, then delete its instance and the cluster (aws rds delete-db-cluster --db-cluster-identifier ${clusterId} --skip-final-snapshot --region ${region}); drctl teardown deletes drctl-reconcile-* clusters too, with the whole topology`,
  ]
}

/** RestoreDBClusterFromSnapshot to a temporary cluster; done once it is available. */
export class RestoreClusterStep extends CheckedStep {
  static readonly calls: CallDeclaration = {
    reads: [declared('RDS', 'DescribeDBClusters')],
    writes: [RESTORE, TAG_ON_RESTORE],
  }
  readonly id: string
  readonly title: string
  protected override timeoutMs = CREATE_TIMEOUT_MS

  constructor(private readonly spec: RestoreSpec) {
    super()
    this.id = `restore.${spec.clusterId}`
    this.title = `Restore ${spec.snapshotId} (${spec.region}) to the temporary cluster ${spec.clusterId}`
  }

  describe(): PlannedCall[] {
    const {spec} = this
    return [
      planned(
        RESTORE,
        spec.region,
        `${spec.snapshotId} → ${spec.clusterId} (${spec.engine}${spec.engineVersion ? ` ${spec.engineVersion}` : ''}, no deletion protection)`,
      ),
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const cluster = await ctx.aws.rds(this.spec.region).describeDbCluster(this.spec.clusterId)
    return availableCheck(cluster, 'cluster')
  }

  async run(ctx: StepContext): Promise<void> {
    const {spec} = this
    const {clusterId, region, ...input} = spec
    await ctx.aws.rds(region).restoreDbClusterFromSnapshot({id: clusterId, ...input})
  }

  leftBehind(ctx: StepContext): string[] {
    return temporaryClusterLeft(ctx, this.spec.clusterId, this.spec.region)
  }
}

/** The one instance the Data API needs (a restore has none); done once it is available. */
export class CreateInstanceStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [declared('RDS', 'DescribeDBInstances')], writes: [CREATE_INSTANCE]}
  readonly id: string
  readonly title: string
  protected override timeoutMs = CREATE_TIMEOUT_MS

  constructor(private readonly spec: InstanceSpec) {
    super()
    this.id = `instance.${spec.instanceId}`
    this.title = `Create instance ${spec.instanceId} (${spec.instanceClass}) in ${spec.clusterId}`
  }

  describe(): PlannedCall[] {
    const {spec} = this
    return [planned(CREATE_INSTANCE, spec.region, `${spec.instanceId} in ${spec.clusterId}, ${spec.instanceClass}`)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const instances = await ctx.aws.rds(this.spec.region).describeDbInstances([this.spec.clusterId])
    const instance = instances.find((candidate) => candidate.id === this.spec.instanceId)
    return availableCheck(instance, 'instance')
  }

  async run(ctx: StepContext): Promise<void> {
    const {spec} = this
    await ctx.aws.rds(spec.region).createDbInstance({
      id: spec.instanceId,
      clusterId: spec.clusterId,
      instanceClass: spec.instanceClass,
      engine: spec.engine,
    })
  }

  leftBehind(ctx: StepContext): string[] {
    return temporaryClusterLeft(ctx, this.spec.clusterId, this.spec.region)
  }
}

/** EnableHttpEndpoint on the temporary cluster, so that the comparison reads it through the RDS Data API. */
export class EnableDataApiStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [declared('RDS', 'DescribeDBClusters')], writes: [ENABLE_DATA_API]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly clusterArn: string,
    private readonly clusterId: string,
    private readonly region: string,
  ) {
    super()
    this.id = `data-api.${clusterId}`
    this.title = `Enable the RDS Data API on ${clusterId}`
  }

  describe(): PlannedCall[] {
    return [planned(ENABLE_DATA_API, this.region, this.clusterArn)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const cluster = await ctx.aws.rds(this.region).describeDbCluster(this.clusterId)
    return cluster?.httpEndpointEnabled ? {state: 'done', note: 'Data API enabled'} : {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.rds(this.region).enableHttpEndpoint(this.clusterArn)
  }

  leftBehind(ctx: StepContext): string[] {
    return temporaryClusterLeft(ctx, this.clusterId, this.region)
  }
}
