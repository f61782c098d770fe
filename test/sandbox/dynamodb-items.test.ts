import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  paginateQuery,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import {afterEach, describe, expect, it} from 'vitest'

import {setFault} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

const S = (value: string) => ({S: value})
const N = (value: number) => ({N: String(value)})

/** A pk/sk table in `region`, ACTIVE. */
async function stateTable(client: DynamoDBClient, name = 'drctl-state') {
  const created = await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        {AttributeName: 'pk', AttributeType: 'S'},
        {AttributeName: 'sk', AttributeType: 'S'},
      ],
      KeySchema: [
        {AttributeName: 'pk', KeyType: 'HASH'},
        {AttributeName: 'sk', KeyType: 'RANGE'},
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  sandbox.clock.advanceWorldSeconds(11)
  return created
}

/** The table made global with a replica in each of `regions` (one UpdateTable each), all ACTIVE. */
async function addReplicas(client: DynamoDBClient, regions: string[], name = 'drctl-state') {
  for (const region of regions) {
    await client.send(new UpdateTableCommand({TableName: name, ReplicaUpdates: [{Create: {RegionName: region}}]}))
    sandbox.clock.advanceWorldSeconds(181)
  }
}

const lockItem = (owner: string) => ({pk: S('lock#retail'), sk: S('lock'), owner: S(owner), version: N(1)})

