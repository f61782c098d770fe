import {ApiError} from '../../errors.js'
import type {JsonInput, JsonOperation, JsonService} from '../../protocol/aws-json.js'
import {DURATIONS, scaled} from '../../time.js'
import type {World} from '../../world.js'
import {
  asObject,
  epochSeconds,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalString,
  page,
  requiredString,
} from '../context.js'
import {
  type AcceleratorRecord,
  acceleratorStatus,
  type EndpointGroupRecord,
  type EndpointRecord,
  endpointHealth,
  findAccelerator,
  findEndpointGroup,
  findListener,
  GA_CONTROL_PLANE_REGION,
  invalidArgument,
  type ListenerRecord,
} from './records.js'

export {type AcceleratorSeed, type EndpointGroupSeed, seedAccelerator, type SeededAccelerator} from './seed.js'
export {acceleratorStatus, endpointHealth, type GlobalAcceleratorState} from './records.js'

/**
 * AWS Global Accelerator (awsJson1_1, GlobalAccelerator_V20180706; aws-reference-steps §3): accelerators, listeners
 * and endpoint groups with their traffic dials. A change leaves the accelerator IN_PROGRESS for a while, then
 * DEPLOYED. Its control plane answers only in us-west-2; elsewhere there is no endpoint.
 */

const MAX_PAGE = 100
const HEALTH_CHECK_PATH = /^\/[-a-zA-Z0-9@:%_\\+.~#?&/=]*$/

function integerIn(input: JsonInput, name: string, low: number, high: number): number | undefined {
  const value = optionalNumber(input, name, invalidArgument)
  if (value !== undefined && (!Number.isInteger(value) || value < low || value > high)) {
    throw invalidArgument(`${name} must be a whole number from ${low} to ${high}, not ${value}`)
  }
  return value
}

function paged<T>(items: T[], input: JsonInput): {items: T[]; next?: string} {
  const size = integerIn(input, 'MaxResults', 1, MAX_PAGE) ?? MAX_PAGE
  const invalidToken = () => new ApiError('InvalidNextTokenException', 'The NextToken is not valid.')
  return page(items, optionalString(input, 'NextToken', invalidArgument), size, invalidToken)
}

function renderAccelerator(accelerator: AcceleratorRecord, now: number) {
  return {
    AcceleratorArn: accelerator.arn,
    Name: accelerator.name,
    IpAddressType: 'IPV4',
    Enabled: accelerator.enabled,
    IpSets: [{IpFamily: 'IPv4', IpAddresses: accelerator.ipAddresses, IpAddressFamily: 'IPv4'}],
    DnsName: accelerator.dnsName,
    Status: acceleratorStatus(accelerator, now),
    CreatedTime: epochSeconds(accelerator.createdAt),
    LastModifiedTime: epochSeconds(accelerator.lastModifiedAt),
  }
}

function renderListener(listener: ListenerRecord) {
  return {
    ListenerArn: listener.arn,
    PortRanges: listener.portRanges.map((range) => ({FromPort: range.fromPort, ToPort: range.toPort})),
    Protocol: listener.protocol,
    ClientAffinity: listener.clientAffinity,
  }
}

function renderEndpointGroup(world: World, group: EndpointGroupRecord, now: number) {
  return {
    EndpointGroupArn: group.arn,
    EndpointGroupRegion: group.region,
    EndpointDescriptions: group.endpoints.map((endpoint) => {
      const health = endpointHealth(world, group, endpoint, now)
      return {
        EndpointId: endpoint.id,
        Weight: endpoint.weight,
        HealthState: health.state,
        HealthReason: health.reason,
        ClientIPPreservationEnabled: endpoint.clientIpPreservationEnabled,
      }
    }),
    TrafficDialPercentage: group.trafficDialPercentage,
    HealthCheckPort: group.healthCheckPort,
    HealthCheckProtocol: group.healthCheckProtocol,
    HealthCheckPath: group.healthCheckPath,
    HealthCheckIntervalSeconds: group.healthCheckIntervalSeconds,
    ThresholdCount: group.thresholdCount,
    PortOverrides: group.portOverrides.map((override) => ({
      ListenerPort: override.listenerPort,
      EndpointPort: override.endpointPort,
    })),
  }
}

const listAccelerators: JsonOperation = ({world, now}, input) => {
  const result = paged(world.globalaccelerator.accelerators, input)
  return {
    Accelerators: result.items.map((accelerator) => renderAccelerator(accelerator, now)),
    NextToken: result.next,
  }
}

const describeAccelerator: JsonOperation = ({world, now}, input) => {
  const accelerator = findAccelerator(world, requiredString(input, 'AcceleratorArn', invalidArgument))
  return {Accelerator: renderAccelerator(accelerator, now)}
}

const listListeners: JsonOperation = ({world}, input) => {
  const accelerator = findAccelerator(world, requiredString(input, 'AcceleratorArn', invalidArgument))
  const result = paged(accelerator.listeners, input)
  return {Listeners: result.items.map(renderListener), NextToken: result.next}
}

const describeListener: JsonOperation = ({world}, input) => {
  const {listener} = findListener(world, requiredString(input, 'ListenerArn', invalidArgument))
  return {Listener: renderListener(listener)}
}

const listEndpointGroups: JsonOperation = ({world, now}, input) => {
  const {listener} = findListener(world, requiredString(input, 'ListenerArn', invalidArgument))
  const result = paged(listener.endpointGroups, input)
  return {EndpointGroups: result.items.map((group) => renderEndpointGroup(world, group, now)), NextToken: result.next}
}

const describeEndpointGroup: JsonOperation = ({world, now}, input) => {
  const {group} = findEndpointGroup(world, requiredString(input, 'EndpointGroupArn', invalidArgument))
  return {EndpointGroup: renderEndpointGroup(world, group, now)}
}

/** EndpointConfigurations replaces the group's endpoints: those left out are removed (aws-reference-steps §3). */
function endpointsFrom(configurations: unknown[], current: EndpointRecord[], healthyFrom: number): EndpointRecord[] {
  const endpoints = configurations.map((item): EndpointRecord => {
    const configuration = asObject(item)
    const id = requiredString(configuration, 'EndpointId', invalidArgument)
    return {
      id,
      weight: integerIn(configuration, 'Weight', 0, 255) ?? 128,
      clientIpPreservationEnabled:
        optionalBoolean(configuration, 'ClientIPPreservationEnabled', invalidArgument) ?? false,
      healthyFrom: current.find((endpoint) => endpoint.id === id)?.healthyFrom ?? healthyFrom,
    }
  })
  const ids = endpoints.map((endpoint) => endpoint.id)
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index)
  if (repeated !== undefined) throw invalidArgument(`The endpoint ${repeated} is listed more than once.`)
  return endpoints
}

