import {
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {DynamoDbAdapter} from '../../../src/lib/aws/dynamodb.js'
import type {AwsCallRecord} from '../../../src/lib/aws/invoke.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const dynamoMock = mockClient(DynamoDBClient)
afterEach(() => dynamoMock.reset())

const dynamodb = (options: CallerOptions = {}) =>
  new DynamoDbAdapter(
    'us-east-1',
    new DynamoDBClient({region: 'us-east-1'}),
    callerFor('DynamoDB', 'us-east-1', options),
  )

describe('DynamoDB adapter', () => {
  it('maps a global table and its replicas', async () => {
    dynamoMock.on(DescribeTableCommand, {TableName: 'carts'}).resolves({
      Table: {
        TableName: 'carts',
        TableArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/carts',
        TableStatus: 'ACTIVE',
        DeletionProtectionEnabled: true,
        GlobalTableVersion: '2019.11.21',
        ProvisionedThroughput: {ReadCapacityUnits: 0, WriteCapacityUnits: 0},
        Replicas: [
          {RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE'},
          {
            RegionName: 'eu-west-1',
            ReplicaStatus: 'CREATING',
            ReplicaStatusDescription: 'backfilling',
            ReplicaStatusPercentProgress: '40',
          },
        ],
      },
    })
    await expect(dynamodb().describeTable('carts')).resolves.toEqual({
      name: 'carts',
      arn: 'arn:aws:dynamodb:us-east-1:111122223333:table/carts',
      region: 'us-east-1',
      status: 'ACTIVE',
      deletionProtection: true,
      globalTableVersion: '2019.11.21',
      replicas: [
        {region: 'us-west-2', status: 'ACTIVE', statusDescription: undefined, percentProgress: undefined},
        {region: 'eu-west-1', status: 'CREATING', statusDescription: 'backfilling', percentProgress: '40'},
      ],
      capacity: {mode: 'provisioned', readUnits: 0, writeUnits: 0},
      consistency: undefined,
      witnesses: [],
    })
    expect(dynamoMock).toHaveReceivedCommandExactlyOnceWith(DescribeTableCommand, {TableName: 'carts'})
  })

  it('maps an MRSC table with a witness, billed on demand', async () => {
    dynamoMock.on(DescribeTableCommand).resolves({
      Table: {
        TableName: 'ledger',
        TableStatus: 'ACTIVE',
        MultiRegionConsistency: 'STRONG',
        GlobalTableWitnesses: [{RegionName: 'us-east-2', WitnessStatus: 'ACTIVE'}],
        BillingModeSummary: {BillingMode: 'PAY_PER_REQUEST'},
        ProvisionedThroughput: {ReadCapacityUnits: 0, WriteCapacityUnits: 0},
      },
    })
    await expect(dynamodb().describeTable('ledger')).resolves.toMatchObject({
      consistency: 'STRONG',
      witnesses: [{region: 'us-east-2', status: 'ACTIVE'}],
      capacity: {mode: 'on-demand'},
    })
  })

  it('returns undefined for a table that does not exist (DynamoDB answers 400 ResourceNotFoundException)', async () => {
    dynamoMock.on(DescribeTableCommand).rejects(
      new ResourceNotFoundException({
        message: 'Requested resource not found: Table: carts not found',
        $metadata: {httpStatusCode: 400},
      }),
    )
    await expect(dynamodb().describeTable('carts')).resolves.toBeUndefined()
  })

  it('does not mistake access denied for a missing table', async () => {
    dynamoMock
      .on(DescribeTableCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: dynamodb:DescribeTable', 400))
    await expect(dynamodb().describeTable('carts')).rejects.toMatchObject({
      kind: 'access-denied',
      code: 'DRCTL_AWS_ACCESS_DENIED',
    })
  })

  it('lists the tables of its Region 100 at a time, from each page’s last table to the end', async () => {
    dynamoMock
      .on(ListTablesCommand)
      .resolvesOnce({TableNames: ['carts', 'orders'], LastEvaluatedTableName: 'orders'})
      .resolvesOnce({TableNames: [], LastEvaluatedTableName: 'orders'})
      .resolvesOnce({TableNames: ['sessions']})
    await expect(dynamodb().listTables()).resolves.toEqual(['carts', 'orders', 'sessions'])
    expect(dynamoMock.commandCalls(ListTablesCommand).map((call) => call.args[0].input)).toEqual([
      {ExclusiveStartTableName: undefined, Limit: 100},
      {ExclusiveStartTableName: 'orders', Limit: 100},
      {ExclusiveStartTableName: 'orders', Limit: 100},
    ])
  })

  it('reads a table’s tags, following NextToken to the end', async () => {
    const arn = 'arn:aws:dynamodb:us-east-1:111122223333:table/carts'
    dynamoMock
      .on(ListTagsOfResourceCommand)
      .resolvesOnce({Tags: [{Key: 'aws:cloudformation:stack-name', Value: 'app-use1'}], NextToken: 't2'})
      .resolvesOnce({Tags: [{Key: 'Env', Value: 'prod'}]})
    await expect(dynamodb().listTags(arn)).resolves.toEqual({'aws:cloudformation:stack-name': 'app-use1', Env: 'prod'})
    expect(dynamoMock.commandCalls(ListTagsOfResourceCommand).map((call) => call.args[0].input)).toEqual([
      {ResourceArn: arn, NextToken: undefined},
      {ResourceArn: arn, NextToken: 't2'},
    ])
  })

  it('reports a refused listing as access denied, naming the action', async () => {
    dynamoMock
      .on(ListTablesCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: dynamodb:ListTables', 400))
    await expect(dynamodb().listTables()).rejects.toMatchObject({
      kind: 'access-denied',
      hints: [expect.stringContaining('dynamodb:ListTables')],
    })
  })

  it('removes a replica and switches deletion protection with UpdateTable, returning the request id', async () => {
    dynamoMock.on(UpdateTableCommand).resolves({$metadata: {requestId: 'req-u'}})
    await expect(dynamodb().removeReplica('carts', 'us-west-2')).resolves.toEqual({requestId: 'req-u'})
    await dynamodb().setDeletionProtection('carts', false)
    expect(dynamoMock.commandCalls(UpdateTableCommand).map((call) => call.args[0].input)).toEqual([
      {TableName: 'carts', ReplicaUpdates: [{Delete: {RegionName: 'us-west-2'}}]},
      {TableName: 'carts', DeletionProtectionEnabled: false},
    ])
  })

  it('deletes a table by name and reads a table still changing as invalid state', async () => {
    dynamoMock
      .on(DeleteTableCommand)
      .resolvesOnce({$metadata: {requestId: 'req-d'}})
      .rejects(
        new ResourceInUseException({
          message: 'Attempt to change a resource which is still in use: Table is being updated',
          $metadata: {httpStatusCode: 400},
        }),
      )
    await expect(dynamodb().deleteTable('carts')).resolves.toEqual({requestId: 'req-d'})
    expect(dynamoMock).toHaveReceivedCommandWith(DeleteTableCommand, {TableName: 'carts'})
    await expect(dynamodb().deleteTable('carts')).rejects.toMatchObject({
      kind: 'invalid-state',
      code: 'DRCTL_AWS_INVALID_STATE',
    })
  })

  it('reads throttling as throttling, and reports the failed call with its error code', async () => {
    const records: AwsCallRecord[] = []
    dynamoMock
      .on(DescribeTableCommand)
      .rejects(awsError('ThrottlingException', 'Rate of requests exceeds the allowed throughput', 400, 'req-t'))
    await expect(dynamodb({records}).describeTable('carts')).rejects.toMatchObject({kind: 'throttling'})
    expect(records).toEqual([
      expect.objectContaining({
        service: 'DynamoDB',
        operation: 'DescribeTable',
        region: 'us-east-1',
        mutating: false,
        requestId: 'req-t',
        error: {code: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput'},
      }),
    ])
  })

  it('refuses every mutating call in a read-only run without sending it', async () => {
    const table = dynamodb({readOnly: true})
    await expect(table.removeReplica('carts', 'us-west-2')).rejects.toThrow(/read-only/)
    await expect(table.setDeletionProtection('carts', false)).rejects.toThrow(/read-only/)
    await expect(table.deleteTable('carts')).rejects.toThrow(/read-only/)
    expect(dynamoMock).not.toHaveReceivedAnyCommand()
  })
})
