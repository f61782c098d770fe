/** Levenshtein distance, for "did you mean" on unknown config keys and names. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number
      previous[j] = Math.min(
        above + 1,
        (previous[j - 1] as number) + 1,
        diagonal + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1),
      )
      diagonal = above
    }
  }
  return previous[b.length] as number
}

/** The closest candidate within a typo's reach, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  // Close enough to be a typo: two edits, or a quarter of a long word.
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1
  for (const candidate of candidates) {
    // The lengths alone put it out of reach: skip the distance, which would cost length × length on a huge word.
    if (Math.abs(word.length - candidate.length) >= bestDistance) continue
    const distance = editDistance(word, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}
