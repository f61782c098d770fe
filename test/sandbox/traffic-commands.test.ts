import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {describeWorld, mutateWorld, readWorld} from '../../src/lib/sandbox/index.js'
import {parseEnvelope, repoRoot, runCli, tempHome} from '../helpers/cli.js'
import {seedTrafficWorld, type TrafficWorld} from './traffic-world.js'

// These run the compiled CLI: `npm run build` first (npm test does it).
const {home, cleanup} = tempHome('drctl-sandbox-traffic-')
let traffic: TrafficWorld

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist', 'commands', 'sandbox', 'fault', 'control-plane-outage.js'))) {
    throw new Error('dist/ has no traffic fault commands: run `npm run build` before these tests')
  }
  expect(cli('sandbox', 'reset', '--time-scale', '0.01').status).toBe(0)
  traffic = await mutateWorld(home, (world) => seedTrafficWorld(world, Date.now()))
})
afterAll(() => cleanup())

const cli = (...args: string[]) => runCli(args, {home})

describe('traffic faults and sandbox show (compiled CLI)', () => {
  it('switches the control-plane-outage, distribution-stuck and zone-busy faults on, shows and clears them', () => {
    const outage = parseEnvelope(cli('sandbox', 'fault', 'control-plane-outage', 'cloudfront', '--json').stdout)
    expect(outage.result.fault).toMatchObject({kind: 'control-plane-outage', service: 'cloudfront', mode: 'refuse'})
    expect(cli('sandbox', 'fault', 'distribution-stuck', traffic.distributionId).stdout).toContain(
      `distribution ${traffic.distributionId} will stay InProgress after an update`,
    )
    expect(cli('sandbox', 'fault', 'zone-busy', `/hostedzone/${traffic.zoneId}`).status).toBe(0)

    const shown = cli('sandbox', 'show')
    expect(shown.status).toBe(0)
    expect(shown.stdout).toContain('control-plane-outage cloudfront (refuse)')
    expect(shown.stdout).toContain(`distribution-stuck ${traffic.distributionId}`)
    expect(shown.stdout).toContain(`zone-busy ${traffic.zoneId}`)
    expect(shown.stdout).toMatch(/Route 53 \(control plane us-east-1\)\n {2}example\.com\. Z0/)
    expect(shown.stdout).toMatch(/api\.example\.com\.\s+CNAME\s+usw2 weight 0\s+def456\.execute-api/)
    expect(shown.stdout).toMatch(/origin api-use1 → abc123\.execute-api\.us-east-1\.amazonaws\.com\/prod/)
    expect(shown.stdout).toContain('Deployed (its next update will stay InProgress)')
    expect(shown.stdout).toMatch(/us-west-2\s+dial 0%\s+1\/1 endpoints healthy/)

    const json = parseEnvelope(cli('sandbox', 'show', '--json').stdout).result
    expect(json.cloudfront.distributions[0]).toMatchObject({
      id: traffic.distributionId,
      status: 'Deployed',
      stuck: true,
    })
    expect(json.globalaccelerator.accelerators[0].endpointGroups.map((g: {region: string}) => g.region)).toEqual([
      'us-east-1',
      'us-west-2',
    ])

    const cleared = parseEnvelope(cli('sandbox', 'fault', 'clear', 'control-plane-outage', '--json').stdout)
    expect(cleared.result.cleared.map((fault: {kind: string}) => fault.kind)).toEqual(['control-plane-outage'])
    expect(cli('sandbox', 'fault', 'clear').stdout).toContain('No faults are active.')
  })

  it('acts on the world of $DRCTL_SANDBOX_HOME when it is set, not on one in the operator home', async () => {
    const operator = tempHome('drctl-sandbox-operator-')
    try {
      const shared = (...args: string[]) => runCli(args, {home: operator.home, env: {DRCTL_SANDBOX_HOME: home}})
      expect(shared('sandbox', 'fault', 'control-plane-outage', 'cloudfront').status).toBe(0)
      expect(shared('sandbox', 'fault', 'distribution-stuck', traffic.distributionId).status).toBe(0)
      expect(shared('sandbox', 'fault', 'zone-busy', traffic.zoneId).status).toBe(0)
      expect((await describeWorld(home)).faults.map((fault) => fault.kind)).toEqual([
        'control-plane-outage',
        'distribution-stuck',
        'zone-busy',
      ])
      expect(existsSync(join(operator.home, 'sandbox'))).toBe(false)
    } finally {
      operator.cleanup()
      cli('sandbox', 'fault', 'clear')
    }
  })

  it('exits 2 on bad input, suggesting what was meant', () => {
    const cases: [string[], RegExp, string][] = [
      [
        ['sandbox', 'fault', 'control-plane-outage', 'route-53'],
        /SERVICE "route-53" is not a global service \(did you mean route53\?\)/,
        'global services: route53, cloudfront, globalaccelerator',
      ],
      [
        ['sandbox', 'fault', 'distribution-stuck', traffic.distributionId.toLowerCase()],
        new RegExp(`is not a CloudFront distribution \\(did you mean ${traffic.distributionId}\\?\\)`),
        `CloudFront distributions: ${traffic.distributionId}`,
      ],
      [['sandbox', 'fault', 'zone-busy', 'Z0NOPE'], /ZONE "Z0NOPE" is not a Route 53 hosted zone$/, traffic.zoneId],
      [['sandbox', 'fault', 'control-plane-outage', 'route53', '--mode', 'slow'], /--mode "slow" is not one of/, ''],
    ]
    for (const [args, message, hint] of cases) {
      const result = cli(...args, '--json')
      expect(result.status, args.join(' ')).toBe(2)
      const {error} = parseEnvelope(result.stdout)
      expect(error.code).toBe('DRCTL_USAGE')
      expect(error.message).toMatch(message)
      expect(error.hints.join(' ')).toContain(hint)
    }
  })

  it('help shows examples of each fault', () => {
    for (const [command, example] of [
      ['control-plane-outage', 'drctl sandbox fault control-plane-outage route53'],
      ['distribution-stuck', 'drctl sandbox fault distribution-stuck E2QWRUHAPOMQZL'],
      ['zone-busy', 'drctl sandbox fault zone-busy Z0123456789ABCDEFGHIJ'],
    ]) {
      const help = cli('sandbox', 'fault', command as string, '--help')
      expect(help.status).toBe(0)
      expect(help.stdout).toContain('EXAMPLES')
      expect(help.stdout).toContain(example)
    }
  })

  it('loads a world saved before these services existed, with them empty', async () => {
    const path = join(home, 'sandbox', 'world.json')
    const saved = JSON.parse(readFileSync(path, 'utf8'))
    delete saved.route53
    delete saved.cloudfront
    delete saved.globalaccelerator
    writeFileSync(path, JSON.stringify(saved))
    const view = await describeWorld(home)
    expect(view.route53.hostedZones).toEqual([])
    expect(view.cloudfront.distributions).toEqual([])
    expect(view.globalaccelerator.accelerators).toEqual([])
    expect((await readWorld(home))?.route53).toEqual({hostedZones: [], changes: []})
    expect(cli('sandbox', 'show').status).toBe(0)
  })
})
