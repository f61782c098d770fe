import {type CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand} from '@aws-sdk/client-cloudwatch'

import {allPages} from './pages.js'
import type {AlarmState, CloudWatchPort, MetricPoint, MetricQuery} from './ports.js'
import type {Caller} from './session.js'

/** GetMetricData refuses more MetricDataQueries than this in one request. */
const MAX_QUERIES_PER_CALL = 500

export class CloudWatchAdapter implements CloudWatchPort {
  constructor(
    readonly region: string,
    private readonly client: CloudWatchClient,
    private readonly call: Caller,
  ) {}

  async latest(queries: MetricQuery[], windowMs: number): Promise<Record<string, MetricPoint>> {
    const result: Record<string, MetricPoint> = {}
    const end = new Date()
    const start = new Date(end.getTime() - windowMs)
    for (let first = 0; first < queries.length; first += MAX_QUERIES_PER_CALL) {
      await this.readBatch(queries.slice(first, first + MAX_QUERIES_PER_CALL), start, end, result)
    }
    return result
  }

  private async readBatch(
    queries: MetricQuery[],
    start: Date,
    end: Date,
    result: Record<string, MetricPoint>,
  ): Promise<void> {
    const results = await allPages(async (nextToken) => {
      const output = await this.call('GetMetricData', false, (abortSignal) =>
        this.client.send(
          new GetMetricDataCommand({
            StartTime: start,
            EndTime: end,
            ScanBy: 'TimestampDescending',
            NextToken: nextToken,
            MetricDataQueries: queries.map((query) => ({
              Id: query.id,
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: query.namespace,
                  MetricName: query.metric,
                  Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({Name, Value})),
                },
                Period: 60,
                Stat: query.stat,
              },
            })),
          }),
          {abortSignal},
        ),
      )
      return {items: output.MetricDataResults ?? [], next: output.NextToken}
    })
    for (const series of results) {
      const values = series.Values ?? []
      const timestamps = series.Timestamps ?? []
      // ScanBy TimestampDescending puts the newest datapoint first; keep the first one seen across pages.
      if (series.Id && values.length > 0 && timestamps[0] && !result[series.Id]) {
        result[series.Id] = {value: values[0] as number, timestamp: timestamps[0].toISOString()}
      }
    }
  }

  async describeAlarms(names: string[]): Promise<AlarmState[]> {
    if (names.length === 0) return []
    return allPages(async (nextToken) => {
      const output = await this.call('DescribeAlarms', false, (abortSignal) =>
        this.client.send(
          new DescribeAlarmsCommand({
            AlarmNames: names,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            NextToken: nextToken,
          }),
          {abortSignal},
        ),
      )
      const alarms = [...(output.MetricAlarms ?? []), ...(output.CompositeAlarms ?? [])].map((alarm) => ({
        name: alarm.AlarmName ?? '',
        arn: alarm.AlarmArn,
        state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
        reason: alarm.StateReason,
      }))
      return {items: alarms, next: output.NextToken}
    })
  }
}
