import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {Args, type Command, Flags} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {
  choiceListFlag,
  durationFlag,
  parseRegion,
  refusingBlankValues,
  regionArg,
  regionFlag,
  regionListFlag,
} from '../../../src/lib/cli/flags.js'
import {LIMITS} from '../../../src/lib/config/limits.js'
import {KNOWN_REGIONS} from '../../../src/lib/config/regions.js'
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
      expect.objectContaining({code: 'DRCTL_USAGE', exit: 2, message: '--max-lag "soon" is not a duration (try 30s)'}),
    )
  })

  it('with positive, refuses zero too', () => {
    expect(() => durationFlag('--timeout', '0s', '5s or 1500ms', {positive: true})).toThrow(
      expect.objectContaining({code: 'DRCTL_USAGE', message: '--timeout "0s" is not a duration (try 5s or 1500ms)'}),
    )
  })

  it('with max, refuses a value beyond the ceiling, naming it', () => {
    expect(durationFlag('--max-lag', '2h', '30s', {max: LIMITS.maxReplicationLagMs})).toBe(7_200_000)
    expect(() => durationFlag('--max-lag', '99999999999999h', '30s', {max: LIMITS.maxReplicationLagMs})).toThrow(
      expect.objectContaining({
        code: 'DRCTL_USAGE',
        exit: 2,
        message: '--max-lag "99999999999999h" is more than 2h, the most drctl accepts',
      }),
    )
  })

  it('refuses a huge run of blanks at once (no quadratic matching)', () => {
    expect(() => durationFlag('--max-lag', `1${' '.repeat(2_000_000)}x`, '30s')).toThrow(/is not a duration/)
  })

  it('shows a huge value by its start and length', () => {
    expect(() => durationFlag('--max-lag', '9'.repeat(100_000), '30s')).toThrow(
      /^--max-lag "9+…" \(100000 characters\) is not a duration \(try 30s\)$/,
    )
  })
})

describe('parseRegion', () => {
  it('accepts the shape of every AWS Region name, including GovCloud, ISO and sovereign partitions', () => {
    for (const region of [...KNOWN_REGIONS, 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'eusc-de-east-1']) {
      expect(parseRegion('--region', region)).toBe(region)
    }
  })

  it('refuses anything else as a usage error (exit 2) naming the flag and the closest Region', () => {
    expect(() => parseRegion('--to', 'us-wst-2')).toThrow(
      expect.objectContaining({
        code: 'DRCTL_USAGE',
        exit: 2,
        message: '--to "us-wst-2" is not an AWS Region name (did you mean us-west-2?)',
        hints: ['AWS Region names look like us-east-1, eu-west-2 or ap-southeast-2'],
      }),
    )
    expect(() => parseRegion('--region', 'US-EAST-1')).toThrow('(did you mean us-east-1?)')
    expect(() => parseRegion('REGION', 'us-east-l')).toThrow(
      'REGION "us-east-l" is not an AWS Region name (did you mean us-east-1?)',
    )
  })

  it('suggests nothing when nothing is close', () => {
    expect(() => parseRegion('--region', 'xx-nowhere-9')).toThrow(
      expect.objectContaining({message: '--region "xx-nowhere-9" is not an AWS Region name'}),
    )
  })

  it('shows a huge value by its start and length', () => {
    expect(() => parseRegion('--to', `us-east-1${'a'.repeat(102_391)}`)).toThrow(
      /^--to "us-east-1a+…" \(102400 characters\) is not an AWS Region name$/,
    )
  })
})

describe('regionListFlag', () => {
  const parse = (input: string) => regionListFlag().parse(input, {} as never, {name: 'regions'} as never)

  it('reads a comma-separated list of Regions', async () => {
    await expect(parse('us-east-1, us-west-2')).resolves.toBe('us-east-1,us-west-2')
  })

  it('refuses an empty item instead of dropping it', async () => {
    await expect(parse('us-east-1,,us-west-2')).rejects.toMatchObject({
      code: 'DRCTL_USAGE',
      message: '--regions "us-east-1,,us-west-2" has an empty item',
    })
  })
})

describe('choiceListFlag', () => {
  const parse = (input: string) =>
    choiceListFlag(['aurora', 'dynamodb', 'arc'] as const)().parse(input, {} as never, {name: 'only'} as never)

  it('reads a comma-separated list of the choices, each once', async () => {
    await expect(parse('arc, aurora,arc')).resolves.toEqual(['arc', 'aurora'])
  })

  it('refuses an unknown item with a "did you mean", and an empty one', async () => {
    await expect(parse('aurora,dynamo')).rejects.toMatchObject({
      code: 'DRCTL_USAGE',
      exit: 2,
      message: '--only "dynamo" is not one of aurora, dynamodb, arc (did you mean dynamodb?)',
    })
    await expect(parse('aurora,')).rejects.toMatchObject({message: '--only "aurora," has an empty item'})
  })
})

describe('refusingBlankValues', () => {
  class Example {
    static flags = {
      to: regionFlag(),
      name: Flags.string(),
      count: Flags.integer(),
      mode: Flags.string({options: ['refuse', 'hang']}),
      yes: Flags.boolean(),
    }
    static baseFlags = {config: Flags.string()}
    static args = {region: regionArg(), id: Args.string()}
    static enableJsonFlag = true
    static strict = true
  }
  const input = refusingBlankValues(Example as unknown as typeof Command)
  type Parse = (input: string, context?: unknown, options?: unknown) => Promise<unknown>
  const parseOf = (definitions: object | undefined, name: string): Parse =>
    (definitions as Record<string, {parse: Parse}>)[name]?.parse as Parse

  it('refuses an empty or blank value of every flag and argument that takes one, naming it (exit 2)', async () => {
    for (const [label, parse] of [
      ['--to', parseOf(input.flags, 'to')],
      ['--name', parseOf(input.flags, 'name')],
      ['--count', parseOf(input.flags, 'count')],
      ['--mode', parseOf(input.flags, 'mode')],
      ['--config', parseOf(input.baseFlags, 'config')],
      ['REGION', parseOf(input.args, 'region')],
      ['ID', parseOf(input.args, 'id')],
    ] as const) {
      for (const blank of ['', '   ', '\t\n']) {
        await expect(parse(blank, {}, {}), label).rejects.toMatchObject({
          code: 'DRCTL_USAGE',
          exit: 2,
          message: `${label} must not be empty (got ${JSON.stringify(blank)})`,
        })
      }
    }
  })

  it('hands every other value to the parser the flag or argument has', async () => {
    await expect(parseOf(input.flags, 'to')('us-west-2', {}, {name: 'to'})).resolves.toBe('us-west-2')
    await expect(parseOf(input.flags, 'to')('us-wst-2', {}, {name: 'to'})).rejects.toThrow(/did you mean/)
    await expect(parseOf(input.flags, 'count')('7', {}, {})).resolves.toBe(7)
    await expect(parseOf(input.args, 'id')('run-1', {}, {})).resolves.toBe('run-1')
  })

  it('checks options itself, quoting what was typed', async () => {
    await expect(parseOf(input.flags, 'mode')('hang')).resolves.toBe('hang')
    await expect(parseOf(input.flags, 'mode')('x'.repeat(100_000))).rejects.toThrow(
      /^--mode "x+…" \(100000 characters\) is not one of refuse, hang$/,
    )
  })

  it('leaves boolean flags and the parser settings as they are', () => {
    expect((input.flags as Record<string, unknown>).yes).toBe(Example.flags.yes)
    expect(input).toMatchObject({enableJsonFlag: true, strict: true})
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
