/**
 * Does status stay fast at 100 global clusters? Times `drctl status`'s observation of the sandbox's `scale` scenario
 * (10, 30 and 100 global clusters across 3 Regions by default) with an injected per-call latency, beside the same
 * reads made one after another, and prints the calls made and the peak RSS. Goal: 100 global clusters × 3 Regions
 * at 50 ms a call in under 2 s.
 *
 *   npx tsx bench/scale.ts [--latency MS] [--regions R1,R2,R3] [--sizes 10,30,100] [--runs N]
 *
 * A script, not a test: it prints the figures and exits 1 when the goal is missed.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import type {AwsPorts} from '../src/lib/aws/ports.js'
import {loadConfig} from '../src/lib/config/load.js'
import {resetSandbox, setFault, startInProcessSandbox} from '../src/lib/sandbox/index.js'
import {observe} from '../src/lib/topology/observe.js'
import {median, serialized, timingSession} from './observe-timing.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const {values} = parseArgs({
  options: {
    latency: {type: 'string', default: '50'},
    regions: {type: 'string', default: 'us-east-1,us-west-2,eu-west-1'},
    sizes: {type: 'string', default: '10,30,100'},
    runs: {type: 'string', default: '3'},
  },
})
const latencyMs = Number(values.latency)
const regions = values.regions.split(',')
const sizes = values.sizes.split(',').map(Number)
const runs = Number(values.runs)
const GOAL_MS = 2000

async function measure(globalClusters: number) {
  const home = mkdtempSync(join(tmpdir(), 'drctl-scale-'))
  try {
    await resetSandbox({home, scenario: 'scale', timeScale: 0.1, size: {globalClusters, regions}})
    await setFault(home, {kind: 'latency', ms: latencyMs})
    const sandbox = await startInProcessSandbox({home})
    const {config} = await loadConfig(sandbox.configPath)
    let calls = 0
    const aws = timingSession(sandbox, 120_000, () => calls++)
    const time = async (ports: AwsPorts, times: number) => {
      const samples: number[] = []
      for (let run = 0; run < times; run++) {
        calls = 0
        const started = performance.now()
        const topology = await observe(config, ports)
        samples.push(performance.now() - started)
        if (topology.aurora.length !== globalClusters || topology.regions.some((region) => !region.reachable))
          throw new Error('the observation is incomplete')
      }
      return {ms: median(samples), calls}
    }
    await time(aws, 1) // warm up: clients, connections, lazy modules
    const concurrent = await time(aws, runs)
    const sequential = await time(serialized(aws), 1)
    await sandbox.close()
    return {globalClusters, concurrent, sequential, peakRssMb: process.resourceUsage().maxRSS / 1024}
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

console.log(`status of the scale scenario: ${regions.length} Regions, ${latencyMs} ms per call (medians of ${runs})`)
console.log('global clusters   calls   status   one after another   peak RSS')
let missed = false
for (const size of sizes) {
  const result = await measure(size)
  console.log(
    `${String(result.globalClusters).padStart(15)}   ${String(result.concurrent.calls).padStart(5)}   ${`${result.concurrent.ms.toFixed(0)} ms`.padStart(7)}   ${`${result.sequential.ms.toFixed(0)} ms`.padStart(17)}   ${result.peakRssMb.toFixed(0).padStart(5)} MB`,
  )
  if (size >= 100 && result.concurrent.ms > GOAL_MS) missed = true
}
console.log(`goal: 100 global clusters under ${GOAL_MS} ms: ${missed ? 'MISSED' : 'met'}`)
if (missed) process.exitCode = 1
