import {appendFile, mkdir, open, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {acquireLock, sandboxPaths} from '../store.js'
import type {DataCut, DataLoss, LogEntry} from './records.js'

/**
 * The statement logs, one JSON line per committed statement in `<home>/sandbox/data/<key>.jsonl`. A log only grows,
 * so a process reads each one once and then only what was appended since.
 */

function dataDir(home: string): string {
  return join(sandboxPaths(home).dir, 'data')
}

const logPath = (home: string, key: string) => join(dataDir(home), `${key}.jsonl`)

/** What this process has read of each log file. */
const readSoFar = new Map<string, {bytes: number; entries: LogEntry[]}>()

/** Every entry of the log `key`, in order. */
export async function readLog(home: string, key: string): Promise<LogEntry[]> {
  const path = logPath(home, key)
  const known = readSoFar.get(path) ?? {bytes: 0, entries: []}
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  try {
    const {size} = await handle.stat()
    // A smaller file is a new one (the sandbox was reset): read it from the start.
    const from = size < known.bytes ? {bytes: 0, entries: []} : known
    if (size === from.bytes) return from.entries
    const buffer = Buffer.alloc(size - from.bytes)
    await handle.read(buffer, 0, buffer.length, from.bytes)
    const text = buffer.toString('utf8')
    // A line still being appended by another process is read next time.
    const complete = text.slice(0, text.lastIndexOf('\n') + 1)
    const added = complete
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogEntry)
    const next = {bytes: from.bytes + Buffer.byteLength(complete), entries: [...from.entries, ...added]}
    readSoFar.set(path, next)
    return next.entries
  } finally {
    await handle.close()
  }
}

/** Appends statements committed at `now` by `writer`; call it holding the log's lock. Returns the new entries. */
export async function appendLog(
  home: string,
  key: string,
  writer: string,
  now: number,
  statements: {sql: string; parameters?: unknown[]}[],
): Promise<LogEntry[]> {
  const existing = await readLog(home, key)
  const last = existing.at(-1)
  const at = Math.max(now, last?.at ?? now)
  const entries = statements.map((statement, index) => ({seq: (last?.seq ?? 0) + index + 1, at, writer, ...statement}))
  await mkdir(dataDir(home), {recursive: true})
  await appendFile(logPath(home, key), entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''))
  return entries
}

/** Runs `fn` holding the lock of log `key`, across processes: one writer commits at a time. */
export async function withLogLock<T>(home: string, key: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dataDir(home), {recursive: true})
  const release = await acquireLock(join(dataDir(home), `${key}.lock`))
  try {
    return await fn()
  } finally {
    await release()
  }
}

/** Removes every log (a reset starts the world with empty databases). */
export async function removeLogs(home: string): Promise<void> {
  await rm(dataDir(home), {recursive: true, force: true})
  readSoFar.clear()
}

/** Whether a managed failover lost `entry`: its writer was the old primary and committed it after the cut-off. */
export function isLost(entry: LogEntry, losses: DataLoss[]): boolean {
  return losses.some((loss) => entry.writer === loss.writer && entry.at > loss.after)
}

/** The statements a cut holds, in the order they were committed (its base's first). */
export async function entriesOf(home: string, cut: DataCut): Promise<LogEntry[]> {
  const base = cut.base ? await entriesOf(home, cut.base) : []
  const own = (await readLog(home, cut.key)).filter((entry) => entry.at <= cut.through && !isLost(entry, cut.losses))
  return [...base, ...own]
}

/** The statements of log `key` a cut left out because a managed failover lost them (for tests and reports). */
export async function lostEntries(home: string, key: string, losses: DataLoss[]): Promise<LogEntry[]> {
  return (await readLog(home, key)).filter((entry) => isLost(entry, losses))
}
