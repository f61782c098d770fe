import {describe, expect, it} from 'vitest'

import {AwsCallError} from '../../../src/lib/aws/errors.js'
import type {DynamoDbPort, Table} from '../../../src/lib/aws/ports.js'
import {assertStateTable, stateRegion} from '../../../src/lib/runbook/team-state.js'

const state = {table: 'drctl-state', regions: ['us-east-1', 'us-west-2', 'eu-west-1']}

const port = (describe: () => Promise<Table | undefined>) =>
  ({region: 'us-west-2', describeTable: describe}) as unknown as DynamoDbPort
const table = (keySchema: Table['keySchema']): Table => ({
  name: 'drctl-state',
  arn: 'arn:aws:dynamodb:us-west-2:111122223333:table/drctl-state',
  region: 'us-west-2',
  status: 'ACTIVE',
  deletionProtection: false,
  replicas: [],
  keySchema,
})

describe('where team state is written', () => {
  it('writes to the target of a run that avoids Regions, else to the first Region the run does not avoid', () => {
    expect(stateRegion(state)).toBe('us-east-1')
    // A planned move to another Region still takes its lock where every other run does.
    expect(stateRegion(state, [], 'us-west-2')).toBe('us-east-1')
    expect(stateRegion(state, ['us-east-1'], 'us-west-2')).toBe('us-west-2')
    expect(stateRegion(state, ['us-east-1'], 'ap-south-1')).toBe('us-west-2')
    expect(() => stateRegion({table: 'drctl-state', regions: ['us-east-1']}, ['us-east-1'])).toThrow(
      /every Region of the state table drctl-state \(us-east-1\) is avoided/,
    )
  })

  it('refuses a missing table naming drctl state init, and a table of another key schema', async () => {
    await expect(
      assertStateTable(
        port(async () => undefined),
        'drctl-state',
      ),
    ).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      hints: [expect.stringContaining('drctl state init')],
    })
    await expect(
      assertStateTable(
        port(async () => table([{name: 'id', type: 'HASH'}])),
        'drctl-state',
      ),
    ).rejects.toThrow(/not a drctl state table: its key schema is id:HASH/)
    await expect(
      assertStateTable(
        port(async () =>
          table([
            {name: 'pk', type: 'HASH'},
            {name: 'sk', type: 'RANGE'},
          ]),
        ),
        'drctl-state',
      ),
    ).resolves.toBeUndefined()
  })

  it('refuses an unreachable table, naming --local-state; access denied stays the AWS error with its action', async () => {
    const target = {service: 'DynamoDB', operation: 'DescribeTable', region: 'us-west-2'}
    const unreachable = new AwsCallError(
      target,
      Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}),
    )
    await expect(
      assertStateTable(
        port(() => Promise.reject(unreachable)),
        'drctl-state',
      ),
    ).rejects.toMatchObject({
      code: 'DRCTL_AWS_UNREACHABLE',
      hints: [expect.stringContaining('--local-state')],
    })
    const denied = new AwsCallError(target, {
      name: 'AccessDeniedException',
      message: 'no',
      $metadata: {httpStatusCode: 400},
    })
    await expect(
      assertStateTable(
        port(() => Promise.reject(denied)),
        'drctl-state',
      ),
    ).rejects.toMatchObject({
      code: 'DRCTL_AWS_ACCESS_DENIED',
      hints: [expect.stringContaining('dynamodb:DescribeTable')],
    })
  })
})
