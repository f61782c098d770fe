import type {ArcEndpoint} from './ports.js'

/** What this run has seen of an ARC cluster endpoint: it answered last time, it failed or hung, or not tried yet. */
export type EndpointStanding = 'answered' | 'untried' | 'failed'

const rank: Record<EndpointStanding, number> = {answered: 0, untried: 1, failed: 2}

/**
 * The ARC cluster endpoints' standing for the rest of a run, shared by every data-plane port of one session: a dead
 * endpoint costs its delay once, not on every read and write. Only the latest outcome counts, so an endpoint that
 * failed and then answered (back from maintenance) is trusted again.
 */
export class ArcEndpointHealth {
  private readonly latest = new Map<string, Exclude<EndpointStanding, 'untried'>>()

  answered(endpoint: ArcEndpoint): void {
    this.latest.set(keyOf(endpoint), 'answered')
  }

  failed(endpoint: ArcEndpoint): void {
    this.latest.set(keyOf(endpoint), 'failed')
  }

  standing(endpoint: ArcEndpoint): EndpointStanding {
    return this.latest.get(keyOf(endpoint)) ?? 'untried'
  }

  /**
   * `order` rearranged by standing: known-dead endpoints last whatever else holds (still tried, they may have
   * recovered); before them endpoints outside `avoidRegions`, then those inside; within each group, one that answered
   * before an untried one. Ties keep `order`.
   */
  arrange(order: ArcEndpoint[], avoidRegions: string[]): ArcEndpoint[] {
    const avoided = new Set(avoidRegions)
    const key = (endpoint: ArcEndpoint) => {
      const standing = this.standing(endpoint)
      return [standing === 'failed' ? 1 : 0, avoided.has(endpoint.region) ? 1 : 0, rank[standing]]
    }
    return order
      .map((endpoint, position) => ({endpoint, key: [...key(endpoint), position]}))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map(({endpoint}) => endpoint)
  }
}

const keyOf = (endpoint: ArcEndpoint) => `${endpoint.region} ${endpoint.url}`

function compareKeys(a: number[], b: number[]): number {
  for (let index = 0; index < a.length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}
