import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseEnvelope, repoRoot, runCli} from '../helpers/cli.js'
import {sandboxHome} from '../helpers/e2e.js'

/** The README's quick start: every `./bin/run.js` line of the section, in order, and the Region it says it ends in. */
function readmeQuickStart(): {commands: string[][]; home: string} {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## Quick start\n')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  const commands = [...section.matchAll(/^\.\/bin\/run\.js (.+)$/gm)].map((match) =>
    (match[1] as string).replace(/#.*$/, '').trim().split(/\s+/),
  )
  const home = /writes and traffic in \*\*([a-z0-9-]+)\*\*/.exec(section)?.[1]
  if (start < 0 || commands.length === 0 || !home) throw new Error('README.md has no quick start this test can read')
  return {commands, home}
}

describe('the README quick start', () => {
  const {commands, home: region} = readmeQuickStart()
  const sandbox = {home: '', cleanup: () => {}}

  // The world the quick start's first command would create, made ahead at a test time scale: the commands are the
  // README's own, without DRCTL_SANDBOX in the environment (each says --sandbox where it needs it).
  beforeAll(async () => Object.assign(sandbox, await sandboxHome()))
  afterAll(() => sandbox.cleanup())

  it('is a rehearsal that moves writes and traffic and comes home', () => {
    const commandLines = commands.map((args) => args.join(' '))
    expect(commandLines).toContainEqual(expect.stringMatching(/^failover --sandbox --unplanned /))
    expect(commandLines).toContainEqual(expect.stringMatching(/^fallback --sandbox --switch-back/))
  })

  it('runs command after command, each one succeeding', () => {
    for (const args of commands) {
      const result = runCli(args, {home: sandbox.home})
      expect(result.status, `./bin/run.js ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0)
    }
  })

  it('ends where it says: every global cluster writes there and only its routing control is On', () => {
    const status = runCli(['status', '--sandbox', '--json'], {home: sandbox.home})
    expect(status.status, status.stderr).toBe(0)
    const {aurora, routing} = parseEnvelope(status.stdout).result
    expect(aurora.length).toBeGreaterThan(0)
    for (const view of aurora) expect(view, view.globalCluster).toMatchObject({writerRegion: region})
    expect(routing.controls.filter((control: {state: string}) => control.state === 'On')).toEqual([
      expect.objectContaining({region}),
    ])
  })
})
