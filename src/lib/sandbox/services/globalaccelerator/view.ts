import type {World} from '../../world.js'
import {acceleratorStatus, endpointHealth} from './records.js'

/** Global Accelerator as `drctl sandbox show` prints it: each accelerator's status and dial per Region. */
export interface GlobalAcceleratorView {
  accelerators: {
    arn: string
    name: string
    status: string
    dnsName: string
    endpointGroups: {
      arn: string
      region: string
      trafficDialPercentage: number
      endpoints: {id: string; weight: number; health: string}[]
    }[]
  }[]
}

export function globalAcceleratorView(world: World, now: number): GlobalAcceleratorView {
  return {
    accelerators: world.globalaccelerator.accelerators.map((accelerator) => ({
      arn: accelerator.arn,
      name: accelerator.name,
      status: acceleratorStatus(accelerator, now),
      dnsName: accelerator.dnsName,
      endpointGroups: accelerator.listeners.flatMap((listener) =>
        listener.endpointGroups.map((group) => ({
          arn: group.arn,
          region: group.region,
          trafficDialPercentage: group.trafficDialPercentage,
          endpoints: group.endpoints.map((endpoint) => ({
            id: endpoint.id,
            weight: endpoint.weight,
            health: endpointHealth(world, group, endpoint, now).state,
          })),
        })),
      ),
    })),
  }
}
