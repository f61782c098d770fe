import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseEnvelope, repoRoot, runCli, startCli, tempHome, waitUntil} from '../helpers/cli.js'

// These run the compiled CLI: `npm run build` first (npm test does it).
const {home, cleanup} = tempHome('drctl-sandbox-cli-')
const world = join(home, 'sandbox', 'world.json')

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'commands', 'sandbox', 'reset.js'))) {
    throw new Error('dist/ has no sandbox commands: run `npm run build` before these tests')
  }
})
afterAll(() => cleanup())

const cli = (...args: string[]) => runCli(args, {home})

describe('drctl sandbox (compiled CLI)', () => {
  it('reset creates the world, its drctl.yaml and an empty call log', () => {
    const result = cli('sandbox', 'reset', '--scenario', 'three-region', '--time-scale', '0.01', '--json')
    expect(result.status).toBe(0)
    const envelope = parseEnvelope(result.stdout)
    expect(envelope).toMatchObject({
      status: 'ok',
      result: {
        scenario: 'three-region',
        timeScale: 0.01,
        regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
        resources: {globalClusters: 2, tables: 1, routingControls: 3, stacks: 3},
      },
    })
    expect(existsSync(envelope.result.configPath)).toBe(true)
    expect(readFileSync(envelope.result.callLogPath, 'utf8')).toBe('')

    const human = cli('sandbox', 'reset')
    expect(human.status).toBe(0)
    expect(human.stdout).toContain('Sandbox reset: scenario two-region')
  })

  it('show prints a summary, and every resource by service and Region with --json', () => {
    const human = cli('sandbox', 'show')
    expect(human.status).toBe(0)
    expect(human.stdout).toMatch(/orders-global\s+available/)
    expect(human.stdout).toContain('retail-us-east-1  On')
    const {result} = parseEnvelope(cli('sandbox', 'show', '--json').stdout)
    expect(result.rds.globalClusters.map((g: {id: string}) => g.id)).toEqual(['orders-global', 'catalog-global'])
    expect(Object.keys(result.rds.regions)).toEqual(['us-east-1', 'us-west-2'])
    expect(result.rds.regions['us-west-2'].clusters.map((c: {id: string}) => c.id)).toEqual([
      'orders-usw2',
      'catalog-usw2',
    ])
    expect(result.dynamodb.regions['us-east-1'].tables[0].name).toBe('carts')
    expect(result.arc.routingControls).toHaveLength(2)
    expect(result.fis.regions['us-east-1'].templates).toHaveLength(2)
    expect(result.fis.regions['us-east-1'].experiments).toEqual([])
    expect(result.cloudformation.regions['us-west-2'].stacks[0].name).toBe('retail-app-usw2')
  })

  it('switches faults on and clears them', () => {
    const outage = parseEnvelope(
      cli('sandbox', 'fault', 'region-outage', 'us-east-1', '--mode', 'hang', '--json').stdout,
    )
    expect(outage.result.fault).toMatchObject({kind: 'region-outage', region: 'us-east-1', mode: 'hang'})
    expect(cli('sandbox', 'fault', 'arc-endpoints-down', '4').status).toBe(0)
    expect(cli('sandbox', 'fault', 'throttle', '0.25').status).toBe(0)
    expect(cli('sandbox', 'fault', 'latency', '40').status).toBe(0)
    expect(cli('sandbox', 'fault', 'lag', 'orders-global', 'us-west-2', '9000').status).toBe(0)
    expect(cli('sandbox', 'fault', 'stack-delete-fails', 'retail-app-usw2').status).toBe(0)
    expect(cli('sandbox', 'fault', 'alarm', 'retail-orders-error-rate').stdout).toContain(
      'alarm retail-orders-error-rate in ALARM',
    )
    const listed = parseEnvelope(cli('sandbox', 'fault', '--json').stdout)
    expect(listed.result.faults.map((fault: {kind: string}) => fault.kind)).toEqual([
      'region-outage',
      'arc-endpoints-down',
      'throttle',
      'latency',
      'lag',
      'stack-delete-fails',
      'alarm',
    ])
    const cleared = parseEnvelope(cli('sandbox', 'fault', 'clear', 'throttle', '--json').stdout)
    expect(cleared.result.cleared.map((fault: {kind: string}) => fault.kind)).toEqual(['throttle'])
    const human = cli('sandbox', 'fault', 'clear')
    expect(human.status).toBe(0)
    expect(human.stdout).toContain('No faults are active.')
  })

  it('exits 2 with one clear line on bad input', () => {
    const cases: [string[], RegExp][] = [
      [['sandbox', 'fault', 'throttle', '2'], /RATE must be a fraction from 0 to 1/],
      [['sandbox', 'fault', 'region-outage', 'nowhere'], /is not an AWS Region name/],
      [['sandbox', 'fault', 'lag', 'nope', 'us-west-2', '10'], /no global cluster named "nope"/],
      [['sandbox', 'fault', 'clear', 'gremlins'], /unknown fault kind "gremlins"/],
      [['sandbox', 'fault', 'alarm', 'nope'], /no experiment template has a stop condition on an alarm named "nope"/],
      [['sandbox', 'fault', 'arc-endpoints-down'], /give either COUNT or --regions/],
      [['sandbox', 'reset', '--time-scale', 'fast'], /--time-scale "fast" is not a number/],
      [['sandbox', 'reset', '--scenario', 'four-region'], /four-region/],
    ]
    for (const [args, message] of cases) {
      const result = cli(...args, '--json')
      expect(result.status, args.join(' ')).toBe(2)
      const envelope = parseEnvelope(result.stdout)
      expect(envelope.error.code).toBe('DRCTL_USAGE')
      expect(envelope.error.message).toMatch(message)
    }
    for (const [args, message] of cases.slice(0, 2)) {
      const human = cli(...args)
      expect(human.status).toBe(2)
      expect(human.stdout).toBe('')
      expect(human.stderr.split('\n')[0]).toMatch(message)
    }
  })

  it('reports a corrupt world with a hint to reset, and leaves it alone', () => {
    writeFileSync(world, '{"version": 1, "rds": ')
    const result = cli('sandbox', 'show', '--json')
    expect(result.status).toBe(2)
    const {error} = parseEnvelope(result.stdout)
    expect(error).toMatchObject({code: 'DRCTL_SANDBOX_CORRUPT'})
    expect(error.hints.join(' ')).toContain('drctl sandbox reset')
    expect(readFileSync(world, 'utf8')).toBe('{"version": 1, "rds": ')
    // Any command run with --sandbox says the same, through the in-process simulator.
    const status = runCli(['status', '--json'], {home, env: {DRCTL_SANDBOX: '1'}})
    expect(status.status).toBe(2)
    expect(parseEnvelope(status.stdout).error).toMatchObject({code: 'DRCTL_SANDBOX_CORRUPT'})
    expect(readFileSync(world, 'utf8')).toBe('{"version": 1, "rds": ')
    expect(cli('sandbox', 'reset').status).toBe(0)
  })

  it('runs --sandbox commands against the scenario without any config or AWS credentials', () => {
    const result = runCli(['whoami', '--json'], {home, env: {DRCTL_SANDBOX: '1'}})
    expect(result.status).toBe(0)
    expect(JSON.stringify(parseEnvelope(result.stdout).result)).toContain('111122223333')
  })

  it('serve prints one JSON document once listening, serves SDK calls, and exits 0 on SIGINT', async () => {
    const server = startCli(['sandbox', 'serve', '--json'], {home})
    const envelope = await waitUntil('the server to print its endpoints', () => {
      try {
        return parseEnvelope(server.output().stdout)
      } catch {
        return undefined
      }
    })
    expect(envelope?.result.env).toMatchObject({AWS_ACCESS_KEY_ID: expect.any(String), AWS_REGION: 'us-east-1'})
    expect(envelope?.result.arcEndpoints).toHaveLength(5)
    const sts = new STSClient({
      region: 'us-west-2',
      endpoint: envelope?.result.endpoint,
      credentials: {
        accessKeyId: envelope?.result.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: envelope?.result.env.AWS_SECRET_ACCESS_KEY,
      },
    })
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111122223333')
    sts.destroy()
    const stdout = server.output().stdout
    server.child.kill('SIGINT')
    const done = await server.done
    expect(done.status).toBe(0)
    expect(done.stdout).toBe(stdout)
  }, 30_000)
})
