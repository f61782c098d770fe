import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG} from '../../../src/lib/config/example.js'
import {loadConfig, parseConfig, resolveConfigPath} from '../../../src/lib/config/load.js'
import {routingControlsByRegion} from '../../../src/lib/config/schema.js'
import {DrctlError} from '../../../src/lib/core/errors.js'

const minimal = `version: 1
name: retail
regions: [us-east-1, us-west-2]
`

function problemsOf(text: string): {path: string; message: string}[] {
  try {
    parseConfig(text)
  } catch (error) {
    expect(error).toBeInstanceOf(DrctlError)
    const failure = error as DrctlError
    expect(failure.code).toBe('DRCTL_CONFIG_INVALID')
    expect(failure.exit).toBe(2)
    return failure.details?.problems as {path: string; message: string}[]
  }
  throw new Error('expected the config to be rejected')
}

describe('drctl.yaml validation', () => {
  it('accepts the annotated example and fills defaults', () => {
    const config = parseConfig(EXAMPLE_CONFIG)
    expect(config.name).toBe('retail')
    expect(config.aurora.globalClusters).toEqual(['orders-global', 'catalog-global'])
    expect(config.gates.maxReplicationLagMs).toBe(5000)
    expect(routingControlsByRegion(config)['us-west-2']).toHaveLength(1)
  })

  it('fills every default for a minimal file', () => {
    const config = parseConfig(minimal)
    expect(config.aurora).toEqual({globalClusters: [], replicas: []})
    expect(config.failover.order).toBe('db-first')
    expect(config.aws.callTimeoutMs).toBe(10_000)
    expect(config.stacks).toEqual({})
  })

  it('lowercases RDS identifiers, as RDS stores them', () => {
    expect(parseConfig(`${minimal}aurora: {globalClusters: [Orders-Global]}`).aurora.globalClusters).toEqual([
      'orders-global',
    ])
  })

  it('lists every problem by path at once', () => {
    const problems = problemsOf(`version: 1
name: retail
regions: [us-east-1, us-west-2]
aurora:
  globalClusters: [orders-global, 42]
dynamodb:
  tables: "carts"
gates: {maxReplicationLagMs: -1}
`)
    expect(problems).toEqual(
      expect.arrayContaining([
        {path: 'aurora.globalClusters[1]', message: 'expected a string, got number 42'},
        {path: 'dynamodb.tables', message: 'expected an array, got "carts"'},
        {path: 'gates.maxReplicationLagMs', message: 'must be at least 0'},
      ]),
    )
    expect(problems).toHaveLength(3)
  })

  it('rejects unknown keys with a "did you mean"', () => {
    expect(problemsOf(`${minimal}dynamodb: {tabels: [carts]}\nregoins: []`)).toEqual(
      expect.arrayContaining([
        {path: 'dynamodb.tabels', message: 'unknown key (did you mean "tables"?)'},
        {path: 'regoins', message: 'unknown key (did you mean "regions"?)'},
      ]),
    )
  })

  it('checks Region names, duplicates and Regions used but not listed', () => {
    const problems = problemsOf(`version: 1
name: retail
regions: [us-east-1, us-east-1, mars-north-1x]
stacks: {us-west-2: [app]}
fis: {region: us-east-2}
`)
    expect(problems).toEqual(
      expect.arrayContaining([
        {path: 'regions[1]', message: 'duplicate Region "us-east-1"'},
        {path: 'regions[2]', message: '"mars-north-1x" is not an AWS Region name (like us-east-1)'},
        {path: 'stacks.us-west-2', message: 'Region "us-west-2" is not listed in regions'},
        {path: 'fis.region', message: 'Region "us-east-2" is not listed in regions (did you mean "us-east-1"?)'},
      ]),
    )
  })

  it('rejects a config that names fewer than two Regions, or none', () => {
    expect(problemsOf('version: 1\nname: retail\nregions: [us-east-1]')).toEqual([
      {path: 'regions', message: 'a DR topology needs at least 2 Regions'},
    ])
    expect(problemsOf('version: 1\nname: retail')).toEqual([{path: 'regions', message: 'is required'}])
  })

  it('checks ARN shapes', () => {
    const problems = problemsOf(`${minimal}arc:
  clusterArn: arn:aws:route53-recovery-control::123456789012:controlpanel/abc
  routingControls: {us-east-1: not-an-arn}
`)
    expect(problems).toEqual([
      {
        path: 'arc.clusterArn',
        message: '"arn:aws:route53-recovery-control::123456789012:controlpanel/abc" is not an ARC cluster ARN',
      },
      {path: 'arc.routingControls.us-east-1', message: '"not-an-arn" is not a routing control ARN'},
    ])
  })

  it('asks for a quoted account id', () => {
    expect(problemsOf(`${minimal}account: 123456789012`)[0]?.message).toMatch(/quoted 12-digit string/)
    expect(problemsOf(`${minimal}account: "1234"`)[0]?.message).toBe('"1234" is not a 12-digit AWS account id')
  })

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf('version: 1\nregions: [us-east-1\n')
    expect(problems[0]?.path).toMatch(/^line \d+, column \d+$/)
  })

  it('rejects an empty file and a file that is not a mapping', () => {
    expect(problemsOf('')).toEqual([{path: '(root)', message: 'the file is empty'}])
    expect(problemsOf('- a\n- b')[0]?.message).toMatch(/expected a mapping/)
  })
})

describe('loading drctl.yaml', () => {
  it('resolves --config, then $DRCTL_CONFIG, then ./drctl.yaml', () => {
    expect(resolveConfigPath('a.yaml', {DRCTL_CONFIG: 'b.yaml'})).toBe(resolve('a.yaml'))
    expect(resolveConfigPath(undefined, {DRCTL_CONFIG: 'b.yaml'})).toBe(resolve('b.yaml'))
    expect(resolveConfigPath(undefined, {})).toBe(resolve('drctl.yaml'))
  })

  it('says clearly when the file is missing or unreadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drctl-config-'))
    await expect(loadConfig(join(dir, 'missing.yaml'))).rejects.toMatchObject({
      code: 'DRCTL_CONFIG_NOT_FOUND',
      exit: 2,
    })
    await expect(loadConfig(dir)).rejects.toMatchObject({code: 'DRCTL_CONFIG_UNREADABLE', exit: 2})
    writeFileSync(join(dir, 'drctl.yaml'), minimal)
    await expect(loadConfig(join(dir, 'drctl.yaml'))).resolves.toMatchObject({config: {name: 'retail'}})
  })
})
