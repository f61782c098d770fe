import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseEnvelope, runCli, startCli, tempHome} from '../helpers/cli.js'

// Guardrails and refusals of `drctl chaos` on the sandbox: every refusal leaves the call log without a mutating call.

const {home, cleanup} = tempHome('drctl-chaos-e2e-')
const sandbox = (args: string[]) => startCli([...args, '--sandbox'], {home}).done

function mutatingCalls(): {operation: string; region: string}[] {
  const path = join(home, 'sandbox', 'calls.jsonl')
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((call) => call.mutating)
}

beforeAll(() => {
  const reset = runCli(['sandbox', 'reset', '--time-scale', '0.2'], {home})
  expect(reset.status, reset.stderr).toBe(0)
})
afterAll(cleanup)

describe.concurrent('drctl chaos on the sandbox, before anything starts', () => {
  it('lists the topology’s templates with actions, durations, targets and stop conditions', async () => {
    const result = await sandbox(['chaos', 'list', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const {templates, region, templateTags} = parseEnvelope(result.stdout).result
    expect({region, templateTags}).toEqual({region: 'us-east-1', templateTags: {Env: 'sandbox'}})
    expect(templates.map((template: {name: string}) => template.name)).toEqual([
      'cross-region-connectivity',
      'pause-carts-replication',
    ])
    expect(templates[0]).toMatchObject({
      hasStopCondition: true,
      expectedDurationMs: 600_000,
      actions: expect.arrayContaining([
        expect.objectContaining({actionId: 'aws:dynamodb:global-table-pause-replication', durationMs: 600_000}),
      ]),
    })
    expect(templates[1]).toMatchObject({hasStopCondition: false})
  })

  it('--dry-run shows the template and the start, and calls nothing that changes', async () => {
    const result = await sandbox(['chaos', 'start', 'cross-region-connectivity', '--dry-run', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const plan = parseEnvelope(result.stdout).result
    expect(plan).toMatchObject({dryRun: true, kind: 'chaos-run', template: {name: 'cross-region-connectivity'}})
    expect(plan.steps[0].calls[0]).toMatchObject({operation: 'StartExperiment', region: 'us-east-1'})
    expect(plan.steps[0].calls[0].detail).toMatch(/clientToken drctl-/)
    expect(mutatingCalls()).toEqual([])
  })

  it('refuses an unknown template with a suggestion (exit 2)', async () => {
    const result = await sandbox(['chaos', 'start', 'cross-region-conectivity', '--yes', '--json'])
    expect(result.status).toBe(2)
    expect(parseEnvelope(result.stdout).error.message).toContain('did you mean "cross-region-connectivity"?')
  })

  it('refuses a template without a stop condition (exit 3), nothing started', async () => {
    const result = await sandbox(['chaos', 'start', 'pause-carts-replication', '--yes', '--json'])
    expect(result.status).toBe(3)
    const {error} = parseEnvelope(result.stdout)
    expect(error.code).toBe('DRCTL_GATE_FAILED')
    expect(error.message).toContain('has no stop condition')
    expect(mutatingCalls()).toEqual([])
  })

  it('refuses while a stop-condition alarm is already in ALARM (exit 3), nothing started', async () => {
    const alarmed = tempHome('drctl-chaos-alarm-')
    try {
      expect(runCli(['sandbox', 'reset'], {home: alarmed.home}).status).toBe(0)
      expect(runCli(['sandbox', 'fault', 'alarm', 'retail-orders-error-rate'], {home: alarmed.home}).status).toBe(0)
      const result = runCli(['chaos', 'start', 'cross-region-connectivity', '--sandbox', '--yes', '--json'], {
        home: alarmed.home,
      })
      expect(result.status).toBe(3)
      expect(parseEnvelope(result.stdout).error.message).toContain(
        'stop-condition alarm retail-orders-error-rate is already in ALARM',
      )
      const calls = readFileSync(join(alarmed.home, 'sandbox', 'calls.jsonl'), 'utf8')
      expect(calls).toContain('"DescribeAlarms"')
      expect(calls).not.toContain('"StartExperiment"')
    } finally {
      alarmed.cleanup()
    }
  })

  it('without a terminal and without --yes, needs confirmation (exit 4), nothing started', async () => {
    const result = await sandbox(['chaos', 'start', 'cross-region-connectivity', '--no-wait'])
    expect(result.status).toBe(4)
    expect(mutatingCalls()).toEqual([])
  })
})

describe('drctl chaos on the sandbox, one experiment', () => {
  let experimentId = ''

  it('starts it with --no-stop-condition-ok (recorded) and --no-wait, and says how to follow and stop it', async () => {
    const result = await sandbox([
      'chaos',
      'start',
      'pause-carts-replication',
      '--no-stop-condition-ok',
      '--no-wait',
      '--yes',
      '--json',
    ])
    expect(result.status, result.stderr).toBe(0)
    const run = parseEnvelope(result.stdout).result
    experimentId = run.experiment.id
    expect(run).toMatchObject({outcome: 'completed', experiment: {templateName: 'pause-carts-replication'}})
    expect(run.next.stop).toBe(`drctl chaos stop ${experimentId} --sandbox`)
    expect(mutatingCalls().map((call) => call.operation)).toEqual(['StartExperiment'])
    const report = JSON.parse(readFileSync(join(home, 'runs', run.runId, 'report.json'), 'utf8'))
    expect(report.gates).toContainEqual(expect.objectContaining({id: 'gate.stop-condition', status: 'warn'}))
    expect(report.flags).toMatchObject({'no-stop-condition-ok': true})
  })

  it('refuses a second experiment while one runs (exit 3)', async () => {
    const result = await sandbox(['chaos', 'start', 'cross-region-connectivity', '--no-wait', '--yes', '--json'])
    expect(result.status).toBe(3)
    expect(parseEnvelope(result.stdout).error.message).toContain(`${experimentId}`)
    expect(mutatingCalls()).toHaveLength(1)
  })

  it('shows the running experiment, and what stopping it would do', async () => {
    const [all, one, dry] = await Promise.all([
      sandbox(['chaos', 'status', '--json']),
      sandbox(['chaos', 'status', experimentId, '--json']),
      sandbox(['chaos', 'stop', '--dry-run', '--json']),
    ])
    const listing = parseEnvelope(all.stdout).result
    expect(listing.active.map((experiment: {id: string}) => experiment.id)).toEqual([experimentId])
    expect(parseEnvelope(one.stdout).result.experiment).toMatchObject({
      id: experimentId,
      templateName: 'pause-carts-replication',
      actions: [expect.objectContaining({name: 'PauseCartsReplication'})],
    })
    expect(parseEnvelope(dry.stdout).result).toMatchObject({dryRun: true, experiment: {id: experimentId}})
    expect(mutatingCalls()).toHaveLength(1)
  })

  it('stop without an id stops the one active experiment and waits until stopped; again, says it ended', async () => {
    const result = await sandbox(['chaos', 'stop', '--yes', '--json'])
    expect(result.status, result.stderr).toBe(0)
    expect(parseEnvelope(result.stdout).result).toMatchObject({stopped: true, experiment: {status: 'stopped'}})
    expect(mutatingCalls().map((call) => call.operation)).toEqual(['StartExperiment', 'StopExperiment'])

    const [again, none] = await Promise.all([
      sandbox(['chaos', 'stop', experimentId, '--yes']),
      sandbox(['chaos', 'stop', '--yes']),
    ])
    expect(again.status).toBe(0)
    expect(again.stdout).toContain(`FIS experiment ${experimentId} already ended (stopped)`)
    expect(none.status).toBe(0)
    expect(none.stdout).toContain('no FIS experiment is active')
  })
})
