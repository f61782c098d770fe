/**
 * How much does reading concurrently buy? Times `drctl status`'s observation against the sandbox with an injected
 * per-call latency, and the same reads made one after another (every AWS call serialized through one queue).
 *
 *   npx tsx bench/status.ts [--latency MS] [--runs N] [--scenario two-region|three-region]
 *
 * A script, not a test: it prints the figures; nothing asserts on time.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'

import type {AwsPorts} from '../src/lib/aws/ports.js'
import {loadConfig} from '../src/lib/config/load.js'
import {observe} from '../src/lib/topology/observe.js'
import {median, serialized, timingSession} from './observe-timing.js'
import {resetSandbox, setFault, startInProcessSandbox} from '../src/lib/sandbox/index.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const {values} = parseArgs({
  options: {
    latency: {type: 'string', default: '100'},
    runs: {type: 'string', default: '5'},
    scenario: {type: 'string', default: 'two-region'},
  },
})
const latencyMs = Number(values.latency)
const runs = Number(values.runs)

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'drctl-bench-'))
  try {
    await resetSandbox({home, scenario: values.scenario, timeScale: 0.1})
    await setFault(home, {kind: 'latency', ms: latencyMs})
    const sandbox = await startInProcessSandbox({home})
    const {config} = await loadConfig(sandbox.configPath)
    let calls = 0
    const aws = timingSession(sandbox, 60_000, () => calls++)
    const time = async (ports: AwsPorts) => {
      const samples: number[] = []
      for (let run = 0; run < runs; run++) {
        calls = 0
        const started = performance.now()
        const topology = await observe(config, ports)
        samples.push(performance.now() - started)
        if (topology.regions.some((region) => !region.reachable)) throw new Error('a Region did not answer')
      }
      return {ms: median(samples), calls}
    }
    await time(aws) // warm up: clients, connections, lazy modules
    const concurrent = await time(aws)
    const sequential = await time(serialized(aws))
    await sandbox.close()

    const cli = resolve(import.meta.dirname, '..', 'bin', 'run.js')
    const cliSamples: number[] = []
    for (let run = 0; run < runs; run++) {
      const started = performance.now()
      const result = spawnSync(process.execPath, [cli, 'status', '--sandbox', '--json'], {
        env: {...process.env, DRCTL_HOME: home, AWS_EC2_METADATA_DISABLED: 'true'},
        encoding: 'utf8',
      })
      if (result.status !== 0) throw new Error(`drctl status failed: ${result.stderr}`)
      cliSamples.push(performance.now() - started)
    }

    const rows = [
      ['scenario', values.scenario],
      ['injected latency per call', `${latencyMs} ms`],
      ['AWS calls per observation', String(concurrent.calls)],
      ['observation, concurrent (median)', `${concurrent.ms.toFixed(0)} ms`],
      ['same reads one after another', `${sequential.ms.toFixed(0)} ms`],
      ['speed-up', `${(sequential.ms / concurrent.ms).toFixed(1)}x`],
      ['concurrent, in round trips', `${(concurrent.ms / latencyMs).toFixed(1)}`],
      [
        '`drctl status --sandbox --json` end to end (median, incl. Node start-up)',
        `${median(cliSamples).toFixed(0)} ms`,
      ],
    ]
    const width = Math.max(...rows.map(([label]) => (label as string).length))
    for (const [label, value] of rows) console.log(`${(label as string).padEnd(width)}  ${value}`)
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

await main()
