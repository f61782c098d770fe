import {AwsCallError} from '../aws/errors.js'
import {resourceIdOfArn} from '../core/arn.js'
import {formatDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {lagQueries} from '../topology/readers/aurora-lag.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {CheckedStep} from './checked-step.js'

const DESCRIBE_CLUSTERS = declared('RDS', 'DescribeDBClusters')
const CREATE_CLUSTER = declared('RDS', 'CreateDBCluster', 'clusters', 'global-clusters')
const CREATE_INSTANCE = declared('RDS', 'CreateDBInstance', 'instances', 'clusters')

const CREATE_TIMEOUT_MS = 90 * 60_000
const LAG_WINDOW_MS = 5 * 60_000

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
  static readonly calls: CallDeclaration = {
    reads: [DESCRIBE_CLUSTERS, declared('RDS', 'DescribeDBInstances')],
    writes: [
      CREATE_CLUSTER,
      CREATE_INSTANCE,
      // RDS asks KMS with the caller's permissions for an encrypted cluster's key in its Region.
      {...declared('KMS', 'DescribeKey', 'kms-keys'), onBehalf: true},
      {...declared('KMS', 'CreateGrant', 'kms-keys'), onBehalf: true},
    ],
  }
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
      planned(
        CREATE_CLUSTER,
        spec.region,
        `${spec.clusterId}, GlobalClusterIdentifier ${spec.globalClusterId}, ${spec.engine} ${spec.engineVersion ?? ''}, subnet group ${spec.subnetGroup ?? 'default'}, security groups ${spec.securityGroupIds.join(',') || 'default'}, KMS ${spec.kmsKeyId ?? 'default'}, parameter group ${spec.parameterGroup ?? 'default'}${spec.deletionProtection ? ', DeletionProtection' : ''}`,
      ),
      ...spec.instances.map((instance) =>
        planned(CREATE_INSTANCE, spec.region, `${instance.id} (${instance.instanceClass}) in ${spec.clusterId}`),
      ),
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
    const instances = await rds.describeDbInstances([this.spec.clusterId])
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
    const existing = new Set((await rds.describeDbInstances([spec.clusterId])).map((instance) => instance.id))
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
  static readonly calls: CallDeclaration = {
    reads: [declared('RDS', 'DescribeGlobalClusters'), DESCRIBE_CLUSTERS, declared('CloudWatch', 'GetMetricData')],
    writes: [],
  }
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
