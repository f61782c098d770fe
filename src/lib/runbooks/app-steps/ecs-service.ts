import type {EcsService} from '../../aws/ports.js'
import type {StepOfKind} from '../../config/steps.js'
import {DrctlError} from '../../core/errors.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../../aws/iam-calls.js'
import {waitFor} from '../../runbook/wait.js'
import type {StepMove} from './move.js'
import {STEP_READS} from '../../topology/readers/app-steps.js'

const DEFAULT_TIMEOUT_MS = 20 * 60_000
const UPDATE = declared('ECS', 'UpdateService', 'ecs-services')

/** What a run journals about a forced deployment: the PRIMARY deployment before it, and the one it started. */
interface ForcedDeployment {
  before?: string
  started?: string
}

/** Where one service stands against what the step wants of it. */
type Rollout = {settled: true} | {settled: false; progress: string} | {failed: string}

/**
 * ECS services in the target Region: `redeploy` forces a new deployment (no task keeps a cached IP after a DNS
 * change), `scale` sets the desired count (drctl.yaml's, else the source Region's). Waits until the PRIMARY deployment
 * has COMPLETED and every desired task runs. Only the target Region is changed; the source is read for its counts only
 * when it has not failed.
 */
export class EcsServiceStep implements Step {
  static readonly calls: CallDeclaration = {
    reads: STEP_READS['ecs-service'],
    writes: [UPDATE],
  }
  readonly id: string
  readonly title: string
  private readonly cluster: string
  private readonly services: string[]
  /** The Region whose counts `scale` copies: the first Region moved from that has not failed. */
  private readonly source?: string

  constructor(
    private readonly step: StepOfKind<'ecs-service'>,
    private readonly move: StepMove,
  ) {
    this.id = `step.${step.id}`
    const target = step.regions[move.to]
    this.cluster = target?.cluster ?? ''
    this.services = target?.services ?? []
    this.source = move.from.find((region) => region !== move.to && !move.failedRegions.includes(region))
    const action = step.action === 'redeploy' ? 'Redeploy' : 'Scale'
    this.title = `${action} ECS ${this.services.join(', ')} in ${this.cluster} (${move.to})`
  }

  private get fixedCount(): number | undefined {
    return this.step.regions[this.move.to]?.desiredCount
  }

  /** A scale whose count cannot be known: none configured, and no source Region that may be called. */
  private get countUnknown(): boolean {
    return this.step.action === 'scale' && this.fixedCount === undefined && !this.source
  }

  describe(): PlannedCall[] {
    return this.services.map((service, index) =>
      planned(
        UPDATE,
        this.move.to,
        `${this.cluster}/${service} ${this.step.action === 'redeploy' ? 'forceNewDeployment' : this.countDetail(index)}`,
      ),
    )
  }

  private countDetail(index: number): string {
    if (this.fixedCount !== undefined) return `desiredCount = ${this.fixedCount}`
    if (this.source) {
      const source = this.step.regions[this.source]
      return `desiredCount = that of ${source?.cluster}/${source?.services[index]} in ${this.source}`
    }
    return `desiredCount unknown (${this.unknownWhy()}): a service at 0 is ${this.step.required ? 'an error' : 'left as a follow-up'}`
  }

  private unknownWhy(): string {
    const failed = this.move.from.filter((region) => this.move.failedRegions.includes(region))
    return `${failed.length > 0 ? `${failed.join(', ')} failed` : 'no source Region'} and drctl.yaml gives no desiredCount for ${this.move.to}`
  }

