import {copyFileSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {describeWorld} from '../../src/lib/sandbox/index.js'
import {callCount, callsSince, drctl, json, mutatingCalls, useSandbox} from '../helpers/e2e.js'

// drctl aurora rename-global on the sandbox, with a copy of the sandbox's drctl.yaml (--config) so that the update
// it offers can be checked.

describe('drctl aurora rename-global on the sandbox', () => {
  const sandbox = useSandbox()
  let config: string
  const rename = (args: string[]) => drctl(sandbox.home, ['aurora', 'rename-global', ...args, '--config', config])
  const listed = () => parse(readFileSync(config, 'utf8')).aurora.globalClusters as string[]

  beforeAll(() => {
    config = join(sandbox.home, 'topology.yaml')
    copyFileSync(join(sandbox.home, 'sandbox', 'drctl.yaml'), config)
  })

  it.each([
    ['a digit first', '2orders'],
    ['a double hyphen', 'orders--global'],
    ['a trailing hyphen', 'orders-global-'],
    ['an underscore', 'orders_global'],
    ['64 characters', `o${'x'.repeat(63)}`],
  ])('refuses a name with %s (exit 2) before calling AWS', async (_rule, name) => {
    const before = await callCount(sandbox.home)
    const result = rename(['orders-global', name, '--yes', '--json'])
    expect(result.status).toBe(2)
    const {error} = json(result)
    expect(error.code).toBe('DRCTL_USAGE')
    expect(error.message).toContain(`"${name}" is not a valid global cluster identifier`)
    expect(await callsSince(sandbox.home, before)).toEqual([])
  })

  it('refuses the name it already has, in any case (exit 2)', () => {
    const result = rename(['orders-global', 'Orders-Global', '--yes', '--json'])
    expect(result.status).toBe(2)
    expect(json(result).error.message).toContain('already has that name')
  })

  it('refuses a name another global cluster has, in any case (exit 3), and a global cluster that does not exist; nothing changed', async () => {
    const before = await callCount(sandbox.home)
    const collision = rename(['orders-global', 'Catalog-Global', '--yes', '--json'])
    expect(collision.status).toBe(3)
    const envelope = json(collision)
    expect(envelope.error.code).toBe('DRCTL_GATE_FAILED')
    expect(envelope.error.message).toContain('a global cluster named catalog-global already exists')
    expect(envelope.result.gates.filter((gate: {status: string}) => gate.status === 'fail')).toEqual([
      expect.objectContaining({id: 'gate.collision'}),
    ])
    const missing = rename(['billing-global', 'billing-global-2', '--yes', '--json'])
    expect(missing.status).toBe(3)
    expect(json(missing).error.message).toContain('global cluster billing-global does not exist')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('--dry-run warns that the global writer endpoint changes its host name, and changes nothing', async () => {
    const before = await callCount(sandbox.home)
    const result = rename(['orders-global', 'orders-global-2', '--dry-run'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /the global writer endpoint's first label is the global cluster name: it changes from orders-global\.global-\w+\.global\.rds\.amazonaws\.com/,
    )
    expect(result.stdout).toContain('ModifyGlobalCluster in us-east-1: orders-global → NewGlobalClusterIdentifier')
    expect(result.stdout).toContain('dry run: nothing was changed')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
    expect(listed()).toEqual(['orders-global', 'catalog-global'])
  })

  it('without a terminal and without --yes: exit 4, nothing changed', async () => {
    const before = await callCount(sandbox.home)
    const result = rename(['orders-global', 'orders-global-2', '--json'])
    expect(result.status).toBe(4)
    expect(json(result).error.code).toBe('DRCTL_CONFIRMATION_REQUIRED')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('renames with --yes: the old name is gone, the new one has the same members and endpoint suffix, drctl.yaml follows', async () => {
    const world = await describeWorld(sandbox.home)
    const old = world.rds.globalClusters.find((global) => global.id === 'orders-global')!
    const before = await callCount(sandbox.home)

    const result = rename(['orders-global', 'Orders-Global-2', '--yes', '--json'])
    expect(result.status, result.stderr).toBe(0)
    expect(json(result).result).toMatchObject({
      kind: 'rename-global',
      outcome: 'completed',
      evidence: {'renamed.orders-global': 'orders-global-2'},
      configUpdated: true,
    })
    expect(await mutatingCalls(sandbox.home, before)).toEqual(['ModifyGlobalCluster us-east-1'])

    const after = (await describeWorld(sandbox.home)).rds.globalClusters
    expect(after.map((global) => global.id)).toEqual(['orders-global-2', 'catalog-global'])
    expect(after[0]?.members.map(({clusterArn, role}) => ({clusterArn, role}))).toEqual(
      old.members.map(({clusterArn, role}) => ({clusterArn, role})),
    )
    expect(listed()).toEqual(['orders-global-2', 'catalog-global'])

    const status = drctl(sandbox.home, ['status', '--json', '--config', config])
    expect(status.status, status.stdout).toBe(0)
    const view = json(status).result.aurora[0]
    expect(view).toMatchObject({globalCluster: 'orders-global-2', writerRegion: 'us-east-1'})
    expect(view.members.map((member: {clusterId: string}) => member.clusterId)).toEqual(['orders-use1', 'orders-usw2'])
    expect(view.endpoint).toMatch(/^orders-global-2\.global-\w+\.global\.rds\.amazonaws\.com$/)
  })
})
