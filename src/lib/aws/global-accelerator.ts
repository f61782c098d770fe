import type * as GlobalAcceleratorSdk from '@aws-sdk/client-global-accelerator'

import {absentIfNotFound} from './errors.js'
import {allPages} from './pages.js'
import type {Accelerator, EndpointGroup, GlobalAcceleratorPort} from './ports.js'
import type {Caller} from './session.js'

type Sdk = typeof GlobalAcceleratorSdk

/**
 * Global Accelerator through its control plane (us-west-2). The SDK is loaded on the first call, so commands that
 * never touch Global Accelerator do not pay for it at start-up.
 */
export class GlobalAcceleratorAdapter implements GlobalAcceleratorPort {
  private loaded?: Promise<{sdk: Sdk; client: GlobalAcceleratorSdk.GlobalAcceleratorClient}>

  constructor(
    private readonly createClient: (sdk: Sdk) => GlobalAcceleratorSdk.GlobalAcceleratorClient,
    private readonly call: Caller,
  ) {}

  private load() {
    this.loaded ??= import('@aws-sdk/client-global-accelerator').then((sdk) => ({
      sdk,
      client: this.createClient(sdk),
    }))
    return this.loaded
  }

  async listAccelerators(): Promise<Accelerator[]> {
    const {sdk, client} = await this.load()
    return allPages(async (token) => {
      const page = await this.call('ListAccelerators', false, (abortSignal) =>
        client.send(new sdk.ListAcceleratorsCommand({NextToken: token}), {abortSignal}),
      )
      return {
        items: (page.Accelerators ?? []).map((accelerator) => acceleratorOf(accelerator, '')),
        next: page.NextToken,
      }
    })
  }

  async listEndpointGroups(acceleratorArn: string): Promise<{listenerArn: string; groups: EndpointGroup[]}[]> {
    const {sdk, client} = await this.load()
    const listeners = await allPages(async (token) => {
      const page = await this.call('ListListeners', false, (abortSignal) =>
        client.send(new sdk.ListListenersCommand({AcceleratorArn: acceleratorArn, NextToken: token}), {abortSignal}),
      )
      return {items: (page.Listeners ?? []).flatMap((listener) => listener.ListenerArn ?? []), next: page.NextToken}
    })
    const result: {listenerArn: string; groups: EndpointGroup[]}[] = []
    for (const listenerArn of listeners) {
      const groups = await allPages(async (groupToken) => {
        const page = await this.call('ListEndpointGroups', false, (abortSignal) =>
          client.send(new sdk.ListEndpointGroupsCommand({ListenerArn: listenerArn, NextToken: groupToken}), {
            abortSignal,
          }),
        )
        return {items: (page.EndpointGroups ?? []).map((group) => endpointGroupOf(group, '')), next: page.NextToken}
      })
      result.push({listenerArn, groups})
    }
    return result
  }

  async describeAccelerator(arn: string): Promise<Accelerator | undefined> {
    const {sdk, client} = await this.load()
    const output = await absentIfNotFound(
      this.call('DescribeAccelerator', false, (abortSignal) =>
        client.send(new sdk.DescribeAcceleratorCommand({AcceleratorArn: arn}), {abortSignal}),
      ),
    )
    return output?.Accelerator ? acceleratorOf(output.Accelerator, arn) : undefined
  }

  async describeEndpointGroup(arn: string): Promise<EndpointGroup | undefined> {
    const {sdk, client} = await this.load()
    const output = await absentIfNotFound(
      this.call('DescribeEndpointGroup', false, (abortSignal) =>
        client.send(new sdk.DescribeEndpointGroupCommand({EndpointGroupArn: arn}), {abortSignal}),
      ),
    )
    return output?.EndpointGroup ? endpointGroupOf(output.EndpointGroup, arn) : undefined
  }

  async setTrafficDial(endpointGroupArn: string, percentage: number) {
    const {sdk, client} = await this.load()
    // EndpointConfigurations left out on purpose: sending it replaces the group's endpoints (aws-reference-steps §3).
    const output = await this.call('UpdateEndpointGroup', true, (abortSignal) =>
      client.send(
        new sdk.UpdateEndpointGroupCommand({EndpointGroupArn: endpointGroupArn, TrafficDialPercentage: percentage}),
        {abortSignal},
      ),
    )
    return {
      requestId: output.$metadata.requestId,
      group: endpointGroupOf(output.EndpointGroup ?? {TrafficDialPercentage: percentage}, endpointGroupArn),
    }
  }
}

function endpointGroupOf(group: GlobalAcceleratorSdk.EndpointGroup, arn: string): EndpointGroup {
  return {
    arn: group.EndpointGroupArn ?? arn,
    region: group.EndpointGroupRegion ?? '',
    // The API's default: a group never given a dial takes all of its Region's traffic.
    trafficDialPercentage: group.TrafficDialPercentage ?? 100,
    endpoints: (group.EndpointDescriptions ?? []).map((endpoint) => ({
      id: endpoint.EndpointId ?? '',
      ...(endpoint.Weight === undefined ? {} : {weight: endpoint.Weight}),
      ...(endpoint.HealthState === undefined ? {} : {healthState: endpoint.HealthState}),
    })),
  }
}

function acceleratorOf(accelerator: GlobalAcceleratorSdk.Accelerator, arn: string): Accelerator {
  return {
    arn: accelerator.AcceleratorArn ?? arn,
    name: accelerator.Name ?? '',
    enabled: accelerator.Enabled ?? false,
    status: accelerator.Status ?? '',
  }
}