  private async read(ctx: StepContext, region: string, cluster: string, services: string[]): Promise<EcsService[]> {
    const found = await ctx.aws.ecs(region).describeServices(cluster, services)
    const read = services.map((name) => found.services.find((service) => service.name === name || service.arn === name))
    const missing = services.filter((_, index) => read[index]?.status !== 'ACTIVE')
    if (missing.length > 0)
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `step ${this.step.id}: ECS service ${missing.join(', ')} does not exist (or is not ACTIVE) in ${cluster} in ${region}`,
      )
    return read as EcsService[]
  }

  private readTarget(ctx: StepContext): Promise<EcsService[]> {
    return this.read(ctx, this.move.to, this.cluster, this.services)
  }

  /** The desired count of each service (by position); `undefined` when it cannot be known. */
  private async wanted(ctx: StepContext): Promise<(number | undefined)[]> {
    if (this.step.action === 'redeploy') return this.services.map(() => undefined)
    const fixed = this.fixedCount
    if (fixed !== undefined || !this.source) return this.services.map(() => fixed)
    const source = this.step.regions[this.source]
    const counts = await this.read(ctx, this.source, source?.cluster ?? '', source?.services ?? [])
    return this.services.map((_, index) => counts[index]?.desiredCount)
  }

  private recordKey(service: string): string {
    return `ecs.${this.step.id}.${this.move.to}.${service}`
  }

  /**
   * Whether this run has forced a deployment of the service. The journal says what was PRIMARY before the call (and
   * the deployment started, once the call answered): a different PRIMARY means the call went through, even if the run
   * stopped before recording its answer.
   */
  private forced(ctx: StepContext, service: EcsService, name: string): boolean {
    const record = ctx.recorded<ForcedDeployment>(this.recordKey(name))
    if (!record) return false
    if (record.started) return true
    return primaryOf(service)?.id !== record.before
  }

  private rollout(ctx: StepContext, service: EcsService, name: string, wanted?: number): Rollout {
    const started = ctx.recorded<ForcedDeployment>(this.recordKey(name))?.started
    const ours = service.deployments.find((deployment) => deployment.id === started)
    const primary = primaryOf(service)
    const failed = [ours, primary].find((deployment) => deployment?.rolloutState === 'FAILED')
    if (failed)
      return {failed: `deployment ${failed.id} of ${name} FAILED: ${failed.rolloutStateReason ?? 'no reason given'}`}
    const counts = `${service.runningCount}/${service.desiredCount} running`
    if (wanted !== undefined && service.desiredCount !== wanted)
      return {settled: false, progress: `${name}: desired ${service.desiredCount}, not ${wanted}`}
    // Without a rollout state (a Classic Load Balancer, an external controller) the old deployment must be gone.
    const rolledOut = primary?.rolloutState ? primary.rolloutState === 'COMPLETED' : service.deployments.length === 1
    if (!rolledOut)
      return {settled: false, progress: `${name}: deployment ${primary?.id ?? '?'} in progress, ${counts}`}
    if (service.runningCount !== service.desiredCount) return {settled: false, progress: `${name}: ${counts}`}
    return {settled: true}
  }

  /** Every service's rollout; a failed one fails the step with ECS's reason. */
  private rollouts(ctx: StepContext, services: EcsService[], wanted: (number | undefined)[]) {
    const rollouts = services.map((service, index) =>
      this.rollout(ctx, service, this.services[index] as string, wanted[index]),
    )
    const failed = rollouts.find((rollout): rollout is {failed: string} => 'failed' in rollout)
    if (failed)
      throw new DrctlError('DRCTL_APP_STEP_FAILED', `step ${this.step.id}: ${failed.failed}`, {
        hints: [
          `see the service events: aws ecs describe-services --region ${this.move.to} --cluster ${this.cluster} --services ${this.services.join(' ')}`,
        ],
      })
    const unsettled = rollouts.flatMap((rollout) => ('progress' in rollout ? [rollout.progress] : []))
    return {settled: unsettled.length === 0, progress: unsettled.join('; ')}
  }

  /** The services still to change: not forced by this run, or not at the count wanted. */
  private pending(ctx: StepContext, services: EcsService[], wanted: (number | undefined)[]): string[] {
    return this.services.filter((name, index) => {
      const service = services[index] as EcsService
      if (this.step.action === 'redeploy') return !this.forced(ctx, service, name)
      const count = wanted[index]
      return count !== undefined && service.desiredCount !== count
    })
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const services = await this.readTarget(ctx)
    if (this.countUnknown) return this.checkUnknownCount(services)
    const wanted = await this.wanted(ctx)
    const pending = this.pending(ctx, services, wanted)
    if (pending.length > 0)
      return {
        state: 'pending',
        note: `to ${this.step.action === 'redeploy' ? 'redeploy' : 'scale'}: ${pending.join(', ')}`,
      }
    const {settled, progress} = this.rollouts(ctx, services, wanted)
    return settled
      ? {
          state: 'done',
          note: `${this.services.join(', ')} ${this.step.action === 'redeploy' ? 'redeployed' : 'scaled'} and stable`,
        }
      : {state: 'in-progress', note: progress}
  }

  /**
   * An unplanned failover cannot read the failed Region's counts: services already running in the target are left as
   * they are (their capacity is a follow-up); a service at 0 is not guessed at.
   */
  private checkUnknownCount(services: EcsService[]): StepCheck {
    const idle = services.filter((service) => service.desiredCount === 0).map((service) => service.name)
    if (idle.length > 0 && this.step.required)
      throw new DrctlError(
        'DRCTL_APP_STEP_FAILED',
        `step ${this.step.id}: ${idle.join(', ')} in ${this.move.to} desire 0 tasks and the count to set is unknown (${this.unknownWhy()})`,
        {
          hints: [
            `scale them by hand (aws ecs update-service --region ${this.move.to} --cluster ${this.cluster} --service NAME --desired-count N), then resume the run`,
            `give regions.${this.move.to}.desiredCount in drctl.yaml so that unplanned failovers scale them`,
          ],
        },
      )
    return {state: 'pending', note: `desired count unknown (${this.unknownWhy()}): nothing is changed`}
  }

  async run(ctx: StepContext): Promise<void> {
    if (this.countUnknown) {
      ctx.progress(`not scaling ${this.services.join(', ')}: ${this.unknownWhy()}`)
      return
    }
    const services = await this.readTarget(ctx)
    const wanted = await this.wanted(ctx)
    const ecs = ctx.aws.ecs(this.move.to)
    for (const name of this.pending(ctx, services, wanted)) {
      const index = this.services.indexOf(name)
      if (this.step.action === 'redeploy') {
        const before = primaryOf(services[index] as EcsService)?.id
        // Journaled before the call: a resume tells a deployment this run started from one it did not.
        ctx.record(this.recordKey(name), {before} satisfies ForcedDeployment)
        const {deploymentId} = await ecs.forceNewDeployment(this.cluster, name)
        ctx.record(this.recordKey(name), {before, started: deploymentId} satisfies ForcedDeployment)
        ctx.progress(`${name}: new deployment ${deploymentId ?? ''} started`)
      } else {
        const count = wanted[index] as number
        await ecs.setDesiredCount(this.cluster, name, count)
        ctx.progress(`${name}: desired count ${services[index]?.desiredCount} → ${count}`)
      }
    }
  }

  async wait(ctx: StepContext): Promise<void> {
    if (this.countUnknown) return
    const wanted = await this.wanted(ctx)
    await waitFor({
      what: `ECS ${this.services.join(', ')} in ${this.move.to} to be stable`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: this.step.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      firstDelayMs: 5000,
      maxDelayMs: 15_000,
      progress: ctx.progress,
      poll: async () => {
        const {settled, progress} = this.rollouts(ctx, await this.readTarget(ctx), wanted)
        return {done: settled, progress}
      },
    })
  }

  async verify(ctx: StepContext): Promise<void> {
    const services = await this.readTarget(ctx)
    if (this.countUnknown) {
      for (const service of services) {
        ctx.followUp(
          service.desiredCount === 0
            ? `scale ${this.cluster}/${service.name} in ${this.move.to}: it desires 0 tasks and drctl could not know how many (${this.unknownWhy()})`
            : `check the capacity of ${this.cluster}/${service.name} in ${this.move.to} (${service.desiredCount} tasks desired): drctl could not read the count it had in the failed Region`,
        )
      }
      return
    }
    const wanted = await this.wanted(ctx)
    const pending = this.pending(ctx, services, wanted)
    const {settled, progress} = this.rollouts(ctx, services, wanted)
    if (pending.length > 0 || !settled)
      throw new DrctlError(
        'DRCTL_VERIFY_FAILED',
        `ECS ${pending.length > 0 ? `${pending.join(', ')} not ${this.step.action === 'redeploy' ? 'redeployed' : 'scaled'}` : progress} in ${this.move.to}`,
      )
    ctx.progress(
      services.map((service) => `${service.name} ${service.runningCount}/${service.desiredCount}`).join(', '),
    )
  }
}

function primaryOf(service: EcsService) {
  return service.deployments.find((deployment) => deployment.status === 'PRIMARY')
}
