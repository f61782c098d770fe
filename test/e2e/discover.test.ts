import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/load.js'
import type {DrctlConfig} from '../../src/lib/config/schema.js'
import {mutateWorld, readWorld, sandboxPaths, SCENARIOS} from '../../src/lib/sandbox/index.js'
import {callCount, drctl, json, mutatingCalls, useSandbox} from '../helpers/e2e.js'

/** Step kinds no account holds a trace of: a person adds them (the table says so). */
const ADDED_BY_HAND = ['approval', 'lambda']

/**
 * What a topology file means for drctl: everything but the timeouts and retries of `aws:` and the `reconcile:` tables
 * (which rows matter and the secret to read them with are the application's, not the account's), and the application
 * steps whatever their ids and order, but those added by hand.
 */
function meaning(config: DrctlConfig) {
  const {aws: _aws, reconcile: _reconcile, steps, ...rest} = config
  return {
    ...rest,
    // The scenario lists every Region under stacks:, also one with none.
    stacks: Object.fromEntries(Object.entries(config.stacks).filter(([, names]) => names.length > 0)),
    steps: steps
      .filter((step) => !ADDED_BY_HAND.includes(step.kind))
      .map(({id: _id, ...step}) => JSON.stringify(step))
      .sort(),
  }
}

for (const scenario of SCENARIOS) {
  describe(`config init --discover on the ${scenario} sandbox`, () => {
    const sandbox = useSandbox({scenario})

    it('reads the world into a file equivalent to the scenario’s own drctl.yaml, read-only', async () => {
      const world = (await readWorld(sandbox.home))!
      const {regions} = world
      const global = world.rds.globalClusters[0]!.id
      const cluster = world.rds.clusters.find((candidate) => candidate.region === 'us-east-1')!.id
      const before = await callCount(sandbox.home)
      const result = drctl(sandbox.home, [
        'config',
        'init',
        '--discover',
        '--regions',
        regions.join(','),
        '--print',
        '--name',
        'retail',
      ])
      expect(result.status, result.stderr).toBe(0)
      const own = parseConfig(readFileSync(sandboxPaths(sandbox.home).config, 'utf8'))
      expect(meaning(parseConfig(result.stdout))).toEqual(meaning(own))
      expect(await mutatingCalls(sandbox.home, before)).toEqual([])
      // The table goes to stderr beside the file on stdout.
      expect(result.stderr).toMatch(new RegExp(`✔ +Aurora global cluster +${global}`))
      expect(result.stderr).toMatch(new RegExp(`✔ +CloudFormation stack +retail-app-use1 +us-east-1 +holds ${cluster}`))
      expect(result.stderr).toMatch(
        /• +Lambda step +— +— +not recognised: nothing in a function says it is a DR action/,
      )
    })
  })
}

