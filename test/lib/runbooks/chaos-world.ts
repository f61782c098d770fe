import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {ExperimentTemplate} from '../../../src/lib/aws/ports.js'
import type {DrctlConfig} from '../../../src/lib/config/schema.js'
import type {Clock} from '../../../src/lib/core/clock.js'
import type {DrctlError} from '../../../src/lib/core/errors.js'
import type {ExperimentRecord} from '../../../src/lib/runbooks/chaos/evidence.js'
import {FakeAws, type FakeState} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'

// The FIS world the chaos tests share: templates in both Regions, an alarm, and a clock the test drives.

export const ALARM = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:checkout-errors'

export function config(): DrctlConfig {
  return {...testConfig(), fis: {region: 'us-east-1', templateTags: {Env: 'test'}}}
}

export function template(id: string, name: string, overrides: Partial<ExperimentTemplate & {region: string}> = {}) {
  return {
    id,
    description: `${name} experiment`,
    tags: {Name: name, Env: 'test'},
    roleArn: 'arn:aws:iam::111122223333:role/fis',
    region: 'us-east-1',
    targets: {
      Subnets: {
        resourceType: 'aws:ec2:subnet',
        resourceArns: [],
        resourceTags: {ChaosAllowed: 'true'},
        selectionMode: 'ALL',
      },
      Tables: {
        resourceType: 'aws:dynamodb:global-table',
        resourceArns: ['arn:aws:dynamodb:us-east-1:111122223333:table/carts'],
        resourceTags: {},
        selectionMode: 'ALL',
      },
    },
    actions: {
      DisruptRoutes: {
        actionId: 'aws:network:route-table-disrupt-cross-region-connectivity',
        parameters: {duration: 'PT10M', region: 'us-west-2'},
        targets: {Subnets: 'Subnets'},
        startAfter: [],
      },
      PauseCarts: {
        actionId: 'aws:dynamodb:global-table-pause-replication',
        parameters: {duration: 'PT5M'},
        targets: {Tables: 'Tables'},
        startAfter: ['DisruptRoutes'],
      },
    },
    stopConditions: [{source: 'aws:cloudwatch:alarm', value: ALARM}],
    ...overrides,
  }
}

export function world(): FakeState {
  const state = twoRegionState()
  state.templates = [
    template('EXT1', 'cross-region-connectivity'),
    template('EXT2', 'pause-carts-replication', {stopConditions: [{source: 'none'}]}),
    {...template('EXT3', 'prod-only'), tags: {Name: 'prod-only', Env: 'prod'}},
    template('EXT9', 'west-side', {region: 'us-west-2'}),
  ]
  return state
}

/** The experiment as a chaos run's evidence records it. */
export const experimentRecord = (): ExperimentRecord => ({
  id: 'EXP5',
  region: 'us-east-1',
  templateId: 'EXT1',
  templateName: 'cross-region-connectivity',
  status: 'running',
  actions: [],
})

/** FIS's part, driven by the test: StopExperiment moves the experiment to `stopping`. */
export class ChaosFakeAws extends FakeAws {
  startError?: unknown
  override fis(region: string) {
    const base = super.fis(region)
    return {
      ...base,
      startExperiment: async (input: {templateId: string; clientToken: string; tags: Record<string, string>}) => {
        if (this.startError) {
          this.calls.push({service: 'FIS', region, operation: 'StartExperiment', mutating: true, args: [input]})
          throw new AwsCallError({service: 'FIS', operation: 'StartExperiment', region}, this.startError)
        }
        return base.startExperiment(input)
      },
      stopExperiment: async (id: string) => {
        const result = await base.stopExperiment(id)
        const experiment = this.state.experiments.find((candidate) => candidate.id === id)
        if (experiment && !['completed', 'stopped', 'failed', 'cancelled'].includes(experiment.status)) {
          experiment.status = 'stopping'
        }
        return result
      },
    }
  }
}

/** A clock whose sleeps advance time at once and let the test move the world on. */
export function fakeClock(onSleep: () => void = () => {}): Clock {
  let now = Date.parse('2026-11-22T03:00:00.000Z')
  return {
    scale: 1,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      now += ms
      onSleep()
    },
  }
}

export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as DrctlError,
  )
