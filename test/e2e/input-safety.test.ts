import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {Config, settings} from '@oclif/core'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {repoRoot} from '../helpers/cli.js'
import {callCount, drctl, json, mutatingCalls, runIds, useSandbox} from '../helpers/e2e.js'

const BLANKS = ['', '   ']
/** No line of an error may be longer than this, whatever was typed. */
const LINE_LIMIT = 1100

interface ValueCase {
  command: string
  label: string
  argv: string[]
}

/** Every flag and argument that takes a value, of every drctl command, read from the CLI's own manifest. */
async function valueCases(config: Config): Promise<ValueCase[]> {
  return config.commands
    .filter((command) => command.pluginName === config.pjson.name)
    .flatMap((command) => [
      ...Object.values(command.flags)
        .filter((flag) => flag.type === 'option')
        .map((flag) => ({command: command.id, label: `--${flag.name}`, argv: [`--${flag.name}`, '{}']})),
      // The arguments before the one under test get a value every drctl argument accepts.
      ...Object.values(command.args).map((arg, index) => ({
        command: command.id,
        label: arg.name.toUpperCase(),
        argv: [...Array.from({length: index}, () => 'us-east-1'), '{}'],
      })),
    ])
}

describe('no empty value reaches a command', () => {
  const sandbox = useSandbox()
  let config: Config
  let cases: ValueCase[]
  const saved = {env: {...process.env}, cwd: process.cwd()}

  beforeAll(async () => {
    // The built CLI, in this process: a subprocess per case would take minutes.
    settings.enableAutoTranspile = false
    config = await Config.load({root: repoRoot})
    cases = await valueCases(config)
    Object.assign(process.env, {DRCTL_HOME: sandbox.home, HOME: sandbox.home, DRCTL_SANDBOX: '1', NO_COLOR: '1'})
    process.chdir(sandbox.home)
  })
  afterAll(() => {
    process.env = saved.env
    process.chdir(saved.cwd)
  })

  /** `drctl <id> <argv> --json` in this process: the envelope it prints and the exit code it sets. */
  async function runInProcess(id: string, argv: string[]) {
    let stdout = ''
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk)
      return true
    })
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      await config.runCommand(id, [...argv, '--json'])
    } finally {
      write.mockRestore()
      vi.mocked(process.stderr.write).mockRestore()
    }
    const exit = process.exitCode
    process.exitCode = undefined
    return {exit, envelope: JSON.parse(stdout)}
  }

  it('covers every command and every value it takes (so that a new one is covered too)', () => {
    const labels = cases.map((entry) => `${entry.command} ${entry.label}`)
    expect(labels).toEqual(
      expect.arrayContaining([
        'failover --to',
        'failover --max-lag',
        'failover --config',
        'routing:set CONTROL',
        'routing:set STATE',
        'sandbox:fault:lag MS',
        'teardown --only',
      ]),
    )
    expect(new Set(cases.map((entry) => entry.command)).size).toBe(
      config.commands.filter((command) => command.pluginName === 'drctl').length,
    )
  })

  it('refuses an empty or blank value of each with exit 2, naming it, and calls nothing', async () => {
    const worldPath = join(sandbox.home, 'sandbox', 'world.json')
    const world = createHash('sha256').update(readFileSync(worldPath)).digest('hex')
    const before = await callCount(sandbox.home)
    for (const {command, label, argv} of cases) {
      for (const blank of BLANKS) {
        const {exit, envelope} = await runInProcess(
          command,
          argv.map((arg) => (arg === '{}' ? blank : arg)),
        )
        expect(exit, `${command} ${label} ${JSON.stringify(blank)}`).toBe(2)
        expect(envelope.error, `${command} ${label}`).toMatchObject({
          code: 'DRCTL_USAGE',
          message: `${label} must not be empty (got ${JSON.stringify(blank)})`,
        })
      }
    }
    expect(await callCount(sandbox.home)).toBe(before)
    expect(createHash('sha256').update(readFileSync(worldPath)).digest('hex')).toBe(world)
  })
})

describe('an empty shell variable never runs a failover', () => {
  const sandbox = useSandbox()

  it.each([[['--to', '']], [['--to=']], [['--to', '  ']], [['--to', 'us-west-2', '--max-lag', '']]])(
    'failover --planned %j --yes: exit 2, zero mutating calls',
    async (flags) => {
      const before = await callCount(sandbox.home)
      const human = drctl(sandbox.home, ['failover', '--planned', ...flags, '--yes'])
      expect(human.status, human.stderr).toBe(2)
      expect(human.stderr).toMatch(/^✖ Error: --(to|max-lag) must not be empty \(got "\s*"\) \[DRCTL_USAGE\]$/m)
      const machine = drctl(sandbox.home, ['failover', '--planned', ...flags, '--yes', '--json'])
      expect(machine.status).toBe(2)
      expect(json(machine).error.code).toBe('DRCTL_USAGE')
      expect(await mutatingCalls(sandbox.home, before)).toEqual([])
      expect(await callCount(sandbox.home)).toBe(before)
      expect(runIds(sandbox.home)).toEqual([])
    },
  )
})

