import {describe, expect, it} from 'vitest'

import {errorEnvelope, errorText, toDrctlError, usageError} from '../../../src/lib/cli/error-output.js'
import {createStyle} from '../../../src/lib/cli/style.js'
import {DrctlError} from '../../../src/lib/core/errors.js'

const plain = createStyle(false)
const huge = 'v'.repeat(2 * 1024 * 1024)
const LINE_LIMIT = 1100

describe('error output never explodes', () => {
  const failure = new DrctlError('DRCTL_CONFIG_INVALID', `drctl.yaml is invalid (2 problems): ${huge}`, {
    hints: [`hint ${huge}`],
    details: {
      problems: [
        {path: `stacks.${huge}`, message: 'Region is not listed in regions'},
        {path: 'name', message: `"${huge}" is not a topology name`},
      ],
    },
  })

  it('cuts every line of the human form, saying how long it was', () => {
    const text = errorText(failure, plain)
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(LINE_LIMIT)
    expect(lines[0]).toMatch(
      /^✖ Error: drctl\.yaml is invalid \(2 problems\): v+… \(\d+ characters\) \[DRCTL_CONFIG_INVALID\]$/,
    )
  })

  it('cuts the message, the hints and the problems of the JSON envelope', () => {
    const envelope = errorEnvelope(failure, [])
    const serialized = JSON.stringify(envelope)
    expect(serialized.length).toBeLessThan(5 * LINE_LIMIT)
    expect(envelope).toMatchObject({status: 'error', error: {code: 'DRCTL_CONFIG_INVALID', exit: 2}})
  })

  it('keeps everything else of the failure: code, exit, result', () => {
    const bounded = toDrctlError(new DrctlError('DRCTL_GATE_FAILED', huge, {result: {kind: 'plan'}, hints: ['fix it']}))
    expect(bounded).toMatchObject({code: 'DRCTL_GATE_FAILED', exit: 3, result: {kind: 'plan'}, hints: ['fix it']})
    expect(bounded.message.length).toBeLessThanOrEqual(LINE_LIMIT)
  })

  it('returns a failure that is short enough as it is', () => {
    const short = new DrctlError('DRCTL_USAGE', 'short')
    expect(toDrctlError(short)).toBe(short)
  })

  it('cuts what the parser says about a huge flag or argument', () => {
    const error = Object.assign(new Error(`Nonexistent flag: --${huge}\nSee more help with --help`), {oclif: {exit: 2}})
    const failure = toDrctlError(error)
    expect(failure.code).toBe('DRCTL_USAGE')
    expect(failure.message.length).toBeLessThanOrEqual(LINE_LIMIT)
    expect(usageError(error).message.length).toBeLessThanOrEqual(LINE_LIMIT)
  })
})
