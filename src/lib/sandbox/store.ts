import {randomUUID} from 'node:crypto'
import {appendFile, mkdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {SandboxError} from './errors.js'
import {LATER_SLICES, WORLD_VERSION, type World} from './world.js'

export interface SandboxPaths {
  dir: string
  world: string
  lock: string
  calls: string
  config: string
}

export function sandboxPaths(home: string): SandboxPaths {
  const dir = join(home, 'sandbox')
  return {
    dir,
    world: join(dir, 'world.json'),
    lock: join(dir, 'world.lock'),
    calls: join(dir, 'calls.jsonl'),
    config: join(dir, 'drctl.yaml'),
  }
}

const RESET_HINT = 'run `drctl sandbox reset` to start a fresh world (the damaged file is left as it is)'
const LOCK_TIMEOUT_MS = 10_000
/** A lock older than this belongs to a process that died holding it: no request keeps it nearly this long. */
const STALE_LOCK_MS = 30_000
const REQUIRED_KEYS = ['rds', 'dynamodb', 'arc', 'fis', 'cloudformation', 'faults', 'history', 'regions'] as const

/** Parses world.json text; anything unexpected is a corrupt world, never silently replaced. */
function parseWorld(text: string, path: string): World {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw corrupt(path, `it is not valid JSON (${(error as Error).message})`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw corrupt(path, 'it is not a JSON object')
  const world = value as Partial<World>
  if (world.version !== WORLD_VERSION) {
    throw corrupt(path, `its schema version is ${String(world.version)}, this drctl reads version ${WORLD_VERSION}`)
  }
  const missing = REQUIRED_KEYS.filter((key) => typeof world[key] !== 'object' || world[key] === null)
  if (missing.length > 0) throw corrupt(path, `it lacks ${missing.join(', ')}`)
  for (const key of Object.keys(LATER_SLICES) as (keyof typeof LATER_SLICES)[]) {
    const slice: unknown = world[key]
    if (slice === undefined) Object.assign(world, {[key]: LATER_SLICES[key]()})
    else if (typeof slice !== 'object' || slice === null) throw corrupt(path, `its ${key} is not an object`)
  }
  if (typeof world.timeScale !== 'number' || !(world.timeScale > 0)) throw corrupt(path, 'its time scale is invalid')
  // RDS Proxy came after RDS: a saved world's RDS slice may lack its proxies.
  ;(world.rds as Partial<World['rds']>).proxies ??= []
  return world as World
}

function corrupt(path: string, reason: string): SandboxError {
  return new SandboxError('corrupt-world', `the sandbox world ${path} is corrupt: ${reason}`, {hint: RESET_HINT})
}

/** Reads the world without locking (atomic renames make every read see a whole file); `undefined` if none. */
export async function readWorld(home: string): Promise<World | undefined> {
  const path = sandboxPaths(home).world
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return parseWorld(text, path)
}

export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
  await writeFile(temporary, text)
  await rename(temporary, path)
}

// Requests of one process queue here first, so that they do not compete for the file lock among themselves.
const processQueues = new Map<string, Promise<unknown>>()

/**
 * Runs `fn` with exclusive access to the world of `home`, across processes: lock, load, `prepare` (advance time),
 * `fn`, save if anything changed, unlock. `fn` runs even when it throws; changes made before are saved.
 */
export async function withWorld<T>(
  home: string,
  options: {prepare: (world: World) => void; create: () => World},
  fn: (world: World) => T,
): Promise<T> {
  const previous = processQueues.get(home) ?? Promise.resolve()
  const run = previous.catch(() => undefined).then(() => underFileLock(home, options, fn))
  processQueues.set(home, run)
  try {
    return await run
  } finally {
    if (processQueues.get(home) === run) processQueues.delete(home)
  }
}

function underFileLock<T>(
  home: string,
  options: {prepare: (world: World) => void; create: () => World},
  fn: (world: World) => T,
): Promise<T> {
  return holdingLock(home, async (paths) => {
    let original = ''
    let world: World
    try {
      original = await readFile(paths.world, 'utf8')
      world = parseWorld(original, paths.world)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      world = options.create()
    }
    options.prepare(world)
    let outcome: {ok: true; value: T} | {ok: false; error: unknown}
    try {
      outcome = {ok: true, value: fn(world)}
    } catch (error) {
      outcome = {ok: false, error}
    }
    const text = worldText(world)
    if (text !== original) await writeAtomically(paths.world, text)
    if (!outcome.ok) throw outcome.error
    return outcome.value
  })
}

/** Replaces the world (whatever state the old file is in) under the lock; `also` runs under the same lock. */
export function replaceWorld(home: string, world: World, also?: () => Promise<void>): Promise<void> {
  return holdingLock(home, async (paths) => {
    await writeAtomically(paths.world, worldText(world))
    await also?.()
  })
}

function worldText(world: World): string {
  return `${JSON.stringify(world, null, 1)}\n`
}

/** Runs `fn` holding the file lock of the world of `home` (across processes). */
async function holdingLock<T>(home: string, fn: (paths: SandboxPaths) => Promise<T>): Promise<T> {
  const paths = sandboxPaths(home)
  await mkdir(paths.dir, {recursive: true})
  const release = await acquireLock(paths.lock)
  try {
    return await fn(paths)
  } finally {
    await release()
  }
}

export async function acquireLock(lock: string): Promise<() => Promise<void>> {
  const owner = `${process.pid} ${randomUUID()}`
  const deadline = Date.now() + LOCK_TIMEOUT_MS
  for (;;) {
    try {
      await mkdir(lock)
      await writeFile(join(lock, 'owner'), owner)
      return async () => {
        const current = await readFile(join(lock, 'owner'), 'utf8').catch(() => undefined)
        if (current === owner) await rm(lock, {recursive: true, force: true})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    await removeIfStale(lock)
    if (Date.now() > deadline) {
      throw new SandboxError('lock-timeout', `the sandbox world is locked by another process (${lock})`, {
        hint: `if no drctl process is running, remove ${lock}`,
      })
    }
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8))
  }
}

async function removeIfStale(lock: string): Promise<void> {
  const ownerText = await readFile(join(lock, 'owner'), 'utf8').catch(() => undefined)
  const info = await stat(lock).catch(() => undefined)
  if (!info) return
  const age = Date.now() - info.mtimeMs
  let stale = age > STALE_LOCK_MS
  const pid = ownerPid(ownerText)
  if (pid === undefined) {
    // Between mkdir and a whole owner file (or killed in between, leaving it empty): stale if it stays like that.
    stale ||= age > 2000
  } else {
    stale ||= pid !== process.pid && !processAlive(pid)
  }
  if (!stale) return
  // Re-check the owner right before removing, so that a lock just taken over by someone else survives.
  const again = await readFile(join(lock, 'owner'), 'utf8').catch(() => undefined)
  if (again !== ownerText) return
  const grave = `${lock}.stale.${process.pid}.${randomUUID().slice(0, 8)}`
  try {
    await rename(lock, grave)
  } catch {
    return
  }
  await rm(grave, {recursive: true, force: true})
}

/** The pid at the start of an owner file (`<pid> <uuid>`), or undefined while the file is missing or partly written. */
function ownerPid(ownerText: string | undefined): number | undefined {
  const pid = Number(/^(\d+) /.exec(ownerText ?? '')?.[1])
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
}

/** Whether a process exists (one we may not signal still does). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// ---- Call log ----------------------------------------------------------------------------------------------------

/** One line of calls.jsonl: every request the sandbox saw, answered or not. */
export interface CallLogEntry {
  time: string
  region: string
  service: string
  operation: string
  mutating: boolean
  /** HTTP status; 0 when the sandbox refused the connection or left it hanging (a fault). */
  status: number
  requestId: string
  /** Which listener took the call: `main`, or `arc1` … `arc5` for the ARC cluster endpoints. */
  endpoint: string
  durationMs: number
  errorCode?: string
  /** The fault that decided the answer, if any. */
  fault?: string
  /** The SDK's attempt number (`amz-sdk-request: attempt=N`), when it sends one. */
  attempt?: number
}

export async function appendCallLog(home: string, entry: CallLogEntry): Promise<void> {
  const paths = sandboxPaths(home)
  await mkdir(paths.dir, {recursive: true})
  // One write per line with O_APPEND: lines from concurrent processes never interleave.
  await appendFile(paths.calls, `${JSON.stringify(entry)}\n`)
}

export async function readCallLog(home: string): Promise<CallLogEntry[]> {
  let text: string
  try {
    text = await readFile(sandboxPaths(home).calls, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CallLogEntry)
}

/** Operations that change something (the call log's `mutating` flag). */
export function isMutatingOperation(operation: string): boolean {
  return /^(Create|Delete|Modify|Update|Switchover|Failover|Remove|Promote|Start|Stop|Copy|Put|Add|Reset|Restore|Tag|Untag|Reboot|Enable|Disable|Change|Associate|Disassociate|Register|Deregister|Attach|Detach|Publish|Invoke|Label|Unlabel|Cancel|Send|Set)/.test(
    operation,
  )
}
