import {ApiError} from '../../errors.js'
import {regionDown} from '../../faults.js'
import type {World} from '../../world.js'

/** Global Accelerator in the world: accelerators, each with its listeners and their endpoint groups (one per Region). */
export interface GlobalAcceleratorState {
  accelerators: AcceleratorRecord[]
}

export interface AcceleratorRecord {
  arn: string
  name: string
  enabled: boolean
  dnsName: string
  ipAddresses: string[]
  createdAt: number
  lastModifiedAt: number
  /** IN_PROGRESS until then (a change is spreading to the edge), DEPLOYED from then on. */
  deployedAt: number
  listeners: ListenerRecord[]
}

export interface ListenerRecord {
  arn: string
  protocol: 'TCP' | 'UDP'
  portRanges: {fromPort: number; toPort: number}[]
  clientAffinity: 'NONE' | 'SOURCE_IP'
  endpointGroups: EndpointGroupRecord[]
}

export interface EndpointGroupRecord {
  arn: string
  region: string
  trafficDialPercentage: number
  healthCheckPort: number
  healthCheckProtocol: 'TCP' | 'HTTP' | 'HTTPS'
  healthCheckPath?: string
  healthCheckIntervalSeconds: number
  thresholdCount: number
  portOverrides: {listenerPort: number; endpointPort: number}[]
  endpoints: EndpointRecord[]
}

export interface EndpointRecord {
  /** A load balancer ARN, an Elastic IP allocation id or an instance id. */
  id: string
  weight: number
  clientIpPreservationEnabled: boolean
  /** Health checks pass from then on (INITIAL before). */
  healthyFrom: number
}

export const GA_CONTROL_PLANE_REGION = 'us-west-2'

const acceleratorNotFound = (arn: string) =>
  new ApiError('AcceleratorNotFoundException', `The accelerator ${arn} was not found.`)
const listenerNotFound = (arn: string) =>
  new ApiError('ListenerNotFoundException', `The listener ${arn} was not found.`)
const endpointGroupNotFound = (arn: string) =>
  new ApiError('EndpointGroupNotFoundException', `The endpoint group ${arn} was not found.`)
export const invalidArgument = (message: string) => new ApiError('InvalidArgumentException', message)

export function findAccelerator(world: World, arn: string): AcceleratorRecord {
  const found = world.globalaccelerator.accelerators.find((accelerator) => accelerator.arn === arn)
  if (!found) throw acceleratorNotFound(arn)
  return found
}

export function findListener(world: World, arn: string): {accelerator: AcceleratorRecord; listener: ListenerRecord} {
  for (const accelerator of world.globalaccelerator.accelerators) {
    const listener = accelerator.listeners.find((candidate) => candidate.arn === arn)
    if (listener) return {accelerator, listener}
  }
  throw listenerNotFound(arn)
}

export function findEndpointGroup(
  world: World,
  arn: string,
): {accelerator: AcceleratorRecord; listener: ListenerRecord; group: EndpointGroupRecord} {
  for (const accelerator of world.globalaccelerator.accelerators) {
    for (const listener of accelerator.listeners) {
      const group = listener.endpointGroups.find((candidate) => candidate.arn === arn)
      if (group) return {accelerator, listener, group}
    }
  }
  throw endpointGroupNotFound(arn)
}

export function acceleratorStatus(accelerator: AcceleratorRecord, now: number): 'IN_PROGRESS' | 'DEPLOYED' {
  return now < accelerator.deployedAt ? 'IN_PROGRESS' : 'DEPLOYED'
}

/** Health as Global Accelerator's checks see it: an endpoint in a Region that is down fails them. */
export function endpointHealth(
  world: World,
  group: EndpointGroupRecord,
  endpoint: EndpointRecord,
  now: number,
): {state: 'INITIAL' | 'HEALTHY' | 'UNHEALTHY'; reason?: string} {
  if (regionDown(world, group.region)) return {state: 'UNHEALTHY', reason: 'Timeout'}
  return now < endpoint.healthyFrom ? {state: 'INITIAL', reason: 'ProvisioningInProgress'} : {state: 'HEALTHY'}
}
