import {ExecuteStatementCommand, RDSDataClient} from '@aws-sdk/client-rds-data'
import {afterAll, describe, expect, it} from 'vitest'

import {acknowledgedWrites, databaseSecretArn} from '../../src/lib/sandbox/index.js'
import {waitUntil} from '../helpers/cli.js'
import {drctl, json, useSandbox} from '../helpers/e2e.js'
import {scenarioClusterArn, startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

describe('drctl sandbox workload', () => {
  const sandbox = useSandbox()
  let reader: TestSandbox | undefined
  afterAll(async () => {
    drctl(sandbox.home, ['sandbox', 'workload', 'stop'])
    await reader?.close()
  })

  it('writes orders and heartbeats to the writer until stopped; its record matches the database row for row', async () => {
    const started = json(drctl(sandbox.home, ['sandbox', 'workload', 'start', '--rate', '20', '--json']))
    expect(started.result).toMatchObject({running: true, rate: 20, globalCluster: 'orders-global'})
    const again = drctl(sandbox.home, ['sandbox', 'workload', 'start'])
    expect(again.status).not.toBe(0)
    expect(again.stderr).toContain('a workload is already running')

    await waitUntil('10 acknowledged orders and 2 heartbeats', async () => {
      const writes = await acknowledgedWrites(sandbox.home)
      const count = (kind: string) => writes.filter((write) => write.kind === kind).length
      return count('order') >= 10 && count('heartbeat') >= 2
    })
    const stopped = json(drctl(sandbox.home, ['sandbox', 'workload', 'stop', '--json']))
    expect(stopped.result).toMatchObject({running: false, wasRunning: true})
    expect(json(drctl(sandbox.home, ['sandbox', 'workload', 'stop', '--json'])).result.wasRunning).toBe(false)

    const writes = await acknowledgedWrites(sandbox.home)
    const orders = writes.flatMap((write) => (write.kind === 'order' ? [write.id] : []))
    const heartbeats = writes.flatMap((write) => (write.kind === 'heartbeat' ? [write.ts] : []))
    expect(stopped.result.acknowledged).toMatchObject({orders: orders.length, heartbeats: heartbeats.length})

    reader = await startTestSandbox({home: sandbox.home, clock: 'real', requestTimeoutMs: 60_000})
    const client = reader.client((config) => new RDSDataClient(config), 'us-east-1')
    const query = (sql: string) =>
      client.send(
        new ExecuteStatementCommand({
          resourceArn: scenarioClusterArn('us-east-1', 'orders-use1'),
          secretArn: databaseSecretArn('us-east-1'),
          sql,
        }),
      )
    const rows = await query('SELECT id FROM orders ORDER BY id')
    expect(rows.records?.map((record) => record[0]?.longValue)).toEqual(orders)
    // Heartbeats are appended: every acknowledged beat is a row. The database writes 12:00:00.120 as 12:00:00.12:
    // compare the times.
    const beats = await query('SELECT ts FROM heartbeat ORDER BY ts')
    const utc = (text?: string) => Date.parse(`${text?.replace(' ', 'T')}Z`)
    expect(beats.records?.map((record) => utc(record[0]?.stringValue))).toEqual(heartbeats.map(utc))
  })
})
