import {describe, expect, it} from 'vitest'

import {allPages, type Page} from '../../../src/lib/aws/pages.js'

/** A listing that answers these pages in turn, and the token it was asked with each time. */
function listing<T, Token>(pages: Page<T, Token>[]) {
  const asked: (Token | undefined)[] = []
  const fetch = async (token: Token | undefined) => {
    asked.push(token)
    const page = pages[asked.length - 1]
    if (!page) throw new Error(`page ${asked.length} was not expected`)
    return page
  }
  return {asked, fetch}
}

describe('allPages', () => {
  it('asks for the first page without a token, then with each page’s token, keeping the items in order', async () => {
    const {asked, fetch} = listing([
      {items: ['a', 'b'], next: 't2'},
      {items: [], next: 't3'},
      {items: ['c'], next: undefined},
    ])
    expect(await allPages(fetch)).toEqual(['a', 'b', 'c'])
    expect(asked).toEqual([undefined, 't2', 't3'])
  })

  it('asks once when the first page has no token', async () => {
    const {asked, fetch} = listing([{items: [1]}])
    expect(await allPages(fetch)).toEqual([1])
    expect(asked).toEqual([undefined])
  })

  it('takes an empty token as the last page', async () => {
    const {asked, fetch} = listing([{items: ['a'], next: ''}])
    expect(await allPages(fetch)).toEqual(['a'])
    expect(asked).toEqual([undefined])
  })

  it('passes a token that is not a string back as it came', async () => {
    const key = {pk: {S: 'run#1'}}
    const {asked, fetch} = listing<string, typeof key>([{items: ['a'], next: key}, {items: ['b']}])
    expect(await allPages(fetch)).toEqual(['a', 'b'])
    expect(asked[1]).toBe(key)
  })

  it('fails with a later page’s failure, asking for no page after it', async () => {
    const {asked, fetch} = listing([{items: ['a'], next: 't2'}])
    await expect(allPages(fetch)).rejects.toThrow('page 2 was not expected')
    expect(asked).toEqual([undefined, 't2'])
  })
})
