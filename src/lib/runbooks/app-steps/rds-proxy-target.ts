import type {ProxyTarget} from '../../aws/ports.js'
import type {StepOfKind} from '../../config/steps.js'
import {DrctlError} from '../../core/errors.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../../aws/iam-calls.js'
import {waitFor} from '../../runbook/wait.js'
import {
  detachedFrom,
  memberIn,
  missingProxy,
  proxyHealth,
  targetedClusters,
} from '../../topology/readers/steps/rds-proxy-target.js'
import type {StepMove} from './move.js'
import {STEP_READS} from '../../topology/readers/app-steps.js'

const DEFAULT_TIMEOUT_MS = 15 * 60_000
const DEREGISTER = declared('RDS', 'DeregisterDBProxyTargets', 'db-proxies', 'proxy-target-groups', 'clusters')
const REGISTER = declared('RDS', 'RegisterDBProxyTargets', 'db-proxies', 'proxy-target-groups', 'clusters')

/** What the target Region's proxy should point at, and what it points at now. */
interface ProxyState {
  clusterId: string
  targets: ProxyTarget[]
  targeted: string[]
}

/** What an AWS reason for an unavailable target usually means, for the operator. */
const REASON_HINTS: Record<string, string> = {
  AUTH_FAILURE: "the proxy's secret must be valid for the new cluster's database user",
  CONNECTION_FAILED: "check the security groups between the proxy and the cluster's instances",
  UNREACHABLE: "check the security groups and subnets between the proxy and the cluster's instances",
  PENDING_PROXY_CAPACITY: 'the proxy is still scaling; resume in a few minutes',
  INVALID_REPLICATION_STATE: 'the cluster is not (yet) the writer of the global cluster',
}

/**
 * Points the target Region's RDS Proxy at that Region's cluster of a global cluster (runbook-spec R6): deregister
 * the cluster its target group holds, register the new one, wait until it can carry writes. With one proxy per Region
 * that follows its own cluster there is nothing to do; a retarget is needed after a restore, a rebuild or a detach.
 * Only the target Region is called.
 */
export class RdsProxyTargetStep implements Step {
  static readonly calls: CallDeclaration = {
    reads: STEP_READS['rds-proxy-target'],
    writes: [DEREGISTER, REGISTER],
  }
  readonly id: string
  readonly title: string
  private readonly proxy: string

  constructor(
    private readonly step: StepOfKind<'rds-proxy-target'>,
    private readonly move: StepMove,
  ) {
    this.id = `step.${step.id}`
    this.proxy = step.regions[move.to]?.proxy ?? ''
    this.title = `RDS Proxy ${this.proxy} in ${move.to} → the ${step.globalCluster} cluster in ${move.to}`
  }

  describe(): PlannedCall[] {
    const where = `${this.proxy} (target group ${this.step.targetGroup})`
    return [
      planned(
        DEREGISTER,
        this.move.to,
        `${where}: the cluster it targets, unless it is already ${this.step.globalCluster}'s cluster in ${this.move.to}`,
      ),
      planned(REGISTER, this.move.to, `${where} → ${this.step.globalCluster}'s cluster in ${this.move.to}`),
    ]
  }

  /** The cluster to target: the global cluster's member in the target Region, else the one a run detached there. */
  private async clusterId(ctx: StepContext): Promise<string> {
    const rds = ctx.aws.rds(this.move.to)
    const global = await rds.describeGlobalCluster(this.step.globalCluster)
    const id = memberIn(global, this.move.to) ?? detachedFrom(await rds.describeDbClusters(), this.step.globalCluster)
    if (!id)
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `step ${this.step.id}: ${this.step.globalCluster} has no cluster in ${this.move.to} for ${this.proxy} to target`,
      )
    return id
  }

  private async read(ctx: StepContext, clusterId?: string): Promise<ProxyState> {
    const id = clusterId ?? (await this.clusterId(ctx))
    const read = await ctx.aws.rdsProxy(this.move.to).describeTargets(this.proxy, this.step.targetGroup)
    if (!read.found)
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `step ${this.step.id}: ${missingProxy(read, this.proxy, this.step.targetGroup, this.move.to)}`,
      )
    return {clusterId: id, targets: read.targets, targeted: targetedClusters(read.targets)}
  }

  private pointsRight(state: ProxyState): boolean {
    return state.targeted.length === 1 && state.targeted[0] === state.clusterId
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const state = await this.read(ctx)
    if (!this.pointsRight(state))
      return {
        state: 'pending',
        note: `${this.proxy} targets ${state.targeted.join(' + ') || 'nothing'}; to target ${state.clusterId}`,
      }
    const health = proxyHealth(state.targets, state.clusterId, 'writes')
    return health.ready
      ? {state: 'done', note: `${this.proxy} already targets ${state.clusterId} (${health.summary})`}
      : {state: 'in-progress', note: `${this.proxy} targets ${state.clusterId}: ${health.summary}`}
  }

  async run(ctx: StepContext): Promise<void> {
    const state = await this.read(ctx)
    const proxies = ctx.aws.rdsProxy(this.move.to)
    // A target group holds one cluster: the old one goes before the new one can be registered.
    const others = state.targeted.filter((id) => id !== state.clusterId)
    if (others.length > 0) {
      await proxies.deregisterClusters(this.proxy, this.step.targetGroup, others)
      ctx.progress(`${this.proxy}: deregistered ${others.join(', ')}`)
    }
    if (!state.targeted.includes(state.clusterId)) {
      await proxies.registerCluster(this.proxy, this.step.targetGroup, state.clusterId)
      ctx.progress(`${this.proxy}: registered ${state.clusterId}`)
    }
  }

  async wait(ctx: StepContext): Promise<void> {
    const clusterId = await this.clusterId(ctx)
    let reason: string | undefined
    try {
      await waitFor({
        what: `${this.proxy} in ${this.move.to} to carry writes to ${clusterId}`,
        clock: ctx.clock,
        signal: ctx.signal,
        timeoutMs: this.step.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        firstDelayMs: 5000,
        maxDelayMs: 20_000,
        progress: ctx.progress,
        poll: async () => {
          const state = await this.read(ctx, clusterId)
          const health = proxyHealth(state.targets, clusterId, 'writes')
          // UNAVAILABLE is often passing (registering → unavailable → available): only the timeout makes it final.
          reason = health.reason
          return {done: this.pointsRight(state) && health.ready, progress: `${this.proxy}: ${health.summary}`}
        },
      })
    } catch (error) {
      if (!(error instanceof DrctlError) || error.code !== 'DRCTL_TIMEOUT' || !reason) throw error
      const hint = REASON_HINTS[reason]
      throw new DrctlError('DRCTL_TIMEOUT', `${error.message}; AWS gives the reason ${reason}`, {
        hints: [...(hint ? [hint] : []), ...error.hints],
      })
    }
  }

  async verify(ctx: StepContext): Promise<void> {
    const state = await this.read(ctx)
    const health = proxyHealth(state.targets, state.clusterId, 'writes')
    if (!this.pointsRight(state) || !health.ready)
      throw new DrctlError(
        'DRCTL_VERIFY_FAILED',
        `${this.proxy} in ${this.move.to} reads back targeting ${state.targeted.join(' + ') || 'nothing'} (${health.summary}), not ${state.clusterId}`,
      )
    ctx.progress(`${this.proxy} targets ${state.clusterId}: ${health.summary}`)
  }
}
