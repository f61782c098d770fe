import {describe, expect, it} from 'vitest'

import type {Check} from '../../../src/lib/checks/check.js'
import {statusChecks} from '../../../src/lib/checks/status-checks.js'
import {globalView, healthyTopology, member, testConfig} from '../../fakes/topology.js'

const config = testConfig()
const byId = (checks: Check[], id: string) => checks.find((check) => check.id === id)
const notOk = (checks: Check[]) =>
  checks.filter((check) => check.status !== 'ok').map((check) => `${check.status} ${check.id}`)

describe('status checks', () => {
  it('a healthy topology has no warning and no failure', () => {
    expect(notOk(statusChecks(healthyTopology(), config))).toEqual([])
  })

  it('fails on a pinned account mismatch', () => {
    const topology = healthyTopology()
    topology.identity = {account: '999999999999', arn: 'arn:aws:sts::999999999999:x', userId: 'x'}
    expect(byId(statusChecks(topology, config), 'identity')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('pins 111122223333'),
    })
  })

  it('fails an unreachable Region and the member it hides', () => {
    const topology = healthyTopology()
    topology.regions[0] = {region: 'us-east-1', reachable: false, error: 'no answer within 5000ms'}
    topology.aurora[0]!.members[0]!.unreadable = {
      kind: 'timeout',
      message: 'RDS DescribeDBClusters in us-east-1 failed',
    }
    const checks = statusChecks(topology, config)
    expect(byId(checks, 'region.us-east-1')?.status).toBe('fail')
    expect(byId(checks, 'aurora.orders-global.us-east-1.cluster')?.status).toBe('fail')
    expect(byId(checks, 'region.us-west-2')?.status).toBe('ok')
  })

  describe('aurora', () => {
    it('warns while a switchover is in progress', () => {
      const topology = healthyTopology()
      topology.aurora[0] = globalView({
        status: 'switching-over',
        failoverState: {
          status: 'pending',
          fromClusterArn: 'arn:a:b:c:d:cluster:orders-use1',
          toClusterArn: 'arn:a:b:c:d:cluster:orders-usw2',
          isDataLossAllowed: false,
        },
      })
      const checks = statusChecks(topology, config)
      expect(byId(checks, 'aurora.orders-global')?.status).toBe('warn')
      expect(byId(checks, 'aurora.orders-global.failover')).toMatchObject({
        status: 'warn',
        message: expect.stringContaining('switchover in progress (pending) from orders-use1 to orders-usw2'),
      })
    })

    it('fails a missing global cluster and a global cluster without a writer', () => {
      const missing = healthyTopology()
      missing.aurora[0] = {id: 'orders-global', found: false, members: []}
      expect(byId(statusChecks(missing, config), 'aurora.orders-global')?.status).toBe('fail')
      const writerless = healthyTopology()
      writerless.aurora[0] = globalView({
        writerRegion: undefined,
        members: [member('us-west-2', 'orders-usw2', 'secondary')],
      })
      const checks = statusChecks(writerless, config)
      expect(byId(checks, 'aurora.orders-global.writer')?.status).toBe('fail')
      expect(byId(checks, 'aurora.orders-global.us-east-1')).toMatchObject({
        status: 'warn',
        message: expect.stringContaining('no member in us-east-1'),
      })
    })

    it('says what a missing global cluster may have been renamed to, and how to keep drctl.yaml in step', () => {
      const renamed = healthyTopology()
      renamed.aurora[0] = {id: 'orders-global', found: false, members: [], renamedTo: ['orders-global-2']}
      expect(byId(statusChecks(renamed, config), 'aurora.orders-global')).toEqual({
        id: 'aurora.orders-global',
        status: 'fail',
        message:
          'global cluster orders-global not found: renamed to orders-global-2? Update aurora.globalClusters in drctl.yaml (`drctl aurora rename-global` keeps it in step)',
      })
      renamed.aurora[0].renamedTo = ['orders-global-2', 'orders-v3']
      expect(byId(statusChecks(renamed, config), 'aurora.orders-global')?.message).toContain(
        'renamed to orders-global-2 or orders-v3?',
      )
    })

    it('warns on a lagging secondary, and on unknown lag (never reads it as 0)', () => {
      const lagging = healthyTopology()
      lagging.aurora[0]!.members[1]!.lag = {ms: 12_000, metric: 'AuroraGlobalDBReplicationLag', at: 'x'}
      expect(byId(statusChecks(lagging, config), 'aurora.orders-global.us-west-2.lag')).toMatchObject({
        status: 'warn',
        message: expect.stringContaining('12s is above the 5.0s gate'),
      })
      const unknown = healthyTopology()
      unknown.aurora[0]!.members[1]!.lag = undefined
      expect(byId(statusChecks(unknown, config), 'aurora.orders-global.us-west-2.lag')).toMatchObject({
        status: 'warn',
        message: expect.stringContaining('unknown'),
      })
    })

    it('warns on a resyncing secondary and a headless one', () => {
      const topology = healthyTopology()
      topology.aurora[0]!.members[1] = member('us-west-2', 'orders-usw2', 'secondary', {
        synchronizationStatus: 'pending-resync',
        instances: [],
      })
      const checks = statusChecks(topology, config)
      expect(byId(checks, 'aurora.orders-global.us-west-2.sync')?.status).toBe('warn')
      expect(byId(checks, 'aurora.orders-global.us-west-2.cluster')).toMatchObject({
        status: 'warn',
        message: expect.stringContaining('headless'),
      })
    })

    it('fails a writer without an available writer instance', () => {
      const topology = healthyTopology()
      topology.aurora[0]!.members[0]!.instances = topology.aurora[0]!.members[0]!.instances.map((instance) => ({
        ...instance,
        status: 'rebooting',
      }))
      expect(byId(statusChecks(topology, config), 'aurora.orders-global.us-east-1.cluster')?.status).toBe('fail')
    })

    it('warns when members run different major.minor engine versions', () => {
      const topology = healthyTopology()
      topology.aurora[0]!.members[1]!.engineVersion = '16.1'
      expect(byId(statusChecks(topology, config), 'aurora.orders-global.engine')?.status).toBe('warn')
    })
  })

  describe('dynamodb', () => {
    it('fails a missing replica and warns on a replica being updated or lagging', () => {
      const topology = healthyTopology()
      topology.dynamodb[0]!.replicas = [{region: 'us-east-1', status: 'UPDATING'}]
      topology.dynamodb[0]!.latency[0]!.reading = {ms: 90_000, metric: 'ReplicationLatency', at: 'x'}
      const checks = statusChecks(topology, config)
      expect(byId(checks, 'dynamodb.carts.us-east-1')?.status).toBe('warn')
      expect(byId(checks, 'dynamodb.carts.us-west-2')).toMatchObject({
        status: 'fail',
        message: 'carts has no replica in us-west-2',
      })
      expect(byId(checks, 'dynamodb.carts.latency')?.status).toBe('warn')
    })
  })

  describe('routing', () => {
    it('fails when every routing control is Off', () => {
      const topology = healthyTopology()
      topology.routing!.controls[0]!.state = 'Off'
      expect(byId(statusChecks(topology, config), 'routing.all-off')?.status).toBe('fail')
    })

    it('fails traffic On in a Region whose database is not the writer, warns with write forwarding', () => {
      const topology = healthyTopology()
      topology.routing!.controls[1]!.state = 'On'
      expect(byId(statusChecks(topology, config), 'routing.us-west-2.writer')?.status).toBe('fail')
      topology.aurora[0]!.members[1]!.writeForwarding = 'enabled'
      expect(byId(statusChecks(topology, config), 'routing.us-west-2.writer')?.status).toBe('warn')
    })

    it('fails when no endpoint answered, warns when some failed first', () => {
      const down = healthyTopology()
      down.routing!.unreadable = {
        kind: 'DRCTL_ARC_ENDPOINTS_FAILED',
        message: 'ARC ListRoutingControls failed on every cluster endpoint',
      }
      expect(byId(statusChecks(down, config), 'routing.readable')?.status).toBe('fail')
      const degraded = healthyTopology()
      degraded.routing!.attempts = [
        {endpoint: {region: 'us-east-1', url: 'u1'}, ok: false, error: 'ECONNREFUSED'},
        {endpoint: {region: 'eu-west-1', url: 'u3'}, ok: true},
      ]
      expect(byId(statusChecks(degraded, config), 'routing.readable')).toMatchObject({
        status: 'warn',
        message: expect.stringContaining('after 1 endpoint failure'),
      })
    })

    it('says where traffic is On only when nothing about routing is wrong', () => {
      expect(byId(statusChecks(healthyTopology(), config), 'routing.states')).toEqual({
        id: 'routing.states',
        status: 'ok',
        message: 'traffic On in us-east-1',
      })
      const uncached = healthyTopology()
      uncached.routing!.endpointsCached = false
      expect(byId(statusChecks(uncached, config), 'routing.states')).toBeUndefined()
    })
  })

  it('warns while an FIS experiment runs', () => {
    const topology = healthyTopology()
    topology.chaos!.running = [{id: 'EXP1', templateId: 'EXT1', status: 'running', tags: {}, region: 'us-east-1'}]
    expect(byId(statusChecks(topology, config), 'chaos.EXP1')?.status).toBe('warn')
  })

  it('fails a failed or missing stack and warns on one in progress', () => {
    const topology = healthyTopology()
    topology.stacks[0]!.status = 'UPDATE_ROLLBACK_FAILED'
    topology.stacks[1]!.status = 'UPDATE_IN_PROGRESS'
    topology.stacks.push({region: 'us-west-2', name: 'gone', found: false})
    const checks = statusChecks(topology, config)
    expect(byId(checks, 'stack.us-east-1.app-use1')?.status).toBe('fail')
    expect(byId(checks, 'stack.us-west-2.app-usw2')?.status).toBe('warn')
    expect(byId(checks, 'stack.us-west-2.gone')?.status).toBe('fail')
  })
})
