import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {DynamoDbAdapter} from '../../../src/lib/aws/dynamodb.js'
import {awsError, callerFor} from './harness.js'

const dynamoMock = mockClient(DynamoDBClient)
afterEach(() => dynamoMock.reset())

const dynamodb = () =>
  new DynamoDbAdapter('us-west-2', new DynamoDBClient({region: 'us-west-2'}), callerFor('DynamoDB', 'us-west-2'))

const lockCondition = {
  expression: 'attribute_not_exists(#pk) OR #version = :seen',
  names: {'#pk': 'pk', '#version': 'version'},
  values: {':seen': 3},
}

describe('DynamoDB adapter: items of the team state table', () => {
  it('writes an item under a condition, sending its placeholders and asking for the stored item on failure', async () => {
    dynamoMock.on(PutItemCommand).resolves({})
    await expect(
      dynamodb().putItem('drctl-state', {pk: 'lock#retail', sk: 'lock', version: 4, released: false}, lockCondition),
    ).resolves.toEqual({
      written: true,
    })
    expect(dynamoMock).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'drctl-state',
      Item: {pk: {S: 'lock#retail'}, sk: {S: 'lock'}, version: {N: '4'}, released: {BOOL: false}},
      ConditionExpression: 'attribute_not_exists(#pk) OR #version = :seen',
      ExpressionAttributeNames: {'#pk': 'pk', '#version': 'version'},
      ExpressionAttributeValues: {':seen': {N: '3'}},
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })
  })

  it('answers a false condition with the item as stored, not an error', async () => {
    dynamoMock.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {httpStatusCode: 400},
        Item: {pk: {S: 'lock#retail'}, owner: {S: 'arn:aws:iam::1:user/ana'}, version: {N: '7'}},
      }),
    )
    await expect(dynamodb().putItem('drctl-state', {pk: 'lock#retail'}, lockCondition)).resolves.toEqual({
      written: false,
      current: {pk: 'lock#retail', owner: 'arn:aws:iam::1:user/ana', version: 7},
    })
  })

  it('keeps every other failure an error', async () => {
    dynamoMock.on(UpdateItemCommand).rejects(awsError('ResourceNotFoundException', 'Requested resource not found', 400))
    await expect(
      dynamodb().updateItem(
        'drctl-state',
        {pk: 'x', sk: 'y'},
        {expression: 'SET #b = :b', names: {'#b': 'beat'}, values: {':b': 1}},
      ),
    ).rejects.toMatchObject({kind: 'not-found', awsCode: 'ResourceNotFoundException'})
  })

  it('merges the placeholders of an update and of its condition', async () => {
    dynamoMock.on(UpdateItemCommand).resolves({})
    await dynamodb().updateItem(
      'drctl-state',
      {pk: 'lock#retail', sk: 'lock'},
      {expression: 'SET #beat = :beat', names: {'#beat': 'beat'}, values: {':beat': 2}},
      {expression: '#version = :mine', names: {'#version': 'version'}, values: {':mine': 4}},
    )
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: {pk: {S: 'lock#retail'}, sk: {S: 'lock'}},
      UpdateExpression: 'SET #beat = :beat',
      ConditionExpression: '#version = :mine',
      ExpressionAttributeNames: {'#beat': 'beat', '#version': 'version'},
      ExpressionAttributeValues: {':beat': {N: '2'}, ':mine': {N: '4'}},
    })
  })

  it('reads an item consistently, and a missing one as undefined', async () => {
    dynamoMock
      .on(GetItemCommand)
      .resolvesOnce({Item: {pk: {S: 'a'}, n: {N: '1.5'}, ok: {BOOL: true}}})
      .resolvesOnce({})
    await expect(dynamodb().getItem('t', {pk: 'a'}, {consistent: true})).resolves.toEqual({pk: 'a', n: 1.5, ok: true})
    await expect(dynamodb().getItem('t', {pk: 'b'})).resolves.toBeUndefined()
    expect(dynamoMock).toHaveReceivedNthCommandWith(GetItemCommand, 1, {ConsistentRead: true})
  })

  it('pages a query until LastEvaluatedKey is absent, even after an empty page', async () => {
    dynamoMock
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{pk: {S: 'run#1'}, sk: {S: '000001'}}],
        LastEvaluatedKey: {pk: {S: 'run#1'}, sk: {S: '000001'}},
      })
      .resolvesOnce({Items: [], LastEvaluatedKey: {pk: {S: 'run#1'}, sk: {S: '000001'}}})
      .resolvesOnce({Items: [{pk: {S: 'run#1'}, sk: {S: '000002'}}]})
    const items = await dynamodb().query(
      't',
      {expression: '#pk = :pk', names: {'#pk': 'pk'}, values: {':pk': 'run#1'}},
      {consistent: true},
    )
    expect(items.map((item) => item.sk)).toEqual(['000001', '000002'])
    expect(dynamoMock).toHaveReceivedCommandTimes(QueryCommand, 3)
    expect(dynamoMock).toHaveReceivedNthCommandWith(QueryCommand, 2, {
      ExclusiveStartKey: {pk: {S: 'run#1'}, sk: {S: '000001'}},
    })
  })

  it('creates an on-demand table with streams, then its replicas in one UpdateTable, STRONG when asked', async () => {
    dynamoMock.on(CreateTableCommand).resolves({$metadata: {requestId: 'req-c'}})
    dynamoMock.on(UpdateTableCommand).resolves({$metadata: {requestId: 'req-u'}})
    await expect(
      dynamodb().createTable('drctl-state', {name: 'pk', type: 'S'}, {name: 'sk', type: 'S'}),
    ).resolves.toEqual({
      requestId: 'req-c',
    })
    expect(dynamoMock).toHaveReceivedCommandWith(CreateTableCommand, {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        {AttributeName: 'pk', KeyType: 'HASH'},
        {AttributeName: 'sk', KeyType: 'RANGE'},
      ],
      StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'},
    })
    await dynamodb().addReplicas('drctl-state', ['us-east-1', 'eu-west-1'], 'STRONG')
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateTableCommand, {
      ReplicaUpdates: [{Create: {RegionName: 'us-east-1'}}, {Create: {RegionName: 'eu-west-1'}}],
      MultiRegionConsistency: 'STRONG',
    })
    await dynamodb().addReplicas('drctl-state', ['us-east-1'], 'STRONG', 'us-west-2')
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateTableCommand, {
      ReplicaUpdates: [{Create: {RegionName: 'us-east-1'}}],
      GlobalTableWitnessUpdates: [{Create: {RegionName: 'us-west-2'}}],
      MultiRegionConsistency: 'STRONG',
    })
  })

  it('reads the key schema and the multi-Region consistency of a table', async () => {
    dynamoMock.on(DescribeTableCommand).resolves({
      Table: {
        TableName: 'drctl-state',
        KeySchema: [
          {AttributeName: 'pk', KeyType: 'HASH'},
          {AttributeName: 'sk', KeyType: 'RANGE'},
        ],
        MultiRegionConsistency: 'STRONG',
      },
    })
    await expect(dynamodb().describeTable('drctl-state')).resolves.toMatchObject({
      keySchema: [
        {name: 'pk', type: 'HASH'},
        {name: 'sk', type: 'RANGE'},
      ],
      consistency: 'STRONG',
    })
  })
})
