import {describe, expect, it} from 'vitest'

import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {Clock} from '../../../src/lib/core/clock.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {clusterArnOf, FakeAws, metricKey} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {ACCOUNT, testConfig} from '../../fakes/topology.js'

function recordingClock(): Clock & {sleeps: number[]} {
  const sleeps: number[] = []
  return {scale: 1, sleeps, now: () => 0, sleep: async (ms) => void sleeps.push(ms)}
}

describe('observe', () => {
  it('reads every part of a healthy topology', async () => {
    const topology = await observe(testConfig(), new FakeAws(twoRegionState()))
    expect(topology.identity?.account).toBe('111122223333')
    expect(topology.regions.every((region) => region.reachable)).toBe(true)
    const [orders] = topology.aurora
    expect(orders).toMatchObject({id: 'orders-global', found: true, status: 'available', writerRegion: 'us-east-1'})
    expect(orders?.members.map((member) => [member.region, member.role, member.clusterStatus])).toEqual([
      ['us-east-1', 'writer', 'available'],
      ['us-west-2', 'secondary', 'available'],
    ])
    expect(orders?.members[0]?.instances.map((instance) => [instance.id, instance.isWriter])).toEqual([
      ['orders-use1-a', true],
      ['orders-use1-b', false],
    ])
    expect(orders?.members[1]?.lag).toEqual({ms: 250, metric: 'AuroraGlobalDBRPOLag', at: '2026-11-22T00:00:00.000Z'})
    expect(topology.dynamodb[0]?.replicas).toEqual([
      {region: 'us-east-1', status: 'ACTIVE', deletionProtection: false},
      {region: 'us-west-2', status: 'ACTIVE', deletionProtection: false},
    ])
    expect(topology.dynamodb[0]?.latency.map((entry) => [entry.from, entry.to, entry.reading?.ms])).toEqual([
      ['us-east-1', 'us-west-2', 900],
      ['us-west-2', 'us-east-1', 700],
    ])
    expect(topology.routing?.controls.map((control) => [control.name, control.region, control.state])).toEqual([
      ['retail-us-east-1', 'us-east-1', 'On'],
      ['retail-us-west-2', 'us-west-2', 'Off'],
    ])
    expect(topology.stacks.map((stack) => stack.status)).toEqual(['UPDATE_COMPLETE', 'CREATE_COMPLETE'])
    expect(topology.chaos?.running).toEqual([])
  })

  it('reads lag only in the secondary’s own Region, falling back from RPO lag to replication lag', async () => {
    const state = twoRegionState()
    state.metrics['us-west-2'] = {
      [metricKey('AuroraGlobalDBReplicationLag', {DBClusterIdentifier: 'orders-usw2', SourceRegion: 'us-east-1'})]: {
        value: 1200,
        timestamp: 'x',
      },
    }
    const aws = new FakeAws(state)
    const topology = await observe(testConfig(), aws)
    expect(topology.aurora[0]?.members[1]?.lag).toMatchObject({ms: 1200, metric: 'AuroraGlobalDBReplicationLag'})
    const auroraQueries = aws.calls.filter(
      (call) => call.operation === 'GetMetricData' && JSON.stringify(call.args).includes('AuroraGlobalDB'),
    )
    expect(auroraQueries.map((call) => call.region)).toEqual(['us-west-2'])
  })

  it('leaves the lag unknown when CloudWatch has no datapoint (never 0)', async () => {
    const state = twoRegionState()
    state.metrics = {}
    const topology = await observe(testConfig(), new FakeAws(state))
    expect(topology.aurora[0]?.members[1]?.lag).toBeUndefined()
    expect(topology.dynamodb[0]?.latency.every((entry) => entry.reading === undefined)).toBe(true)
  })

  it('reports an unreachable Region and still shows everything else', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.fail('*', 'us-east-1', {kind: 'timeout'})
    const topology = await observe(testConfig(), aws)
    expect(topology.regions).toEqual([
      {region: 'us-east-1', reachable: false, error: expect.stringContaining('unreachable')},
      {region: 'us-west-2', reachable: true},
    ])
    expect(topology.identity?.account).toBe('111122223333')
    const [orders] = topology.aurora
    expect(orders?.found).toBe(true)
    expect(orders?.members[0]?.unreadable?.kind).toBe('timeout')
    expect(orders?.members[1]?.clusterStatus).toBe('available')
    // us-east-1's replica is known only from us-west-2's replica list.
    expect(topology.dynamodb[0]?.replicas).toEqual([
      {region: 'us-east-1', status: 'ACTIVE'},
      {region: 'us-west-2', status: 'ACTIVE', deletionProtection: false},
    ])
    expect(topology.stacks[0]?.unreadable?.kind).toBe('timeout')
    expect(topology.routing?.controls[0]?.state).toBe('On')
  })

  it('calls no excluded Region at all', async () => {
    const aws = new FakeAws(twoRegionState())
    const topology = await observe(testConfig(), aws, {regions: ['us-west-2'], arcAvoidRegions: ['us-east-1']})
    expect(aws.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(topology.excludedRegions).toEqual(['us-east-1'])
    expect(topology.aurora[0]?.members[0]?.unreadable?.kind).toBe('excluded')
    expect(topology.aurora[0]?.members[1]?.lag?.ms).toBe(250)
  })

  it('marks a global cluster that does not exist, and a missing stack', async () => {
    const state = twoRegionState()
    state.globals = []
    state.stacks = []
    const topology = await observe(testConfig(), new FakeAws(state))
    expect(topology.aurora[0]).toMatchObject({id: 'orders-global', found: false})
    expect(topology.stacks[0]).toMatchObject({found: false})
  })

  it('names what a missing global cluster may have been renamed to, from the listing alone', async () => {
    const healthy = new FakeAws(twoRegionState())
    const found = await observe(testConfig(), healthy)
    expect(found.aurora[0]?.renamedTo).toBeUndefined()
    const rdsCalls = (aws: FakeAws) =>
      aws.calls.filter((call) => call.service === 'RDS').map((call) => `${call.operation} ${call.region}`)
    const healthyCalls = rdsCalls(healthy)

    const state = twoRegionState()
    state.globals[0]!.id = 'orders-global-2'
    const elsewhere = {...structuredClone(state.globals[0]!), id: 'analytics-global'}
    elsewhere.members = elsewhere.members.map((member) => ({...member, region: 'eu-west-1'}))
    state.globals.push(elsewhere)
    const renamed = new FakeAws(state)
    const topology = await observe(testConfig(), renamed)
    expect(topology.aurora[0]).toEqual({
      id: 'orders-global',
      found: false,
      members: [],
      renamedTo: ['orders-global-2'],
    })
    // The listing is the one RDS read either way: a healthy topology pays nothing for the search.
    expect(rdsCalls(renamed)).toEqual(['DescribeGlobalClusters us-east-1', 'DescribeGlobalClusters us-west-2'])
    expect(healthyCalls.filter((call) => call.startsWith('DescribeGlobalClusters'))).toEqual(rdsCalls(renamed))
    expect(healthyCalls.filter((call) => !call.startsWith('DescribeGlobalClusters')).sort()).toEqual([
      'DescribeDBClusters us-east-1',
      'DescribeDBClusters us-west-2',
      'DescribeDBInstances us-east-1',
      'DescribeDBInstances us-west-2',
    ])

    state.globals = []
    expect((await observe(testConfig(), new FakeAws(state))).aurora[0]?.renamedTo).toBeUndefined()
  })

  it('fetches ARC endpoints from the control plane, with a warning, when none are cached', async () => {
    const config = testConfig()
    config.arc!.endpoints = []
    const aws = new FakeAws(twoRegionState())
    const topology = await observe(config, aws)
    expect(aws.calls.some((call) => call.operation === 'DescribeCluster' && call.region === 'us-west-2')).toBe(true)
    expect(topology.warnings[0]).toContain('routing endpoints --save')
    expect(topology.routing?.controls[0]?.state).toBe('On')
  })

  it('shows running FIS experiments', async () => {
    const state = twoRegionState()
    state.experiments = [
      {id: 'EXP1', templateId: 'EXT1', status: 'running', actions: [], tags: {}, region: 'us-east-1'},
      {id: 'EXP0', templateId: 'EXT1', status: 'completed', actions: [], tags: {}, region: 'us-east-1'},
    ]
    const topology = await observe(testConfig(), new FakeAws(state))
    expect(topology.chaos?.running.map((experiment) => experiment.id)).toEqual(['EXP1'])
  })

  it('shows the cluster a run detached from a global cluster, until it joins one again', async () => {
    const state = twoRegionState()
    const survivorArn = clusterArnOf('us-west-2', 'orders-usw2')
    state.globals[0]!.members = state.globals[0]!.members.filter((member) => member.clusterArn !== survivorArn)
    state.clusters[1]!.globalClusterId = undefined
    const survivors = [
      {globalClusterId: 'orders-global', clusterArn: clusterArnOf('us-west-2', 'orders-old'), runId: 'run-0'},
      {globalClusterId: 'orders-global', clusterArn: survivorArn, runId: 'run-1'},
    ]
    const topology = await observe(testConfig(), new FakeAws(state), {survivors})
    expect(topology.aurora[0]?.detachedSurvivor).toEqual({
      clusterId: 'orders-usw2',
      clusterArn: survivorArn,
      region: 'us-west-2',
      runId: 'run-1',
      found: true,
      status: 'available',
      deletionProtection: false,
      engineVersion: '15.4',
      instances: [{id: 'orders-usw2-a', status: 'available', isWriter: false, instanceClass: 'db.r6g.large'}],
    })

    state.clusters[1]!.globalClusterId = 'orders-global-2'
    const rejoined = await observe(testConfig(), new FakeAws(state), {survivors})
    expect(rejoined.aurora[0]?.detachedSurvivor).toBeUndefined()
  })

  it('finds a survivor by the drctl tag when no journal knows it, and lists clusters only where a member is missing', async () => {
    const healthy = new FakeAws(twoRegionState())
    await observe(testConfig(), healthy)
    expect(healthy.calls.filter((call) => call.operation === 'DescribeDBClusters' && call.args.length === 0)).toEqual(
      [],
    )

    const state = twoRegionState()
    const survivorArn = clusterArnOf('us-west-2', 'orders-usw2')
    state.globals[0]!.members = state.globals[0]!.members.filter((member) => member.clusterArn !== survivorArn)
    state.clusters[1]!.globalClusterId = undefined
    const untagged = await observe(testConfig(), new FakeAws(state))
    expect(untagged.aurora[0]?.detachedSurvivor).toBeUndefined()

    state.clusters[1]!.tags = {'drctl:detached-from': 'orders-global', 'drctl:detached-by-run': 'run-elsewhere'}
    const aws = new FakeAws(state)
    const topology = await observe(testConfig(), aws)
    expect(topology.aurora[0]?.detachedSurvivor).toMatchObject({
      clusterId: 'orders-usw2',
      region: 'us-west-2',
      runId: 'run-elsewhere',
      found: true,
    })
    expect(
      aws.calls
        .filter((call) => call.operation === 'DescribeDBClusters' && call.args.length === 0)
        .map((c) => c.region),
    ).toEqual(['us-west-2'])
  })

  it('gives a still-throttled read two more chances, paced by the clock', async () => {
    const aws = new FakeAws(twoRegionState())
    const sts = aws.sts.bind(aws)
    let attempts = 0
    aws.sts = (region) => ({
      getCallerIdentity: async () => {
        if (++attempts <= 2) {
          throw new AwsCallError(
            {service: 'STS', operation: 'GetCallerIdentity', region},
            {name: 'ThrottlingException', $metadata: {httpStatusCode: 429}},
          )
        }
        return sts(region).getCallerIdentity()
      },
    })
    const clock = recordingClock()
    const topology = await observe(testConfig(), aws, {parts: ['identity'], clock})
    expect(topology.identity?.account).toBe(ACCOUNT)
    expect(attempts).toBe(3)
    expect(clock.sleeps).toEqual([200, 400])
  })

  it('gives up on a read throttled three times, and never retries an unreachable Region', async () => {
    const throttled = new FakeAws(twoRegionState())
    throttled.fail('STS', '*', {kind: 'throttling'})
    const clock = recordingClock()
    const topology = await observe(testConfig(), throttled, {parts: ['identity'], clock})
    expect(topology.identityError?.kind).toBe('throttling')
    expect(throttled.calls.map((call) => call.region)).toEqual([
      'us-east-1',
      'us-east-1',
      'us-east-1',
      'us-west-2',
      'us-west-2',
      'us-west-2',
    ])

    const unreachable = new FakeAws(twoRegionState())
    unreachable.fail('*', 'us-east-1', {kind: 'network'})
    const quick = recordingClock()
    await observe(testConfig(), unreachable, {clock: quick})
    expect(quick.sleeps).toEqual([])
  })

  it('reads only the requested parts', async () => {
    const aws = new FakeAws(twoRegionState())
    await observe(testConfig(), aws, {parts: ['aurora']})
    expect(new Set(aws.calls.map((call) => call.service))).toEqual(new Set(['RDS', 'CloudWatch']))
  })
})

