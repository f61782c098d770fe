import {describe, expect, it} from 'vitest'

import {appStepGates} from '../../../src/lib/checks/app-steps.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {DETACHED_FROM_TAG} from '../../../src/lib/topology/views.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'

const config = testConfig(`steps:
  - id: orders-proxy
    kind: rds-proxy-target
    globalCluster: orders-global
    regions:
      us-east-1: {proxy: proxy-use1}
      us-west-2: {proxy: proxy-usw2}
`)

/** Each Region's proxy with the cluster its default target group holds (healthy), or none for a missing proxy. */
function world(targets: {'us-east-1'?: string; 'us-west-2'?: string}): FakeAws {
  const aws = new FakeAws(twoRegionState())
  const proxy = (clusterId: string) => ({
    targetGroups: {
      default: [
        {type: 'TRACKED_CLUSTER', clusterId},
        {type: 'RDS_INSTANCE', clusterId, instanceId: `${clusterId}-a`, health: {state: 'AVAILABLE'}},
      ],
    },
  })
  aws.state.proxies = {
    'us-east-1': targets['us-east-1'] ? {'proxy-use1': proxy(targets['us-east-1'])} : {},
    'us-west-2': targets['us-west-2'] ? {'proxy-usw2': proxy(targets['us-west-2'])} : {},
  }
  return aws
}

describe('rds-proxy-target in the observation', () => {
  it('points at any Region when every proxy follows its own cluster, with each target and its health', async () => {
    const {steps} = await observe(config, world({'us-east-1': 'orders-use1', 'us-west-2': 'orders-usw2'}), {
      parts: ['steps'],
    })
    expect(steps[0]).toMatchObject({
      id: 'orders-proxy',
      pointsAt: 'any',
      callRegions: ['us-east-1', 'us-west-2'],
      state:
        'proxy-use1 in us-east-1 → orders-use1 (AVAILABLE); proxy-usw2 in us-west-2 → orders-usw2 (AVAILABLE, read-only)',
    })
  })

  it('points at the one Region whose proxy targets its own cluster', async () => {
    const {steps} = await observe(config, world({'us-east-1': 'orders-use1', 'us-west-2': 'orders-restored'}), {
      parts: ['steps'],
    })
    expect(steps[0]).toMatchObject({
      pointsAt: 'us-east-1',
      state: expect.stringContaining('proxy-usw2 in us-west-2 → orders-restored'),
    })
  })

  it('follows the cluster drctl detached from the global cluster', async () => {
    const aws = world({'us-east-1': 'orders-use1', 'us-west-2': 'orders-usw2'})
    const global = aws.state.globals[0]!
    global.members = global.members.filter((member) => member.region !== 'us-west-2')
    const survivor = aws.state.clusters.find((cluster) => cluster.id === 'orders-usw2')!
    survivor.globalClusterId = undefined
    survivor.tags = {[DETACHED_FROM_TAG]: 'orders-global'}
    const {steps} = await observe(config, aws, {parts: ['steps']})
    expect(steps[0]?.pointsAt).toBe('any')
  })

  it('is missing when a Region’s proxy does not exist: the gate of a move fails, naming the step', async () => {
    const topology = await observe(config, world({'us-east-1': 'orders-use1'}), {parts: ['steps']})
    expect(topology.steps[0]).toMatchObject({missing: 'RDS Proxy proxy-usw2 does not exist in us-west-2'})
    expect(appStepGates(topology, 'failover-planned')).toEqual([
      expect.objectContaining({
        id: 'gate.step.orders-proxy',
        status: 'fail',
        message: expect.stringContaining('step orders-proxy (rds-proxy-target): RDS Proxy proxy-usw2 does not exist'),
      }),
    ])
  })

  it('an unplanned observation reads the target’s proxy only: nothing in the excluded Region is called', async () => {
    const aws = world({'us-east-1': 'orders-use1', 'us-west-2': 'orders-usw2'})
    const {steps} = await observe(config, aws, {parts: ['steps'], regions: ['us-west-2']})
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(steps[0]).toMatchObject({pointsAt: 'us-west-2', callRegions: ['us-west-2']})
    expect(steps[0]?.unreadable).toBeUndefined()
  })

  it('is unreadable when a proxy cannot be read', async () => {
    const aws = world({'us-east-1': 'orders-use1', 'us-west-2': 'orders-usw2'})
    aws.fail('RDS', 'us-west-2', {kind: 'access', operation: 'DescribeDBProxyTargets'})
    const {steps} = await observe(config, aws, {parts: ['steps']})
    expect(steps[0]).toMatchObject({
      unreadable: {kind: 'access-denied'},
      state: expect.stringContaining('proxy-usw2 in us-west-2: not read'),
    })
    expect(steps[0]?.pointsAt).toBeUndefined()
  })
})
