import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {appendFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {afterAll, describe, expect, it} from 'vitest'

import {runLocks} from '../../src/lib/runbook/run-lock.js'
import {repoRoot, tempHome} from '../helpers/cli.js'
import {drctl, journal, json, runIds, useSandbox} from '../helpers/e2e.js'

// Each worker is a separate node process using the built lock: on "go" it tries to take the one lock, prints what
// happened (a JSON line), and on "release" lets go of it.
const WORKER = `
import {createInterface} from 'node:readline'
import {hostname} from 'node:os'
const {fileLockStore} = await import(process.argv[1])
const store = fileLockStore(process.argv[2])
let lease
for await (const line of createInterface({input: process.stdin})) {
  if (line === 'go') {
    const owner = {owner: 'worker', host: hostname(), pid: process.pid, runId: 'run-' + process.pid}
    const result = await store.acquire('sandbox:contended', owner, {leaseMs: 30000})
    lease = result.acquired ? result.lease : undefined
    console.log(JSON.stringify(result.acquired ? {acquired: true, holder: result.lease.holder} : result))
  } else if (line === 'release') {
    await lease.release()
    console.log(JSON.stringify({released: true}))
  }
}
`

class Worker {
  readonly child: ChildProcessWithoutNullStreams
  private buffered = ''
  private stderr = ''
  private readonly waiting: {resolve: (line: string) => void; reject: (error: Error) => void}[] = []

  constructor(root: string) {
    const lockModule = pathToFileURL(join(repoRoot, 'dist', 'lib', 'runbook', 'file-lock.js')).href
    this.child = spawn(process.execPath, ['--input-type=module', '-e', WORKER, lockModule, root])
    this.child.stdout.on('data', (chunk) => {
      this.buffered += String(chunk)
      for (let end = this.buffered.indexOf('\n'); end >= 0; end = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, end)
        this.buffered = this.buffered.slice(end + 1)
        this.waiting.shift()?.resolve(line)
      }
    })
    this.child.stderr.on('data', (chunk) => (this.stderr += String(chunk)))
    this.child.on('exit', (code) => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(`worker exited (${code}): ${this.stderr}`))
    })
  }

  /** Sends `command` and returns the JSON line the worker answers with. */
  ask(command: string): Promise<any> {
    const answer = new Promise<string>((resolve, reject) => this.waiting.push({resolve, reject}))
    this.child.stdin.write(`${command}\n`)
    return answer.then((line) => JSON.parse(line))
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((resolve) => this.child.on('exit', resolve))
    this.child.kill('SIGKILL')
    await exited
  }
}

describe('the topology lock under contention', () => {
  const {home, cleanup} = tempHome('drctl-contention-')
  const root = join(home, 'locks')
  const workers = Array.from({length: 6}, () => new Worker(root))
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()))
    cleanup()
  })

  it('6 processes at once: exactly one holds it, every round; the others are told who (release, or kill -9)', async () => {
    for (let round = 1; round <= 20; round++) {
      const answers = await Promise.all(workers.map((worker) => worker.ask('go')))
      const winners = answers.flatMap((answer, index) => (answer.acquired ? [index] : []))
      expect(winners, `round ${round}: ${JSON.stringify(answers)}`).toHaveLength(1)
      const winner = workers[winners[0]!]!
      const holder = answers[winners[0]!].holder
      expect(holder).toMatchObject({pid: winner.child.pid, runId: `run-${winner.child.pid}`, host: hostname()})
      for (const answer of answers.filter((candidate) => !candidate.acquired)) expect(answer.holder).toEqual(holder)
      // Every other round the holder dies holding the lock: the next round takes it over, still one at a time.
      if (round % 2 === 0) {
        expect(await winner.ask('release')).toEqual({released: true})
      } else {
        await winner.kill()
        workers[winners[0]!] = new Worker(root)
      }
    }
  })
})

