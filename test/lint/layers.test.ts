import {join} from 'node:path'

import {ESLint} from 'eslint'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'

// Fixtures are virtual files: source text linted as if it lived at a path in src/ (design.md §2 layers).
const eslint = new ESLint({cwd: repoRoot})

async function lint(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: join(repoRoot, path)})
  return (result?.messages ?? []).map((message) => `${message.line} ${message.ruleId}: ${message.message}`)
}

describe('layer rules (npm run lint)', () => {
  it('refuses an import up the layers', async () => {
    const problems = await lint(
      'src/lib/checks/fixture-upward.ts',
      "import {runPlan} from '../runbook/engine.js'\nexport const run = runPlan\n",
    )
    expect(problems).toEqual([
      '1 boundaries/dependencies: There is no policy allowing dependencies from elements of type "checks" to elements of type "runbook"',
    ])
    expect(await lint('src/lib/core/fixture-upward.ts', "export {symbols} from '../cli/style.js'\n")).toEqual([
      '1 boundaries/dependencies: There is no policy allowing dependencies from elements of type "core" to elements of type "cli"',
    ])
  })

  it('keeps checks pure: no observe(), no Node built-ins', async () => {
    const problems = await lint(
      'src/lib/checks/fixture-impure.ts',
      [
        "import {observe} from '../topology/observe.js'",
        "import {readFileSync} from 'node:fs'",
        'export const impure = [observe, readFileSync]',
        '',
      ].join('\n'),
    )
    expect(problems).toEqual([
      expect.stringMatching(/^1 boundaries\/dependencies: checks judge the Topology model/),
      expect.stringMatching(
        /^2 boundaries\/dependencies: checks are pure functions of the Topology: no Node built-ins/,
      ),
    ])
  })

  it('keeps AWS out of commands: no SDK, no session or adapters', async () => {
    const problems = await lint(
      'src/commands/fixture-aws.ts',
      [
        "import {STSClient} from '@aws-sdk/client-sts'",
        "import {AwsSession} from '../lib/aws/session.js'",
        "const {StsAdapter} = await import('../lib/aws/sts.js')",
        'export const calls = [STSClient, AwsSession, StsAdapter]',
        '',
      ].join('\n'),
    )
    expect(problems).toEqual([
      expect.stringMatching(/^1 boundaries\/dependencies: only src\/lib\/aws talks to the AWS SDK/),
      expect.stringMatching(/^2 boundaries\/dependencies: commands make no AWS calls/),
      expect.stringMatching(/^3 boundaries\/dependencies: commands make no AWS calls/),
    ])
  })

  it('keeps the sandbox beside the stack', async () => {
    expect(await lint('src/lib/sandbox/fixture.ts', "export {DrctlError} from '../core/errors.js'\n")).toEqual([
      '1 boundaries/dependencies: There is no policy allowing dependencies from elements of type "sandbox" to elements of type "core"',
    ])
    expect(await lint('src/lib/runbooks/fixture.ts', "export {resetSandbox} from '../sandbox/index.js'\n")).toEqual([
      '1 boundaries/dependencies: There is no policy allowing dependencies from elements of type "runbooks" to elements of type "sandbox"',
    ])
    expect(
      await lint('src/commands/fixture.ts', "export {resetSandbox} from '../lib/sandbox/index.js'\n"),
    ).toHaveLength(1)
    expect(
      await lint('src/commands/sandbox/fixture.ts', "export {resetSandbox} from '../../lib/sandbox/index.js'\n"),
    ).toEqual([])
    expect(await lint('src/lib/cli/fixture.ts', "export {resetSandbox} from '../sandbox/index.js'\n")).toEqual([])
  })

  it('library code never prints; cli/ does', async () => {
    const printing = 'export function report(text: string) {\n  process.stderr.write(text)\n  console.log(text)\n}\n'
    expect(await lint('src/lib/runbook/fixture-print.ts', printing)).toEqual([
      expect.stringMatching(/^2 no-restricted-properties: 'process.stderr' is restricted .*library code never prints/),
      '3 no-console: Unexpected console statement.',
    ])
    expect(await lint('src/commands/fixture-print.ts', printing)).toEqual([
      expect.stringMatching(/^2 no-restricted-syntax: commands print through BaseCommand/),
      '3 no-console: Unexpected console statement.',
    ])
    expect(
      await lint('src/lib/cli/fixture-print.ts', 'export const write = (text: string) => process.stderr.write(text)\n'),
    ).toEqual([])
  })

  it('a file outside the known layers is reported', async () => {
    expect(await lint('src/lib/elsewhere/fixture.ts', 'export const answer = 42\n')).toEqual([
      expect.stringMatching(/^1 boundaries\/no-unknown-files:/),
    ])
  })

  it('passes a clean file: down the layers, the Topology model, types of the AWS ports', async () => {
    const checks = [
      "import type {Topology} from '../topology/views.js'",
      "import {formatDuration} from '../core/clock.js'",
      "import type {DrctlConfig} from '../config/schema.js'",
      'export const describe = (topology: Topology, config: DrctlConfig) => `${config.name} ${formatDuration(1)} ${topology.observedAt}`',
      '',
    ].join('\n')
    expect(await lint('src/lib/checks/fixture-clean.ts', checks)).toEqual([])
    const command = [
      "import type {AwsPorts} from '../lib/aws/ports.js'",
      "import {BaseCommand} from '../lib/cli/base-command.js'",
      "import {planFailover} from '../lib/runbooks/failover.js'",
      'export const parts = [BaseCommand, planFailover]',
      'export type Ports = AwsPorts',
      '',
    ].join('\n')
    expect(await lint('src/commands/fixture-clean.ts', command)).toEqual([])
  })
})
