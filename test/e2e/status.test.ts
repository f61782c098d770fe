import {describe, expect, it} from 'vitest'

import {ModifyGlobalClusterCommand} from '@aws-sdk/client-rds'

import {mutateWorld} from '../../src/lib/sandbox/index.js'
import {waitUntil} from '../helpers/cli.js'
import {callCount, callsSince, drctl, drctlAsync, json, useSandbox} from '../helpers/e2e.js'
import {startTestSandbox} from '../helpers/sandbox.js'

const checkOf = (envelope: {result?: any; error?: any}, id: string) =>
  (envelope.result?.checks as {id: string; status: string; message: string}[]).find((check) => check.id === id)

describe('drctl status on the sandbox', () => {
  const sandbox = useSandbox()

  it('a healthy topology exits 0 with the stable JSON shape', () => {
    const result = drctl(sandbox.home, ['status', '--json'])
    expect(result.status).toBe(0)
    const envelope = json(result)
    expect(envelope.status).toBe('ok')
    const status = envelope.result
    expect(status.healthy).toBe(true)
    expect(status.checks.every((check: {status: string}) => check.status === 'ok')).toBe(true)
    expect(status.aurora.map((view: any) => [view.globalCluster, view.writerRegion])).toEqual([
      ['orders-global', 'us-east-1'],
      ['catalog-global', 'us-east-1'],
    ])
    expect(status.aurora[0].members).toEqual([
      expect.objectContaining({region: 'us-east-1', role: 'writer', status: 'available', replicationLagMs: null}),
      expect.objectContaining({
        region: 'us-west-2',
        role: 'secondary',
        status: 'available',
        replicationLagMs: expect.any(Number),
      }),
    ])
    expect(status.dynamodb[0]).toMatchObject({
      table: 'carts',
      replicas: expect.arrayContaining([expect.objectContaining({region: 'us-west-2', status: 'ACTIVE'})]),
    })
    expect(status.routing.controls).toEqual([
      expect.objectContaining({name: 'retail-us-east-1', region: 'us-east-1', state: 'On'}),
      expect.objectContaining({name: 'retail-us-west-2', region: 'us-west-2', state: 'Off'}),
    ])
    expect(status.chaos.running).toEqual([])
    expect(status.stacks).toHaveLength(2)
    expect(status.readiness).toEqual([
      expect.objectContaining({region: 'us-west-2', kind: 'planned', ready: true}),
      expect.objectContaining({
        region: 'us-west-2',
        kind: 'unplanned',
        ready: true,
        dataLossEstimateMs: expect.any(Number),
      }),
    ])
  })

  it('prints compact sections for humans, without colour when not on a terminal', () => {
    const result = drctl(sandbox.home, ['status'])
    expect(result.status).toBe(0)
    for (const section of ['AURORA', 'DYNAMODB', 'ROUTING', 'CHAOS', 'STACKS', 'READINESS', 'CHECKS'])
      expect(result.stdout).toContain(section)
    expect(result.stdout).toContain('planned failover to us-west-2: ready')
    expect(result.stdout).not.toContain('\u001B[')
  })

  it('--watch refreshes until Ctrl-C, and refuses --json', async () => {
    const watch = drctlAsync(sandbox.home, ['status', '--watch', '1'])
    await waitUntil('two refreshes', () => (watch.output().stdout.match(/drctl status: retail/g) ?? []).length >= 2)
    watch.child.kill('SIGINT')
    const result = await watch.done
    expect(result.status).toBe(130)
    expect((result.stdout.match(/drctl status: retail/g) ?? []).length).toBeGreaterThanOrEqual(2)
    expect(result.stdout).toContain('refreshing every 1s; Ctrl-C to stop')
    const both = drctl(sandbox.home, ['status', '--watch', '--json'])
    expect(both.status).toBe(2)
    expect(json(both).error.code).toBe('DRCTL_USAGE')
  })

  it('makes no mutating call', async () => {
    const before = await callCount(sandbox.home)
    drctl(sandbox.home, ['status', '--json'])
    const calls = await callsSince(sandbox.home, before)
    expect(calls.length).toBeGreaterThan(5)
    expect(calls.filter((call) => call.mutating)).toEqual([])
  })

  it('flags a lagging secondary and says planned failover there is not ready (--strict fails)', () => {
    expect(drctl(sandbox.home, ['sandbox', 'fault', 'lag', 'orders-global', 'us-west-2', '60000']).status).toBe(0)
    try {
      const result = drctl(sandbox.home, ['status', '--json'])
      expect(result.status).toBe(0)
      const envelope = json(result)
      expect(checkOf(envelope, 'aurora.orders-global.us-west-2.lag')).toMatchObject({status: 'warn'})
      expect(envelope.result.readiness[0]).toMatchObject({
        kind: 'planned',
        ready: false,
        reasons: [expect.stringContaining('replication lag')],
      })
      const strict = drctl(sandbox.home, ['status', '--strict', '--json'])
      expect(strict.status).toBe(3)
      expect(json(strict).error.code).toBe('DRCTL_CHECKS_FAILED')
    } finally {
      drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    }
  })

  it.each(['hang', 'refuse'])(
    'reports a Region that does not answer (%s) as unreachable and shows the rest',
    (mode) => {
      drctl(sandbox.home, ['sandbox', 'fault', 'region-outage', 'us-west-2', '--mode', mode])
      try {
        const result = drctl(sandbox.home, ['status', '--json', '--timeout', '2s'])
        expect(result.status).toBe(3)
        const envelope = json(result)
        expect(envelope.error.code).toBe('DRCTL_CHECKS_FAILED')
        const status = envelope.result
        expect(status.regions).toEqual([
          {region: 'us-east-1', reachable: true},
          {region: 'us-west-2', reachable: false, error: expect.stringContaining('unreachable')},
        ])
        expect(checkOf(envelope, 'region.us-west-2')?.status).toBe('fail')
        expect(status.aurora[0].writerRegion).toBe('us-east-1')
        expect(status.aurora[0].members[0].status).toBe('available')
        expect(status.routing.controls[0].state).toBe('On')
      } finally {
        drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
      }
    },
  )

  it('still reads routing with four of five ARC endpoints down', () => {
    drctl(sandbox.home, ['sandbox', 'fault', 'arc-endpoints-down', '4'])
    try {
      const result = drctl(sandbox.home, ['status', '--json'])
      const envelope = json(result)
      expect(envelope.result.routing.controls.map((control: {state: string}) => control.state)).toEqual(['On', 'Off'])
      expect(checkOf(envelope, 'routing.readable')?.status).toMatch(/ok|warn/)
    } finally {
      drctl(sandbox.home, ['sandbox', 'fault', 'clear'])
    }
  })

  it('fails when both routing controls are Off', async () => {
    const rule = 'at-least-one-on'
    const off = drctl(sandbox.home, [
      'routing',
      'set',
      'us-east-1',
      'off',
      '--allow-all-off',
      '--override-safety-rule',
      await ruleArn(sandbox.home, rule),
      '--yes',
      '--json',
    ])
    expect(off.status).toBe(0)
    try {
      const result = drctl(sandbox.home, ['status', '--json'])
      expect(result.status).toBe(3)
      expect(checkOf(json(result), 'routing.all-off')?.status).toBe('fail')
    } finally {
      expect(drctl(sandbox.home, ['routing', 'set', 'us-east-1', 'on', '--yes']).status).toBe(0)
    }
  })

  it('fails a stack that failed', async () => {
    await mutateWorld(sandbox.home, (world) => {
      const stack = world.cloudformation.stacks.find((candidate) => candidate.name === 'retail-app-usw2')
      if (stack) stack.status = 'UPDATE_ROLLBACK_FAILED'
    })
    const result = drctl(sandbox.home, ['status', '--json'])
    expect(result.status).toBe(3)
    const envelope = json(result)
    expect(checkOf(envelope, 'stack.us-west-2.retail-app-usw2')?.status).toBe('fail')
    expect(envelope.error).toMatchObject({code: 'DRCTL_CHECKS_FAILED', message: 'retail: 1 check fails', exit: 3})
    const human = drctl(sandbox.home, ['status'])
    expect(human.status).toBe(3)
    expect(human.stdout).toContain('STACKS')
    // A finding about the topology, not an error of drctl's.
    // (A loaded machine may also see a lag warning: the headline counts it.)
    expect(human.stderr).toMatch(/✖ retail: 1 check fails(, \d+ warns?)?\n/)
    expect(human.stderr).not.toContain('Error')
  })
})