describe('runs with damaged journals, on the sandbox', () => {
  const sandbox = useSandbox()
  const path = (runId: string) => join(sandbox.home, 'runs', runId, 'journal.jsonl')
  const westOn = ['routing', 'set', 'retail-us-west-2', 'on', '--yes', '--json']

  it('a garbage line is named; the run is listed as damaged, blocks the topology, and resumes from live state', () => {
    const first = drctl(sandbox.home, westOn)
    expect(first.status, first.stderr).toBe(0)
    const runId = json(first).result.runId as string
    const lines = journal(sandbox.home, runId).length
    appendFileSync(path(runId), '\u0000\u0000 not a journal line\n')

    const listed = json(drctl(sandbox.home, ['runs', 'list', '--json']))
    expect(listed.result.runs.find((run: any) => run.id === runId)).toMatchObject({
      status: 'damaged',
      readableStatus: 'stopped',
      journalProblems: [{file: path(runId), line: lines + 1, kind: 'damaged', problem: expect.any(String)}],
    })
    expect(listed.warnings).toEqual([expect.stringContaining(`${path(runId)} line ${lines + 1} cannot be read`)])
    const human = drctl(sandbox.home, ['runs', 'list'])
    expect(human.stdout).toMatch(new RegExp(`${runId} +damaged \\(stopped\\)`))
    expect(human.stderr).toContain(`${path(runId)} line ${lines + 1} cannot be read`)
    const shown = drctl(sandbox.home, ['runs', 'show', runId, '--json'])
    expect(json(shown).result).toMatchObject({outcome: 'damaged', journalProblems: [{line: lines + 1}]})
    expect(json(shown).warnings).toEqual([expect.stringContaining(`line ${lines + 1}`)])

    const blocked = drctl(sandbox.home, westOn)
    expect(blocked.status).toBe(3)
    expect(json(blocked).error).toMatchObject({code: 'DRCTL_RUN_IN_PROGRESS', message: expect.stringContaining(runId)})

    const resumed = drctl(sandbox.home, ['runs', 'resume', runId, '--yes', '--json'])
    expect(resumed.status, resumed.stderr).toBe(0)
    expect(json(resumed).result.outcome).toBe('completed')
    expect(json(resumed).warnings.join('\n')).toMatch(/re-derived from live state/)
    // Resumed to its end: still shown as damaged, no longer in the way, and no longer warned about in the list.
    const after = json(drctl(sandbox.home, ['runs', 'list', '--json']))
    expect(after.result.runs.find((run: any) => run.id === runId)).toMatchObject({
      status: 'damaged',
      readableStatus: 'completed',
    })
    expect(after.warnings).toEqual([])
    expect(drctl(sandbox.home, westOn).status).toBe(0)
  })

  it('a binary journal is listed, cannot be resumed, blocks the topology its id names until abandoned', () => {
    const runId = '20261122-031500-failover-planned-retail-beef'
    mkdirSync(join(sandbox.home, 'runs', runId), {recursive: true})
    writeFileSync(path(runId), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]))
    expect(json(drctl(sandbox.home, ['runs', 'list', '--json'])).result.runs).toContainEqual(
      expect.objectContaining({id: runId, status: 'damaged', kind: 'unknown'}),
    )
    const blocked = drctl(sandbox.home, westOn)
    expect(blocked.status).toBe(3)
    expect(json(blocked).error.hints).toContainEqual(expect.stringContaining(`drctl runs abandon ${runId}`))
    const resumed = drctl(sandbox.home, ['runs', 'resume', runId, '--yes', '--json'])
    expect(resumed.status).toBe(2)
    expect(json(resumed).error).toMatchObject({message: expect.stringMatching(/cannot be rebuilt/)})
    expect(drctl(sandbox.home, ['runs', 'abandon', runId, '--yes', '--json']).status).toBe(0)
    expect(drctl(sandbox.home, westOn).status).toBe(0)
  })

  it('a start refused because another process holds the topology names the holder (exit 6)', async () => {
    const holder = {owner: 'bob', host: hostname(), pid: process.pid, runId: 'held-by-bob'}
    const held = await runLocks(sandbox.home).acquire('sandbox:retail', holder, {leaseMs: 30_000})
    try {
      const known = runIds(sandbox.home)
      // The earlier tests left us-west-2 On: switching it off is a change to make.
      const refused = drctl(sandbox.home, ['routing', 'set', 'retail-us-west-2', 'off', '--yes', '--json'])
      expect(refused.status).toBe(6)
      expect(json(refused).error).toMatchObject({
        code: 'DRCTL_RUN_IN_PROGRESS',
        message: expect.stringContaining(`run held-by-bob (bob, pid ${process.pid} on ${hostname()}, since `),
        details: {holder},
        hints: [expect.stringContaining('runs show held-by-bob'), expect.stringContaining('runs abandon held-by-bob')],
      })
      expect(runIds(sandbox.home)).toEqual(known)
    } finally {
      if (held.acquired) await held.lease.release()
    }
  })
})
