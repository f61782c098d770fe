import {
  CreateGlobalClusterCommand,
  DeleteGlobalClusterCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  ModifyGlobalClusterCommand,
  type RDSClient,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'

import {absentIfNotFound} from './errors.js'
import {allPages} from './pages.js'
import type {GlobalCluster, Mutation} from './ports.js'
import {toGlobalCluster} from './rds-shapes.js'
import type {Caller} from './session.js'

/** The global-cluster calls of the RDS adapter (rds.ts), and the client and mutation call every RDS call shares. */
export class RdsGlobalClusterCalls {
  constructor(
    readonly region: string,
    protected readonly client: RDSClient,
    protected readonly call: Caller,
  ) {}

  describeGlobalClusters(): Promise<GlobalCluster[]> {
    return allPages(async (marker) => {
      const page = await this.call('DescribeGlobalClusters', false, (abortSignal) =>
        this.client.send(new DescribeGlobalClustersCommand({Marker: marker, MaxRecords: 100}), {abortSignal}),
      )
      return {items: (page.GlobalClusters ?? []).map(toGlobalCluster), next: page.Marker}
    })
  }

  async describeGlobalCluster(id: string): Promise<GlobalCluster | undefined> {
    const page = await absentIfNotFound(
      this.call('DescribeGlobalClusters', false, (abortSignal) =>
        this.client.send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: id}), {abortSignal}),
      ),
    )
    const found = page?.GlobalClusters?.[0]
    return found ? toGlobalCluster(found) : undefined
  }

  switchoverGlobalCluster(globalClusterId: string, targetClusterArn: string): Promise<Mutation> {
    return this.mutate('SwitchoverGlobalCluster', (abortSignal) =>
      this.client.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalClusterId,
          TargetDbClusterIdentifier: targetClusterArn,
        }),
        {abortSignal},
      ),
    )
  }

  failoverGlobalCluster(globalClusterId: string, targetClusterArn: string, allowDataLoss: boolean): Promise<Mutation> {
    return this.mutate('FailoverGlobalCluster', (abortSignal) =>
      this.client.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalClusterId,
          TargetDbClusterIdentifier: targetClusterArn,
          ...(allowDataLoss ? {AllowDataLoss: true} : {Switchover: true}),
        }),
        {abortSignal},
      ),
    )
  }

  removeFromGlobalCluster(globalClusterId: string, clusterArn: string): Promise<Mutation> {
    return this.mutate('RemoveFromGlobalCluster', (abortSignal) =>
      this.client.send(
        new RemoveFromGlobalClusterCommand({GlobalClusterIdentifier: globalClusterId, DbClusterIdentifier: clusterArn}),
        {abortSignal},
      ),
    )
  }

  modifyGlobalCluster(id: string, change: {newId?: string; deletionProtection?: boolean}): Promise<Mutation> {
    return this.mutate('ModifyGlobalCluster', (abortSignal) =>
      this.client.send(
        new ModifyGlobalClusterCommand({
          GlobalClusterIdentifier: id,
          NewGlobalClusterIdentifier: change.newId,
          DeletionProtection: change.deletionProtection,
        }),
        {abortSignal},
      ),
    )
  }

  createGlobalCluster(input: {id: string; sourceClusterArn: string; deletionProtection?: boolean}): Promise<Mutation> {
    return this.mutate('CreateGlobalCluster', (abortSignal) =>
      this.client.send(
        new CreateGlobalClusterCommand({
          GlobalClusterIdentifier: input.id,
          SourceDBClusterIdentifier: input.sourceClusterArn,
          DeletionProtection: input.deletionProtection,
        }),
        {abortSignal},
      ),
    )
  }

  deleteGlobalCluster(id: string): Promise<Mutation> {
    return this.mutate('DeleteGlobalCluster', (abortSignal) =>
      this.client.send(new DeleteGlobalClusterCommand({GlobalClusterIdentifier: id}), {abortSignal}),
    )
  }

  protected async mutate(
    operation: string,
    send: (abortSignal: AbortSignal) => Promise<{$metadata?: {requestId?: string}}>,
  ): Promise<Mutation> {
    const output = await this.call(operation, true, send)
    return {requestId: output.$metadata?.requestId}
  }
}
