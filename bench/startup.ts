/**
 * How long does drctl take to start? Times, with the built CLI (`npm run build` first), `node -e 0`,
 * `drctl --version` and `drctl status --sandbox` at zero latency, and checks the goals: `--version` within 3× of
 * `node -e 0`, `status --sandbox` within 3× of `--version`.
 *
 *   npx tsx bench/startup.ts [--runs N]
 *
 * A script, not a test: it prints the medians and exits 1 when a goal is missed.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'

const {values} = parseArgs({options: {runs: {type: 'string', default: '9'}}})
const runs = Number(values.runs)
const cli = resolve(import.meta.dirname, '..', 'bin', 'run.js')

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number

function timed(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, {env, encoding: 'utf8'})
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return elapsed
}

const home = mkdtempSync(join(tmpdir(), 'drctl-startup-'))
try {
  const env = {...process.env, HOME: home, DRCTL_HOME: join(home, '.drctl'), NO_COLOR: '1'}
  timed([cli, 'sandbox', 'reset'], env)
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['drctl --version', [cli, '--version']],
    ['drctl status --sandbox', [cli, 'status', '--sandbox']],
  ]
  const samples = new Map(commands.map(([name]) => [name, [] as number[]]))
  // Interleaved, so that a noisy moment costs every command alike.
  for (let run = 0; run < runs; run++) {
    for (const [name, args] of commands) samples.get(name)!.push(timed(args, env))
  }
  const [node, version, status] = commands.map(([name]) => median(samples.get(name)!))
  for (const [name] of commands)
    console.log(`${name.padEnd(24)} ${median(samples.get(name)!).toFixed(0).padStart(6)} ms`)
  const goals = [
    {what: '--version ≤ 3× node -e 0', ratio: version! / node!},
    {what: 'status --sandbox ≤ 3× --version', ratio: status! / version!},
  ]
  for (const goal of goals)
    console.log(`${goal.what.padEnd(34)} ${goal.ratio.toFixed(2)}× ${goal.ratio <= 3 ? 'met' : 'MISSED'}`)
  if (goals.some((goal) => goal.ratio > 3)) process.exitCode = 1
} finally {
  rmSync(home, {recursive: true, force: true})
}
