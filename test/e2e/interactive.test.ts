import {describe, expect, it} from 'vitest'

import {callCount, drctl, json, mutatingCalls, useSandbox} from '../helpers/e2e.js'
import {drctlOnTerminal, terminalAvailable} from '../helpers/pty.js'

/** A terminal of 120 columns with TERM=xterm (spinners on); answers once a confirmation prompt is on screen. */
const inTerminal = (home: string, args: string[], answer: string) =>
  drctlOnTerminal(home, args, {prompt: /confirm|\(y\/N\)/, answer, env: {TERM: 'xterm'}, columns: 120})

describe.skipIf(!terminalAvailable)('confirmations on a terminal', () => {
  const sandbox = useSandbox()

  it('an unplanned failover needs the target Region typed: a wrong answer changes nothing (exit 4)', async () => {
    const before = await callCount(sandbox.home)
    const result = await inTerminal(sandbox.home, ['failover', '--unplanned', '--to', 'us-west-2'], 'us-east-1')
    expect(result.status).toBe(4)
    expect(result.stdout).toContain('DATA LOSS')
    expect(result.stdout).toContain('Type us-west-2 to confirm')
    expect(result.stdout).toContain('confirmation did not match "us-west-2"; nothing was changed')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })

  it('the right answer runs it', async () => {
    const result = await inTerminal(sandbox.home, ['failover', '--unplanned', '--to', 'us-west-2'], 'us-west-2')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('completed')
    expect(json(drctl(sandbox.home, ['status', '--json'])).result.aurora[0].writerRegion).toBe('us-west-2')
  })

  it('a planned failover asks yes/no and a "no" changes nothing', async () => {
    const before = await callCount(sandbox.home)
    const result = await inTerminal(sandbox.home, ['failover', '--planned', '--to', 'us-east-1'], 'n')
    expect(result.status).toBe(4)
    expect(result.stdout).toContain('not confirmed; nothing was changed')
    expect(await mutatingCalls(sandbox.home, before)).toEqual([])
  })
})