describe('DynamoDB tables: CreateTable', () => {
  it('creates an on-demand table, CREATING for a few seconds, then ACTIVE with its key schema', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    const created = await stateTable(east)
    expect(created).toMatchObject({TableDescription: {TableStatus: 'CREATING', TableName: 'drctl-state'}})
    const table = (await east.send(new DescribeTableCommand({TableName: 'drctl-state'}))).Table
    expect(table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [
        {AttributeName: 'pk', KeyType: 'HASH'},
        {AttributeName: 'sk', KeyType: 'RANGE'},
      ],
      AttributeDefinitions: [
        {AttributeName: 'pk', AttributeType: 'S'},
        {AttributeName: 'sk', AttributeType: 'S'},
      ],
      BillingModeSummary: {BillingMode: 'PAY_PER_REQUEST'},
      Replicas: [],
      ItemCount: 0,
    })
    expect(table?.MultiRegionConsistency).toBeUndefined()
    await expect(stateTable(east)).rejects.toMatchObject({
      name: 'ResourceInUseException',
      message: 'Table already exists: drctl-state',
    })
    // Another Region has no such table until it is made a replica.
    await expect(
      sandbox.dynamodb('us-west-2').send(new DescribeTableCommand({TableName: 'drctl-state'})),
    ).rejects.toMatchObject({name: 'ResourceNotFoundException'})
  })

  it('answers item calls on a table still CREATING with ResourceNotFoundException', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await east.send(
      new CreateTableCommand({
        TableName: 'fresh',
        AttributeDefinitions: [{AttributeName: 'id', AttributeType: 'S'}],
        KeySchema: [{AttributeName: 'id', KeyType: 'HASH'}],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    await expect(east.send(new PutItemCommand({TableName: 'fresh', Item: {id: S('a')}}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
    sandbox.clock.advanceWorldSeconds(11)
    await east.send(new PutItemCommand({TableName: 'fresh', Item: {id: S('a')}}))
    expect((await east.send(new GetItemCommand({TableName: 'fresh', Key: {id: S('a')}}))).Item).toEqual({id: S('a')})
  })

  it('refuses a key schema that does not match its attribute definitions, and provisioned without capacity', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await expect(
      east.send(
        new CreateTableCommand({
          TableName: 'bad',
          AttributeDefinitions: [
            {AttributeName: 'id', AttributeType: 'S'},
            {AttributeName: 'extra', AttributeType: 'S'},
          ],
          KeySchema: [{AttributeName: 'id', KeyType: 'HASH'}],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    ).rejects.toMatchObject({name: 'ValidationException', message: expect.stringContaining('does not exactly match')})
    await expect(
      east.send(
        new CreateTableCommand({
          TableName: 'bad',
          AttributeDefinitions: [{AttributeName: 'id', AttributeType: 'S'}],
          KeySchema: [{AttributeName: 'id', KeyType: 'HASH'}],
        }),
      ),
    ).rejects.toMatchObject({name: 'ValidationException', message: expect.stringContaining('PROVISIONED')})
  })
})

describe('DynamoDB items: conditional writes', () => {
  it('writes under a condition; a false one is ConditionalCheckFailedException with the item when asked (ALL_OLD)', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await stateTable(east)
    const acquire = (owner: string, returnOld: boolean) =>
      east.send(
        new PutItemCommand({
          TableName: 'drctl-state',
          Item: lockItem(owner),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: {'#pk': 'pk'},
          ...(returnOld ? {ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const} : {}),
        }),
      )
    await acquire('ana', true)
    await expect(acquire('bo', true)).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      Item: lockItem('ana'),
      $metadata: {httpStatusCode: 400},
    })
    const withoutItem = await acquire('bo', false).catch((error: unknown) => error)
    expect(withoutItem).toMatchObject({name: 'ConditionalCheckFailedException'})
    expect((withoutItem as {Item?: unknown}).Item).toBeUndefined()

    const renewed = await east.send(
      new UpdateItemCommand({
        TableName: 'drctl-state',
        Key: {pk: S('lock#retail'), sk: S('lock')},
        UpdateExpression: 'SET #version = #version + :one',
        ConditionExpression: '#owner = :me',
        ExpressionAttributeNames: {'#version': 'version', '#owner': 'owner'},
        ExpressionAttributeValues: {':one': N(1), ':me': S('ana')},
        ReturnValues: 'ALL_NEW',
      }),
    )
    expect(renewed.Attributes).toEqual({...lockItem('ana'), version: N(2)})
    const read = await east.send(
      new GetItemCommand({
        TableName: 'drctl-state',
        Key: {pk: S('lock#retail'), sk: S('lock')},
        ConsistentRead: true,
        ProjectionExpression: '#o, version',
        ExpressionAttributeNames: {'#o': 'owner'},
      }),
    )
    expect(read.Item).toEqual({owner: S('ana'), version: N(2)})

    await expect(
      east.send(
        new DeleteItemCommand({
          TableName: 'drctl-state',
          Key: {pk: S('lock#retail'), sk: S('lock')},
          ConditionExpression: '#owner = :me',
          ExpressionAttributeNames: {'#owner': 'owner'},
          ExpressionAttributeValues: {':me': S('bo')},
        }),
      ),
    ).rejects.toMatchObject({name: 'ConditionalCheckFailedException'})
    const deleted = await east.send(
      new DeleteItemCommand({
        TableName: 'drctl-state',
        Key: {pk: S('lock#retail'), sk: S('lock')},
        ReturnValues: 'ALL_OLD',
      }),
    )
    expect(deleted.Attributes?.owner).toEqual(S('ana'))
    expect(
      (await east.send(new GetItemCommand({TableName: 'drctl-state', Key: {pk: S('lock#retail'), sk: S('lock')}})))
        .Item,
    ).toBeUndefined()
  })

  it('creates the item an UpdateItem names when there is none, and refuses to update a key attribute', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await stateTable(east)
    await east.send(
      new UpdateItemCommand({
        TableName: 'drctl-state',
        Key: {pk: S('a'), sk: S('b')},
        UpdateExpression: 'SET beat = :zero',
        ExpressionAttributeValues: {':zero': N(0)},
      }),
    )
    expect(
      (await east.send(new GetItemCommand({TableName: 'drctl-state', Key: {pk: S('a'), sk: S('b')}}))).Item,
    ).toEqual({pk: S('a'), sk: S('b'), beat: N(0)})
    await expect(
      east.send(
        new UpdateItemCommand({
          TableName: 'drctl-state',
          Key: {pk: S('a'), sk: S('b')},
          UpdateExpression: 'SET sk = :other',
          ExpressionAttributeValues: {':other': S('c')},
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Cannot update attribute sk. This attribute is part of the key'),
    })
  })

  it('answers bad items, keys and placeholders with ValidationException, and a missing table with ResourceNotFoundException', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await stateTable(east)
    const invalid = (message: string | RegExp) => ({
      name: 'ValidationException',
      message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message),
    })
    await expect(east.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('a')}}))).rejects.toMatchObject(
      invalid('Missing the key sk in the item'),
    )
    await expect(
      east.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: N(1), sk: S('a')}})),
    ).rejects.toMatchObject(invalid('Type mismatch for key pk expected: S actual: N'))
    await expect(east.send(new GetItemCommand({TableName: 'drctl-state', Key: {pk: S('a')}}))).rejects.toMatchObject(
      invalid('The provided key element does not match the schema'),
    )
    await expect(
      east.send(
        new PutItemCommand({
          TableName: 'drctl-state',
          Item: {pk: S('a'), sk: S('b')},
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeValues: {':unused': S('x')},
        }),
      ),
    ).rejects.toMatchObject(invalid('unused in expressions: keys: {:unused}'))
    await expect(
      east.send(
        new PutItemCommand({
          TableName: 'drctl-state',
          Item: {pk: S('a'), sk: S('b')},
          ExpressionAttributeNames: {'#pk': 'pk'},
        }),
      ),
    ).rejects.toMatchObject(invalid('ExpressionAttributeNames can only be specified when using expressions'))
    await expect(
      east.send(
        new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('a'), sk: S('b'), big: S('x'.repeat(410 * 1024))}}),
      ),
    ).rejects.toMatchObject(invalid('Item size has exceeded the maximum allowed size'))
    await expect(
      east.send(new PutItemCommand({TableName: 'nope', Item: {pk: S('a'), sk: S('b')}})),
    ).rejects.toMatchObject({name: 'ResourceNotFoundException', message: 'Requested resource not found'})
  })
})

