import {appendFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {clearFaults, type ScenarioName, setFault} from '../../src/lib/sandbox/index.js'
import {waitUntil} from '../helpers/cli.js'
import {drctlAsync, journal, json, runIds, useSandbox} from '../helpers/e2e.js'
import {commandPolicy, policyFile, ungrantedCalls} from '../helpers/iam.js'

// Completeness of `drctl iam policy`: every runbook of every scenario runs under the policy generated for its command
// alone, with the sandbox enforcing it; and every call a plan describes is one its command's policy grants.

const TIME_SCALE = 0.002

/** `drctl ARGS` under the generated policy of `command`; it must succeed. */
async function asCommand(home: string, command: string, args: string[]) {
  const policy = policyFile(home, command, commandPolicy(home, command))
  const result = await drctlAsync(home, [...args, '--json'], {DRCTL_SANDBOX_POLICY: policy}).done
  expect(result.status, `${args.join(' ')} under the ${command} policy:\n${result.stdout}\n${result.stderr}`).toBe(0)
  return json(result).result
}

/** A runbook's --dry-run under its policy, whose every described call the policy grants; then the run itself. */
async function runbook(home: string, command: string, args: string[]) {
  const plan = await asCommand(home, command, [...args, '--dry-run'])
  const calls = (plan.steps as {calls: {service: string; operation: string}[]}[]).flatMap((step) => step.calls)
  expect(ungrantedCalls(commandPolicy(home, command), calls), `${args.join(' ')} describes`).toEqual([])
  return asCommand(home, command, [...args, '--yes'])
}

/** A planned failover whose approval step `runs approve` (under its own policy) lets go on. */
async function approvedFailover(home: string, to: string, approval: string) {
  const known = runIds(home)
  const policy = policyFile(home, 'failover', commandPolicy(home, 'failover'))
  const run = drctlAsync(home, ['failover', '--planned', '--to', to, '--yes', '--json'], {DRCTL_SANDBOX_POLICY: policy})
  const runId = await waitUntil('the run to wait for its approval', () =>
    runIds(home).find(
      (id) =>
        !known.includes(id) &&
        journal(home, id).some((event) => event.type === 'record' && event.key === `approval.${approval}.requested`),
    ),
  )
  await asCommand(home, 'runs approve', ['runs', 'approve', runId, '--confirm', approval])
  const result = await run.done
  expect(result.status, result.stderr).toBe(0)
}

async function movesThereAndBack(home: string, approval?: string) {
  for (const to of ['us-west-2', 'us-east-1']) {
    if (approval) await approvedFailover(home, to, approval)
    else await runbook(home, 'failover', ['failover', '--planned', '--to', to])
  }
}

/** us-east-1 fails; an unplanned failover (managed, or detach-and-promote); it recovers; fallback brings all home. */
async function failsAwayAndBack(home: string, detach: boolean) {
  await setFault(home, {kind: 'region-outage', region: 'us-east-1'})
  try {
    await asCommand(home, 'failover', [
      'failover',
      '--unplanned',
      '--to',
      'us-west-2',
      ...(detach ? ['--detach'] : []),
      '--allow-data-loss',
      '--yes',
    ])
  } finally {
    await clearFaults(home)
  }
  await runbook(home, 'fallback', ['fallback', '--switch-back', ...(detach ? ['--disable-deletion-protection'] : [])])
}

describe('every runbook of the two-region scenario under its own generated policy', () => {
  const sandbox = useSandbox({scenario: 'two-region', timeScale: TIME_SCALE})

  it('status, routing list, shift and set', async () => {
    await asCommand(sandbox.home, 'status', ['status'])
    await asCommand(sandbox.home, 'routing list', ['routing', 'list'])
    await runbook(sandbox.home, 'routing shift', ['routing', 'shift', '--to', 'us-west-2'])
    await runbook(sandbox.home, 'routing set', ['routing', 'set', 'us-east-1', 'on'])
    await runbook(sandbox.home, 'routing shift', ['routing', 'shift', '--to', 'us-east-1'])
  })

  it('chaos list, start, status and stop', async () => {
    await asCommand(sandbox.home, 'chaos list', ['chaos', 'list'])
    await runbook(sandbox.home, 'chaos start', ['chaos', 'start', 'cross-region-connectivity', '--no-wait'])
    await asCommand(sandbox.home, 'chaos status', ['chaos', 'status'])
    await asCommand(sandbox.home, 'chaos stop', ['chaos', 'stop', '--yes'])
  })

  it('a planned failover and back', () => movesThereAndBack(sandbox.home))

  it('an unplanned failover, then fallback', () => failsAwayAndBack(sandbox.home, false))

  it('a run a missing permission stopped resumes under the runs resume policy', async () => {
    const cut = commandPolicy(sandbox.home, 'failover')
    cut.Statement = cut.Statement.filter((statement) => !statement.Action.includes('rds:SwitchoverGlobalCluster'))
    const stopped = await drctlAsync(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--yes', '--json'], {
      DRCTL_SANDBOX_POLICY: policyFile(sandbox.home, 'cut', cut),
    }).done
    expect(json(stopped).error.message).toMatch(/^missing permission rds:SwitchoverGlobalCluster on /)
    await asCommand(sandbox.home, 'runs resume', ['runs', 'resume', json(stopped).result.runId, '--yes'])
    await runbook(sandbox.home, 'failover', ['failover', '--planned', '--to', 'us-east-1'])
  })

  it('detach-and-promote, then fallback rebuilds', () => failsAwayAndBack(sandbox.home, true))

  it('aurora rename-global, then teardown', async () => {
    await runbook(sandbox.home, 'aurora rename-global', ['aurora', 'rename-global', 'catalog-global', 'catalog-main'])
    await runbook(sandbox.home, 'teardown', ['teardown'])
  })
})

