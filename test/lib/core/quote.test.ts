import {describe, expect, it} from 'vitest'

import {clipLine, quote} from '../../../src/lib/core/quote.js'

describe('quote', () => {
  it('shows a short value whole, in double quotes', () => {
    expect(quote('us-east-1')).toBe('"us-east-1"')
    expect(quote('')).toBe('""')
    expect(quote(42)).toBe('"42"')
  })

  it('shows the start of a long value and its length, never the whole of it', () => {
    const quoted = quote(`us-east-1${'a'.repeat(102_400 - 9)}`)
    expect(quoted).toMatch(/^"us-east-1a+…" \(102400 characters\)$/)
    expect(quoted.length).toBeLessThan(200)
  })

  it('keeps a value on one line: line breaks and control characters are escaped', () => {
    expect(quote('a\nb\tc')).toBe('"a\\nb\\tc"')
    expect(quote('x'.repeat(10) + '\n'.repeat(100_000))).not.toContain('\n')
  })

  it('does not cut a character in two', () => {
    const quoted = quote('😀'.repeat(1000))
    expect(quoted).not.toMatch(/\\ud83d"/i)
    expect(quoted).toMatch(/^"(😀)+…" \(2000 characters\)$/)
  })
})

describe('clipLine', () => {
  it('leaves an ordinary message alone', () => {
    expect(clipLine('--to "us-wst-2" is not an AWS Region name')).toBe('--to "us-wst-2" is not an AWS Region name')
  })

  it('folds a message onto one line and cuts it at the line limit, saying how long it was', () => {
    const clipped = clipLine(`first\nsecond ${'z'.repeat(2_000_000)}`)
    expect(clipped).not.toContain('\n')
    expect(clipped.length).toBeLessThanOrEqual(1100)
    expect(clipped).toMatch(/^first second z+… \(\d+ characters\)$/)
  })
})