describe('DynamoDB items: Query', () => {
  async function journal(client: DynamoDBClient, count: number) {
    for (let sequence = 0; sequence < count; sequence++) {
      await client.send(
        new PutItemCommand({
          TableName: 'drctl-state',
          Item: {pk: S('run#r1'), sk: S(String(sequence).padStart(9, '0')), event: S(`e${sequence}`)},
        }),
      )
    }
    await client.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('run#r2'), sk: S('000000000')}}))
  }

  it('reads one partition in sort key order, page by page: Limit, ExclusiveStartKey, LastEvaluatedKey', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await stateTable(east)
    await journal(east, 5)
    const page = (start?: Record<string, {S: string}>) =>
      east.send(
        new QueryCommand({
          TableName: 'drctl-state',
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: {'#pk': 'pk'},
          ExpressionAttributeValues: {':pk': S('run#r1')},
          Limit: 2,
          ConsistentRead: true,
          ...(start ? {ExclusiveStartKey: start} : {}),
        }),
      )
    const first = await page()
    expect(first.Items?.map((item) => item.event?.S)).toEqual(['e0', 'e1'])
    expect(first.LastEvaluatedKey).toEqual({pk: S('run#r1'), sk: S('000000001')})
    const second = await page(first.LastEvaluatedKey as Record<string, {S: string}>)
    expect(second.Items?.map((item) => item.event?.S)).toEqual(['e2', 'e3'])
    const third = await page(second.LastEvaluatedKey as Record<string, {S: string}>)
    expect(third.Items?.map((item) => item.event?.S)).toEqual(['e4'])
    expect(third.LastEvaluatedKey).toBeUndefined()

    // A full last page still names its last item: only an absent LastEvaluatedKey ends the listing.
    const exact = await east.send(
      new QueryCommand({
        TableName: 'drctl-state',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: {':pk': S('run#r1')},
        ExclusiveStartKey: {pk: S('run#r1'), sk: S('000000002')},
        Limit: 2,
      }),
    )
    expect(exact.Items).toHaveLength(2)
    expect(exact.LastEvaluatedKey).toEqual({pk: S('run#r1'), sk: S('000000004')})
    const empty = await east.send(
      new QueryCommand({
        TableName: 'drctl-state',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: {':pk': S('run#r1')},
        ExclusiveStartKey: exact.LastEvaluatedKey,
        Limit: 2,
      }),
    )
    expect(empty).toMatchObject({Items: [], Count: 0})
    expect(empty.LastEvaluatedKey).toBeUndefined()

    const all = []
    for await (const each of paginateQuery(
      {client: east, pageSize: 2},
      {TableName: 'drctl-state', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: {':pk': S('run#r1')}},
    )) {
      all.push(...(each.Items ?? []))
    }
    expect(all).toHaveLength(5)
  })

  it('narrows on the sort key (BETWEEN, begins_with, comparisons), reads backwards, filters after Limit', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await stateTable(east)
    await journal(east, 5)
    const events = async (condition: string, values: Record<string, {S: string}>, extra = {}) =>
      (
        await east.send(
          new QueryCommand({
            TableName: 'drctl-state',
            KeyConditionExpression: `pk = :pk AND ${condition}`,
            ExpressionAttributeValues: {':pk': S('run#r1'), ...values},
            ...extra,
          }),
        )
      ).Items?.map((item) => item.event?.S)
    expect(await events('sk BETWEEN :a AND :b', {':a': S('000000001'), ':b': S('000000003')})).toEqual([
      'e1',
      'e2',
      'e3',
    ])
    expect(await events('sk > :a', {':a': S('000000002')}, {ScanIndexForward: false})).toEqual(['e4', 'e3'])
    expect(await events('begins_with(sk, :p)', {':p': S('00000000')})).toHaveLength(5)
    const filtered = await east.send(
      new QueryCommand({
        TableName: 'drctl-state',
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'event = :e',
        ExpressionAttributeValues: {':pk': S('run#r1'), ':e': S('e3')},
        Limit: 2,
      }),
    )
    expect(filtered).toMatchObject({Items: [], Count: 0, ScannedCount: 2})
    expect(filtered.LastEvaluatedKey).toBeDefined()
  })

  it('refuses a key condition without the partition key, on a non-key attribute, or with OR', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await stateTable(east)
    const query = (condition: string, values: Record<string, {S: string}>) =>
      east.send(
        new QueryCommand({
          TableName: 'drctl-state',
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      )
    await expect(query('sk = :s', {':s': S('a')})).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Query condition missed key schema element: pk',
    })
    await expect(query('pk = :p AND event = :e', {':p': S('a'), ':e': S('b')})).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Query key condition not supported',
    })
    await expect(query('pk = :p OR sk = :s', {':p': S('a'), ':s': S('b')})).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Invalid operator used in KeyConditionExpression: OR'),
    })
  })
})

