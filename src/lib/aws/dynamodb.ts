import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'

import {AwsCallError} from './errors.js'
import type {DynamoDbPort, Mutation, Table} from './ports.js'
import type {Caller} from './session.js'

export class DynamoDbAdapter implements DynamoDbPort {
  constructor(
    readonly region: string,
    private readonly client: DynamoDBClient,
    private readonly call: Caller,
  ) {}

  async describeTable(name: string): Promise<Table | undefined> {
    try {
      const output = await this.call('DescribeTable', false, (abortSignal) =>
        this.client.send(new DescribeTableCommand({TableName: name}), {abortSignal}),
      )
      const table = output.Table
      if (!table) return undefined
      return {
        name: table.TableName ?? name,
        arn: table.TableArn ?? '',
        region: this.region,
        status: table.TableStatus ?? 'unknown',
        deletionProtection: table.DeletionProtectionEnabled ?? false,
        globalTableVersion: table.GlobalTableVersion,
        replicas: (table.Replicas ?? []).map((replica) => ({
          region: replica.RegionName ?? '',
          status: replica.ReplicaStatus ?? 'unknown',
          statusDescription: replica.ReplicaStatusDescription,
          percentProgress: replica.ReplicaStatusPercentProgress,
        })),
        consistency: table.MultiRegionConsistency,
        witnesses: (table.GlobalTableWitnesses ?? []).map((witness) => ({
          region: witness.RegionName ?? '',
          status: witness.WitnessStatus ?? 'unknown',
        })),
        // BillingModeSummary is absent on tables that were always provisioned.
        capacity:
          table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST'
            ? {mode: 'on-demand'}
            : table.ProvisionedThroughput
              ? {
                  mode: 'provisioned',
                  readUnits: table.ProvisionedThroughput.ReadCapacityUnits ?? 0,
                  writeUnits: table.ProvisionedThroughput.WriteCapacityUnits ?? 0,
                }
              : undefined,
      }
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async listTables(): Promise<string[]> {
    const names: string[] = []
    let start: string | undefined
    do {
      const page = await this.call('ListTables', false, (abortSignal) =>
        this.client.send(new ListTablesCommand({ExclusiveStartTableName: start, Limit: 100}), {abortSignal}),
      )
      names.push(...(page.TableNames ?? []))
      start = page.LastEvaluatedTableName
    } while (start)
    return names
  }

  async listTags(tableArn: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {}
    let nextToken: string | undefined
    do {
      const page = await this.call('ListTagsOfResource', false, (abortSignal) =>
        this.client.send(new ListTagsOfResourceCommand({ResourceArn: tableArn, NextToken: nextToken}), {abortSignal}),
      )
      for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? ''
      nextToken = page.NextToken
    } while (nextToken)
    return tags
  }

  removeReplica(table: string, region: string): Promise<Mutation> {
    return this.update(table, {ReplicaUpdates: [{Delete: {RegionName: region}}]})
  }

  setDeletionProtection(table: string, enabled: boolean): Promise<Mutation> {
    return this.update(table, {DeletionProtectionEnabled: enabled})
  }

  async deleteTable(table: string): Promise<Mutation> {
    const output = await this.call('DeleteTable', true, (abortSignal) =>
      this.client.send(new DeleteTableCommand({TableName: table}), {abortSignal}),
    )
    return {requestId: output.$metadata.requestId}
  }

  private async update(
    table: string,
    change: Omit<ConstructorParameters<typeof UpdateTableCommand>[0], 'TableName'>,
  ): Promise<Mutation> {
    const output = await this.call('UpdateTable', true, (abortSignal) =>
      this.client.send(new UpdateTableCommand({TableName: table, ...change}), {abortSignal}),
    )
    return {requestId: output.$metadata.requestId}
  }
}
