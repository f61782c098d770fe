// Names the sandbox's scenarios give their resources.

/** The topology every scenario builds, and the prefix of its resources' names. */
export const TOPOLOGY_NAME = 'retail'

const DIRECTION_LETTERS: Record<string, string> = {northeast: 'ne', southeast: 'se', northwest: 'nw', southwest: 'sw'}

/** A Region's short form in resource names: us-east-1 → use1, ap-southeast-2 → apse2. */
export function regionSuffix(region: string): string {
  const [area, ...rest] = region.split('-')
  const number = rest.pop() ?? ''
  return `${area}${rest.map((word) => DIRECTION_LETTERS[word] ?? word[0]).join('')}${number}`
}
