import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import type {PGlite} from '@electric-sql/pglite'

import {ApiError} from '../errors.js'
import {hexId} from '../ids.js'
import {
  AURORA_CATALOG_SQL,
  GLOBAL_STATUS_SETTING,
  type GlobalStatusMember,
  globalStatusSetting,
} from './global-status.js'
import {appendLog, entriesOf, isLost, readLog, withLogLock} from './log.js'
import {positional} from './parameters.js'
import type {DataLineage, LogEntry} from './records.js'
import {type QueryResult, TEXT_TYPES} from './results.js'
import {sandboxPaths} from '../store.js'

/**
 * The databases themselves: one in-memory PGlite (PostgreSQL in WebAssembly) per process, loaded on the first data
 * call only, with a schema per cluster. The logs are the truth: a schema is rebuilt from its cluster's lineage and
 * then kept up to date incrementally, so any number of processes serve the same data.
 */

export interface Statement {
  sql: string
  parameters?: unknown[]
}

/** A cluster's writer, about to run statements. */
export interface WriterTarget {
  home: string
  clusterArn: string
  lineage: DataLineage
  /** Tells one world from the next after a reset (the same cluster gets the same lineage key). */
  worldCreatedAt: number
  now: number
  /** What aurora_global_db_status() answers on this writer now (global-status.ts). */
  globalStatus: GlobalStatusMember[]
}

const PARSERS = Object.fromEntries(TEXT_TYPES.map((type) => [type, (text: string) => text]))

let loading: Promise<PGlite> | undefined
const PRISTINE_DATA_DIR = 'pglite-initdb.tar'

/**
 * A fresh PGlite, from the initialized data directory kept under the sandbox home: creating one (initdb in
 * WebAssembly) costs seconds of CPU in every process, loading a copy a fraction of that. A copy that does not load
 * (another PGlite's) is made again.
 */
export async function freshEngine(home: string): Promise<PGlite> {
  const {PGlite: Engine} = await import('@electric-sql/pglite')
  const path = join(sandboxPaths(home).dir, PRISTINE_DATA_DIR)
  if (existsSync(path)) {
    try {
      return await Engine.create({loadDataDir: new Blob([readFileSync(path)])})
    } catch {
      // Made by another PGlite: made again below.
    }
  }
  const db = await Engine.create()
  const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer())
  mkdirSync(dirname(path), {recursive: true})
  const partial = `${path}.${process.pid}.partial`
  writeFileSync(partial, dump)
  renameSync(partial, path)
  return db
}

function database(home: string): Promise<PGlite> {
  loading ??= (async () => {
    const db = await freshEngine(home)
    await db.exec("SET TIME ZONE 'UTC'")
    await db.exec(AURORA_CATALOG_SQL)
    return db
  })()
  return loading
}

// PGlite has one connection: this process's data calls take turns.
let turn: Promise<unknown> = Promise.resolve()
function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const run = turn.catch(() => undefined).then(fn)
  turn = run
  return run
}

interface SchemaState {
  signature: string
  lossCount: number
  /** The last log entry applied (or skipped as lost). */
  appliedSeq: number
}

const schemas = new Map<string, SchemaState>()

/**
 * Closes this process's database, if it was loaded; a later data call loads it again. PGlite's idle timer (10 s)
 * would otherwise keep every process that made a data call alive that long after its work is done.
 */
export function closeDatabase(): Promise<void> {
  return inTurn(async () => {
    const loaded = loading
    loading = undefined
    schemas.clear()
    await (await loaded)?.close()
  }).catch(() => undefined)
}

const schemaName = (what: string) => `db_${hexId(what, 20)}`

/** A database error as the Data API reports it. */
function sqlError(error: unknown): unknown {
  if (error instanceof ApiError) return error
  const {message, code} = error as {message?: string; code?: string}
  if (typeof code !== 'string') return error
  return new ApiError('BadRequestException', `ERROR: ${message}; SQLState: ${code}`, 400)
}

/** `globalStatus`: the rows aurora_global_db_status() reads in it (none when replaying a log). */
async function inTransaction<T>(db: PGlite, schema: string, fn: () => Promise<T>, globalStatus = '[]'): Promise<T> {
  await db.query('BEGIN')
  try {
    await db.query(`SELECT set_config('search_path', $1, true), set_config('${GLOBAL_STATUS_SETTING}', $2, true)`, [
      `${schema}, aurora_sim`,
      globalStatus,
    ])
    const result = await fn()
    await db.query('COMMIT')
    return result
  } catch (error) {
    await db.query('ROLLBACK')
    throw sqlError(error)
  }
}

function run(db: PGlite, statement: Statement): Promise<QueryResult> {
  const {text, values} = positional(statement.sql, statement.parameters)
  return db.query(text, values, {rowMode: 'array', parsers: PARSERS}) as Promise<QueryResult>
}

async function replay(db: PGlite, schema: string, entries: LogEntry[]): Promise<void> {
  if (entries.length === 0) return
  await inTransaction(db, schema, async () => {
    for (const entry of entries) await run(db, entry)
  })
}

async function freshSchema(db: PGlite, schema: string): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`)
}

/** The writer's schema, holding every statement of its lineage committed so far. */
async function caughtUp(
  db: PGlite,
  target: WriterTarget,
): Promise<{schema: string; state: SchemaState; log: LogEntry[]}> {
  const {home, lineage} = target
  const schema = schemaName(target.clusterArn)
  const signature = `${target.worldCreatedAt}|${lineage.key}|${JSON.stringify(lineage.base ?? null)}`
  let state = schemas.get(target.clusterArn)
  try {
    if (!state || state.signature !== signature || state.lossCount !== lineage.losses.length) {
      state = {signature, lossCount: lineage.losses.length, appliedSeq: 0}
      schemas.set(target.clusterArn, state)
      await freshSchema(db, schema)
      if (lineage.base) await replay(db, schema, await entriesOf(home, lineage.base))
    }
    const applied = state.appliedSeq
    const log = await readLog(home, lineage.key)
    const unapplied = log.filter((entry) => entry.seq > applied)
    await replay(
      db,
      schema,
      unapplied.filter((entry) => !isLost(entry, lineage.losses)),
    )
    state.appliedSeq = unapplied.at(-1)?.seq ?? applied
    return {schema, state, log}
  } catch (error) {
    schemas.delete(target.clusterArn)
    throw error
  }
}

/**
 * Runs `statements` on a cluster's writer in one transaction (all or none); if they changed anything, they are
 * appended to its log, in commit order across processes.
 */
export function executeOnWriter(target: WriterTarget, statements: Statement[]): Promise<QueryResult[]> {
  return withLogLock(target.home, target.lineage.key, () =>
    inTurn(async () => {
      const db = await database(target.home)
      const {schema, state, log} = await caughtUp(db, target)
      const globalStatus = globalStatusSetting(target.globalStatus, log, target.lineage, target.now)
      const {results, wrote} = await inTransaction(
        db,
        schema,
        async () => {
          const done: QueryResult[] = []
          for (const statement of statements) done.push(await run(db, statement))
          const check = await db.query<{wrote: boolean}>('SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS wrote')
          return {results: done, wrote: check.rows[0]?.wrote === true}
        },
        globalStatus,
      )
      if (wrote) {
        const entries = await appendLog(target.home, target.lineage.key, target.clusterArn, target.now, statements)
        state.appliedSeq = entries.at(-1)?.seq ?? state.appliedSeq
      }
      return results
    }),
  )
}
