import {
  type DBProxyTarget,
  DeregisterDBProxyTargetsCommand,
  DescribeDBProxiesCommand,
  DescribeDBProxyTargetsCommand,
  type RDSClient,
  RegisterDBProxyTargetsCommand,
} from '@aws-sdk/client-rds'

import {AwsCallError} from './errors.js'
import {allPages} from './pages.js'
import type {Mutation, ProxyTarget, ProxyTargets, RdsProxyPort} from './ports.js'
import type {Caller} from './session.js'

/** RDS Proxy targets through the Region's RDS client (same API, same endpoint, same retries). */
export class RdsProxyAdapter implements RdsProxyPort {
  constructor(
    readonly region: string,
    private readonly client: RDSClient,
    private readonly call: Caller,
  ) {}

  listProxies(): Promise<string[]> {
    return allPages(async (marker) => {
      const page = await this.call('DescribeDBProxies', false, (abortSignal) =>
        this.client.send(new DescribeDBProxiesCommand({Marker: marker, MaxRecords: 100}), {abortSignal}),
      )
      return {items: (page.DBProxies ?? []).flatMap((proxy) => proxy.DBProxyName ?? []), next: page.Marker}
    })
  }

  async describeTargets(proxy: string, targetGroup: string): Promise<ProxyTargets> {
    try {
      const targets = await allPages(async (marker) => {
        const page = await this.call('DescribeDBProxyTargets', false, (abortSignal) =>
          this.client.send(
            new DescribeDBProxyTargetsCommand({
              DBProxyName: proxy,
              TargetGroupName: targetGroup,
              Marker: marker,
              MaxRecords: 100,
            }),
            {abortSignal},
          ),
        )
        return {items: (page.Targets ?? []).map(toProxyTarget), next: page.Marker}
      })
      return {found: true, targets}
    } catch (error) {
      if (error instanceof AwsCallError && error.awsCode === 'DBProxyNotFoundFault')
        return {found: false, missing: 'proxy'}
      if (error instanceof AwsCallError && error.awsCode === 'DBProxyTargetGroupNotFoundFault')
        return {found: false, missing: 'target group'}
      throw error
    }
  }

  async registerCluster(proxy: string, targetGroup: string, clusterId: string): Promise<Mutation> {
    try {
      const output = await this.call('RegisterDBProxyTargets', true, (abortSignal) =>
        this.client.send(
          new RegisterDBProxyTargetsCommand({
            DBProxyName: proxy,
            TargetGroupName: targetGroup,
            DBClusterIdentifiers: [clusterId],
          }),
          {abortSignal},
        ),
      )
      return {requestId: output.$metadata.requestId}
    } catch (error) {
      if (error instanceof AwsCallError && error.awsCode === 'DBProxyTargetAlreadyRegisteredFault')
        return {requestId: error.requestId}
      throw error
    }
  }

  async deregisterClusters(proxy: string, targetGroup: string, clusterIds: string[]): Promise<Mutation> {
    try {
      const output = await this.call('DeregisterDBProxyTargets', true, (abortSignal) =>
        this.client.send(
          new DeregisterDBProxyTargetsCommand({
            DBProxyName: proxy,
            TargetGroupName: targetGroup,
            DBClusterIdentifiers: clusterIds,
          }),
          {abortSignal},
        ),
      )
      return {requestId: output.$metadata.requestId}
    } catch (error) {
      if (error instanceof AwsCallError && error.awsCode === 'DBProxyTargetNotFoundFault')
        return {requestId: error.requestId}
      throw error
    }
  }
}

function toProxyTarget(target: DBProxyTarget): ProxyTarget {
  const cluster = target.Type === 'TRACKED_CLUSTER'
  return {
    type: target.Type ?? 'UNKNOWN',
    clusterId: target.TrackedClusterId ?? (cluster ? target.RdsResourceId : undefined),
    instanceId: target.Type === 'RDS_INSTANCE' ? target.RdsResourceId : undefined,
    role: target.Role,
    health: target.TargetHealth?.State
      ? {
          state: target.TargetHealth.State,
          reason: target.TargetHealth.Reason,
          description: target.TargetHealth.Description,
        }
      : undefined,
  }
}
