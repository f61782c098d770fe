import {ExecuteStatementCommand, RDSDataClient} from '@aws-sdk/client-rds-data'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import type {AwsCallRecord} from '../../../src/lib/aws/invoke.js'
import {RdsDataAdapter} from '../../../src/lib/aws/rds-data.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const dataMock = mockClient(RDSDataClient)
afterEach(() => dataMock.reset())

const target = {
  clusterArn: 'arn:aws:rds:us-west-2:123456789012:cluster:orders-usw2',
  secretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:orders',
  database: 'shop',
}
const dataApi = (options: CallerOptions = {}) =>
  new RdsDataAdapter(
    'us-west-2',
    (sdk) => new sdk.RDSDataClient({region: 'us-west-2'}),
    callerFor('RDS Data', 'us-west-2', options),
  )

describe('RDS Data API adapter', () => {
  it('sends one typed Field per parameter and reads every Field kind back as a plain value', async () => {
    dataMock.on(ExecuteStatementCommand).resolves({
      columnMetadata: [{name: 'id'}, {name: 'amount'}, {name: 'paid'}, {name: 'note'}, {name: 'ratio'}, {name: 'raw'}],
      records: [
        [
          {longValue: 7},
          {stringValue: '10.99'},
          {booleanValue: true},
          {isNull: true},
          {doubleValue: 0.5},
          {blobValue: Buffer.from('hi')},
        ],
      ],
    })
    const records: AwsCallRecord[] = []
    const result = await dataApi({records}).query(target, 'SELECT * FROM orders WHERE id > :id AND at >= :at', [
      {name: 'id', value: 6},
      {name: 'at', value: '2026-01-01 00:00:00', typeHint: 'TIMESTAMP'},
      {name: 'none', value: null},
      {name: 'ok', value: false},
      {name: 'x', value: 1.5},
    ])
    expect(result).toEqual({
      columns: ['id', 'amount', 'paid', 'note', 'ratio', 'raw'],
      rows: [[7, '10.99', true, null, 0.5, 'aGk=']],
    })
    expect(dataMock).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      resourceArn: target.clusterArn,
      secretArn: target.secretArn,
      database: 'shop',
      includeResultMetadata: true,
      parameters: [
        {name: 'id', value: {longValue: 6}},
        {name: 'at', value: {stringValue: '2026-01-01 00:00:00'}, typeHint: 'TIMESTAMP'},
        {name: 'none', value: {isNull: true}},
        {name: 'ok', value: {booleanValue: false}},
        {name: 'x', value: {doubleValue: 1.5}},
      ],
    })
    // A read: allowed in a dry run, not journaled as a change.
    expect(records).toMatchObject([{service: 'RDS Data', operation: 'ExecuteStatement', mutating: false}])
    await expect(dataApi({readOnly: true}).query(target, 'SELECT 1')).resolves.toBeDefined()
  })

  it('names the Data API error (endpoint disabled, bad secret)', async () => {
    dataMock
      .on(ExecuteStatementCommand)
      .rejects(awsError('BadRequestException', 'HttpEndpoint is not enabled for resource orders-usw2', 400))
    await expect(dataApi().query(target, 'SELECT 1')).rejects.toThrow(/HttpEndpoint is not enabled/)
  })
})
