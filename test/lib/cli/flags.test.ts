import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import type {Command} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {
  AWS_REGIONS,
  durationFlag,
  parseRegion,
  regionArg,
  regionFlag,
  regionListFlag,
  topologyRegion,
} from '../../../src/lib/cli/flags.js'
import {testConfig} from '../../fakes/topology.js'
import {repoRoot} from '../../helpers/cli.js'

describe('durationFlag', () => {
  it('reads 30s, 5m, 1500ms and a bare number of milliseconds', () => {
    expect(durationFlag('--max-lag', '30s', '30s')).toBe(30_000)
    expect(durationFlag('--max-lag', '5m', '30s')).toBe(300_000)
    expect(durationFlag('--timeout', '1500ms', '5s')).toBe(1500)
    expect(durationFlag('--max-lag', '0', '30s')).toBe(0)
  })

  it('refuses anything else as a usage error (exit 2) that shows the form', () => {
    expect(() => durationFlag('--max-lag', 'soon', '30s')).toThrow(
      expect.objectContaining({code: 'DRCTL_USAGE', exit: 2, message: '--max-lag soon is not a duration (try 30s)'}),
    )
  })

  it('with positive, refuses zero too', () => {
    expect(() => durationFlag('--timeout', '0s', '5s or 1500ms', {positive: true})).toThrow(
      expect.objectContaining({code: 'DRCTL_USAGE', message: '--timeout 0s is not a duration (try 5s or 1500ms)'}),
    )
  })
})

describe('parseRegion', () => {
  it('accepts the shape of every AWS Region name, including GovCloud, ISO and sovereign partitions', () => {
    for (const region of [...AWS_REGIONS, 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'eusc-de-east-1']) {
      expect(parseRegion('--region', region)).toBe(region)
    }
  })

  it('refuses anything else as a usage error (exit 2) naming the flag and the closest Region', () => {
    expect(() => parseRegion('--to', 'us-wst-2')).toThrow(
      expect.objectContaining({
        code: 'DRCTL_USAGE',
        exit: 2,
        message: '--to us-wst-2 is not an AWS Region name (did you mean us-west-2?)',
        hints: ['AWS Region names look like us-east-1, eu-west-2 or ap-southeast-2'],
      }),
    )
    expect(() => parseRegion('--region', 'US-EAST-1')).toThrow('(did you mean us-east-1?)')
    expect(() => parseRegion('REGION', 'us-east-l')).toThrow(
      'REGION us-east-l is not an AWS Region name (did you mean us-east-1?)',
    )
  })

  it('suggests nothing when nothing is close', () => {
    expect(() => parseRegion('--region', 'xx-nowhere-9')).toThrow(
      expect.objectContaining({message: '--region xx-nowhere-9 is not an AWS Region name'}),
    )
  })
})

describe('topologyRegion', () => {
  const config = testConfig()

  it('passes a Region of the topology', () => {
    expect(topologyRegion(config, '--region', 'us-west-2')).toBe('us-west-2')
  })

  it('refuses another as a usage error that names the closest Region of the topology and lists them', () => {
    expect(() => topologyRegion(config, '--region', 'us-west-1')).toThrow(
      expect.objectContaining({
        code: 'DRCTL_USAGE',
        message: '--region us-west-1 is not a Region of retail (did you mean us-west-2?)',
        hints: ['the Regions of retail: us-east-1, us-west-2'],
      }),
    )
  })
})

describe('Region flags and arguments', () => {
  const commandsDir = join(repoRoot, 'src', 'commands')
  const commandFiles = readdirSync(commandsDir, {recursive: true, encoding: 'utf8'}).filter((file) =>
    file.endsWith('.ts'),
  )
  const parsers = {
    flag: regionFlag().parse,
    list: regionListFlag().parse,
    arg: regionArg().parse,
  }

  it.each(commandFiles)('%s parses every Region it takes with the shared Region parser', async (file) => {
    const command = (await import(pathToFileURL(join(commandsDir, file)).href)).default as typeof Command
    const regionFlags = Object.entries(command.flags ?? {}).filter(([name]) => ['region', 'to'].includes(name))
    for (const [name, flag] of regionFlags) expect(flag.parse, `--${name}`).toBe(parsers.flag)
    if (command.flags?.regions) expect(command.flags.regions.parse, '--regions').toBe(parsers.list)
    if (command.args?.region) expect(command.args.region.parse, 'REGION').toBe(parsers.arg)
  })
})
