import {cpSync, existsSync, readFileSync} from 'node:fs'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {PolicyStatement} from '../../src/lib/iam/policy.js'
import {clearFaults, type ScenarioName, setFault} from '../../src/lib/sandbox/index.js'
import {wildcardMatch} from '../../src/lib/sandbox/iam/policy.js'
import {tempHome, waitUntil} from '../helpers/cli.js'
import {drctlAsync, journal, json, runIds, sandboxHome} from '../helpers/e2e.js'
import {commandPolicy, onBehalfActions, policyFile} from '../helpers/iam.js'

// Minimality of `drctl iam policy`: without any one statement of a command's generated policy, a run of that command
// (in one of the worlds it acts on) says `missing permission ACTION on ARN`, naming an action and resource of that
// statement, refused by the sandbox's enforcement: a change stops the run there; a read that only informs (a table's
// or stack's state beside a failover) is named in a warning or a gate. Statements only AWS checks while serving
// another call (KMS for an encrypted cluster, a final snapshot) cannot be taken away in the sandbox and are left out.

const TIME_SCALE = 0.002

/** A run of a command: in a copy of a prepared world, after `before` (a Region outage) when given. */
interface Variant {
  world: string
  /** The command line, or how to make it from the world (an experiment's id). */
  args: string[] | ((home: string) => Promise<string[]>)
  before?: (home: string) => Promise<unknown>
  /** Tried only for statements with an action like this (a slow world, for what only it exercises). */
  onlyFor?: RegExp
  /** The approval step the run waits at: given from another process (without a policy) once it waits. */
  approval?: string
}

const outage = (home: string) => setFault(home, {kind: 'region-outage', region: 'us-east-1'})
const experimentRunning = {
  world: 'chaos',
  before: (home: string) => drctlOk(home, ['chaos', 'start', 'cross-region-connectivity', '--no-wait', '--yes']),
}

async function drctlOk(home: string, args: string[]) {
  const result = await drctlAsync(home, args).done
  expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0)
}

/** Worlds made once, copied for every attempt: each as the runbooks that act on it find it. */
const WORLDS: Record<string, {scenario: ScenarioName; timeScale?: number; prepare?: (home: string) => Promise<void>}> =
  {
    fresh: {scenario: 'two-region'},
    'after a managed failover': {
      scenario: 'two-region',
      prepare: async (home) => {
        await outage(home)
        await drctlOk(home, ['failover', '--unplanned', '--to', 'us-west-2', '--allow-data-loss', '--yes'])
        await clearFaults(home)
      },
    },
    'after a detach': {
      scenario: 'two-region',
      prepare: async (home) => {
        await outage(home)
        await drctlOk(home, ['failover', '--unplanned', '--to', 'us-west-2', '--detach', '--allow-data-loss', '--yes'])
        await clearFaults(home)
      },
    },
    // Slow enough that the experiment still runs when the last attempt copies the world.
    // Its experiment runs 2 minutes (PT10M at 0.2): each attempt starts its own, so a slow machine never finds it over.
    chaos: {scenario: 'two-region', timeScale: 0.2},
    'dns-ecs': {scenario: 'dns-ecs'},
    'api-cloudfront': {scenario: 'api-cloudfront'},
    accelerator: {scenario: 'accelerator'},
  }

const FAILOVER_TO_WEST = ['failover', '--planned', '--to', 'us-west-2', '--yes']
const UNPLANNED = ['failover', '--unplanned', '--to', 'us-west-2', '--allow-data-loss', '--yes']

const COMMANDS: Record<string, Variant[]> = {
  status: [{world: 'fresh', args: ['status']}],
  'routing list': [{world: 'fresh', args: ['routing', 'list']}],
  'routing shift': [{world: 'fresh', args: ['routing', 'shift', '--to', 'us-west-2', '--yes']}],
  'routing set': [{world: 'fresh', args: ['routing', 'set', 'us-west-2', 'on', '--yes']}],
  failover: [
    {world: 'fresh', args: FAILOVER_TO_WEST},
    {world: 'fresh', args: UNPLANNED, before: outage},
    {world: 'fresh', args: [...UNPLANNED, '--detach'], before: outage},
  ],
  fallback: [
    {world: 'after a managed failover', args: ['fallback', '--switch-back', '--yes']},
    {world: 'after a detach', args: ['fallback', '--switch-back', '--yes']},
  ],
  'aurora rename-global': [
    {world: 'fresh', args: ['aurora', 'rename-global', 'orders-global', 'orders-main', '--yes']},
  ],
  'chaos list': [{world: 'fresh', args: ['chaos', 'list']}],
  'chaos status': [
    {...experimentRunning, args: ['chaos', 'status']},
    {...experimentRunning, args: async (home) => ['chaos', 'status', await experimentId(home)]},
  ],
  'chaos start': [{world: 'fresh', args: ['chaos', 'start', 'cross-region-connectivity', '--no-wait', '--yes']}],
  'chaos stop': [{...experimentRunning, args: ['chaos', 'stop', '--yes']}],
  teardown: [
    {world: 'fresh', args: ['teardown', '--yes']},
    {...experimentRunning, args: ['teardown', '--yes'], onlyFor: /^fis:/},
  ],
}

