import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import type {CallDeclaration} from '../aws/iam-calls.js'
import {observe, observeCalls, type TopologyPart} from '../topology/observe.js'
import type {DesiredControl} from './routing-control-step.js'

export interface ExpectedTopology {
  /** Global cluster id → Region its writer must be in. */
  writers: Record<string, string>
  /** Routing control states that must hold. */
  routing: DesiredControl[]
  /** Only these Regions are observed (an unplanned failover never calls the failed one). */
  regions: string[]
  arcAvoidRegions: string[]
}

const VERIFY_PARTS: TopologyPart[] = ['aurora', 'routing']

/** The last step of a failover or fallback: a fresh observation must show writers and traffic where the run put them. */
export class VerifyTopologyStep implements Step {
  static readonly calls: CallDeclaration = observeCalls(VERIFY_PARTS)
  readonly id = 'verify'
  readonly title: string

  constructor(
    private readonly config: DrctlConfig,
    private readonly expected: ExpectedTopology,
  ) {
    this.title = `Verify with a fresh observation of ${expected.regions.join(', ')}`
  }

  describe(): PlannedCall[] {
    return []
  }

  async check(): Promise<StepCheck> {
    return {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const topology = await observe(this.config, ctx.aws, {
      regions: this.expected.regions,
      parts: VERIFY_PARTS,
      arcAvoidRegions: this.expected.arcAvoidRegions,
    })
    const problems: string[] = []
    for (const [id, region] of Object.entries(this.expected.writers)) {
      const view = topology.aurora.find((candidate) => candidate.id === id)
      if (view?.writerRegion !== region || view.failoverState) {
        problems.push(
          `${id} writer is ${view?.writerRegion ?? 'unknown'}${view?.failoverState ? ` (${view.failoverState.status})` : ''}, expected ${region}`,
        )
      }
    }
    for (const control of this.expected.routing) {
      const state = topology.routing?.controls.find((candidate) => candidate.arn === control.arn)?.state
      if (state !== control.state) problems.push(`${control.name} is ${state ?? 'unknown'}, expected ${control.state}`)
    }
    if (problems.length > 0) {
      throw new DrctlError('DRCTL_VERIFY_FAILED', `the topology is not as the run left it: ${problems.join('; ')}`)
    }
    const writers = Object.entries(this.expected.writers).map(([id, region]) => `${id} writes in ${region}`)
    ctx.progress([...writers, ...this.expected.routing.map((control) => `${control.name} ${control.state}`)].join(', '))
  }

  async verify(): Promise<void> {}
}
