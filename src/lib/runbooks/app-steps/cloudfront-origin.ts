import {originToRepoint} from '../../aws/cloudfront.js'
import {CONTROL_PLANE_REGIONS} from '../../aws/control-planes.js'
import type {CloudFrontOrigin, Distribution} from '../../aws/ports.js'
import {dnsName} from '../../aws/route53.js'
import type {StepOfKind} from '../../config/steps.js'
import {DrctlError} from '../../core/errors.js'
import {waitFor} from '../../runbook/wait.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../../aws/iam-calls.js'
import type {StepMove} from './move.js'
import {STEP_READS} from '../../topology/readers/app-steps.js'

const REGION = CONTROL_PLANE_REGIONS.cloudfront
const UPDATE = declared('CloudFront', 'UpdateDistribution', 'distributions')
/** The DistributionDeployed waiter's own ceiling (35 polls a minute apart). */
const DEFAULT_DEPLOY_TIMEOUT_MS = 35 * 60_000

/**
 * Points a CloudFront origin (or an origin group's primary) at the domain of the Region writes move to, then waits
 * until the distribution is Deployed to every edge location. CloudFront's control plane is in us-east-1.
 */
export class CloudFrontOriginStep implements Step {
  static readonly calls: CallDeclaration = {
    reads: STEP_READS['cloudfront-origin'],
    writes: [declared('CloudFront', 'GetDistributionConfig', 'distributions'), UPDATE],
  }
  readonly id: string
  readonly title: string

  constructor(
    private readonly step: StepOfKind<'cloudfront-origin'>,
    private readonly move: StepMove,
  ) {
    this.id = `step.${step.id}`
    this.title = `CloudFront ${step.distributionId}: ${this.originLabel()} → ${this.target().domain}`
  }

  private originLabel(): string {
    return this.step.originGroupId !== undefined
      ? `primary origin of group ${this.step.originGroupId}`
      : `origin ${this.step.originId}`
  }

  private target(): {domain: string; originPath?: string} {
    const target = this.step.regions[this.move.to]
    if (!target) throw new DrctlError('DRCTL_CONFIG_INVALID', `step ${this.step.id} has no entry for ${this.move.to}`)
    return target
  }

  describe(): PlannedCall[] {
    const {domain, originPath} = this.target()
    return [
      planned(
        UPDATE,
        REGION,
        `${this.step.distributionId}: ${this.originLabel()} → ${domain}${originPath ?? ''} (the configuration read with GetDistributionConfig, If-Match its ETag)`,
      ),
    ]
  }

  private async read(ctx: StepContext): Promise<{distribution: Distribution; origin: CloudFrontOrigin}> {
    const distribution = await ctx.aws.cloudfront().getDistribution(this.step.distributionId)
    if (!distribution) {
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `step ${this.step.id}: CloudFront distribution ${this.step.distributionId} does not exist`,
      )
    }
    const found = originToRepoint(distribution, this.step)
    if ('missing' in found) throw new DrctlError('DRCTL_AWS_NOT_FOUND', `step ${this.step.id}: ${found.missing}`)
    return {distribution, origin: found.origin}
  }

  private pointsAtTarget(origin: CloudFrontOrigin): boolean {
    const {domain, originPath} = this.target()
    return (
      dnsName(origin.domainName) === dnsName(domain) && (originPath === undefined || origin.originPath === originPath)
    )
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const {distribution, origin} = await this.read(ctx)
    const where = `origin ${origin.id} → ${origin.domainName}${origin.originPath}`
    if (!this.pointsAtTarget(origin)) return {state: 'pending', note: `${where} now`}
    // Set, but maybe not everywhere yet (an earlier attempt was interrupted while it deployed): wait for it.
    if (distribution.status !== 'Deployed') return {state: 'in-progress', note: `${where}, ${distribution.status}`}
    return {state: 'done', note: `${where} already`}
  }

  async run(ctx: StepContext): Promise<void> {
    const {origin} = await this.read(ctx)
    const {domain, originPath} = this.target()
    const {status} = await ctx.aws.cloudfront().updateOrigin({
      distributionId: this.step.distributionId,
      originId: origin.id,
      domainName: domain,
      ...(originPath === undefined ? {} : {originPath}),
    })
    ctx.progress(`origin ${origin.id} → ${domain}${originPath ?? ''}: ${status}`)
  }

  async wait(ctx: StepContext): Promise<void> {
    await waitFor({
      what: `CloudFront distribution ${this.step.distributionId} to be Deployed`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: this.step.timeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS,
      firstDelayMs: 5000,
      maxDelayMs: 30_000,
      poll: async () => {
        const {distribution} = await this.read(ctx)
        return {done: distribution.status === 'Deployed', progress: `distribution ${distribution.status}`}
      },
      progress: (message) => ctx.progress(message),
    })
  }

  async verify(ctx: StepContext): Promise<void> {
    const {origin} = await this.read(ctx)
    if (!this.pointsAtTarget(origin)) {
      const {domain, originPath} = this.target()
      throw new DrctlError(
        'DRCTL_VERIFY_FAILED',
        `CloudFront ${this.step.distributionId} origin ${origin.id} reads back as ${origin.domainName}${origin.originPath}, not ${domain}${originPath ?? ''}`,
      )
    }
  }
}
