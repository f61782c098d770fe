/**
 * What do dead ARC cluster endpoints add to the RTO? Times the built CLI's `routing shift` and `failover --unplanned`
 * against a fresh sandbox with four of the five cluster endpoints down, once refusing connections (a dead endpoint
 * costs nothing) and once hanging (it costs whatever drctl waits for it), and compares the medians.
 * Goal (issue 16): hanging takes no more than 1.5x refusing. Exits 1 when an operation misses it.
 *
 *   npm run build && npx tsx bench/arc-endpoints.ts [--runs N] [--time-scale X] [--goal RATIO]
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {DEFAULT_TIME_SCALE, type FaultMode, resetSandbox, setFault} from '../src/lib/sandbox/index.js'

const {values} = parseArgs({
  options: {
    runs: {type: 'string', default: '5'},
    'time-scale': {type: 'string', default: String(DEFAULT_TIME_SCALE)},
    goal: {type: 'string', default: '1.5'},
  },
})
const runs = Number(values.runs)
const timeScale = Number(values['time-scale'])
const goal = Number(values.goal)

const root = resolve(import.meta.dirname, '..')
const cli = join(root, 'bin', 'run.js')

interface Operation {
  name: string
  args: string[]
  /** Faults besides the ARC endpoints, the same in both modes. */
  setUp?: (home: string) => Promise<unknown>
}

const operations: Operation[] = [
  {name: 'routing shift', args: ['routing', 'shift', '--to', 'us-west-2', '--yes', '--json']},
  {
    name: 'failover --unplanned',
    args: ['failover', '--unplanned', '--to', 'us-west-2', '--yes', '--allow-data-loss', '--json'],
    setUp: (home) => setFault(home, {kind: 'region-outage', region: 'us-east-1'}),
  },
]
const modes: FaultMode[] = ['refuse', 'hang']

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** One timed run of `operation` in a fresh sandbox world (its own temporary HOME) with four endpoints down. */
async function timeOnce(operation: Operation, mode: FaultMode): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), 'drctl-bench-arc-'))
  try {
    await resetSandbox({home, timeScale})
    await setFault(home, {kind: 'arc-endpoints-down', count: 4, mode})
    await operation.setUp?.(home)
    const started = performance.now()
    const result = spawnSync(process.execPath, [cli, ...operation.args], {
      cwd: home,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        DRCTL_HOME: home,
        DRCTL_SANDBOX: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(home, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
        NO_COLOR: '1',
      },
      encoding: 'utf8',
      timeout: 300_000,
    })
    const elapsed = performance.now() - started
    const outcome = result.status === 0 ? JSON.parse(result.stdout).result?.outcome : undefined
    if (outcome !== 'completed') {
      throw new Error(`drctl ${operation.name} (${mode}) exited ${result.status}:\n${result.stdout}${result.stderr}`)
    }
    return elapsed
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

async function main(): Promise<number> {
  if (!existsSync(join(root, 'dist', 'commands'))) {
    console.error('the CLI is not built: run `npm run build` first')
    return 2
  }
  // Not timed: the first start of the CLI reads its modules from disk, the later ones from the page cache.
  await timeOnce(operations[0] as Operation, 'refuse')
  const samples = new Map<string, number[]>()
  // Modes alternate within each run, so a machine that slows down over the bench slows both alike.
  for (let run = 0; run < runs; run++) {
    for (const operation of operations) {
      for (const mode of modes) {
        const key = `${operation.name}/${mode}`
        samples.set(key, [...(samples.get(key) ?? []), await timeOnce(operation, mode)])
      }
    }
  }

  console.log(
    `4 of 5 ARC cluster endpoints down; sandbox time scale ${timeScale}; ${runs} runs each; wall time of the CLI (median)`,
  )
  const rows = [['operation', 'refusing', 'hanging', 'hanging/refusing', `goal <= ${goal}x`]]
  let missed = false
  for (const operation of operations) {
    const refusing = median(samples.get(`${operation.name}/refuse`) ?? [])
    const hanging = median(samples.get(`${operation.name}/hang`) ?? [])
    const ratio = hanging / refusing
    missed ||= ratio > goal
    rows.push([
      operation.name,
      seconds(refusing),
      seconds(hanging),
      `${ratio.toFixed(2)}x`,
      ratio <= goal ? 'met' : 'MISSED',
    ])
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length)))
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  '))
  console.log('\nsamples (s):')
  for (const [key, values] of samples)
    console.log(`  ${key.padEnd(28)} ${values.map((ms) => (ms / 1000).toFixed(2)).join(' ')}`)
  return missed ? 1 : 0
}

process.exitCode = await main()
