import type {AwsPorts, GlobalCluster} from '../aws/ports.js'
import type {StepContext} from '../runbook/types.js'

/** Polls of one Region asked for within this much world time of each other share one listing. */
const SHARED_POLL_WINDOW_MS = 1000

interface Listing {
  startedAt: number
  clusters: Promise<GlobalCluster[]>
}

// Keyed by the session: the parallel steps of one run share it, two runs (or tests) never do.
const listingsBySession = new WeakMap<AwsPorts, Map<string, Listing>>()

/**
 * A global cluster as a wait sees it: every wait polling the same Region at about the same time shares one paged
 * DescribeGlobalClusters, so a switchover of 100 global clusters costs one call per Region per poll, not 100.
 */
export async function pollGlobalCluster(
  ctx: StepContext,
  region: string,
  id: string,
): Promise<GlobalCluster | undefined> {
  let listings = listingsBySession.get(ctx.aws)
  if (!listings) {
    listings = new Map()
    listingsBySession.set(ctx.aws, listings)
  }
  const now = ctx.clock.now()
  let listing = listings.get(region)
  if (!listing || now - listing.startedAt >= SHARED_POLL_WINDOW_MS * ctx.clock.scale) {
    listing = {startedAt: now, clusters: ctx.aws.rds(region).describeGlobalClusters()}
    listings.set(region, listing)
  }
  const clusters = await listing.clusters
  return clusters.find((cluster) => cluster.id.toLowerCase() === id.toLowerCase())
}