describe('drctl status after a global cluster was renamed outside drctl', () => {
  const sandbox = useSandbox()

  it('says what it was probably renamed to, and how to keep drctl.yaml in step', async () => {
    const aws = await startTestSandbox({home: sandbox.home, clock: 'real'})
    try {
      await aws.rds('us-east-1').send(
        new ModifyGlobalClusterCommand({
          GlobalClusterIdentifier: 'orders-global',
          NewGlobalClusterIdentifier: 'orders-global-2',
        }),
      )
    } finally {
      await aws.close()
    }
    const result = drctl(sandbox.home, ['status', '--json'])
    expect(result.status).toBe(3)
    const envelope = json(result)
    expect(envelope.result.aurora[0]).toMatchObject({
      globalCluster: 'orders-global',
      found: false,
      renamedTo: ['orders-global-2'],
    })
    expect(checkOf(envelope, 'aurora.orders-global')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        'not found: renamed to orders-global-2? Update aurora.globalClusters in drctl.yaml (`drctl aurora rename-global` keeps it in step)',
      ),
    })
    const human = drctl(sandbox.home, ['status'])
    expect(human.stdout).toContain('orders-global  not found (renamed to orders-global-2?)')
  })
})

describe('drctl status while an FIS experiment runs', () => {
  // A time scale at which the experiment (PT5M) outlasts a CLI call even on a loaded machine.
  const sandbox = useSandbox({timeScale: 0.05})

  it('shows a running FIS experiment', () => {
    const start = drctl(sandbox.home, [
      'chaos',
      'start',
      'pause-carts-replication',
      '--no-stop-condition-ok',
      '--no-wait',
      '--yes',
      '--json',
    ])
    expect(start.status).toBe(0)
    try {
      const envelope = json(drctl(sandbox.home, ['status', '--json']))
      expect(envelope.result.chaos.running).toHaveLength(1)
      expect(
        envelope.result.checks.some(
          (check: {id: string; status: string}) => check.id.startsWith('chaos.') && check.status === 'warn',
        ),
      ).toBe(true)
    } finally {
      drctl(sandbox.home, ['chaos', 'stop', '--yes'])
    }
  })
})

async function ruleArn(home: string, name: string): Promise<string> {
  const {readFileSync} = await import('node:fs')
  const {join} = await import('node:path')
  const text = readFileSync(join(home, 'sandbox', 'drctl.yaml'), 'utf8')
  const match = new RegExp(`arn: (\\S+safetyrule\\S+)\\s+name: ${name}`).exec(text)
  if (!match?.[1]) throw new Error(`safety rule ${name} not in the sandbox drctl.yaml`)
  return match[1]
}
