import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {mutateWorld} from '../../src/lib/sandbox/index.js'
import {type CliResult, parseEnvelope, runCli, startCli, tempHome, waitUntil} from '../helpers/cli.js'

// A followed game day on the sandbox, to `completed` and to `stopped` by Ctrl-C, with `drctl status` alongside.
// Each test has its own $DRCTL_HOME, and a followed run still going when a test fails is killed.

const started: {child: ReturnType<typeof startCli>['child']; done: Promise<CliResult>}[] = []
const homes: (() => void)[] = []

afterEach(async () => {
  for (const {child, done} of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await done
  }
  for (const cleanup of homes.splice(0)) cleanup()
})

function world(timeScale: string) {
  const {home, cleanup} = tempHome('drctl-chaos-life-')
  homes.push(cleanup)
  const reset = runCli(['sandbox', 'reset', '--time-scale', timeScale], {home})
  expect(reset.status, reset.stderr).toBe(0)
  const start = (args: string[]) => {
    const cli = startCli([...args, '--sandbox'], {home})
    started.push(cli)
    return cli
  }
  return {
    home,
    start,
    run: (args: string[]) => start(args).done,
    json: (args: string[]) => parseEnvelope(runCli([...args, '--sandbox', '--json'], {home}).stdout),
  }
}

/**
 * Moves every unfinished experiment's timeline back so that it ends now, as if its minutes had passed: the
 * experiments run slowly enough that a loaded machine observes them mid-run, and the test need not wait them out.
 */
function fastForwardExperiments(home: string) {
  return mutateWorld(home, (world) => {
    const now = Date.now()
    for (const experiment of world.fis.experiments) {
      const shift = experiment.completesAt - now
      if (shift <= 0 || experiment.stopRequestedAt !== undefined) continue
      experiment.createdAt -= shift
      experiment.runningAt -= shift
      experiment.completesAt -= shift
      for (const action of Object.values(experiment.actions)) {
        action.startAt -= shift
        action.endAt -= shift
      }
    }
  })
}

const untilMatches = (what: string, read: () => string, pattern: RegExp) =>
  waitUntil(what, () => pattern.test(read()), {detail: read})

interface StatusResult {
  aurora: {members: {replicationLagMs: number | null}[]}[]
  dynamodb: {latency: {ms: number | null}[]}[]
}

const auroraLag = (status: StatusResult) =>
  Math.max(...status.aurora.flatMap((view) => view.members.flatMap((member) => member.replicationLagMs ?? [])))
const tableLatency = (status: StatusResult) =>
  Math.max(...status.dynamodb.flatMap((table) => table.latency.flatMap((entry) => entry.ms ?? [])))

const RUNNING = /Follow the experiment: EXP\w+ running/

describe('a followed chaos experiment on the sandbox', () => {
  it('runs to completed; status shows it and the raised lag meanwhile, a second start is refused, lag recovers', async () => {
    // Slow enough (PT10M ≈ 30 s) that two CLI calls fit inside the experiment on any machine; then fast-forwarded.
    const sandbox = world('0.05')
    const before = sandbox.json(['status']).result as StatusResult
    const chaos = sandbox.start(['chaos', 'start', 'cross-region-connectivity', '--wait', '--yes'])
    await untilMatches('the experiment to run', () => chaos.output().stderr, RUNNING)

    const [during, second] = await Promise.all([
      sandbox.run(['status', '--json']),
      sandbox.run(['chaos', 'start', 'cross-region-connectivity', '--yes', '--json']),
    ])
    const status = parseEnvelope(during.stdout).result
    expect(status.chaos.running).toEqual([expect.objectContaining({status: 'running', region: 'us-east-1'})])
    expect(auroraLag(status)).toBeGreaterThan(auroraLag(before) * 2)
    expect(tableLatency(status)).toBeGreaterThan(tableLatency(before) * 2)
    expect(second.status).toBe(6)
    expect(parseEnvelope(second.stdout).error.code).toBe('DRCTL_RUN_IN_PROGRESS')

    await fastForwardExperiments(sandbox.home)
    const result = await chaos.done
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/experiment EXP\w+ completed \(template cross-region-connectivity\)/)
    const runId = /run (\S+-chaos-run-\S+) completed/.exec(result.stdout)?.[1] as string
    const report = JSON.parse(readFileSync(join(sandbox.home, 'runs', runId, 'report.json'), 'utf8'))
    const statuses = report.evidence.timeline.map((sample: {status: string}) => sample.status)
    expect(statuses).toEqual(expect.arrayContaining(['before', 'running', 'completed']))
    expect(report.evidence.recovery).toMatchObject({recovered: true})

    const after = sandbox.json(['status']).result
    expect(after.chaos.running).toEqual([])
    expect(auroraLag(after)).toBeLessThan(5000)
  })

  it('Ctrl-C stops the experiment (exit 130) and says so; a resume closes the run', async () => {
    const sandbox = world('0.05')
    const chaos = sandbox.start(['chaos', 'start', 'cross-region-connectivity', '--wait', '--yes'])
    await untilMatches('the experiment to run', () => chaos.output().stderr, RUNNING)
    chaos.child.kill('SIGINT')
    const result = await chaos.done
    expect(result.status).toBe(130)
    const id = /FIS experiment (EXP\w+) was stopped/.exec(result.stderr)?.[1] as string
    expect(id, result.stderr).toBeTruthy()
    expect(result.stdout).toContain(`FIS experiment ${id} stopped`)
    expect(sandbox.json(['chaos', 'status', id]).result.experiment).toMatchObject({id, status: 'stopped'})

    const runId = /drctl runs resume (\S+)/.exec(result.stderr)?.[1] as string
    const resumed = await sandbox.run(['runs', 'resume', runId, '--yes', '--json'])
    expect(resumed.status, resumed.stderr).toBe(0)
    expect(parseEnvelope(resumed.stdout).result).toMatchObject({
      outcome: 'completed',
      evidence: {experiment: {id, status: 'stopped'}},
    })
  })
})

describe('drctl chaos stop with more than one experiment active', () => {
  it('asks which one (exit 2), with a hint that keeps --sandbox', async () => {
    const sandbox = world('0.05')
    const started = sandbox.json(['chaos', 'start', 'cross-region-connectivity', '--no-wait', '--yes'])
    const id = started.result.experiment.id as string
    // FIS would run a second one started outside drctl; drctl itself refuses to start it.
    await mutateWorld(sandbox.home, (state) => {
      const experiment = state.fis.experiments.find((candidate) => candidate.id === id)!
      state.fis.experiments.push({...experiment, id: `${id}2`, arn: `${experiment.arn}2`, clientToken: 'other'})
    })
    const result = await sandbox.run(['chaos', 'stop', '--yes', '--json'])
    expect(result.status).toBe(2)
    expect(parseEnvelope(result.stdout).error).toMatchObject({
      message: expect.stringContaining('2 FIS experiments are active'),
      hints: [`drctl chaos stop ${id} --sandbox`],
    })
  })
})
