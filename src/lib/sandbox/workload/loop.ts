import {withWorldAt, readWorldAt} from '../advance.js'
import {SandboxError} from '../errors.js'
import {regionOfArn} from '../ids.js'
import {startSandboxServer} from '../listener.js'
import type {World} from '../world.js'
import {databaseSecretArn} from '../world.js'
import {DataApiError, executeStatement} from './data-api-call.js'
import {acknowledgedWrites, recordAck, writeState, type WorkloadState} from './files.js'

/**
 * The workload itself (run by the detached `drctl sandbox workload run`): orders and heartbeats written to the
 * current writer of the world's first global cluster through the RDS Data API, each acknowledged write recorded.
 * Heartbeats are appended, one row a second, so the newest one written before a failover survives later writes and
 * shows what the new primary received.
 */

/** The first call loads the database engine (seconds on a busy machine); a write after that takes milliseconds. */
const FIRST_CALL_TIMEOUT_MS = 120_000
const WRITE_TIMEOUT_MS = 5000
const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, customer text, amount numeric, updated_at timestamptz)',
  'CREATE TABLE IF NOT EXISTS heartbeat (ts timestamptz PRIMARY KEY)',
]

/** Lets the Data API reach every member of the world's first global cluster; returns that global cluster's id. */
function prepareWorld(world: World): string {
  const global = world.rds.globalClusters[0]
  if (!global) throw new SandboxError('bad-argument', 'the sandbox world has no Aurora global cluster to write to')
  for (const cluster of world.rds.clusters) {
    if (global.members.some((member) => member.clusterArn === cluster.arn)) cluster.httpEndpointEnabled = true
  }
  return global.id
}

function currentWriter(world: World, globalId: string): string | undefined {
  return world.rds.globalClusters.find((global) => global.id === globalId)?.members.find((member) => member.isWriter)
    ?.clusterArn
}

/** A time as the Data API takes a TIMESTAMP parameter: `YYYY-MM-DD HH:MM:SS.FFF`, UTC. */
function dataApiTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, {once: true})
  })

export async function runWorkload(home: string, rate: number, signal: AbortSignal): Promise<void> {
  const state: WorkloadState = {status: 'starting', pid: process.pid, rate, startedAt: Date.now()}
  const server = await startSandboxServer({home, externalArcUrls: false})
  const execute = async (input: {sql: string; parameters?: unknown[]}, timeoutMs = WRITE_TIMEOUT_MS) => {
    const writer = await readWorldAt(home, Date.now(), (world) => currentWriter(world, globalId))
    if (!writer) throw new Error('the global cluster has no writer')
    const region = regionOfArn(writer)
    await executeStatement(
      server.endpoint,
      region,
      {
        resourceArn: writer,
        secretArn: databaseSecretArn(region),
        ...input,
      },
      timeoutMs,
    )
    return writer
  }
  let globalId = ''
  try {
    globalId = await withWorldAt(home, Date.now(), prepareWorld)
    state.globalCluster = globalId
    for (const sql of SCHEMA) await execute({sql}, FIRST_CALL_TIMEOUT_MS)
    await writeState(home, {...state, status: 'running'})
    const previous = (await acknowledgedWrites(home)).filter((write) => write.kind === 'order')
    let nextId = Math.max(0, ...previous.map((write) => write.id)) + 1
    for (let tick = 0; !signal.aborted; tick++) {
      await writeOrder(nextId).then(
        () => (nextId += 1),
        // A failed write is not recorded: refused, or unanswered (a Region down, a failover under way). A key taken
        // by a write whose answer was lost moves the next id on.
        (error: Error) => (nextId += error instanceof DataApiError && error.code === 'BadRequestException' ? 1 : 0),
      )
      if (tick % Math.max(1, Math.round(rate)) === 0) await writeHeartbeat().catch(() => undefined)
      await sleep(1000 / rate, signal)
    }
    await writeState(home, {...state, status: 'stopped'})
  } catch (error) {
    await writeState(home, {...state, status: 'failed', error: (error as Error).message})
    throw error
  } finally {
    await server.close()
  }

  async function writeOrder(id: number) {
    const order = {
      id,
      customer: `customer-${id % 97}`,
      amount: `${(id % 1000) + 0.99}`,
      updatedAt: dataApiTimestamp(Date.now()),
    }
    const cluster = await execute({
      sql: 'INSERT INTO orders (id, customer, amount, updated_at) VALUES (:id, :customer, :amount, :updatedAt)',
      parameters: [
        {name: 'id', value: {longValue: order.id}},
        {name: 'customer', value: {stringValue: order.customer}},
        {name: 'amount', value: {stringValue: order.amount}, typeHint: 'DECIMAL'},
        {name: 'updatedAt', value: {stringValue: order.updatedAt}, typeHint: 'TIMESTAMP'},
      ],
    })
    await recordAck(home, {kind: 'order', ...order, cluster, ackAt: Date.now()})
  }

  async function writeHeartbeat() {
    const ts = dataApiTimestamp(Date.now())
    const cluster = await execute({
      sql: 'INSERT INTO heartbeat (ts) VALUES (:ts)',
      parameters: [{name: 'ts', value: {stringValue: ts}, typeHint: 'TIMESTAMP'}],
    })
    await recordAck(home, {kind: 'heartbeat', ts, cluster, ackAt: Date.now()})
  }
}