describe('DynamoDB items across Regions', () => {
  it('MREC: a write reaches the other replica after the replication lag; conditions are local, the last writer wins', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    const west = sandbox.dynamodb('us-west-2')
    await stateTable(east)
    await east.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('before'), sk: S('replica')}}))
    await addReplicas(east, ['us-west-2'])
    const get = (client: DynamoDBClient, pk: string) =>
      client
        .send(new GetItemCommand({TableName: 'drctl-state', Key: {pk: S(pk), sk: S('lock')}, ConsistentRead: true}))
        .then((output) => output.Item)
    // What the table held when the replica was added is there.
    expect(
      (await west.send(new GetItemCommand({TableName: 'drctl-state', Key: {pk: S('before'), sk: S('replica')}}))).Item,
    ).toBeDefined()

    await east.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('x'), sk: S('lock'), v: N(1)}}))
    expect(await get(east, 'x')).toBeDefined()
    expect(await get(west, 'x')).toBeUndefined()
    sandbox.clock.advanceWorldSeconds(1)
    expect(await get(west, 'x')).toEqual({pk: S('x'), sk: S('lock'), v: N(1)})

    // Two Regions take one lock inside the replication window: both conditions pass, one write silently wins.
    const take = (client: DynamoDBClient, owner: string) =>
      client.send(
        new PutItemCommand({
          TableName: 'drctl-state',
          Item: lockItem(owner),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
    await take(east, 'ana')
    sandbox.clock.advanceMs(1)
    await take(west, 'bo')
    sandbox.clock.advanceWorldSeconds(2)
    const key = {pk: S('lock#retail'), sk: S('lock')}
    for (const client of [east, west]) {
      expect((await client.send(new GetItemCommand({TableName: 'drctl-state', Key: key}))).Item?.owner).toEqual(S('bo'))
    }
    expect((await east.send(new DescribeTableCommand({TableName: 'drctl-state'}))).Table?.MultiRegionConsistency).toBe(
      'EVENTUAL',
    )
  })

  it('MRSC: made global once with STRONG (three Regions, a witness allowed); writes are seen everywhere at once', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    const east2 = sandbox.dynamodb('us-east-2')
    await stateTable(east)
    const strong = (updates: object) =>
      east.send(new UpdateTableCommand({TableName: 'drctl-state', MultiRegionConsistency: 'STRONG', ...updates}))
    await expect(strong({ReplicaUpdates: [{Create: {RegionName: 'us-east-2'}}]})).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('exactly three Regions'),
    })
    await expect(strong({})).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('only valid together with Create actions'),
    })
    const updated = await strong({
      ReplicaUpdates: [{Create: {RegionName: 'us-east-2'}}],
      GlobalTableWitnessUpdates: [{Create: {RegionName: 'us-west-2'}}],
    })
    expect(updated.TableDescription).toMatchObject({
      TableStatus: 'UPDATING',
      MultiRegionConsistency: 'STRONG',
      GlobalTableWitnesses: [{RegionName: 'us-west-2', WitnessStatus: 'CREATING'}],
    })
    sandbox.clock.advanceWorldSeconds(181)
    expect((await east2.send(new DescribeTableCommand({TableName: 'drctl-state'}))).Table).toMatchObject({
      TableStatus: 'ACTIVE',
      MultiRegionConsistency: 'STRONG',
      Replicas: [expect.objectContaining({RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE'})],
      GlobalTableWitnesses: [{RegionName: 'us-west-2', WitnessStatus: 'ACTIVE'}],
    })

    await east.send(
      new PutItemCommand({
        TableName: 'drctl-state',
        Item: lockItem('ana'),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    await expect(
      east2.send(
        new PutItemCommand({
          TableName: 'drctl-state',
          Item: lockItem('bo'),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    ).rejects.toMatchObject({name: 'ConditionalCheckFailedException', Item: lockItem('ana')})
    // The witness holds no readable replica.
    await expect(
      sandbox.dynamodb('us-west-2').send(new GetItemCommand({TableName: 'drctl-state', Key: {pk: S('a'), sk: S('b')}})),
    ).rejects.toMatchObject({name: 'ResourceNotFoundException'})
  })

  it('MRSC only on an empty table that is not global yet', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    await stateTable(east)
    await east.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('a'), sk: S('b')}}))
    const strong = () =>
      east.send(
        new UpdateTableCommand({
          TableName: 'drctl-state',
          MultiRegionConsistency: 'STRONG',
          ReplicaUpdates: [{Create: {RegionName: 'us-east-2'}}, {Create: {RegionName: 'us-west-2'}}],
        }),
      )
    await expect(strong()).rejects.toMatchObject({message: expect.stringContaining('only be set on an empty table')})
    await east.send(new DeleteItemCommand({TableName: 'drctl-state', Key: {pk: S('a'), sk: S('b')}}))
    await addReplicas(east, ['eu-west-1'])
    await expect(strong()).rejects.toMatchObject({message: expect.stringContaining('already global')})
  })

  it('a Region outage refuses item calls there; the other replica answers', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.dynamodb('us-east-1')
    const west = sandbox.dynamodb('us-west-2')
    await stateTable(east)
    await addReplicas(east, ['us-west-2'])
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    await expect(
      east.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('a'), sk: S('b')}})),
    ).rejects.toThrow(/socket hang up|ECONNRESET/)
    await west.send(new PutItemCommand({TableName: 'drctl-state', Item: {pk: S('a'), sk: S('b')}}))
    expect(
      (await west.send(new GetItemCommand({TableName: 'drctl-state', Key: {pk: S('a'), sk: S('b')}}))).Item,
    ).toBeDefined()
  })

  it("writes items to a table of a world saved before items existed (the scenario's carts)", async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.dynamodb('us-west-2')
    await west.send(new PutItemCommand({TableName: 'carts', Item: {cartId: S('c1'), total: N(3)}}))
    sandbox.clock.advanceWorldSeconds(1)
    const read = await sandbox
      .dynamodb('us-east-1')
      .send(new GetItemCommand({TableName: 'carts', Key: {cartId: S('c1')}, ConsistentRead: true}))
    expect(read.Item).toEqual({cartId: S('c1'), total: N(3)})
  })
})
