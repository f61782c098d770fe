import {SandboxError} from '../../errors.js'
import {hexId, uuidFrom} from '../../ids.js'
import {REGION_PATTERN, type World} from '../../world.js'
import type {AcceleratorRecord, EndpointGroupRecord} from './records.js'

export interface EndpointGroupSeed {
  region: string
  /** Default 100 (the API's default: the group takes all of its Region's traffic). */
  trafficDialPercentage?: number
  /** Load balancer ARNs, Elastic IP allocation ids or instance ids, with their weights (default 128). */
  endpoints: {id: string; weight?: number; clientIpPreservationEnabled?: boolean}[]
}

export interface AcceleratorSeed {
  name: string
  /** The listener's protocol and ports (default TCP 443). */
  listener?: {protocol?: 'TCP' | 'UDP'; portRanges?: {fromPort: number; toPort: number}[]}
  /** One per Region. */
  endpointGroups: EndpointGroupSeed[]
}

/** What drctl.yaml names: the accelerator's ARN and each Region's endpoint group ARN. */
export interface SeededAccelerator {
  arn: string
  dnsName: string
  listenerArn: string
  endpointGroupArns: Record<string, string>
}

function bad(message: string): SandboxError {
  return new SandboxError('bad-argument', message)
}

function checkSeed(seed: AcceleratorSeed): void {
  const regions = seed.endpointGroups.map((group) => group.region)
  for (const group of seed.endpointGroups) {
    if (!REGION_PATTERN.test(group.region)) throw bad(`accelerator ${seed.name}: ${group.region} is not a Region`)
    const dial = group.trafficDialPercentage ?? 100
    if (dial < 0 || dial > 100) throw bad(`accelerator ${seed.name}: the dial of ${group.region} must be 0 to 100`)
    if (group.endpoints.some((endpoint) => endpoint.id === '')) {
      throw bad(`accelerator ${seed.name}: an endpoint of ${group.region} has no id`)
    }
  }
  const repeated = regions.find((region, index) => regions.indexOf(region) !== index)
  if (repeated !== undefined) throw bad(`accelerator ${seed.name} has two endpoint groups in ${repeated}`)
}

/** Adds a deployed accelerator with one listener and an endpoint group per Region; returns the ARNs to configure. */
export function seedAccelerator(world: World, seed: AcceleratorSeed, now: number): SeededAccelerator {
  checkSeed(seed)
  const base = `${world.account}:accelerator:${seed.name}`
  const arn = `arn:aws:globalaccelerator::${world.account}:accelerator/${uuidFrom(base)}`
  if (world.globalaccelerator.accelerators.some((accelerator) => accelerator.arn === arn)) {
    throw bad(`the world already has an accelerator named ${seed.name}`)
  }
  const listenerArn = `${arn}/listener/${hexId(`${base}:listener`, 8)}`
  const groups = seed.endpointGroups.map((group): EndpointGroupRecord => ({
    arn: `${listenerArn}/endpoint-group/${hexId(`${base}:group:${group.region}`, 12)}`,
    region: group.region,
    trafficDialPercentage: group.trafficDialPercentage ?? 100,
    healthCheckPort: 443,
    healthCheckProtocol: 'TCP',
    healthCheckIntervalSeconds: 30,
    thresholdCount: 3,
    portOverrides: [],
    endpoints: group.endpoints.map((endpoint) => ({
      id: endpoint.id,
      weight: endpoint.weight ?? 128,
      clientIpPreservationEnabled: endpoint.clientIpPreservationEnabled ?? false,
      healthyFrom: now,
    })),
  }))
  const octet = (label: string) => Number.parseInt(hexId(`${base}:${label}`, 2), 16)
  const accelerator: AcceleratorRecord = {
    arn,
    name: seed.name,
    enabled: true,
    dnsName: `a${hexId(`${base}:dns`, 16)}.awsglobalaccelerator.com`,
    ipAddresses: [`75.2.${octet('ip1a')}.${octet('ip1b')}`, `99.83.${octet('ip2a')}.${octet('ip2b')}`],
    createdAt: now,
    lastModifiedAt: now,
    deployedAt: now,
    listeners: [
      {
        arn: listenerArn,
        protocol: seed.listener?.protocol ?? 'TCP',
        portRanges: seed.listener?.portRanges ?? [{fromPort: 443, toPort: 443}],
        clientAffinity: 'NONE',
        endpointGroups: groups,
      },
    ],
  }
  world.globalaccelerator.accelerators.push(accelerator)
  return {
    arn,
    dnsName: accelerator.dnsName,
    listenerArn,
    endpointGroupArns: Object.fromEntries(groups.map((group) => [group.region, group.arn])),
  }
}
