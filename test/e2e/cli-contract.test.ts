import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG} from '../../src/lib/config/example.js'
import {parseEnvelope, repoRoot, runCli, startCli, tempHome} from '../helpers/cli.js'
import {drctlOnTerminal, terminalAvailable} from '../helpers/pty.js'

const {home, cleanup} = tempHome()
let sts: Server
let stsUrl: string
let stsCalls = 0

beforeAll(async () => {
  sts = createServer((request, response) => {
    stsCalls++
    request.resume()
    response.writeHead(200, {'content-type': 'text/xml'})
    response.end(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        '<Arn>arn:aws:sts::999999999999:assumed-role/ops/me</Arn><UserId>AROA:me</UserId><Account>999999999999</Account>' +
        '</GetCallerIdentityResult></GetCallerIdentityResponse>',
    )
  })
  await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve))
  stsUrl = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => sts.close(resolve))
  cleanup()
})

const awsEnv = {AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'secret'}

function writeConfig(name: string, extra: string): string {
  const path = join(home, name)
  writeFileSync(path, `version: 1\nname: retail\nregions: [us-east-1, us-west-2]\n${extra}`)
  return path
}

describe('bin/run.js', () => {
  it('prints its version', () => {
    const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version
    const result = runCli(['--version'], {home})
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(`drctl/${version}`)
  })

  it('lists every command with a summary in --help', () => {
    const result = runCli(['--help'], {home})
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/whoami\s+Show the AWS identity/)
    expect(result.stdout).toMatch(/config\s+Validate and inspect drctl.yaml/)
    const topic = runCli(['config', '--help'], {home})
    expect(topic.stdout).toMatch(/config validate\s+Check drctl.yaml/)
  })

  it('shows examples and exit codes in command help', () => {
    const result = runCli(['config', 'validate', '--help'], {home})
    expect(result.stdout).toContain('EXAMPLES')
    expect(result.stdout).toContain('$ drctl config validate --json')
    expect(result.stdout).toContain('130  interrupted (Ctrl-C); resumable')
  })
})

