import type {DiscoveredSection} from '../../config/discovered.js'
import type {AwsPorts} from '../../aws/ports.js'
import type {RegionReader} from '../region-reader.js'
import type {Unreadable} from '../views.js'

/** One row of what discovery found, or skipped and why. */
export interface Finding {
  section: DiscoveredSection | 'account'
  kind: string
  name: string
  /** The topology Regions it is in (none for global things such as an ARC cluster). */
  regions: string[]
  /** Found: how it was recognised or what it holds; skipped: why it was left out. */
  detail: string
  /** The IAM action AWS refused, when that is why it was skipped. */
  missingAction?: string
}

/** A resource discovered in one Region: what FIS templates may target and what tells its CloudFormation stack. */
export interface DiscoveredResource {
  arn: string
  region: string
  name: string
  /** Its FIS target resource type (`aws:rds:cluster`, `aws:dynamodb:global-table`). */
  type: string
  /** `undefined` when its tags were not read. */
  tags?: Record<string, string>
}

/** What one section's discovery gives. */
export interface SectionResult {
  found: Finding[]
  skipped: Finding[]
  /** One line per finding, written above the section in drctl.yaml. */
  notes: string[]
  /** Regions outside the topology's that hold members of what was found. */
  elsewhere?: string[]
}

/** What every section's discovery gets. */
export interface DiscoverContext {
  aws: AwsPorts
  reader: RegionReader
  regions: string[]
  /** Whether the tags of resources are needed (for the stacks section). */
  readTags: boolean
}

/** A row for something that could not be read: the missing IAM action when access was denied. */
export function unreadableFinding(
  section: DiscoveredSection,
  kind: string,
  regions: string[],
  error: Unreadable,
): Finding {
  return {
    section,
    kind,
    name: '—',
    regions,
    detail: error.action ? `no access: ${error.action}` : error.message,
    ...(error.action ? {missingAction: error.action} : {}),
  }
}

/** Topology Regions first, in their order; others after. */
export function inRegionOrder(regions: string[], listed: Iterable<string>): string[] {
  const unique = [...new Set(listed)]
  return [
    ...regions.filter((region) => unique.includes(region)),
    ...unique.filter((region) => !regions.includes(region)),
  ]
}

/** Tags a person chose (not AWS's `aws:` ones, not the per-resource Name). */
export function chosenTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith('aws:') && key !== 'Name'))
}

/**
 * `task` in every Region of the discovery at once: the answers of the Regions that gave one; each Region that did
 * not is a skipped row (`kind` in `section`) pushed onto `skipped`.
 */
export async function readEveryRegion<T>(
  {reader, regions}: Pick<DiscoverContext, 'reader' | 'regions'>,
  service: string,
  task: (region: string) => Promise<T>,
  unreadable: {section: DiscoveredSection; kind: string; skipped: Finding[]},
): Promise<{region: string; value: T}[]> {
  const reads = await Promise.all(
    regions.map(async (region) => ({region, read: await reader.read(service, region, () => task(region))})),
  )
  const answers: {region: string; value: T}[] = []
  for (const {region, read} of reads) {
    if (read.ok) answers.push({region, value: read.value})
    else unreadable.skipped.push(unreadableFinding(unreadable.section, unreadable.kind, [region], read.error))
  }
  return answers
}
