import {type DiscoverContext, type DiscoveredResource, type SectionResult, unreadableFinding} from './findings.js'

export interface StacksDiscovery extends SectionResult {
  stacks: Record<string, string[]>
}

/** CloudFormation writes it on every resource it creates that takes tags. */
const STACK_NAME_TAG = 'aws:cloudformation:stack-name'

/**
 * The CloudFormation stacks holding the discovered resources, from their `aws:cloudformation:stack-name` tags, each
 * checked with DescribeStacks in its Region (a deleted stack is left out; one that cannot be read is kept).
 */
export async function discoverStacks(
  {aws, reader, regions}: DiscoverContext,
  resources: DiscoveredResource[],
): Promise<StacksDiscovery> {
  const result: StacksDiscovery = {found: [], skipped: [], notes: [], stacks: {}}
  const holders = new Map<string, {region: string; name: string; holds: Set<string>}>()
  for (const resource of resources) {
    const name = resource.tags?.[STACK_NAME_TAG]
    if (!name || !regions.includes(resource.region)) continue
    const key = `${resource.region}/${name}`
    const holder = holders.get(key) ?? {region: resource.region, name, holds: new Set<string>()}
    holder.holds.add(resource.name)
    holders.set(key, holder)
  }
  const described = await Promise.all(
    [...holders.values()].map(async (holder) => ({
      holder,
      read: await reader.read('cloudformation', holder.region, () =>
        aws.cloudformation(holder.region).describeStack(holder.name),
      ),
    })),
  )
  for (const region of regions) {
    for (const {holder, read} of described.filter((entry) => entry.holder.region === region)) {
      const holds = `holds ${[...holder.holds].join(', ')}`
      const row = {section: 'stacks' as const, kind: 'CloudFormation stack', name: holder.name, regions: [region]}
      if (read.ok && (!read.value || read.value.status === 'DELETE_COMPLETE')) {
        result.skipped.push({
          ...row,
          detail: `named by the tags of ${[...holder.holds].join(', ')}, but it no longer exists`,
        })
        continue
      }
      const detail = read.ok
        ? `${holds} (${read.value!.status})`
        : `${holds}; not checked: ${unreadableFinding('stacks', row.kind, [region], read.error).detail}`
      result.found.push({...row, detail})
      result.notes.push(`${holder.name} (${region}): ${holds}`)
      ;(result.stacks[region] ??= []).push(holder.name)
    }
  }
  return result
}
