import {resourceIdOfArn} from '../core/arn.js'
import {DrctlError} from '../core/errors.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {CheckedStep} from './checked-step.js'

const DESCRIBE_GLOBAL = declared('RDS', 'DescribeGlobalClusters')
const RENAME = declared('RDS', 'ModifyGlobalCluster', 'global-clusters')
const CREATE_GLOBAL = declared('RDS', 'CreateGlobalCluster', 'global-clusters', 'clusters')

/** ModifyGlobalCluster NewGlobalClusterIdentifier: done when the new id answers and the old one does not. */
export class RenameGlobalStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_GLOBAL], writes: [RENAME]}
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
    return [planned(RENAME, this.region, `${this.currentId} → NewGlobalClusterIdentifier ${this.newId}`)]
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
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_GLOBAL], writes: [CREATE_GLOBAL]}
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
      planned(
        CREATE_GLOBAL,
        this.region,
        `${this.globalClusterId}, SourceDBClusterIdentifier ${this.sourceClusterArn}${this.deletionProtection ? ', DeletionProtection' : ''}`,
      ),
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