describe('observe at scale', () => {
  /** The fake world and config with `count` global clusters like orders-global, each writing in us-east-1. */
  function worldOf(count: number) {
    const state = twoRegionState()
    const [template] = state.globals
    const names = Array.from({length: count}, (_, index) => `orders-${index}`)
    state.globals = names.map((name) => ({
      ...structuredClone(template!),
      id: name,
      members: template!.members.map((member) => ({
        ...member,
        clusterId: `${name}-${member.region}`,
        clusterArn: clusterArnOf(member.region, `${name}-${member.region}`),
      })),
    }))
    state.clusters = names.flatMap((name) =>
      state.globals[0]!.members.map((member) => ({
        ...structuredClone(twoRegionState().clusters.find((cluster) => cluster.region === member.region)!),
        id: `${name}-${member.region}`,
        arn: clusterArnOf(member.region, `${name}-${member.region}`),
        globalClusterId: name,
      })),
    )
    const config = testConfig().aurora
    return {state, config: {...testConfig(), aurora: {...config, globalClusters: names}}}
  }

  it('reads each Region’s clusters and instances with a fixed number of RDS calls, however many global clusters', async () => {
    const rdsCalls = async (count: number) => {
      const {state, config} = worldOf(count)
      const aws = new FakeAws(state)
      const topology = await observe(config, aws)
      expect(
        topology.aurora.filter((view) => view.members.every((member) => member.clusterStatus === 'available')),
      ).toHaveLength(count)
      return aws.calls.filter((call) => call.service === 'RDS').length
    }
    const one = await rdsCalls(1)
    expect(await rdsCalls(30)).toBe(one)
  })
})
