export interface MetricQuery {
  id: string
  namespace: string
  metric: string
  dimensions: Record<string, string>
  stat: 'Maximum' | 'Average' | 'Minimum'
}

export interface MetricPoint {
  value: number
  timestamp: string
}

export interface AlarmState {
  name: string
  arn?: string
  /** OK, ALARM or INSUFFICIENT_DATA. */
  state: string
  reason?: string
}

export interface CloudWatchPort {
  readonly region: string
  /** The newest datapoint of each query within the window; a query with no data is absent (unknown, never 0). */
  latest(queries: MetricQuery[], windowMs: number): Promise<Record<string, MetricPoint>>
  /** The named alarms (metric and composite) that exist; a name that does not is absent. */
  describeAlarms(names: string[]): Promise<AlarmState[]>
}
