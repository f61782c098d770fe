import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, readsOnly} from '../aws/iam-calls.js'

/**
 * A step retiring an old primary whose replacement (the new secondary) reuses its identifiers: once the cluster
 * under that name belongs to the recreated global cluster, it is the replacement and the retirement is done. Without
 * this, a resumed fallback would take the new secondary for the old primary, and remove or delete it.
 */
export class RetireStep implements Step {
  // It reads the cluster; the calls of the step it wraps are that step class's own.
  static readonly calls: CallDeclaration = readsOnly([declared('RDS', 'DescribeDBClusters')])
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
