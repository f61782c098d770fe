import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG} from '../../../src/lib/config/example.js'
import {loadConfig, parseConfig, resolveConfigPath} from '../../../src/lib/config/load.js'
import {routingControlsByRegion, teamState} from '../../../src/lib/config/schema.js'
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

  it("keeps runs on this machine unless state names a DynamoDB table, whose Regions default to the topology's", () => {
    const local = parseConfig(minimal)
    expect(local.state).toEqual({backend: 'local', table: 'drctl-state'})
    expect(teamState(local)).toBeUndefined()
    expect(teamState(parseConfig(`${minimal}state: {backend: dynamodb}`))).toEqual({
      table: 'drctl-state',
      regions: ['us-east-1', 'us-west-2'],
    })
    expect(
      teamState(parseConfig(`${minimal}state: {backend: dynamodb, table: ops-state, regions: [us-west-2]}`)),
    ).toEqual({table: 'ops-state', regions: ['us-west-2']})
  })

  it('names what is wrong in state by its path', () => {
    const problems = problemsOf(
      `${minimal}state: {backend: redis, table: x, regions: [us-east-1, us-east-1, mars-1], lock: y}`,
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        {path: 'state.backend', message: expect.stringContaining('"local"')},
        {path: 'state.table', message: '"x" is not a DynamoDB table name'},
        {path: 'state.regions[1]', message: 'duplicate Region "us-east-1"'},
        {path: 'state.regions[2]', message: expect.stringContaining('is not an AWS Region name')},
        {path: 'state.lock', message: expect.stringContaining('unknown key')},
      ]),
    )
  })

  it('reads the reconcile section and names each problem in it by its path', () => {
    const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db'
    const config = parseConfig(
      `${minimal}reconcile:\n  secretArn: ${secret}\n  tables:\n    - {name: public.orders, key: [id], updatedAt: updated_at}\n`,
    )
    expect(config.reconcile).toEqual({
      secretArn: secret,
      tables: [{name: 'public.orders', key: ['id'], updatedAt: 'updated_at'}],
    })
    const problems = problemsOf(
      `${minimal}reconcile:\n  secretArn: orders-db\n  tables:\n    - {name: "orders; drop", key: []}\n    - {name: lines, key: [order id], updatedAt: 5}\n`,
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        {path: 'reconcile.secretArn', message: expect.stringContaining('is not a Secrets Manager secret ARN')},
        {path: 'reconcile.tables[0].name', message: expect.stringContaining('is not a plain SQL table name')},
        {path: 'reconcile.tables[0].key', message: 'name the key column(s) rows are matched on'},
        {path: 'reconcile.tables[1].key[0]', message: expect.stringContaining('is not a plain SQL column name')},
        {path: 'reconcile.tables[1].updatedAt', message: 'expected a string, got number 5'},
      ]),
    )
    expect(problemsOf(`${minimal}reconcile:\n  secretArn: ${secret}\n  tables: []\n`)).toEqual([
      {path: 'reconcile.tables', message: 'list at least one table to compare'},
    ])
  })

  it('reads the rpo section, whose secret defaults to reconcile.secretArn, and refuses one without any secret', () => {
    const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db'
    expect(parseConfig(`${minimal}rpo: {heartbeatTable: app.heartbeat, secretArn: ${secret}}\n`).rpo).toEqual({
      heartbeatTable: 'app.heartbeat',
      heartbeatColumn: 'ts',
      secretArn: secret,
    })
    const withReconcile = `${minimal}reconcile: {secretArn: ${secret}, tables: [{name: orders, key: [id]}]}\n`
    expect(parseConfig(`${withReconcile}rpo: {heartbeatTable: beats, heartbeatColumn: at}\n`).rpo).toEqual({
      heartbeatTable: 'beats',
      heartbeatColumn: 'at',
    })
    expect(problemsOf(`${minimal}rpo: {heartbeatTable: "beats; drop", heartbeatColumn: "a b"}\n`)).toEqual(
      expect.arrayContaining([
        {path: 'rpo.heartbeatTable', message: expect.stringContaining('is not a plain SQL table name')},
        {path: 'rpo.heartbeatColumn', message: expect.stringContaining('is not a plain SQL column name')},
        {path: 'rpo.secretArn', message: expect.stringContaining('name the Secrets Manager secret')},
      ]),
    )
    expect(
      problemsOf(
        `${minimal}aurora: {globalClusters: [orders-global]}\nrpo: {heartbeatTable: beats, secretArn: ${secret}, globalClusters: [Orders-Global, billing]}\n`,
      ),
    ).toEqual([{path: 'rpo.globalClusters[1]', message: '"billing" is not one of aurora.globalClusters'}])
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

  it('suggests only Regions that are valid themselves: a correct Region is never pointed at a misspelled one', () => {
    const problems = problemsOf(`version: 1
name: retail
regions: [us-east-1, us-westt-9]
stacks: {us-west-2: [app]}
`)
    expect(problems).toEqual([
      {path: 'regions[1]', message: '"us-westt-9" is not an AWS Region name (did you mean "us-west-1"?)'},
      {path: 'stacks.us-west-2', message: 'Region "us-west-2" is not listed in regions'},
    ])
  })

  it('takes the Region names of every partition, and only Region-shaped names', () => {
    const sovereign = parseConfig(`version: 1
name: sovereign
regions: [eusc-de-east-1, us-isof-south-1]
aurora:
  replicas: [{cluster: "arn:aws-eusc:rds:eusc-de-east-1:123456789012:cluster:reports", region: eusc-de-east-1}]
`)
    expect(sovereign.regions).toEqual(['eusc-de-east-1', 'us-isof-south-1'])
    expect(problemsOf('version: 1\nname: retail\nregions: [us-east-1, xx-nowhere-9]')).toEqual([
      {path: 'regions[1]', message: '"xx-nowhere-9" is not an AWS Region name (like us-east-1)'},
    ])
  })

  it('refuses values beyond the ceilings of the lag gate and of the AWS deadlines, naming the ceiling', () => {
    expect(
      problemsOf(`${minimal}gates: {maxReplicationLagMs: 99999999999999}
aws: {callTimeoutMs: 86400000, connectTimeoutMs: 3600000, arcEndpointTimeoutMs: 3600000}
`),
    ).toEqual([
      {path: 'gates.maxReplicationLagMs', message: 'must be at most 7200000 (2h)'},
      {path: 'aws.callTimeoutMs', message: 'must be at most 120000 (2m)'},
      {path: 'aws.connectTimeoutMs', message: 'must be at most 60000 (1m)'},
      {path: 'aws.arcEndpointTimeoutMs', message: 'must be at most 60000 (1m)'},
    ])
    expect(parseConfig(`${minimal}gates: {maxReplicationLagMs: 7200000}`).gates.maxReplicationLagMs).toBe(7_200_000)
  })

  it('shows a huge value by its start and length, in the problem and in the one-line message', () => {
    const huge = 'x'.repeat(2 * 1024 * 1024)
    for (const text of [
      `version: 1\nname: ${huge}\nregions: [us-east-1, us-west-2]\n`,
      `${minimal}? ${huge}\n: 1\n`,
      `version: 1\nname: retail\nregions: [us-east-1, ${huge}]\n`,
      `${minimal}stacks:\n  ? ${huge}\n  : [app]\n`,
      `${minimal}dynamodb: {tables: [${huge}]}\n`,
    ]) {
      let failure: DrctlError | undefined
      try {
        parseConfig(text)
      } catch (error) {
        failure = error as DrctlError
      }
      expect(failure?.code).toBe('DRCTL_CONFIG_INVALID')
      expect(failure?.message.length).toBeLessThan(600)
      expect(failure?.message).toContain(`(${huge.length} characters)`)
      for (const problem of failure?.details?.problems as {path: string; message: string}[]) {
        expect(problem.path.length + problem.message.length).toBeLessThan(600)
      }
    }
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

  it('warns about a well-shaped Region that drctl does not know, and loads the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drctl-config-'))
    const path = join(dir, 'drctl.yaml')
    writeFileSync(path, 'version: 1\nname: retail\nregions: [us-east-1, us-west-9]\n')
    const loaded = await loadConfig(path)
    expect(loaded.config.regions).toEqual(['us-east-1', 'us-west-9'])
    expect(loaded.warnings).toEqual([
      `${path}: regions[1]: "us-west-9" is not an AWS Region drctl knows (did you mean "us-west-1"?); kept, in case it is newer than drctl`,
    ])
    writeFileSync(path, minimal)
    expect((await loadConfig(path)).warnings).toEqual([])
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
