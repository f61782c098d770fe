import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'

import {AwsCallError} from './errors.js'
import {allPages} from './pages.js'
import type {Condition, DynamoDbPort, Item, ItemValue, KeyAttribute, Mutation, Table, WriteResult} from './ports.js'
import type {Caller} from './session.js'

function marshal(item: Item): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attribute(value)]))
}

function attribute(value: ItemValue): AttributeValue {
  if (typeof value === 'string') return {S: value}
  if (typeof value === 'number') return {N: String(value)}
  return {BOOL: value}
}

/** Attributes of other types (drctl never writes them) are left out. */
function unmarshal(item: Record<string, AttributeValue>): Item {
  const values: Item = {}
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) values[name] = value.S
    else if (value.N !== undefined) values[name] = Number(value.N)
    else if (value.BOOL !== undefined) values[name] = value.BOOL
  }
  return values
}

/** The request members of a condition; none for no condition. */
function conditionMembers(condition: Condition | undefined, names?: Record<string, string>, values?: Item) {
  const allNames = {...names, ...condition?.names}
  const allValues = {...values, ...condition?.values}
  return {
    ...(condition ? {ConditionExpression: condition.expression} : {}),
    ...(Object.keys(allNames).length > 0 ? {ExpressionAttributeNames: allNames} : {}),
    ...(Object.keys(allValues).length > 0 ? {ExpressionAttributeValues: marshal(allValues)} : {}),
    ...(condition ? {ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const} : {}),
  }
}

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
        ...(table.KeySchema
          ? {
              keySchema: table.KeySchema.map((key) => ({
                name: key.AttributeName ?? '',
                type: key.KeyType === 'RANGE' ? ('RANGE' as const) : ('HASH' as const),
              })),
            }
          : {}),
      }
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  listTables(): Promise<string[]> {
    return allPages(async (start) => {
      const page = await this.call('ListTables', false, (abortSignal) =>
        this.client.send(new ListTablesCommand({ExclusiveStartTableName: start, Limit: 100}), {abortSignal}),
      )
      return {items: page.TableNames ?? [], next: page.LastEvaluatedTableName}
    })
  }

  async listTags(tableArn: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {}
    const listed = await allPages(async (nextToken) => {
      const page = await this.call('ListTagsOfResource', false, (abortSignal) =>
        this.client.send(new ListTagsOfResourceCommand({ResourceArn: tableArn, NextToken: nextToken}), {abortSignal}),
      )
      return {items: page.Tags ?? [], next: page.NextToken}
    })
    for (const tag of listed) if (tag.Key) tags[tag.Key] = tag.Value ?? ''
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

  putItem(table: string, item: Item, condition?: Condition): Promise<WriteResult> {
    return this.conditional('PutItem', (abortSignal) =>
      this.client.send(new PutItemCommand({TableName: table, Item: marshal(item), ...conditionMembers(condition)}), {
        abortSignal,
      }),
    )
  }

  updateItem(table: string, key: Item, update: Condition, condition?: Condition): Promise<WriteResult> {
    return this.conditional('UpdateItem', (abortSignal) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: marshal(key),
          UpdateExpression: update.expression,
          ...conditionMembers(condition, update.names, update.values),
        }),
        {abortSignal},
      ),
    )
  }

  deleteItem(table: string, key: Item, condition?: Condition): Promise<WriteResult> {
    return this.conditional('DeleteItem', (abortSignal) =>
      this.client.send(new DeleteItemCommand({TableName: table, Key: marshal(key), ...conditionMembers(condition)}), {
        abortSignal,
      }),
    )
  }

  async getItem(table: string, key: Item, options: {consistent?: boolean} = {}): Promise<Item | undefined> {
    const output = await this.call('GetItem', false, (abortSignal) =>
      this.client.send(
        new GetItemCommand({TableName: table, Key: marshal(key), ConsistentRead: options.consistent ?? false}),
        {abortSignal},
      ),
    )
    return output.Item ? unmarshal(output.Item) : undefined
  }

  query(table: string, keyCondition: Condition, options: {consistent?: boolean} = {}): Promise<Item[]> {
    // Only an absent LastEvaluatedKey ends the listing: a short page does not (aws-reference-steps §10).
    return allPages(async (startKey: Record<string, AttributeValue> | undefined) => {
      const output = await this.call('Query', false, (abortSignal) =>
        this.client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: keyCondition.expression,
            ...(keyCondition.names ? {ExpressionAttributeNames: keyCondition.names} : {}),
            ...(keyCondition.values ? {ExpressionAttributeValues: marshal(keyCondition.values)} : {}),
            ConsistentRead: options.consistent ?? false,
            ...(startKey ? {ExclusiveStartKey: startKey} : {}),
          }),
          {abortSignal},
        ),
      )
      return {items: (output.Items ?? []).map(unmarshal), next: output.LastEvaluatedKey}
    })
  }

  async createTable(table: string, partitionKey: KeyAttribute, sortKey?: KeyAttribute): Promise<Mutation> {
    const keys = sortKey ? [partitionKey, sortKey] : [partitionKey]
    const output = await this.call('CreateTable', true, (abortSignal) =>
      this.client.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: keys.map((key) => ({AttributeName: key.name, AttributeType: key.type})),
          KeySchema: keys.map((key, index) => ({AttributeName: key.name, KeyType: index === 0 ? 'HASH' : 'RANGE'})),
          BillingMode: 'PAY_PER_REQUEST',
          // Replicas of a global table (MREC) replicate through the table's stream.
          StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'},
        }),
        {abortSignal},
      ),
    )
    return {requestId: output.$metadata.requestId}
  }

  addReplicas(
    table: string,
    regions: string[],
    consistency?: 'EVENTUAL' | 'STRONG',
    witness?: string,
  ): Promise<Mutation> {
    return this.update(table, {
      ReplicaUpdates: regions.map((region) => ({Create: {RegionName: region}})),
      ...(witness ? {GlobalTableWitnessUpdates: [{Create: {RegionName: witness}}]} : {}),
      ...(consistency ? {MultiRegionConsistency: consistency} : {}),
    })
  }

  /** A conditional write: a false condition comes back as the item as stored, not as an error. */
  private async conditional(
    operation: string,
    send: (abortSignal: AbortSignal) => Promise<{$metadata: {requestId?: string}}>,
  ): Promise<WriteResult> {
    try {
      await this.call(operation, true, send)
      return {written: true}
    } catch (error) {
      if (!(error instanceof AwsCallError) || error.awsCode !== 'ConditionalCheckFailedException') throw error
      const stored = (error.cause as {Item?: Record<string, AttributeValue>} | undefined)?.Item
      return stored ? {written: false, current: unmarshal(stored)} : {written: false}
    }
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
