import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../iam/calls.js'
import {CheckedStep, SHORT_TIMEOUT_MS} from './checked-step.js'

const UNPROTECT = {
  'global-cluster': declared('RDS', 'ModifyGlobalCluster', 'global-clusters'),
  cluster: declared('RDS', 'ModifyDBCluster', 'clusters'),
  table: declared('DynamoDB', 'UpdateTable', 'tables'),
} as const

export type ProtectedResource =
  | {kind: 'global-cluster'; id: string; region: string}
  | {kind: 'cluster'; id: string; region: string}
  | {kind: 'table'; id: string; region: string}

/** Turns deletion protection off (only with --disable-deletion-protection). */
export class DisableProtectionStep extends CheckedStep {
  static readonly calls: CallDeclaration = {
    reads: [
      declared('RDS', 'DescribeGlobalClusters'),
      declared('RDS', 'DescribeDBClusters'),
      declared('DynamoDB', 'DescribeTable'),
    ],
    writes: Object.values(UNPROTECT),
  }
  readonly id: string
  readonly title: string

  constructor(private readonly resource: ProtectedResource) {
    super()
    this.id = `protection.${resource.kind}.${resource.id}.${resource.region}`
    this.title = `Turn off deletion protection on ${resource.kind} ${resource.id} (${resource.region})`
  }

  describe(): PlannedCall[] {
    const {kind, id, region} = this.resource
    return [planned(UNPROTECT[kind], region, `${id}: DeletionProtection false`)]
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
