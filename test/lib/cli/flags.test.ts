import {describe, expect, it} from 'vitest'

import {durationFlag} from '../../../src/lib/cli/flags.js'

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
