import {CONTROL_PLANE_REGIONS} from '../../aws/control-planes.js'
import type {EndpointGroup} from '../../aws/ports.js'
import type {StepOfKind} from '../../config/steps.js'
import {DrctlError} from '../../core/errors.js'
import {waitFor} from '../../runbook/wait.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../../aws/iam-calls.js'
import {retryWhileBusy} from './busy.js'
import type {StepMove} from './move.js'
import {STEP_READS} from '../../topology/readers/app-steps.js'

const REGION = CONTROL_PLANE_REGIONS.globalaccelerator
const UPDATE = declared('Global Accelerator', 'UpdateEndpointGroup', 'endpoint-groups')
const DEFAULT_DEPLOY_TIMEOUT_MS = 15 * 60_000

interface Dial {
  region: string
  endpointGroupArn: string
  percentage: number
}

/**
 * Turns Global Accelerator's traffic dials to the Region writes move to: its endpoint group to 100 first (so traffic
 * is never dialled down everywhere at once), then every other group to 0; then waits until the accelerator is
 * DEPLOYED. Only the dial changes: the groups' endpoints and health checks stay as they are. Global Accelerator's
 * control plane is in us-west-2.
 */
export class GlobalAcceleratorDialStep implements Step {
  static readonly calls: CallDeclaration = {
    reads: STEP_READS['global-accelerator-dial'],
    writes: [UPDATE],
  }
  readonly id: string
  readonly title: string

  constructor(
    private readonly step: StepOfKind<'global-accelerator-dial'>,
    private readonly move: StepMove,
  ) {
    this.id = `step.${step.id}`
    this.title = `Global Accelerator traffic dial 100 on ${move.to}, 0 on the others`
  }

  /** The dials this move sets, the target Region's first. */
  private dials(): Dial[] {
    const dials = Object.entries(this.step.regions).map(([region, {endpointGroupArn}]) => ({
      region,
      endpointGroupArn,
      percentage: region === this.move.to ? 100 : 0,
    }))
    return [...dials.filter((dial) => dial.percentage === 100), ...dials.filter((dial) => dial.percentage === 0)]
  }

  describe(): PlannedCall[] {
    return this.dials().map((dial) =>
      planned(
        UPDATE,
        REGION,
        `traffic dial of ${dial.region}'s endpoint group → ${dial.percentage}% (${dial.endpointGroupArn})`,
      ),
    )
  }

  private async read(ctx: StepContext): Promise<{dial: Dial; group: EndpointGroup}[]> {
    const port = ctx.aws.globalAccelerator()
    return Promise.all(
      this.dials().map(async (dial) => {
        const group = await port.describeEndpointGroup(dial.endpointGroupArn)
        if (!group) {
          throw new DrctlError(
            'DRCTL_AWS_NOT_FOUND',
            `step ${this.step.id}: the endpoint group of ${dial.region} (${dial.endpointGroupArn}) does not exist`,
          )
        }
        return {dial, group}
      }),
    )
  }

  private async differing(ctx: StepContext): Promise<Dial[]> {
    const groups = await this.read(ctx)
    return groups.filter(({dial, group}) => group.trafficDialPercentage !== dial.percentage).map(({dial}) => dial)
  }

  private async acceleratorStatus(ctx: StepContext): Promise<string> {
    const accelerator = await ctx.aws.globalAccelerator().describeAccelerator(this.step.acceleratorArn)
    if (!accelerator) {
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `step ${this.step.id}: accelerator ${this.step.acceleratorArn} does not exist`,
      )
    }
    return accelerator.status
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const differing = await this.differing(ctx)
    if (differing.length > 0) return {state: 'pending', note: `to set: ${describeDials(differing)}`}
    const status = await this.acceleratorStatus(ctx)
    if (status !== 'DEPLOYED') return {state: 'in-progress', note: `dials set, accelerator ${status}`}
    return {state: 'done', note: `dials already ${describeDials(this.dials())}`}
  }

  async run(ctx: StepContext): Promise<void> {
    // In the order of dials(): the target raised before any other is lowered.
    for (const dial of await this.differing(ctx)) {
      await retryWhileBusy(ctx, () =>
        ctx.aws.globalAccelerator().setTrafficDial(dial.endpointGroupArn, dial.percentage),
      )
      ctx.progress(`${dial.region} dial ${dial.percentage}%`)
    }
  }

  async wait(ctx: StepContext): Promise<void> {
    await waitFor({
      what: `accelerator ${this.step.acceleratorArn} to be DEPLOYED`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: this.step.timeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS,
      poll: async () => {
        const status = await this.acceleratorStatus(ctx)
        return {done: status === 'DEPLOYED', progress: `accelerator ${status}`}
      },
      progress: (message) => ctx.progress(message),
    })
  }

  async verify(ctx: StepContext): Promise<void> {
    const differing = await this.differing(ctx)
    if (differing.length > 0)
      throw new DrctlError('DRCTL_VERIFY_FAILED', `traffic dials do not read back as ${describeDials(differing)}`)
  }
}

function describeDials(dials: Dial[]): string {
  return dials.map((dial) => `${dial.region} ${dial.percentage}%`).join(', ')
}