describe('config init --discover: files, output and bad input', () => {
  const sandbox = useSandbox()
  const regions = ['--regions', 'us-east-1,us-west-2']

  it('writes the file, never over an existing one without --force (refused before any AWS call)', async () => {
    const path = join(sandbox.home, 'discovered.yaml')
    const written = drctl(sandbox.home, ['config', 'init', '--discover', ...regions, '-c', path, '--json'])
    expect(written.status, written.stderr).toBe(0)
    const envelope = json(written)
    expect(envelope.result).toMatchObject({
      path,
      written: true,
      overwritten: false,
      regions: ['us-east-1', 'us-west-2'],
      summary: {globalClusters: 2, tables: 1, routingControls: 2, stacks: 2},
      missing: [],
      validation: {valid: true, warnings: []},
      status: expect.objectContaining({fail: 0, warn: 0, problems: []}),
    })
    expect(envelope.result.status.readiness).toContainEqual(
      expect.objectContaining({region: 'us-west-2', kind: 'planned', ready: true}),
    )
    expect(envelope.result.found).toContainEqual(
      expect.objectContaining({kind: 'DynamoDB global table', name: 'carts'}),
    )
    expect(readFileSync(path, 'utf8')).toBe(envelope.result.yaml)
    expect(envelope.result.yaml).toMatch(/^name: dr$/m)
    expect(drctl(sandbox.home, ['config', 'validate', '-c', path]).status).toBe(0)

    writeFileSync(path, 'name: mine\n')
    const before = await callCount(sandbox.home)
    const refused = drctl(sandbox.home, ['config', 'init', '--discover', ...regions, '-c', path])
    expect(refused.status).toBe(2)
    expect(await callCount(sandbox.home)).toBe(before)
    expect(refused.stderr).toContain('already exists; drctl config init leaves it as it is')
    expect(readFileSync(path, 'utf8')).toBe('name: mine\n')
    const forced = drctl(sandbox.home, ['config', 'init', '--discover', ...regions, '-c', path, '--force'])
    expect(forced.status, forced.stderr).toBe(0)
    expect(forced.stdout).toContain(`replaced ${path}`)
    expect(readFileSync(path, 'utf8')).toContain('globalClusters: [orders-global, catalog-global]')
  })

  it('checks the file as config validate and status do, and says what is missing', async () => {
    await mutateWorld(sandbox.home, (world) => {
      world.arc.routingControls = []
      world.cloudformation.stacks.find((stack) => stack.region === 'us-west-2')!.status = 'UPDATE_ROLLBACK_FAILED'
    })
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['config', 'init', '--discover', ...regions, '--print', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const {missing, status} = json(result).result
    expect(missing).toContainEqual(expect.stringMatching(/^no routing controls found: add traffic steps/))
    expect(status.problems).toContainEqual(
      expect.objectContaining({status: 'fail', message: expect.stringContaining('UPDATE_ROLLBACK_FAILED')}),
    )
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
    const human = drctl(sandbox.home, ['config', 'init', '--discover', ...regions, '--print'])
    expect(human.stderr).toMatch(/Checked\n {2}config validate: valid\n {2}status: \d+ ok, \d+ warn, [1-9]\d* fail\n/)
    expect(human.stderr).toMatch(/Missing\n {2}⚠ no routing controls found: add traffic steps/)
  })

  it('a Region in which nothing is found: said, exit 3, no file written', () => {
    const path = join(sandbox.home, 'empty.yaml')
    const result = drctl(sandbox.home, ['config', 'init', '--discover', '--regions', 'us-east-1,eu-west-1', '-c', path])
    expect(result.status).toBe(3)
    expect(result.stderr).toContain('nothing found in eu-west-1; no file written')
    expect(result.stderr).toContain('what was found also has members in us-west-2')
    expect(existsSync(path)).toBe(false)
  })

  it('bad --regions or --only: exit 2 with a did-you-mean, before any AWS call', async () => {
    const before = await callCount(sandbox.home)
    const typo = drctl(sandbox.home, ['config', 'init', '--discover', '--regions', 'us-east-1,us-wst-2', '--print'])
    expect(typo.status).toBe(2)
    expect(typo.stderr).toContain('--regions "us-wst-2" is not an AWS Region name (did you mean us-west-2?)')
    const one = drctl(sandbox.home, ['config', 'init', '--discover', '--regions', 'us-east-1', '--print'])
    expect(one.status).toBe(2)
    expect(one.stderr).toContain('regions: a DR topology needs at least 2 Regions')
    const only = drctl(sandbox.home, ['config', 'init', '--discover', ...regions, '--only', 'aurora,stack', '--print'])
    expect(only.status).toBe(2)
    expect(only.stderr).toContain(
      '--only "stack" is not one of aurora, dynamodb, arc, fis, stacks, steps (did you mean stacks?)',
    )
    expect(drctl(sandbox.home, ['config', 'init', '--regions', 'us-east-1,us-west-2', '--print']).status).toBe(2)
    expect(await callCount(sandbox.home)).toBe(before)
  })
})
