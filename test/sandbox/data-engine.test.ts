import {createHook} from 'node:async_hooks'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {ExecuteStatementCommand, RDSDataClient} from '@aws-sdk/client-rds-data'
import {EnableHttpEndpointCommand} from '@aws-sdk/client-rds'

import {freshEngine} from '../../src/lib/sandbox/data/databases.js'
import {databaseSecretArn} from '../../src/lib/sandbox/index.js'
import {scenarioClusterArn, startTestSandbox} from '../helpers/sandbox.js'

describe('sandbox data engine', () => {
  const home = mkdtempSync(join(tmpdir(), 'drctl-engine-'))
  const saved = join(home, 'sandbox', 'pglite-initdb.tar')
  afterAll(() => rmSync(home, {recursive: true, force: true}))

  it('keeps the initialized data directory under the sandbox home, and later engines start from it', async () => {
    const first = await freshEngine(home)
    await first.close()
    const made = statSync(saved).mtimeMs
    const second = await freshEngine(home)
    expect((await second.query<{answer: number}>('SELECT 41 + 1 AS answer')).rows).toEqual([{answer: 42}])
    await second.close()
    expect(statSync(saved).mtimeMs).toBe(made)
  })

  it('makes the data directory again when the saved one does not load', async () => {
    writeFileSync(saved, 'not a data directory')
    const engine = await freshEngine(home)
    expect((await engine.query<{answer: number}>('SELECT 1 AS answer')).rows).toEqual([{answer: 1}])
    await engine.close()
    expect(readFileSync(saved).length).toBeGreaterThan(1_000_000)
  })

  it('closing the server closes the database, whose idle timer would keep the process alive for 10 s', async () => {
    // Node's own timers, as the async hooks see them: the database's idle timer is a 10 s one still pending.
    const timers: {_idleTimeout: number; _destroyed: boolean; hasRef(): boolean}[] = []
    const hook = createHook({init: (_id, type, _trigger, timer) => type === 'Timeout' && timers.push(timer as never)})
    const pendingTenSeconds = () => timers.filter((t) => t._idleTimeout === 10_000 && !t._destroyed && t.hasRef())
    hook.enable()
    try {
      const sandbox = await startTestSandbox({requestTimeoutMs: 60_000})
      const writer = scenarioClusterArn('us-east-1', 'orders-use1')
      await sandbox.rds('us-east-1').send(new EnableHttpEndpointCommand({ResourceArn: writer}))
      const data = sandbox.client((config) => new RDSDataClient(config), 'us-east-1')
      await data.send(
        new ExecuteStatementCommand({resourceArn: writer, secretArn: databaseSecretArn('us-east-1'), sql: 'SELECT 1'}),
      )
      expect(pendingTenSeconds()).toHaveLength(1)
      await sandbox.close()
      expect(pendingTenSeconds()).toEqual([])
    } finally {
      hook.disable()
    }
  })
})
