import {describe, expect, it} from 'vitest'

import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws, type FakeEcsService} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'

const step = (action: string) =>
  testConfig(`steps:
  - id: app
    kind: ecs-service
    action: ${action}
    regions:
      us-east-1: {cluster: app, services: [api, worker]}
      us-west-2: {cluster: app, services: [api, worker]}
`)

const service = (desiredCount: number, runningCount = desiredCount): FakeEcsService => ({
  status: 'ACTIVE',
  desiredCount,
  runningCount,
  deployments: [],
})

function world(east: [number, number], west: [number, number]): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.ecsServices = {
    'us-east-1': {'app/api': service(east[0]), 'app/worker': service(east[1], east[1] - 1)},
    'us-west-2': {'app/api': service(west[0]), 'app/worker': service(west[1])},
  }
  return aws
}

describe('ecs-service in the observation', () => {
  it('a scale step points at the Region whose services desire tasks, with running/desired per Region', async () => {
    const {steps} = await observe(step('scale'), world([4, 2], [0, 0]), {parts: ['steps']})
    expect(steps[0]).toMatchObject({
      pointsAt: 'us-east-1',
      callRegions: ['us-east-1', 'us-west-2'],
      state: 'us-east-1: api 4/4, worker 1/2; us-west-2: api 0/0, worker 0/0 (running/desired)',
    })
  })

  it('a scale step with tasks everywhere points at any Region, with tasks nowhere at none', async () => {
    expect((await observe(step('scale'), world([4, 2], [1, 1]), {parts: ['steps']})).steps[0]?.pointsAt).toBe('any')
    expect((await observe(step('scale'), world([0, 0], [0, 0]), {parts: ['steps']})).steps[0]?.pointsAt).toBeUndefined()
  })

  it('a redeploy step points at any Region', async () => {
    expect((await observe(step('redeploy'), world([4, 2], [0, 0]), {parts: ['steps']})).steps[0]?.pointsAt).toBe('any')
  })

  it('is missing when a service or the cluster does not exist', async () => {
    const aws = world([4, 2], [0, 0])
    delete aws.state.ecsServices?.['us-east-1']?.['app/worker']
    aws.state.ecsServices!['us-west-2'] = {}
    const {steps} = await observe(step('redeploy'), aws, {parts: ['steps']})
    expect(steps[0]?.missing).toBe(
      'ECS service worker does not exist in app in us-east-1; ECS cluster app does not exist in us-west-2',
    )
  })

  it('an unplanned observation reads the target Region only', async () => {
    const aws = world([4, 2], [0, 0])
    const {steps} = await observe(step('scale'), aws, {parts: ['steps'], regions: ['us-west-2']})
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(steps[0]).toMatchObject({
      callRegions: ['us-west-2'],
      state: 'us-west-2: api 0/0, worker 0/0 (running/desired)',
    })
  })

  it('is unreadable when ECS cannot be read', async () => {
    const aws = world([4, 2], [0, 0])
    aws.fail('ECS', 'us-west-2', {kind: 'access'})
    const {steps} = await observe(step('scale'), aws, {parts: ['steps']})
    expect(steps[0]).toMatchObject({unreadable: {kind: 'access-denied'}})
  })
})
