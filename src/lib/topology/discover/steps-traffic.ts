import {dnsName} from '../../aws/route53.js'
import {CONTROL_PLANE_REGIONS} from '../../aws/control-planes.js'
import type {DistributionSummary, RecordSet} from '../../aws/ports.js'
import type {GlobalMember} from './databases.js'
import {type DiscoverContext, type Finding, unreadableFinding} from './findings.js'

// Traffic steps: DNS records, CloudFront origins and Global Accelerator dials that point at one Region and have a
// counterpart in every other, so that drctl knows what to point where when writes move.

/** An application step as drctl.yaml writes it (validated with the file), and the row saying how it was found. */
export interface DiscoveredStep {
  step: Record<string, unknown> & {kind: string}
  finding: Finding
  /** The step id's stem: made unique among the steps found. */
  name: string
}

export interface StepsFound {
  steps: DiscoveredStep[]
  skipped: Finding[]
}

/** A row of the findings table in the steps section. */
export const row = (kind: string, name: string, regions: string[], detail: string): Finding => ({
  section: 'steps',
  kind,
  name,
  regions,
  detail,
})

/** The topology Region a DNS name is in, by the Region name AWS puts in its endpoints (`….us-east-1.…`). */
function regionOfDomain(domain: string, regions: string[]): string | undefined {
  const dotted = `.${dnsName(domain)}.`
  return regions.find((region) => dotted.includes(`.${region}.`))
}

const targetOf = (record: RecordSet) => record.alias?.dnsName ?? record.values[0] ?? ''

/**
 * Route 53 records: a simple CNAME whose value is the writer endpoint of a global cluster's member (the step points it
 * at each Region's member), and weighted records with one record per Region. Failover records are Route 53's to move.
 */
export async function discoverDnsSteps(context: DiscoverContext, members: GlobalMember[]): Promise<StepsFound> {
  const {aws, reader, regions} = context
  const found: StepsFound = {steps: [], skipped: []}
  const region = CONTROL_PLANE_REGIONS.route53
  const zones = await reader.readControlPlane('route53', region, () => aws.route53().listHostedZones())
  if (!zones.ok) return {steps: [], skipped: [unreadableFinding('steps', 'Route 53 records', [], zones.error)]}
  const byEndpoint = new Map(members.flatMap((member) => (member.endpoint ? [[dnsName(member.endpoint), member]] : [])))
  const reads = await Promise.all(
    zones.value.map(async (zone) => ({
      zone,
      read: await reader.readControlPlane('route53', region, () => aws.route53().listZoneRecordSets(zone.id)),
    })),
  )
  for (const {zone, read} of reads) {
    if (!read.ok) {
      found.skipped.push({...unreadableFinding('steps', 'Route 53 records', [], read.error), name: zone.name})
      continue
    }
    const routed = new Map<string, RecordSet[]>()
    for (const record of read.value) {
      if (record.setIdentifier !== undefined) {
        const key = `${dnsName(record.name)} ${record.type}`
        routed.set(key, [...(routed.get(key) ?? []), record])
        continue
      }
      const member = record.type === 'CNAME' ? byEndpoint.get(dnsName(record.values[0] ?? '')) : undefined
      if (!member) continue
      const ofGlobal = members.filter((candidate) => candidate.globalCluster === member.globalCluster)
      const absent = regions.filter(
        (candidate) => !ofGlobal.some((other) => other.region === candidate && other.endpoint),
      )
      const name = dnsName(record.name)
      if (absent.length > 0) {
        found.skipped.push(
          row(
            'Route 53 record',
            name,
            [member.region],
            `no ${member.globalCluster} endpoint known in ${absent.join(', ')}`,
          ),
        )
        continue
      }
      found.steps.push(
        recordStep(
          zone.id,
          name,
          {
            type: 'CNAME',
            ttl: record.ttl ?? 60,
            regions: Object.fromEntries(
              regions.map((target) => [target, {value: ofGlobal.find((other) => other.region === target)!.endpoint}]),
            ),
          },
          [member.region],
          `CNAME to the ${member.globalCluster} writer endpoint: follows the writer`,
        ),
      )
    }
    for (const records of routed.values()) {
      const name = dnsName(records[0]!.name)
      const inRegion = records.map((record) => ({record, region: regionOfDomain(targetOf(record), regions)}))
      const covered = regions.filter((target) => inRegion.filter((entry) => entry.region === target).length === 1)
      if (records.some((record) => record.failover)) {
        if (covered.length > 0) {
          found.skipped.push(
            row('Route 53 record', name, covered, 'failover routing: Route 53 health checks move it, not drctl'),
          )
        }
        continue
      }
      if (records.some((record) => record.weight === undefined) || covered.length === 0) continue
      if (covered.length < regions.length) {
        const missing = regions.filter((target) => !covered.includes(target))
        found.skipped.push(
          row('Route 53 record', name, covered, `weighted, but no record points at ${missing.join(', ')}`),
        )
        continue
      }
      found.steps.push(
        recordStep(
          zone.id,
          name,
          {
            type: records[0]!.type,
            routing: 'weighted',
            ...(records[0]!.ttl === undefined ? {} : {ttl: records[0]!.ttl}),
            regions: Object.fromEntries(
              regions.map((target) => {
                const {record} = inRegion.find((entry) => entry.region === target)!
                return [
                  target,
                  {
                    ...(record.alias ? {alias: record.alias} : {value: record.values[0]}),
                    setIdentifier: record.setIdentifier,
                  },
                ]
              }),
            ),
          },
          regions,
          'weighted, one record per Region: the target gets weight 100',
        ),
      )
    }
  }
  return found
}

