import type {Deployment, ECSClient, Service} from '@aws-sdk/client-ecs'

import {allPages} from './pages.js'
import type {EcsDeployment, EcsPort, EcsService, EcsServices, Mutation} from './ports.js'
import type {Caller} from './session.js'
import {resourceIdOfArn} from '../core/arn.js'

type EcsSdk = typeof import('@aws-sdk/client-ecs')

/** DescribeServices takes at most this many services per call. */
const DESCRIBE_BATCH = 10

/**
 * ECS in one Region. The SDK module is loaded on the first call: only topologies with ECS steps pay for it at start-up.
 */
export class EcsAdapter implements EcsPort {
  private connection?: Promise<{sdk: EcsSdk; client: ECSClient}>

  constructor(
    readonly region: string,
    private readonly createClient: (sdk: EcsSdk) => ECSClient,
    private readonly call: Caller,
  ) {}

  private connect() {
    this.connection ??= import('@aws-sdk/client-ecs').then((sdk) => ({sdk, client: this.createClient(sdk)}))
    return this.connection
  }

  async listServices(): Promise<{cluster: string; service: string}[]> {
    const {sdk, client} = await this.connect()
    const clusters = await allPages(async (token) => {
      const page = await this.call('ListClusters', false, (abortSignal) =>
        client.send(new sdk.ListClustersCommand({nextToken: token}), {abortSignal}),
      )
      return {items: page.clusterArns ?? [], next: page.nextToken}
    })
    const result: {cluster: string; service: string}[] = []
    for (const clusterArn of clusters) {
      const cluster = resourceIdOfArn(clusterArn)
      const services = await allPages(async (serviceToken) => {
        const page = await this.call('ListServices', false, (abortSignal) =>
          client.send(new sdk.ListServicesCommand({cluster: clusterArn, nextToken: serviceToken}), {abortSignal}),
        )
        return {items: page.serviceArns ?? [], next: page.nextToken}
      })
      result.push(...services.map((arn) => ({cluster, service: resourceIdOfArn(arn)})))
    }
    return result
  }

  async describeServices(cluster: string, services: string[]): Promise<EcsServices> {
    const {sdk, client} = await this.connect()
    const result: EcsServices = {services: [], missing: []}
    for (let start = 0; start < services.length; start += DESCRIBE_BATCH) {
      const batch = services.slice(start, start + DESCRIBE_BATCH)
      const output = await this.call('DescribeServices', false, (abortSignal) =>
        client.send(new sdk.DescribeServicesCommand({cluster, services: batch}), {abortSignal}),
      )
      result.services.push(...(output.services ?? []).map(toService))
      // A service that does not exist is a failure entry (reason MISSING), not an exception (aws-reference-steps §5).
      for (const failure of output.failures ?? []) {
        const name = batch.find((service) => failure.arn === service || failure.arn?.endsWith(`/${service}`))
        if (failure.reason === 'MISSING') result.missing.push(name ?? failure.arn ?? '?')
      }
    }
    return result
  }

  async forceNewDeployment(cluster: string, service: string): Promise<Mutation & {deploymentId?: string}> {
    const {sdk, client} = await this.connect()
    const output = await this.call('UpdateService', true, (abortSignal) =>
      client.send(new sdk.UpdateServiceCommand({cluster, service, forceNewDeployment: true}), {abortSignal}),
    )
    const primary = output.service?.deployments?.find((deployment) => deployment.status === 'PRIMARY')
    return {requestId: output.$metadata.requestId, deploymentId: primary?.id}
  }

  async setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<Mutation> {
    const {sdk, client} = await this.connect()
    const output = await this.call('UpdateService', true, (abortSignal) =>
      client.send(new sdk.UpdateServiceCommand({cluster, service, desiredCount}), {abortSignal}),
    )
    return {requestId: output.$metadata.requestId}
  }
}

function toService(service: Service): EcsService {
  return {
    name: service.serviceName ?? '',
    arn: service.serviceArn ?? '',
    status: service.status ?? 'UNKNOWN',
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    deployments: (service.deployments ?? []).map(toDeployment),
  }
}

function toDeployment(deployment: Deployment): EcsDeployment {
  return {
    id: deployment.id ?? '',
    status: deployment.status ?? 'UNKNOWN',
    rolloutState: deployment.rolloutState,
    rolloutStateReason: deployment.rolloutStateReason,
    desiredCount: deployment.desiredCount ?? 0,
    runningCount: deployment.runningCount ?? 0,
    failedTasks: deployment.failedTasks ?? 0,
  }
}
