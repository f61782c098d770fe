/** One page of a listing: its items, and what asks for the next page (absent on the last one). */
export interface Page<T, Token> {
  items: T[]
  next?: Token
}

/**
 * Every item of a paged listing, in order: the first page is asked for without a token, each next one with the token
 * of the page before, until a page has none (an empty string counts as none).
 */
export async function allPages<T, Token = string>(
  fetch: (token: Token | undefined) => Promise<Page<T, Token>>,
): Promise<T[]> {
  const items: T[] = []
  let token: Token | undefined
  do {
    const page = await fetch(token)
    items.push(...page.items)
    token = page.next
  } while (token)
  return items
}
