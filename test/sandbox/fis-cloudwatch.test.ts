import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  type GetMetricStatisticsCommandInput,
  ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch'
import {AwsSmithyRpcV2CborProtocol} from '@aws-sdk/core/protocols'
import {
  type FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis'
import {afterEach, describe, expect, it} from 'vitest'

import {setFault} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

async function templateId(fis: FisClient, name: string): Promise<string> {
  const out = await fis.send(new ListExperimentTemplatesCommand({}))
  const found = out.experimentTemplates?.find((template) => template.tags?.Name === name)
  if (!found?.id) throw new Error(`no template ${name}`)
  return found.id
}

async function series(
  client: CloudWatchClient,
  now: number,
  namespace: string,
  metric: string,
  dimensions: Record<string, string>,
) {
  const out = await client.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - 5 * 60_000),
      EndTime: new Date(now),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'm0',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: namespace,
              MetricName: metric,
              Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({Name, Value})),
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    }),
  )
  const result = out.MetricDataResults?.[0]
  return {values: result?.Values ?? [], timestamps: result?.Timestamps ?? []}
}

describe('FIS experiments', () => {
  it('lists templates with tags and stop conditions', async () => {
    sandbox = await startTestSandbox()
    const fis = sandbox.fis('us-east-1')
    const list = await fis.send(new ListExperimentTemplatesCommand({}))
    expect(list.experimentTemplates?.map((t) => t.tags)).toEqual([
      {Name: 'cross-region-connectivity', Env: 'sandbox'},
      {Name: 'pause-carts-replication', Env: 'sandbox'},
    ])
    expect(list.experimentTemplates?.[0]?.creationTime).toBeInstanceOf(Date)
    const full = await fis.send(
      new GetExperimentTemplateCommand({id: await templateId(fis, 'cross-region-connectivity')}),
    )
    expect(full.experimentTemplate).toMatchObject({
      stopConditions: [
        {source: 'aws:cloudwatch:alarm', value: expect.stringMatching(/^arn:aws:cloudwatch:us-east-1:/)},
      ],
      actions: {
        DisruptSubnetConnectivity: {
          actionId: 'aws:network:route-table-disrupt-cross-region-connectivity',
          parameters: {duration: 'PT10M', region: 'us-west-2'},
        },
        PauseCartsReplication: {actionId: 'aws:dynamodb:global-table-pause-replication'},
      },
      targets: {Tables: {resourceType: 'aws:dynamodb:global-table', selectionMode: 'ALL'}},
    })
    const other = await fis.send(
      new GetExperimentTemplateCommand({id: await templateId(fis, 'pause-carts-replication')}),
    )
    expect(other.experimentTemplate?.stopConditions).toEqual([{source: 'none'}])
    expect((await sandbox.fis('us-west-2').send(new ListExperimentTemplatesCommand({}))).experimentTemplates).toEqual(
      [],
    )
    await expect(fis.send(new GetExperimentTemplateCommand({id: 'EXTnope'}))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: {httpStatusCode: 404},
    })
  })

  it('runs initiating → running → completed, idempotently per clientToken', async () => {
    sandbox = await startTestSandbox()
    const fis = sandbox.fis('us-east-1')
    const id = await templateId(fis, 'pause-carts-replication')
    const started = await fis.send(
      new StartExperimentCommand({experimentTemplateId: id, clientToken: 'run-1', tags: {'drctl:run': 'r1'}}),
    )
    expect(started.experiment?.state).toEqual({status: 'initiating', reason: 'Experiment is initiating.'})
    expect(started.experiment?.creationTime).toBeInstanceOf(Date)
    const again = await fis.send(new StartExperimentCommand({experimentTemplateId: id, clientToken: 'run-1'}))
    expect(again.experiment?.id).toBe(started.experiment?.id)
    expect((await fis.send(new ListExperimentsCommand({}))).experiments).toHaveLength(1)
    await expect(
      fis.send(
        new StartExperimentCommand({
          experimentTemplateId: await templateId(fis, 'cross-region-connectivity'),
          clientToken: 'run-1',
        }),
      ),
    ).rejects.toMatchObject({name: 'ConflictException', $metadata: {httpStatusCode: 409}})

    sandbox.clock.advanceWorldSeconds(6)
    const running = (await fis.send(new GetExperimentCommand({id: started.experiment?.id}))).experiment
    expect(running?.state?.status).toBe('running')
    expect(running?.startTime).toBeInstanceOf(Date)
    expect(running?.actions?.PauseCartsReplication?.state?.status).toBe('running')
    expect(running?.tags).toEqual({'drctl:run': 'r1'})

    sandbox.clock.advanceWorldSeconds(300)
    const done = (await fis.send(new GetExperimentCommand({id: started.experiment?.id}))).experiment
    expect(done?.state?.status).toBe('completed')
    expect(done?.endTime).toBeInstanceOf(Date)
    expect(done?.actions?.PauseCartsReplication?.state?.status).toBe('completed')
    await expect(fis.send(new StopExperimentCommand({id: started.experiment?.id}))).rejects.toMatchObject({
      name: 'ValidationException',
    })
    await expect(
      sandbox.fis('us-west-2').send(new GetExperimentCommand({id: started.experiment?.id})),
    ).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}})
  })

  it('stops: stopping → stopped, running actions stopped', async () => {
    sandbox = await startTestSandbox()
    const fis = sandbox.fis('us-east-1')
    const id = await templateId(fis, 'cross-region-connectivity')
    const started = await fis.send(new StartExperimentCommand({experimentTemplateId: id, clientToken: 'stop-me'}))
    const experimentId = started.experiment?.id
    sandbox.clock.advanceWorldSeconds(60)
    const stopping = await fis.send(new StopExperimentCommand({id: experimentId}))
    expect(stopping.experiment?.state).toEqual({status: 'stopping', reason: 'Stopping Experiment.'})
    sandbox.clock.advanceWorldSeconds(11)
    const stopped = (await fis.send(new GetExperimentCommand({id: experimentId}))).experiment
    expect(stopped?.state?.status).toBe('stopped')
    expect(Object.values(stopped?.actions ?? {}).map((action) => action.state?.status)).toEqual(['stopped', 'stopped'])
    const summaries = await fis.send(new ListExperimentsCommand({}))
    expect(summaries.experiments?.map((e) => e.state?.status)).toEqual(['stopped'])
  })

  it('stops an experiment whose stop-condition alarm goes to ALARM, with the alarm as the reason; others run on', async () => {
    sandbox = await startTestSandbox()
    const fis = sandbox.fis('us-east-1')
    const start = async (name: string, clientToken: string) =>
      (await fis.send(new StartExperimentCommand({experimentTemplateId: await templateId(fis, name), clientToken})))
        .experiment?.id
    const guarded = await start('cross-region-connectivity', 'guarded')
    const unguarded = await start('pause-carts-replication', 'unguarded')
    sandbox.clock.advanceWorldSeconds(60)
    const alarmStates = async () =>
      (
        await sandbox
          .cloudwatch('us-east-1')
          .send(new DescribeAlarmsCommand({AlarmNames: ['retail-orders-error-rate', 'no-such-alarm']}))
      ).MetricAlarms?.map((alarm) => `${alarm.AlarmName} ${alarm.StateValue}`)
    expect(await alarmStates()).toEqual(['retail-orders-error-rate OK'])
    await setFault(sandbox.home, {kind: 'alarm', alarm: 'retail-orders-error-rate'}, {now: sandbox.now})
    expect(await alarmStates()).toEqual(['retail-orders-error-rate ALARM'])
    const state = async (id: string | undefined) => (await fis.send(new GetExperimentCommand({id}))).experiment?.state
    expect(await state(guarded)).toEqual({status: 'stopping', reason: 'Stopping Experiment.'})
    sandbox.clock.advanceWorldSeconds(11)
    expect(await state(guarded)).toEqual({
      status: 'stopped',
      reason: 'Stop condition arn:aws:cloudwatch:us-east-1:111122223333:alarm:retail-orders-error-rate triggered.',
    })
    expect((await state(unguarded))?.status).toBe('running')

    const late = await start('cross-region-connectivity', 'late')
    expect((await state(late))?.status).toBe('stopping')

    await expect(setFault(sandbox.home, {kind: 'alarm', alarm: 'nope'}, {now: sandbox.now})).rejects.toMatchObject({
      code: 'bad-fault',
      message: expect.stringContaining('"nope"'),
    })
  })

  it('allows five active experiments per Region and knows only its templates', async () => {
    sandbox = await startTestSandbox()
    const fis = sandbox.fis('us-east-1')
    const id = await templateId(fis, 'pause-carts-replication')
    for (let n = 0; n < 5; n++) {
      await fis.send(new StartExperimentCommand({experimentTemplateId: id, clientToken: `token-${n}`}))
    }
    await expect(
      fis.send(new StartExperimentCommand({experimentTemplateId: id, clientToken: 'token-5'})),
    ).rejects.toMatchObject({name: 'ServiceQuotaExceededException', $metadata: {httpStatusCode: 402}})
    await expect(
      fis.send(new StartExperimentCommand({experimentTemplateId: 'EXTdoesnotexist', clientToken: 'x'})),
    ).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}})
  })

  it('raises DynamoDB replication latency and Aurora lag while it runs; they recover after', async () => {
    sandbox = await startTestSandbox()
    const fis = sandbox.fis('us-east-1')
    const eastMetrics = sandbox.cloudwatch('us-east-1')
    const westMetrics = sandbox.cloudwatch('us-west-2')
    const latency = async () =>
      (
        await series(eastMetrics, sandbox.now(), 'AWS/DynamoDB', 'ReplicationLatency', {
          TableName: 'carts',
          ReceivingRegion: 'us-west-2',
        })
      ).values[0]
    const lag = async () =>
      (
        await series(westMetrics, sandbox.now(), 'AWS/RDS', 'AuroraGlobalDBReplicationLag', {
          DBClusterIdentifier: 'orders-usw2',
        })
      ).values[0]
    expect(await latency()).toBeLessThan(2500)
    expect(await lag()).toBeLessThan(1000)

    const id = await templateId(fis, 'cross-region-connectivity')
    await fis.send(new StartExperimentCommand({experimentTemplateId: id, clientToken: 'game-day'}))
    sandbox.clock.advanceWorldSeconds(5 + 240)
    expect(await latency()).toBeGreaterThan(120_000)
    expect(await lag()).toBeGreaterThan(10_000)

    sandbox.clock.advanceWorldSeconds(360 + 180)
    expect(await latency()).toBeLessThan(2500)
    expect(await lag()).toBeLessThan(1000)
  })
})

