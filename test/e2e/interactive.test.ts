import {spawn, spawnSync} from 'node:child_process'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {binRun, cliEnv} from '../helpers/cli.js'
import {callCount, callsSince, drctl, json, sandboxHome} from '../helpers/e2e.js'

/** util-linux `script` gives the CLI a pseudo-terminal, so the interactive prompts can be answered. */
const hasScript = spawnSync('script', ['--version']).status === 0

function inTerminal(home: string, args: string[], answer: string): Promise<{status: number | null; output: string}> {
  const command = [process.execPath, binRun, ...args].map((part) => `'${part}'`).join(' ')
  const child = spawn('script', ['-qec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
    env: cliEnv(home, {DRCTL_SANDBOX: '1', TERM: 'xterm'}),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let answered = false
  child.stdout.on('data', (chunk) => {
    output += String(chunk)
    // Answer once the prompt is on screen.
    if (!answered && /confirm|\(y\/N\)/.test(output)) {
      answered = true
      child.stdin.write(answer)
    }
  })
  return new Promise((resolve) => child.on('close', (status) => resolve({status, output})))
}

describe.skipIf(!hasScript)('confirmations on a terminal', () => {
  let sandbox: ReturnType<typeof sandboxHome>
  beforeAll(() => {
    sandbox = sandboxHome()
  })
  afterAll(() => sandbox.cleanup())

  it('an unplanned failover needs the target Region typed: a wrong answer changes nothing (exit 4)', async () => {
    const before = await callCount(sandbox.home)
    const result = await inTerminal(sandbox.home, ['failover', '--unplanned', '--to', 'us-west-2'], 'us-east-1\r')
    expect(result.status).toBe(4)
    expect(result.output).toContain('DATA LOSS')
    expect(result.output).toContain('Type us-west-2 to confirm')
    expect(result.output).toContain('confirmation did not match "us-west-2"; nothing was changed')
    expect((await callsSince(sandbox.home, before)).filter((call) => call.mutating)).toEqual([])
  })

  it('the right answer runs it', async () => {
    const result = await inTerminal(sandbox.home, ['failover', '--unplanned', '--to', 'us-west-2'], 'us-west-2\r')
    expect(result.status).toBe(0)
    expect(result.output).toContain('completed')
    expect(json(drctl(sandbox.home, ['status', '--json'])).result.aurora[0].writerRegion).toBe('us-west-2')
  })

  it('a planned failover asks yes/no and a "no" changes nothing', async () => {
    const before = await callCount(sandbox.home)
    const result = await inTerminal(sandbox.home, ['failover', '--planned', '--to', 'us-east-1'], 'n\r')
    expect(result.status).toBe(4)
    expect(result.output).toContain('not confirmed; nothing was changed')
    expect((await callsSince(sandbox.home, before)).filter((call) => call.mutating)).toEqual([])
  })
})