/** Application steps' statements, in the worlds of the scenarios that have them. */
const APPLICATION_WORLDS: {world: string; approval?: string}[] = [
  {world: 'dns-ecs'},
  {world: 'accelerator'},
  {world: 'api-cloudfront', approval: 'change-approval'},
]

/** Gives `approval` once the run waits for it; a run that stopped before asking needs none. */
async function approveWhenAsked(home: string, run: ReturnType<typeof drctlAsync>, approval: string) {
  const asked = (id: string) =>
    journal(home, id).some((event) => event.type === 'record' && event.key === `approval.${approval}.requested`)
  const runId = await waitUntil('the run to ask for approval or stop', () => {
    const waiting = runIds(home).find(asked)
    if (waiting) return waiting
    return run.child.exitCode !== null || run.child.signalCode !== null ? 'stopped' : undefined
  })
  if (runId !== 'stopped') await drctlOk(home, ['runs', 'approve', runId, '--confirm', approval])
}

/** The experiment `experimentRunning` started. */
async function experimentId(home: string): Promise<string> {
  const listed = await drctlAsync(home, ['chaos', 'status', '--json']).done
  return json(listed).result.active[0].id as string
}

const MISSING = /missing permission (\S+) on (\S+)/

/** Whether `output` names a permission of `statement` as missing. */
function namesStatement(output: string, statement: PolicyStatement): boolean {
  return [...output.matchAll(new RegExp(MISSING, 'g'))].some(
    ([, action, arn]) =>
      action !== undefined &&
      arn !== undefined &&
      statement.Action.includes(action) &&
      statement.Resource.some((pattern) => wildcardMatch(pattern, arn.replace(/\W+$/, ''), false)),
  )
}

describe('without any one statement of its generated policy, each command stops at the call it grants', () => {
  const homes: Record<string, {home: string; cleanup: () => void}> = {}
  beforeAll(async () => {
    for (const [name, {scenario, timeScale, prepare}] of Object.entries(WORLDS)) {
      homes[name] = await sandboxHome({scenario, timeScale: timeScale ?? TIME_SCALE})
      await prepare?.(homes[name].home)
    }
  }, 120_000)
  afterAll(() => {
    for (const home of Object.values(homes)) home.cleanup()
  })

  /** Runs `variant` in a copy of its world under `statements`; the output of a run that failed, else undefined. */
  async function failure(variant: Variant, statements: PolicyStatement[], command: string) {
    const prepared = homes[variant.world]?.home as string
    const copy = tempHome('drctl-iam-cut-')
    try {
      cpSync(prepared, copy.home, {recursive: true})
      await variant.before?.(copy.home)
      const document = {...commandPolicy(prepared, command), Statement: statements}
      const args = typeof variant.args === 'function' ? await variant.args(copy.home) : variant.args
      const run = drctlAsync(copy.home, [...args, '--json'], {
        DRCTL_SANDBOX_POLICY: policyFile(copy.home, command, document),
      })
      if (variant.approval) await approveWhenAsked(copy.home, run, variant.approval)
      const result = await run.done
      // A refusal that does not stop the run (a tag after writes moved) is a follow-up of its report.
      const reportPath = result.status === 0 ? json(result).result?.reportPath : undefined
      const report = reportPath && existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : ''
      const output = `${result.stdout}\n${result.stderr}\n${report}`
      return MISSING.test(output) ? output : undefined
    } finally {
      copy.cleanup()
    }
  }

  /** The statements of `command`'s policy in `world` whose removal no variant notices. */
  async function unnoticed(command: string, variants: Variant[], only?: (statement: PolicyStatement) => boolean) {
    const world = homes[variants[0]?.world as string]?.home as string
    const {Statement: statements} = commandPolicy(world, command)
    const checkedOnBehalf = onBehalfActions(world, command)
    const removable = statements.filter(
      (statement) => !statement.Action.every((action) => checkedOnBehalf.has(action)) && (only?.(statement) ?? true),
    )
    expect(removable.length, `${command}: statements to take away`).toBeGreaterThan(0)
    const missed: string[] = []
    for (const statement of removable) {
      const rest = statements.filter((other) => other !== statement)
      let noticed = false
      for (const variant of variants.filter(
        (candidate) => !candidate.onlyFor || statement.Action.some((action) => candidate.onlyFor?.test(action)),
      )) {
        const output = await failure(variant, rest, command)
        if (output !== undefined && namesStatement(output, statement)) {
          noticed = true
          break
        }
      }
      if (!noticed) missed.push(`${command}: ${statement.Sid} (${statement.Action.join(', ')})`)
    }
    return missed
  }

  for (const [command, variants] of Object.entries(COMMANDS)) {
    it(
      command,
      async () => {
        expect(await unnoticed(command, variants)).toEqual([])
      },
      300_000,
    )
  }

  for (const {world, approval} of APPLICATION_WORLDS) {
    it(`failover's application-step statements (${world})`, async () => {
      const appActions = /^(route53|cloudfront|globalaccelerator|ecs|lambda|ssm):|ProxyTargets$/
      const applicationStep = (statement: PolicyStatement) => statement.Action.some((action) => appActions.test(action))
      expect(await unnoticed('failover', [{world, args: FAILOVER_TO_WEST, approval}], applicationStep)).toEqual([])
    }, 300_000)
  }
})