function portOverridesFrom(overrides: unknown[]): EndpointGroupRecord['portOverrides'] {
  return overrides.map((item) => {
    const override = asObject(item)
    const listenerPort = integerIn(override, 'ListenerPort', 1, 65_535)
    const endpointPort = integerIn(override, 'EndpointPort', 1, 65_535)
    if (listenerPort === undefined || endpointPort === undefined) {
      throw invalidArgument('A port override needs ListenerPort and EndpointPort.')
    }
    return {listenerPort, endpointPort}
  })
}

/** Only the members given change; the accelerator is IN_PROGRESS while the change spreads. */
const updateEndpointGroup: JsonOperation = ({world, now}, input) => {
  const {accelerator, group} = findEndpointGroup(world, requiredString(input, 'EndpointGroupArn', invalidArgument))
  const dial = optionalNumber(input, 'TrafficDialPercentage', invalidArgument)
  if (dial !== undefined && (dial < 0 || dial > 100)) {
    throw invalidArgument(`TrafficDialPercentage must be from 0 to 100, not ${dial}`)
  }
  const port = integerIn(input, 'HealthCheckPort', 1, 65_535)
  const protocol = optionalString(input, 'HealthCheckProtocol', invalidArgument)
  if (protocol !== undefined && protocol !== 'TCP' && protocol !== 'HTTP' && protocol !== 'HTTPS') {
    throw invalidArgument(`HealthCheckProtocol must be TCP, HTTP or HTTPS, not ${protocol}`)
  }
  const path = optionalString(input, 'HealthCheckPath', invalidArgument)
  if (path !== undefined && (path.length > 255 || !HEALTH_CHECK_PATH.test(path))) {
    throw invalidArgument(`HealthCheckPath ${path} is not a valid path`)
  }
  const interval = integerIn(input, 'HealthCheckIntervalSeconds', 10, 30)
  if (interval !== undefined && interval !== 10 && interval !== 30) {
    throw invalidArgument(`HealthCheckIntervalSeconds must be 10 or 30, not ${interval}`)
  }
  const threshold = integerIn(input, 'ThresholdCount', 1, 10)
  const configurations = optionalArray(input, 'EndpointConfigurations', invalidArgument)
  const overrides = optionalArray(input, 'PortOverrides', invalidArgument)

  const deployedAt = now + scaled(world, DURATIONS.acceleratorDeploy)
  if (configurations !== undefined) group.endpoints = endpointsFrom(configurations, group.endpoints, deployedAt)
  if (overrides !== undefined) group.portOverrides = portOverridesFrom(overrides)
  if (dial !== undefined) group.trafficDialPercentage = dial
  if (port !== undefined) group.healthCheckPort = port
  if (protocol !== undefined) group.healthCheckProtocol = protocol
  if (path !== undefined) group.healthCheckPath = path
  if (interval !== undefined) group.healthCheckIntervalSeconds = interval
  if (threshold !== undefined) group.thresholdCount = threshold
  accelerator.lastModifiedAt = now
  accelerator.deployedAt = deployedAt
  return {EndpointGroup: renderEndpointGroup(world, group, now)}
}

export const globalAcceleratorService: JsonService = {
  protocol: 'awsJson1_1',
  targetPrefix: 'GlobalAccelerator_V20180706',
  regions: [GA_CONTROL_PLANE_REGION],
  operations: {
    ListAccelerators: listAccelerators,
    DescribeAccelerator: describeAccelerator,
    ListListeners: listListeners,
    DescribeListener: describeListener,
    ListEndpointGroups: listEndpointGroups,
    DescribeEndpointGroup: describeEndpointGroup,
    UpdateEndpointGroup: updateEndpointGroup,
  },
}