describe('CloudWatch GetMetricData', () => {
  it('has Aurora lag only for secondaries, in their own Region, and no RPO lag for older Aurora MySQL', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.cloudwatch('us-west-2')
    const east = sandbox.cloudwatch('us-east-1')
    const now = sandbox.now()
    const rpo = await series(west, now, 'AWS/RDS', 'AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'orders-usw2'})
    expect(rpo.values.length).toBeGreaterThanOrEqual(4)
    expect(rpo.values.every((value) => value > 100 && value < 1000)).toBe(true)
    expect(rpo.timestamps[0]).toBeInstanceOf(Date)
    expect(rpo.timestamps[0]!.getTime()).toBeGreaterThan(rpo.timestamps[1]!.getTime())
    expect(rpo.timestamps[0]!.getTime() % 60_000).toBe(0)
    const withSource = await series(west, now, 'AWS/RDS', 'AuroraGlobalDBRPOLag', {
      DBClusterIdentifier: 'orders-usw2',
      SourceRegion: 'us-east-1',
    })
    expect(withSource.values.length).toBe(rpo.values.length)
    const wrongSource = await series(west, now, 'AWS/RDS', 'AuroraGlobalDBRPOLag', {
      DBClusterIdentifier: 'orders-usw2',
      SourceRegion: 'eu-west-1',
    })
    expect(wrongSource.values).toEqual([])

    expect(
      (await series(west, now, 'AWS/RDS', 'AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'catalog-usw2'})).values,
    ).toEqual([])
    expect(
      (await series(west, now, 'AWS/RDS', 'AuroraGlobalDBReplicationLag', {DBClusterIdentifier: 'catalog-usw2'})).values
        .length,
    ).toBeGreaterThan(0)
    expect(
      (await series(east, now, 'AWS/RDS', 'AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'orders-usw2'})).values,
    ).toEqual([])
    expect(
      (await series(east, now, 'AWS/RDS', 'AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'orders-use1'})).values,
    ).toEqual([])
    expect((await series(east, now, 'AWS/RDS', 'CPUUtilization', {DBClusterIdentifier: 'orders-use1'})).values).toEqual(
      [],
    )

    const listed = await west.send(new ListMetricsCommand({Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBRPOLag'}))
    expect(listed.Metrics?.map((m) => m.Dimensions?.map((d) => `${d.Name}=${d.Value}`).join(','))).toEqual([
      'DBClusterIdentifier=orders-usw2',
      'DBClusterIdentifier=orders-usw2,SourceRegion=us-east-1',
    ])
  })

  it('emits DynamoDB ReplicationLatency in the source Region per receiving Region', async () => {
    sandbox = await startTestSandbox()
    const now = sandbox.now()
    const east = await series(sandbox.cloudwatch('us-east-1'), now, 'AWS/DynamoDB', 'ReplicationLatency', {
      TableName: 'carts',
      ReceivingRegion: 'us-west-2',
    })
    expect(east.values.length).toBeGreaterThan(0)
    expect(east.values.every((value) => value >= 450 && value <= 2200)).toBe(true)
    const self = await series(sandbox.cloudwatch('us-east-1'), now, 'AWS/DynamoDB', 'ReplicationLatency', {
      TableName: 'carts',
      ReceivingRegion: 'us-east-1',
    })
    expect(self.values).toEqual([])
  })

  it('follows the lag fault, and has no fresh data from a Region under outage', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.cloudwatch('us-west-2')
    await setFault(
      sandbox.home,
      {kind: 'lag', globalCluster: 'orders-global', region: 'us-west-2', ms: 30_000},
      {now: sandbox.now},
    )
    sandbox.clock.advanceWorldSeconds(180)
    const lagged = await series(west, sandbox.now(), 'AWS/RDS', 'AuroraGlobalDBRPOLag', {
      DBClusterIdentifier: 'orders-usw2',
    })
    expect(lagged.values[0]).toBeGreaterThan(28_000)
    expect(lagged.values[0]).toBeLessThan(34_000)

    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    sandbox.clock.advanceWorldSeconds(600)
    expect(
      (await series(west, sandbox.now(), 'AWS/RDS', 'AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'orders-usw2'}))
        .values,
    ).toEqual([])
    expect(
      (
        await series(west, sandbox.now(), 'AWS/DynamoDB', 'ReplicationLatency', {
          TableName: 'carts',
          ReceivingRegion: 'us-east-1',
        })
      ).values,
    ).toEqual([])
  })

  it('answers bad input with CloudWatch’s query-compatible errors', async () => {
    sandbox = await startTestSandbox()
    const client = sandbox.cloudwatch('us-east-1')
    const now = sandbox.now()
    await expect(
      client.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 60_000),
          EndTime: new Date(now),
          MetricDataQueries: [
            {Id: 'm0', MetricStat: {Metric: {Namespace: 'AWS/RDS', MetricName: 'X'}, Period: 7, Stat: 'Maximum'}},
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      Code: 'InvalidParameterValue',
      $metadata: {httpStatusCode: 400},
    })
    await expect(
      client.send(
        new GetMetricDataCommand({StartTime: new Date(now - 60_000), EndTime: new Date(now), MetricDataQueries: []}),
      ),
    ).rejects.toMatchObject({Code: 'MissingParameter'})
  })
})

describe('CloudWatch GetMetricStatistics', () => {
  const lagQuery = (now: number, metric: string, cluster: string): GetMetricStatisticsCommandInput => ({
    Namespace: 'AWS/RDS',
    MetricName: metric,
    Dimensions: [{Name: 'DBClusterIdentifier', Value: cluster}],
    StartTime: new Date(now - 5 * 60_000),
    EndTime: new Date(now),
    Period: 60,
    Statistics: ['Maximum', 'Average'],
  })

  it('serves the series GetMetricData serves, oldest first, for the Aurora lag metrics runbooks read', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.cloudwatch('us-west-2')
    const now = sandbox.now()
    for (const metric of ['AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag']) {
      const expected = await series(west, now, 'AWS/RDS', metric, {DBClusterIdentifier: 'orders-usw2'})
      const out = await west.send(new GetMetricStatisticsCommand(lagQuery(now, metric, 'orders-usw2')))
      expect(out.Label).toBe(metric)
      const points = out.Datapoints ?? []
      expect(points.length).toBeGreaterThan(3)
      expect(points.map((point) => point.Timestamp)).toEqual([...expected.timestamps].reverse())
      expect(points.map((point) => point.Maximum)).toEqual([...expected.values].reverse())
      for (const point of points) {
        expect(point.Unit).toBe('Milliseconds')
        expect(point.Average).toBeLessThan(point.Maximum as number)
      }
    }
    const percentile = await west.send(
      new GetMetricStatisticsCommand({
        ...lagQuery(now, 'AuroraGlobalDBReplicationLag', 'orders-usw2'),
        Statistics: undefined,
        ExtendedStatistics: ['p99'],
      }),
    )
    expect(percentile.Datapoints?.[0]?.ExtendedStatistics?.p99).toBeGreaterThan(0)
    // The primary has no lag series; nor has a secondary in another Region's view.
    const east = sandbox.cloudwatch('us-east-1')
    for (const cluster of ['orders-use1', 'orders-usw2']) {
      const out = await east.send(
        new GetMetricStatisticsCommand(lagQuery(now, 'AuroraGlobalDBReplicationLag', cluster)),
      )
      expect(out.Datapoints).toEqual([])
    }
  })

  it('answers timestamps as CBOR timestamps to clients of the CBOR protocol', async () => {
    sandbox = await startTestSandbox()
    const cbor = sandbox.client(
      (config) => new CloudWatchClient({...config, protocol: AwsSmithyRpcV2CborProtocol}),
      'us-west-2',
    )
    const out = await cbor.send(
      new GetMetricStatisticsCommand(lagQuery(sandbox.now(), 'AuroraGlobalDBReplicationLag', 'catalog-usw2')),
    )
    expect(out.Datapoints?.[0]?.Timestamp).toBeInstanceOf(Date)
    expect((out.Datapoints?.[0]?.Timestamp as Date).getTime() % 60_000).toBe(0)
  })

  it('answers bad input as CloudWatch does', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.cloudwatch('us-west-2')
    const now = sandbox.now()
    const query = lagQuery(now, 'AuroraGlobalDBReplicationLag', 'orders-usw2')
    const refused = (input: GetMetricStatisticsCommandInput) => west.send(new GetMetricStatisticsCommand(input))
    await expect(refused({...query, Statistics: undefined})).rejects.toMatchObject({
      name: 'InvalidParameterCombinationException',
      Code: 'InvalidParameterCombination',
      message: 'Must specify either Statistics or ExtendedStatistics, but not both.',
    })
    await expect(refused({...query, ExtendedStatistics: ['p99']})).rejects.toMatchObject({
      name: 'InvalidParameterCombinationException',
      Code: 'InvalidParameterCombination',
    })
    await expect(refused({...query, Period: 7})).rejects.toMatchObject({Code: 'InvalidParameterValue'})
    await expect(refused({...query, Statistics: ['Median' as 'Maximum']})).rejects.toMatchObject({
      Code: 'InvalidParameterValue',
    })
    await expect(refused({...query, StartTime: new Date(now - 2 * 86_400_000)})).rejects.toMatchObject({
      name: 'InvalidParameterCombinationException',
      Code: 'InvalidParameterCombination',
      message: expect.stringMatching(/^You have requested up to 2880 datapoints, which exceeds the limit of 1440/),
    })
    await expect(refused({...query, Namespace: undefined})).rejects.toMatchObject({Code: 'MissingParameter'})
  })
})
