import {describe, expect, it} from 'vitest'

import {closest, editDistance} from '../../../src/lib/config/suggest.js'

describe('did you mean', () => {
  it('counts edits without regard to case', () => {
    expect(editDistance('regoins', 'regions')).toBe(2)
    expect(editDistance('Tables', 'tables')).toBe(0)
  })

  it('suggests a candidate within two edits, or a quarter of a long word', () => {
    expect(closest('tabels', ['tables', 'regions'])).toBe('tables')
    expect(closest('cross-region-conectivty', ['cross-region-connectivity'])).toBe('cross-region-connectivity')
    expect(closest('xyz', ['tables'])).toBeUndefined()
    expect(closest('orders-glbal', ['orders-global', 'carts-global'])).toBe('orders-global')
    // 12 letters, 4 edits away: a different word, not a typo.
    expect(editDistance('orxers-gxoxl', 'orders-global')).toBe(4)
    expect(closest('orxers-gxoxl', ['orders-global'])).toBeUndefined()
  })
})