/** A route53-record step for `name` in the zone, with its findings row over `regions`. */
function recordStep(
  hostedZoneId: string,
  name: string,
  record: Record<string, unknown>,
  regions: string[],
  detail: string,
): DiscoveredStep {
  return {
    name: `dns-${name.split('.')[0]}`,
    step: {kind: 'route53-record', hostedZoneId, name, ...record},
    finding: row('Route 53 record', name, regions, detail),
  }
}

/**
 * CloudFront distributions whose default cache behaviour uses an origin (or origin group) in one Region and that hold
 * an origin in every other Region: the step repoints that origin (the group's primary) at the target's domain.
 */
export async function discoverCloudFrontSteps({aws, reader, regions}: DiscoverContext): Promise<StepsFound> {
  const found: StepsFound = {steps: [], skipped: []}
  const listed = await reader.readControlPlane('cloudfront', CONTROL_PLANE_REGIONS.cloudfront, () =>
    aws.cloudfront().listDistributions(),
  )
  if (!listed.ok)
    return {steps: [], skipped: [unreadableFinding('steps', 'CloudFront distributions', [], listed.error)]}
  for (const distribution of listed.value) {
    const step = cloudFrontStep(distribution, regions)
    if (step && 'missing' in step)
      found.skipped.push(row('CloudFront distribution', distribution.id, step.covered, step.missing))
    else if (step) found.steps.push(step)
  }
  return found
}

function cloudFrontStep(
  distribution: DistributionSummary,
  regions: string[],
): DiscoveredStep | {missing: string; covered: string[]} | undefined {
  const group = distribution.originGroups.find((candidate) => candidate.id === distribution.defaultOriginId)
  const usedId = group ? group.members[0] : distribution.defaultOriginId
  const used = distribution.origins.find((origin) => origin.id === usedId)
  const usedRegion = used && regionOfDomain(used.domainName, regions)
  if (!used || !usedRegion) return undefined
  const byRegion = new Map<string, (typeof distribution.origins)[number]>()
  for (const origin of distribution.origins) {
    const region = regionOfDomain(origin.domainName, regions)
    if (region && (!byRegion.has(region) || origin === used)) byRegion.set(region, origin)
  }
  const missing = regions.filter((region) => !byRegion.has(region))
  if (missing.length > 0) {
    return {
      covered: [...byRegion.keys()],
      missing: `no origin in ${missing.join(', ')}: its domain is not known (add a cloudfront-origin step by hand)`,
    }
  }
  const target = group ? {originGroupId: group.id} : {originId: used.id}
  return {
    name: `cloudfront-${group?.id ?? used.id}`,
    step: {
      kind: 'cloudfront-origin',
      distributionId: distribution.id,
      ...target,
      regions: Object.fromEntries(
        regions.map((region) => {
          const origin = byRegion.get(region)!
          return [region, {domain: origin.domainName, ...(origin.originPath ? {originPath: origin.originPath} : {})}]
        }),
      ),
    },
    finding: {
      section: 'steps',
      kind: 'CloudFront distribution',
      name: distribution.comment ? `${distribution.id} (${distribution.comment})` : distribution.id,
      regions,
      detail: `${group ? `origin group ${group.id}` : `origin ${used.id}`} in ${usedRegion}; an origin in every Region`,
    },
  }
}

/** Global Accelerator listeners with an endpoint group in every Region: the step turns the target's dial to 100. */
export async function discoverAcceleratorSteps({aws, reader, regions}: DiscoverContext): Promise<StepsFound> {
  const found: StepsFound = {steps: [], skipped: []}
  const region = CONTROL_PLANE_REGIONS.globalaccelerator
  const listed = await reader.readControlPlane('globalaccelerator', region, () =>
    aws.globalAccelerator().listAccelerators(),
  )
  if (!listed.ok) return {steps: [], skipped: [unreadableFinding('steps', 'Global Accelerator', [], listed.error)]}
  for (const accelerator of listed.value) {
    const read = await reader.readControlPlane('globalaccelerator', region, () =>
      aws.globalAccelerator().listEndpointGroups(accelerator.arn),
    )
    if (!read.ok) {
      found.skipped.push({...unreadableFinding('steps', 'Global Accelerator', [], read.error), name: accelerator.name})
      continue
    }
    const listeners = read.value.filter(({groups}) => groups.some((group) => regions.includes(group.region)))
    for (const [index, {groups}] of listeners.entries()) {
      const covered = regions.filter((target) => groups.some((group) => group.region === target))
      if (covered.length < regions.length) {
        const missing = regions.filter((target) => !covered.includes(target))
        found.skipped.push(
          row('Global Accelerator', accelerator.name, covered, `no endpoint group in ${missing.join(', ')}`),
        )
        continue
      }
      found.steps.push({
        name: `dials-${accelerator.name}${listeners.length > 1 ? `-${index + 1}` : ''}`,
        step: {
          kind: 'global-accelerator-dial',
          acceleratorArn: accelerator.arn,
          regions: Object.fromEntries(
            regions.map((target) => [target, {endpointGroupArn: groups.find((group) => group.region === target)!.arn}]),
          ),
        },
        finding: row(
          'Global Accelerator',
          accelerator.name,
          regions,
          'an endpoint group per Region: the target’s dial goes to 100',
        ),
      })
    }
  }
  return found
}