describe('config init', () => {
  const project = tempHome('drctl-init-')
  afterAll(project.cleanup)
  const path = join(project.home, 'drctl.yaml')

  it('writes the annotated example to ./drctl.yaml, which validates, and says what to do next', () => {
    const result = runCli(['config', 'init'], {home: project.home})
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain(`wrote ${path}`)
    expect(result.stdout).toContain('drctl routing endpoints --save')
    const written = readFileSync(path, 'utf8')
    expect(written).toMatch(/^# drctl\.yaml — one multi-Region topology/)
    expect(written).toContain('placeholders: replace them with your own')
    const validated = runCli(['config', 'validate', '--json'], {home: project.home})
    expect(validated.status, validated.stderr).toBe(0)
    expect(parseEnvelope(validated.stdout).result).toMatchObject({path, valid: true})
  })

  it('never overwrites an existing file without --force: exit 2, the file unchanged', () => {
    writeFileSync(path, 'name: mine\n')
    const refused = runCli(['config', 'init', '--json'], {home: project.home})
    expect(refused.status).toBe(2)
    expect(parseEnvelope(refused.stdout).error).toMatchObject({
      code: 'DRCTL_USAGE',
      message: `${path} already exists; drctl config init leaves it as it is`,
    })
    expect(readFileSync(path, 'utf8')).toBe('name: mine\n')

    const forced = runCli(['config', 'init', '--force', '--json'], {home: project.home})
    expect(forced.status).toBe(0)
    expect(parseEnvelope(forced.stdout).result).toMatchObject({path, written: true, overwritten: true})
    expect(readFileSync(path, 'utf8')).toContain('globalClusters: [orders-global, catalog-global]')
  })

  it('--print writes the example to stdout and no file; --config picks the path', () => {
    const printed = runCli(['config', 'init', '--print', '-c', join(project.home, 'other.yaml')], {home: project.home})
    expect(printed.status).toBe(0)
    expect(printed.stdout).toContain('version: 1')
    expect(() => readFileSync(join(project.home, 'other.yaml'))).toThrow()

    const elsewhere = runCli(['config', 'init', '-c', join(project.home, 'prod.yaml')], {home: project.home})
    expect(elsewhere.status).toBe(0)
    expect(readFileSync(join(project.home, 'prod.yaml'), 'utf8')).toBe(printed.stdout)
  })

  it('bad input: a missing directory, --sandbox, --print with --force (exit 2, nothing written)', () => {
    const missing = runCli(['config', 'init', '-c', join(project.home, 'no', 'such', 'dir.yaml')], {
      home: project.home,
    })
    expect(missing.status).toBe(2)
    expect(missing.stderr.split('\n')[0]).toMatch(/cannot write .*dir\.yaml: its directory does not exist/)
    const sandbox = runCli(['config', 'init', '--sandbox', '-c', join(project.home, 'sb.yaml')], {
      home: project.home,
    })
    expect(sandbox.status).toBe(2)
    expect(sandbox.stderr).toContain('the sandbox keeps its own drctl.yaml')
    expect(runCli(['config', 'init', '--print', '--force'], {home: project.home}).status).toBe(2)
    expect(() => readFileSync(join(project.home, 'sb.yaml'))).toThrow()
  })
})

describe('config validate', () => {
  it('exits 0 with a JSON envelope for a valid file', () => {
    const path = join(home, 'example.yaml')
    writeFileSync(path, EXAMPLE_CONFIG)
    const result = runCli(['config', 'validate', '--config', path, '--json'], {home})
    expect(result.status).toBe(0)
    expect(result.stderr).toBe('')
    expect(parseEnvelope(result.stdout)).toEqual({
      status: 'ok',
      result: expect.objectContaining({path, valid: true}),
      warnings: [],
    })
  })

  it('exits 2 and lists every problem in both modes', () => {
    const path = writeConfig('bad.yaml', 'aurora: {globalClusters: [ok, 7]}\nstackz: {}\n')
    const human = runCli(['config', 'validate', '-c', path], {home})
    expect(human.status).toBe(2)
    expect(human.stdout).toBe('')
    expect(human.stderr).toContain('DRCTL_CONFIG_INVALID')
    expect(human.stderr).toContain('aurora.globalClusters[1]: expected a string, got number 7')
    expect(human.stderr).toContain('stackz: unknown key (did you mean "stacks"?)')

    const json = runCli(['config', 'validate', '-c', path, '--json'], {home})
    expect(json.status).toBe(2)
    const envelope = parseEnvelope(json.stdout)
    expect(envelope.status).toBe('error')
    expect(envelope.error).toMatchObject({code: 'DRCTL_CONFIG_INVALID', exit: 2})
    expect(envelope.error.details.problems).toHaveLength(2)
  })

  it('uses $DRCTL_CONFIG, and says clearly when no file is found', () => {
    const path = writeConfig('env.yaml', '')
    expect(runCli(['config', 'validate'], {home, env: {DRCTL_CONFIG: path}}).status).toBe(0)
    const missing = runCli(['config', 'validate'], {home})
    expect(missing.status).toBe(2)
    expect(missing.stderr.split('\n')[0]).toMatch(
      /^✖ Error: config file not found: .*drctl.yaml \[DRCTL_CONFIG_NOT_FOUND\]$/,
    )
    expect(missing.stderr).toContain('Hint:')
  })
})

describe('usage errors', () => {
  it('exit 2 for an unknown flag in human and JSON mode', () => {
    const human = runCli(['config', 'validate', '--bogus'], {home})
    expect(human.status).toBe(2)
    expect(human.stderr).toContain('Nonexistent flag: --bogus')
    const json = runCli(['config', 'validate', '--bogus', '--json'], {home})
    expect(json.status).toBe(2)
    expect(parseEnvelope(json.stdout).error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
  })

  it('a mistyped command exits 2 with the closest command, without a terminal', () => {
    const typo = runCli(['statsu', '--sandbox'], {home})
    expect(typo.status).toBe(2)
    expect(typo.stdout).toBe('')
    expect(typo.stderr.split('\n')[0]).toBe(
      '✖ Error: "statsu" is not a drctl command (did you mean status?) [DRCTL_USAGE]',
    )
    const nested = runCli(['routing', 'sett', 'us-west-2', 'on'], {home})
    expect(nested.status).toBe(2)
    expect(nested.stderr).toContain('"routing sett" is not a drctl command (did you mean routing set?)')
    expect(nested.stderr).toContain('Hint: drctl routing --help lists the commands')
    const unknown = runCli(['frobnicate'], {home})
    expect(unknown.status).toBe(2)
    expect(unknown.stderr.split('\n')[0]).toBe('✖ Error: "frobnicate" is not a drctl command [DRCTL_USAGE]')
    for (const help of [
      ['statsu', '--help'],
      ['help', 'statsu'],
    ]) {
      const result = runCli(help, {home})
      expect(result.status).toBe(2)
      expect(result.stderr).toContain('"statsu" is not a drctl command (did you mean status?)')
    }
    const json = runCli(['statsu', '--json'], {home})
    expect(json.status).toBe(2)
    expect(parseEnvelope(json.stdout).error).toMatchObject({
      code: 'DRCTL_USAGE',
      exit: 2,
      message: '"statsu" is not a drctl command (did you mean status?)',
    })
  })

  it.skipIf(!terminalAvailable)('a mistyped command on a terminal suggests, never prompts, and exits 2', async () => {
    // Answers "n" if a "Did you mean …? (Y/n)" prompt appeared, so a regression fails here instead of hanging.
    const result = await drctlOnTerminal(home, ['statsu'], {prompt: '(Y/n)', answer: 'n'})
    expect(result.status).toBe(2)
    expect(result.stdout).toContain('"statsu" is not a drctl command (did you mean status?)')
    expect(result.stdout).not.toContain('(Y/n)')
  })

  it('a Region that is not one exits 2 before anything runs, with the closest Region', () => {
    const human = runCli(['whoami', '--region', 'us-east-l', '--sandbox'], {home})
    expect(human.status).toBe(2)
    expect(human.stderr.split('\n')[0]).toBe(
      '✖ Error: --region "us-east-l" is not an AWS Region name (did you mean us-east-1?) [DRCTL_USAGE]',
    )
    const json = runCli(['failover', '--planned', '--to', 'us-wst-2', '--dry-run', '--sandbox', '--json'], {home})
    expect(json.status).toBe(2)
    expect(parseEnvelope(json.stdout).error).toMatchObject({
      code: 'DRCTL_USAGE',
      message: '--to "us-wst-2" is not an AWS Region name (did you mean us-west-2?)',
    })
    const argument = runCli(['sandbox', 'fault', 'region-outage', 'us-esat-1'], {home})
    expect(argument.status).toBe(2)
    expect(argument.stderr).toContain('REGION "us-esat-1" is not an AWS Region name (did you mean us-east-1?)')
  })
})

describe('topic pages', () => {
  const topics: Record<string, {examples?: {description: string; command: string}[]}> = JSON.parse(
    readFileSync(join(repoRoot, 'package.json'), 'utf8'),
  ).oclif.topics
  const commandIds = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')).commands)
  // A topic that is also a command (sandbox fault) shows the command's help, with the command's examples.
  const pages = Object.keys(topics).filter((topic) => !commandIds.includes(topic))

  it.each(pages)('drctl %s shows examples, with --help and without', (topic) => {
    const examples = topics[topic]?.examples ?? []
    expect(examples.length, `oclif.topics.${topic}.examples in package.json`).toBeGreaterThan(0)
    for (const args of [[...topic.split(':'), '--help'], topic.split(':')]) {
      const result = runCli(args, {home})
      expect(result.status).toBe(0)
      const page = result.stdout.slice(result.stdout.indexOf('\nEXAMPLES\n'))
      expect(page).toMatch(/^\nEXAMPLES\n/)
      for (const {description, command} of examples) {
        expect(page.replace(/\s+/g, ' ')).toContain(description)
        expect(page).toContain(`$ ${command.replace('<%= config.bin %>', 'drctl')}`)
      }
    }
  })
})

describe('whoami', () => {
  it('--region must be a Region of the topology: exit 2, one line, no AWS call', async () => {
    const path = writeConfig('regions.yaml', `aws: {endpoints: {sts: "${stsUrl}"}}\n`)
    const before = stsCalls
    const nowhere = await startCli(['whoami', '-c', path, '--region', 'xx-nowhere-9'], {home, env: awsEnv}).done
    expect(nowhere.status).toBe(2)
    expect(nowhere.stderr.split('\n')).toEqual([
      '✖ Error: --region "xx-nowhere-9" is not an AWS Region name [DRCTL_USAGE]',
      '  Hint: AWS Region names look like us-east-1, eu-west-2 or ap-southeast-2',
      '',
    ])
    const elsewhere = await startCli(['whoami', '-c', path, '--region', 'us-east-2', '--json'], {home, env: awsEnv})
      .done
    expect(elsewhere.status).toBe(2)
    expect(parseEnvelope(elsewhere.stdout).error).toMatchObject({
      code: 'DRCTL_USAGE',
      message: '--region "us-east-2" is not a Region of retail (did you mean us-east-1?)',
      hints: ['the Regions of retail: us-east-1, us-west-2'],
    })
    expect(stsCalls).toBe(before)

    const west = await startCli(['whoami', '-c', path, '--region', 'us-west-2', '--json'], {home, env: awsEnv}).done
    expect(west.status, west.stderr).toBe(0)
    expect(parseEnvelope(west.stdout).result).toMatchObject({account: '999999999999', region: 'us-west-2'})
    expect(stsCalls).toBe(before + 1)
  })

  it('prints the caller and fails with exit 3 when the pinned account differs', async () => {
    const path = writeConfig('pinned.yaml', `account: "111122223333"\naws: {endpoints: {sts: "${stsUrl}"}}\n`)
    const human = await startCli(['whoami', '-c', path], {home, env: awsEnv}).done
    expect(human.status).toBe(3)
    expect(human.stdout).toContain('arn:aws:sts::999999999999:assumed-role/ops/me')
    expect(human.stderr).toContain('DRCTL_ACCOUNT_MISMATCH')
    const json = await startCli(['whoami', '-c', path, '--json'], {home, env: awsEnv}).done
    expect(json.status).toBe(3)
    expect(parseEnvelope(json.stdout).error).toMatchObject({code: 'DRCTL_ACCOUNT_MISMATCH', exit: 3})
  })

  it('succeeds when the account matches', async () => {
    const path = writeConfig('ok.yaml', `account: "999999999999"\naws: {endpoints: {sts: "${stsUrl}"}}\n`)
    const json = await startCli(['whoami', '-c', path, '--json'], {home, env: awsEnv}).done
    expect(json.status).toBe(0)
    expect(parseEnvelope(json.stdout).result).toMatchObject({account: '999999999999', region: 'us-east-1'})
  })

  it('a runtime AWS failure exits 5 in both modes', async () => {
    const path = writeConfig('dead.yaml', 'aws: {endpoints: {sts: "http://127.0.0.1:9"}, maxAttempts: 1}\n')
    const human = await startCli(['whoami', '-c', path], {home, env: awsEnv}).done
    expect(human.status).toBe(5)
    expect(human.stderr).toMatch(/STS GetCallerIdentity in us-east-1 failed: .* unreachable/)
    const json = await startCli(['whoami', '-c', path, '--json'], {home, env: awsEnv}).done
    expect(json.status).toBe(5)
    expect(parseEnvelope(json.stdout).error.code).toBe('DRCTL_AWS_UNREACHABLE')
  })

  it('rejects a profile that does not exist before any AWS call', async () => {
    const path = writeConfig('profile.yaml', `aws: {endpoints: {sts: "${stsUrl}"}}\n`)
    const before = stsCalls
    const result = await startCli(['whoami', '-c', path, '--profile', 'nope', '--json'], {home}).done
    expect(result.status).toBe(2)
    expect(parseEnvelope(result.stdout).error.code).toBe('DRCTL_PROFILE_NOT_FOUND')
    expect(stsCalls).toBe(before)
  })

  it('never prints a credential', async () => {
    const path = writeConfig('secret.yaml', `aws: {endpoints: {sts: "${stsUrl}"}}\n`)
    const result = await startCli(['whoami', '-c', path, '--json'], {
      home,
      env: {AWS_ACCESS_KEY_ID: 'AKIASECRETKEYID00000', AWS_SECRET_ACCESS_KEY: 'very-secret-value'},
    }).done
    expect(result.status, result.stderr).toBe(0)
    expect(parseEnvelope(result.stdout).result).toMatchObject({
      account: '999999999999',
      arn: 'arn:aws:sts::999999999999:assumed-role/ops/me',
    })
    expect(result.stdout + result.stderr).not.toMatch(/AKIASECRETKEYID00000|very-secret-value/)
  })
})
