import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import {afterEach, describe, expect, it} from 'vitest'

import {mutateWorld} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

async function table(client: DynamoDBClient, name = 'carts') {
  return (await client.send(new DescribeTableCommand({TableName: name}))).Table ?? {}
}

describe('DynamoDB global tables', () => {
  it('describes the table in each replica Region, listing the other Regions as replicas', async () => {
    sandbox = await startTestSandbox()
    const east = await table(sandbox.dynamodb('us-east-1'))
    expect(east).toMatchObject({
      TableName: 'carts',
      TableStatus: 'ACTIVE',
      TableArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/carts',
      GlobalTableVersion: '2019.11.21',
      DeletionProtectionEnabled: false,
      Replicas: [{RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE'}],
    })
    expect(east.CreationDateTime).toBeInstanceOf(Date)
    expect((await table(sandbox.dynamodb('us-west-2'))).Replicas).toEqual([
      expect.objectContaining({RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE'}),
    ])
    await expect(table(sandbox.dynamodb('eu-west-1'))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: {httpStatusCode: 400},
    })
    expect((await sandbox.dynamodb('us-east-1').send(new ListTablesCommand({}))).TableNames).toEqual(['carts'])
  })

  it('lists a table’s tags by its ARN in the Region called; another Region’s ARN is not found there', async () => {
    sandbox = await startTestSandbox()
    await mutateWorld(sandbox.home, (world) => {
      world.dynamodb.tables[0]!.tags = [{Key: 'aws:cloudformation:stack-name', Value: 'retail-app-use1'}]
    })
    const arn = (region: string) => `arn:aws:dynamodb:${region}:111122223333:table/carts`
    const east = sandbox.dynamodb('us-east-1')
    expect((await east.send(new ListTagsOfResourceCommand({ResourceArn: arn('us-east-1')}))).Tags).toEqual([
      {Key: 'aws:cloudformation:stack-name', Value: 'retail-app-use1'},
    ])
    await expect(east.send(new ListTagsOfResourceCommand({ResourceArn: arn('us-west-2')}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
    await expect(east.send(new ListTagsOfResourceCommand({ResourceArn: 'carts'}))).rejects.toMatchObject({
      name: 'ValidationException',
    })
  })

  it('adds a replica: UPDATING while CREATING, one change at a time, ACTIVE after', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    const out = await east.send(
      new UpdateTableCommand({TableName: 'carts', ReplicaUpdates: [{Create: {RegionName: 'eu-west-1'}}]}),
    )
    expect(out.TableDescription).toMatchObject({
      TableStatus: 'UPDATING',
      Replicas: expect.arrayContaining([expect.objectContaining({RegionName: 'eu-west-1', ReplicaStatus: 'CREATING'})]),
    })
    expect((await table(sandbox.dynamodb('eu-west-1'))).TableStatus).toBe('CREATING')
    await expect(
      east.send(new UpdateTableCommand({TableName: 'carts', ReplicaUpdates: [{Delete: {RegionName: 'us-west-2'}}]})),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
      message: 'Attempt to change a resource which is still in use: Table is being updated: carts',
    })
    sandbox.clock.advanceWorldSeconds(181)
    expect(await table(east)).toMatchObject({
      TableStatus: 'ACTIVE',
      Replicas: [
        {RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE'},
        {RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE'},
      ].map((replica) => expect.objectContaining(replica)),
    })
    await expect(
      east.send(new UpdateTableCommand({TableName: 'carts', ReplicaUpdates: [{Create: {RegionName: 'eu-west-1'}}]})),
    ).rejects.toMatchObject({name: 'ValidationException'})
    await expect(
      east.send(
        new UpdateTableCommand({
          TableName: 'carts',
          ReplicaUpdates: [{Delete: {RegionName: 'us-west-2'}}, {Delete: {RegionName: 'eu-west-1'}}],
        }),
      ),
    ).rejects.toMatchObject({name: 'ValidationException'})
  })

  it('removes a replica (DELETING, then gone) and honours deletion protection', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    const west = sandbox.dynamodb('us-west-2')
    await west.send(new UpdateTableCommand({TableName: 'carts', DeletionProtectionEnabled: true}))
    expect((await table(west)).DeletionProtectionEnabled).toBe(true)
    await expect(
      east.send(new UpdateTableCommand({TableName: 'carts', ReplicaUpdates: [{Delete: {RegionName: 'us-west-2'}}]})),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('protected against deletion'),
    })
    await expect(west.send(new DeleteTableCommand({TableName: 'carts'}))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('protected against deletion'),
    })
    await west.send(new UpdateTableCommand({TableName: 'carts', DeletionProtectionEnabled: false}))

    await east.send(new UpdateTableCommand({TableName: 'carts', ReplicaUpdates: [{Delete: {RegionName: 'us-west-2'}}]}))
    expect(await table(east)).toMatchObject({
      TableStatus: 'UPDATING',
      Replicas: [expect.objectContaining({RegionName: 'us-west-2', ReplicaStatus: 'DELETING'})],
    })
    expect((await table(west)).TableStatus).toBe('DELETING')
    sandbox.clock.advanceWorldSeconds(121)
    expect(await table(east)).toMatchObject({TableStatus: 'ACTIVE', Replicas: []})
    await expect(table(west)).rejects.toMatchObject({name: 'ResourceNotFoundException'})

    const deleting = await east.send(new DeleteTableCommand({TableName: 'carts'}))
    expect(deleting.TableDescription?.TableStatus).toBe('DELETING')
    expect((await east.send(new DeleteTableCommand({TableName: 'carts'}))).TableDescription?.TableStatus).toBe(
      'DELETING',
    )
    sandbox.clock.advanceWorldSeconds(61)
    await expect(table(east)).rejects.toMatchObject({name: 'ResourceNotFoundException'})
    await expect(east.send(new DeleteTableCommand({TableName: 'carts'}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
  })

  it('refuses DeleteTable while a replica change runs, and empty updates', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await east.send(new UpdateTableCommand({TableName: 'carts', ReplicaUpdates: [{Create: {RegionName: 'eu-west-1'}}]}))
    await expect(east.send(new DeleteTableCommand({TableName: 'carts'}))).rejects.toMatchObject({
      name: 'ResourceInUseException',
    })
    await expect(east.send(new UpdateTableCommand({TableName: 'carts'}))).rejects.toMatchObject({
      name: 'ValidationException',
    })
  })
})
