import {CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {CloudWatchAdapter} from '../../../src/lib/aws/cloudwatch.js'
import type {MetricQuery} from '../../../src/lib/aws/ports.js'
import {awsError, callerFor} from './harness.js'

const cloudwatchMock = mockClient(CloudWatchClient)
afterEach(() => cloudwatchMock.reset())

const cloudwatch = () =>
  new CloudWatchAdapter('us-west-2', new CloudWatchClient({region: 'us-west-2'}), callerFor('CloudWatch', 'us-west-2'))

const lag = (id: string, cluster = 'orders-usw2'): MetricQuery => ({
  id,
  namespace: 'AWS/RDS',
  metric: 'AuroraGlobalDBRPOLag',
  stat: 'Maximum',
  dimensions: {DBClusterIdentifier: cluster, SourceRegion: 'us-east-1'},
})

const at = (iso: string) => new Date(iso)

describe('CloudWatch adapter: latest datapoints', () => {
  it('asks GetMetricData for one-minute statistics over the window, newest first', async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({MetricDataResults: []})
    await cloudwatch().latest([lag('m0')], 300_000)
    expect(cloudwatchMock).toHaveReceivedCommandExactlyOnceWith(GetMetricDataCommand, {
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'm0',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraGlobalDBRPOLag',
              Dimensions: [
                {Name: 'DBClusterIdentifier', Value: 'orders-usw2'},
                {Name: 'SourceRegion', Value: 'us-east-1'},
              ],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    })
    const input = cloudwatchMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input
    expect((input?.EndTime as Date).getTime() - (input?.StartTime as Date).getTime()).toBe(300_000)
  })

  it('keeps the newest datapoint of each query; a query without datapoints is absent, never 0', async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'm0',
          Timestamps: [at('2026-01-01T00:02:00Z'), at('2026-01-01T00:01:00Z')],
          Values: [120, 80],
          StatusCode: 'Complete',
        },
        {Id: 'm1', Timestamps: [], Values: [], StatusCode: 'Complete'},
        {Id: 'm2', StatusCode: 'Complete'},
      ],
    })
    const points = await cloudwatch().latest([lag('m0'), lag('m1'), lag('m2')], 300_000)
    expect(points).toEqual({m0: {value: 120, timestamp: '2026-01-01T00:02:00.000Z'}})
    expect('m1' in points).toBe(false)
    expect('m2' in points).toBe(false)
  })

  it('follows NextToken to the end, keeping the first (newest) datapoint seen for each query', async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          {Id: 'm0', Timestamps: [at('2026-01-01T00:05:00Z')], Values: [7]},
          {Id: 'm1', Timestamps: [], Values: []},
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          {Id: 'm0', Timestamps: [at('2026-01-01T00:04:00Z')], Values: [9]},
          {Id: 'm1', Timestamps: [at('2026-01-01T00:03:00Z')], Values: [0]},
        ],
        NextToken: 'page-3',
      })
      .resolvesOnce({MetricDataResults: [{Id: 'm2', Timestamps: [at('2026-01-01T00:01:00Z')], Values: [3]}]})
    const points = await cloudwatch().latest([lag('m0'), lag('m1'), lag('m2')], 600_000)
    expect(points).toEqual({
      m0: {value: 7, timestamp: '2026-01-01T00:05:00.000Z'},
      m1: {value: 0, timestamp: '2026-01-01T00:03:00.000Z'},
      m2: {value: 3, timestamp: '2026-01-01T00:01:00.000Z'},
    })
    const tokens = cloudwatchMock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input.NextToken)
    expect(tokens).toEqual([undefined, 'page-2', 'page-3'])
  })

  it('sends no call for no queries', async () => {
    await expect(cloudwatch().latest([], 300_000)).resolves.toEqual({})
    expect(cloudwatchMock).not.toHaveReceivedAnyCommand()
  })

  it('splits more than 500 queries (the GetMetricData limit) into batches over the same window', async () => {
    cloudwatchMock.on(GetMetricDataCommand).callsFake((input: {MetricDataQueries: {Id: string}[]}) => {
      if (input.MetricDataQueries.length > 500) {
        const limit = 'The collection MetricDataQueries must not have a size greater than 500.'
        throw Object.assign(new Error(), awsError('InvalidParameterValue', limit, 400))
      }
      return {
        MetricDataResults: input.MetricDataQueries.map((query) => ({
          Id: query.Id,
          Timestamps: [at('2026-01-01T00:00:00Z')],
          Values: [1],
        })),
      }
    })
    const queries = Array.from({length: 1201}, (_, index) => lag(`m${index}`, `cluster-${index}`))
    const points = await cloudwatch().latest(queries, 300_000)
    expect(Object.keys(points)).toHaveLength(1201)
    const inputs = cloudwatchMock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input)
    expect(inputs.map((input) => input.MetricDataQueries?.length)).toEqual([500, 500, 201])
    expect(inputs.flatMap((input) => input.MetricDataQueries?.map((query) => query.Id))).toEqual(
      queries.map((query) => query.id),
    )
    expect(
      new Set(inputs.map((input) => `${input.StartTime?.toISOString()}/${input.EndTime?.toISOString()}`)).size,
    ).toBe(1)
  })

  it('reads access denied as such, naming the IAM action', async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .rejects(awsError('AccessDenied', 'not authorized to perform: cloudwatch:GetMetricData', 403))
    await expect(cloudwatch().latest([lag('m0')], 300_000)).rejects.toMatchObject({
      kind: 'access-denied',
      hints: [expect.stringContaining('cloudwatch:GetMetricData in us-west-2')],
    })
  })
})

describe('CloudWatch adapter: alarms', () => {
  it('asks for the named metric and composite alarms and maps both; a missing state is INSUFFICIENT_DATA', async () => {
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'orders-5xx',
          AlarmArn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:orders-5xx',
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed',
        },
      ],
      CompositeAlarms: [
        {AlarmName: 'app-health', AlarmArn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:app-health'},
      ],
    })
    await expect(cloudwatch().describeAlarms(['orders-5xx', 'app-health', 'gone'])).resolves.toEqual([
      {
        name: 'orders-5xx',
        arn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:orders-5xx',
        state: 'ALARM',
        reason: 'Threshold Crossed',
      },
      {
        name: 'app-health',
        arn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:app-health',
        state: 'INSUFFICIENT_DATA',
        reason: undefined,
      },
    ])
    expect(cloudwatchMock).toHaveReceivedCommandExactlyOnceWith(DescribeAlarmsCommand, {
      AlarmNames: ['orders-5xx', 'app-health', 'gone'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    })
  })

  it('follows NextToken to the end', async () => {
    cloudwatchMock
      .on(DescribeAlarmsCommand)
      .resolvesOnce({MetricAlarms: [{AlarmName: 'a', StateValue: 'OK'}], NextToken: 't2'})
      .resolvesOnce({CompositeAlarms: [{AlarmName: 'b', StateValue: 'OK'}], NextToken: 't3'})
      .resolvesOnce({MetricAlarms: [{AlarmName: 'c', StateValue: 'ALARM'}]})
    const alarms = await cloudwatch().describeAlarms(['a', 'b', 'c'])
    expect(alarms.map((alarm) => `${alarm.name}:${alarm.state}`)).toEqual(['a:OK', 'b:OK', 'c:ALARM'])
    expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input.NextToken)).toEqual([
      undefined,
      't2',
      't3',
    ])
  })

  it('sends no call for no names', async () => {
    await expect(cloudwatch().describeAlarms([])).resolves.toEqual([])
    expect(cloudwatchMock).not.toHaveReceivedAnyCommand()
  })
})