describe('relaxations have a ceiling', () => {
  const sandbox = useSandbox()

  it.each([
    [['failover', '--planned', '--to', 'us-west-2', '--max-lag', '99999999999999h', '--yes'], '--max-lag', '2h'],
    [['fallback', '--max-lag', '121m', '--yes'], '--max-lag', '2h'],
    [['status', '--timeout', '999h'], '--timeout', '2m'],
  ])('%j is refused with the ceiling named (exit 2), calling nothing', async (args, flag, ceiling) => {
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, [...args, '--json'])
    expect(result.status).toBe(2)
    expect(json(result).error).toMatchObject({
      code: 'DRCTL_USAGE',
      message: expect.stringMatching(new RegExp(`^${flag} ".+" is more than ${ceiling}, the most drctl accepts$`)),
    })
    expect(await callCount(sandbox.home)).toBe(before)
  })

  it('status --watch is refused beyond an hour', () => {
    const result = drctl(sandbox.home, ['status', '--watch', '99999999'])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/--watch .*less than or equal to 3600/)
  })

  it('a value at the ceiling is accepted and recorded in the run report', async () => {
    const result = drctl(sandbox.home, [
      'failover',
      '--planned',
      '--to',
      'us-west-2',
      '--max-lag',
      '2h',
      '--yes',
      '--json',
    ])
    expect(result.status, result.stderr).toBe(0)
    const report = JSON.parse(readFileSync(json(result).result.reportPath.replace(/\.md$/, '.json'), 'utf8'))
    expect(report.flags['max-lag']).toBe('2h')
  })
})

describe('huge values are never echoed whole', () => {
  const sandbox = useSandbox()
  const longRegion = `us-east-1${'a'.repeat(102_400 - 9)}`

  const expectShortLines = (text: string) => {
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(LINE_LIMIT)
  }

  it('a 100 KB --to: one short line, the value cut with its length, human and --json', async () => {
    const before = await callCount(sandbox.home)
    const human = drctl(sandbox.home, ['failover', '--planned', '--to', longRegion, '--yes'])
    expect(human.status).toBe(2)
    expectShortLines(human.stderr)
    expect(human.stderr).toContain('"us-east-1aaaa')
    expect(human.stderr).toContain('(102400 characters)')
    const machine = drctl(sandbox.home, ['failover', '--planned', '--to', longRegion, '--yes', '--json'])
    expect(machine.status).toBe(2)
    expect(machine.stdout.length).toBeLessThan(2 * LINE_LIMIT)
    expect(json(machine).error.message).toMatch(/^--to "us-east-1a+…" \(102400 characters\) is not an AWS Region name$/)
    expect(await callCount(sandbox.home)).toBe(before)
  })

  it('a 2 MB name: in drctl.yaml: one short line per problem, human and --json', () => {
    const path = join(sandbox.home, 'huge.yaml')
    writeFileSync(path, `version: 1\nname: ${'n'.repeat(2 * 1024 * 1024)}\nregions: [us-east-1, us-west-2]\n`)
    const human = drctl(sandbox.home, ['config', 'validate', '-c', path])
    expect(human.status).toBe(2)
    expect(human.stderr.length).toBeLessThan(3 * LINE_LIMIT)
    expectShortLines(human.stderr)
    expect(human.stderr).toContain('(2097152 characters) is not a topology name')
    const machine = drctl(sandbox.home, ['config', 'validate', '-c', path, '--json'])
    expect(machine.status).toBe(2)
    expect(machine.stdout.length).toBeLessThan(3 * LINE_LIMIT)
    expect(json(machine).error.details.problems[0].message).toMatch(
      /^"n+…" \(2097152 characters\) is not a topology name/,
    )
  })

  it('whatever else is echoed, the error renderer cuts it: a 100 KB unknown flag', () => {
    const human = drctl(sandbox.home, ['status', `--${'x'.repeat(100_000)}`])
    expect(human.status).toBe(2)
    expectShortLines(human.stderr)
  })
})

describe('Region did-you-mean points at Regions that exist', () => {
  const sandbox = useSandbox()

  it('failover --to a Region outside the topology names the closest one of the topology', () => {
    const result = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-1', '--dry-run', '--json'])
    expect(result.status).toBe(2)
    expect(json(result).error).toMatchObject({
      message: '--to "us-west-1" is not a Region of retail (did you mean us-west-2?)',
      hints: ['the Regions of retail: us-east-1, us-west-2'],
    })
  })

  it('routing shift --to a Region outside the topology names the closest one of the topology', () => {
    const result = drctl(sandbox.home, ['routing', 'shift', '--to', 'us-east-2', '--dry-run', '--json'])
    expect(result.status).toBe(2)
    expect(json(result).error.message).toBe('--to "us-east-2" is not a Region of retail (did you mean us-east-1?)')
  })

  it('a well-shaped Region drctl does not know is a warning, not a failure', () => {
    const path = join(sandbox.home, 'new-region.yaml')
    writeFileSync(path, 'version: 1\nname: retail\nregions: [us-east-1, us-west-9]\n')
    const result = drctl(sandbox.home, ['config', 'validate', '-c', path, '--json'])
    expect(result.status, result.stderr).toBe(0)
    expect(json(result).warnings).toEqual([
      `${path}: regions[1]: "us-west-9" is not an AWS Region drctl knows (did you mean "us-west-1"?); kept, in case it is newer than drctl`,
    ])
  })
})