describe('team state and discovery under their own generated policies', () => {
  const sandbox = useSandbox({scenario: 'two-region', timeScale: TIME_SCALE})

  it('state init, state show, and a run that keeps its lock and journal in the table', async () => {
    appendFileSync(join(sandbox.home, 'sandbox', 'drctl.yaml'), 'state:\n  backend: dynamodb\n  table: drctl-state\n')
    await runbook(sandbox.home, 'state init', ['state', 'init'])
    expect(await asCommand(sandbox.home, 'state show', ['state', 'show'])).toMatchObject({table: 'drctl-state'})
    await runbook(sandbox.home, 'routing shift', ['routing', 'shift', '--to', 'us-west-2'])
  })

  it('config init --discover reads the account', async () => {
    const discovered = await asCommand(sandbox.home, 'config init', [
      'config',
      'init',
      '--discover',
      '--regions',
      'us-east-1,us-west-2',
      '--print',
    ])
    expect(discovered.skipped.filter((row: {missingAction?: string}) => row.missingAction)).toEqual([])
  })
})

const APPLICATION_SCENARIOS: {scenario: ScenarioName; approval?: string}[] = [
  {scenario: 'three-region'},
  {scenario: 'api-cloudfront', approval: 'change-approval'},
  {scenario: 'dns-ecs'},
  {scenario: 'accelerator'},
]

for (const {scenario, approval} of APPLICATION_SCENARIOS) {
  describe(`the runbooks of the ${scenario} scenario under their generated policies`, () => {
    const sandbox = useSandbox({scenario, timeScale: TIME_SCALE})

    it('status, a planned failover and back, an unplanned one and fallback', async () => {
      await asCommand(sandbox.home, 'status', ['status'])
      await movesThereAndBack(sandbox.home, approval)
      if (!approval) await failsAwayAndBack(sandbox.home, false)
    })
  })
}

// The worlds that trigger status's checks of today's AWS (strong consistency, a capacity gap), and many clusters.
for (const scenario of ['mrsc', 'capacity-gap'] as const) {
  describe(`the runbooks of the ${scenario} scenario under their generated policies`, () => {
    const sandbox = useSandbox({scenario, timeScale: TIME_SCALE})

    it('status, a planned failover and back, an unplanned one and fallback', async () => {
      await asCommand(sandbox.home, 'status', ['status'])
      await movesThereAndBack(sandbox.home)
      await failsAwayAndBack(sandbox.home, false)
    })
  })
}

describe('the runbooks of the scale scenario under their generated policies', () => {
  const sandbox = useSandbox({
    scenario: 'scale',
    timeScale: TIME_SCALE,
    size: {globalClusters: 3, regions: ['us-east-1', 'us-west-2', 'eu-west-1']},
  })

  it('status, and a planned failover and back', async () => {
    await asCommand(sandbox.home, 'status', ['status'])
    await movesThereAndBack(sandbox.home)
  })
})
