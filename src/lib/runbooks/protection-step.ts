import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, type DeclaredCall, declared, planned} from '../aws/iam-calls.js'
import {CheckedStep, SHORT_TIMEOUT_MS} from './checked-step.js'

export type ProtectedResource =
  | {kind: 'global-cluster'; id: string; region: string}
  | {kind: 'cluster'; id: string; region: string}
  | {kind: 'table'; id: string; region: string}
type ProtectedKind = ProtectedResource['kind']

/** By kind of resource: how its protection is read, and turned off. */
const PROTECTION: Record<ProtectedKind, {read: DeclaredCall; unprotect: DeclaredCall}> = {
  'global-cluster': {
    read: declared('RDS', 'DescribeGlobalClusters'),
    unprotect: declared('RDS', 'ModifyGlobalCluster', 'global-clusters'),
  },
  cluster: {read: declared('RDS', 'DescribeDBClusters'), unprotect: declared('RDS', 'ModifyDBCluster', 'clusters')},
  table: {
    read: declared('DynamoDB', 'DescribeTable', 'tables'),
    unprotect: declared('DynamoDB', 'UpdateTable', 'tables'),
  },
}

/** Turns deletion protection off (only with --disable-deletion-protection). */
export class DisableProtectionStep extends CheckedStep {
  static readonly calls: CallDeclaration = DisableProtectionStep.callsFor(['global-cluster', 'cluster', 'table'])

  /** The calls of the step for resources of these kinds only (fallback never turns a table's protection off). */
  static callsFor(kinds: ProtectedKind[]): CallDeclaration {
    return {
      reads: kinds.map((kind) => PROTECTION[kind].read),
      writes: kinds.map((kind) => PROTECTION[kind].unprotect),
    }
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
    return [planned(PROTECTION[kind].unprotect, region, `${id}: DeletionProtection false`)]
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
