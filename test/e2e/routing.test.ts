import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {type CallLogEntry, clearFaults, mutateWorld, readWorld, setFault} from '../../src/lib/sandbox/index.js'
import type {CliResult} from '../helpers/cli.js'
import {callCount, callsSince, drctl, drctlAsync, journal, json, useSandbox} from '../helpers/e2e.js'
import {drctlOnTerminal, terminalAvailable} from '../helpers/pty.js'

// Read-back mismatch (an endpoint accepting a change and reading back the old state) cannot be produced by the
// sandbox, whose endpoints share one world: it is unit-tested in test/lib/runbooks/steps.test.ts.

const EAST = 'retail-us-east-1'
const WEST = 'retail-us-west-2'

interface Arc {
  controls: {east: string; west: string}
  rule: string
  panel: string
}

function arcOf(home: string): Arc {
  const config = parse(readFileSync(join(home, 'sandbox', 'drctl.yaml'), 'utf8'))
  return {
    controls: {east: config.arc.routingControls['us-east-1'], west: config.arc.routingControls['us-west-2']},
    rule: config.arc.safetyRules[0].arn,
    panel: config.arc.controlPanelArn,
  }
}

/** A copy of the sandbox's drctl.yaml, changed by `edit` (a text edit keeps it close to what an operator has). */
function configCopy(home: string, name: string, edit: (text: string) => string): string {
  const path = join(home, name)
  writeFileSync(path, edit(readFileSync(join(home, 'sandbox', 'drctl.yaml'), 'utf8')))
  return path
}

const withoutEndpoints = (text: string) => text.replace(/\n {2}endpoints:\n(?: {4}[- ].*\n)+/, '\n')

const mutating = (calls: CallLogEntry[]) => calls.filter((call) => call.mutating)
/** UpdateRoutingControlStates calls ARC accepted (a throttled or refused attempt changes nothing). */
const accepted = (calls: CallLogEntry[]) => mutating(calls).filter((call) => call.status === 200)

/** The routing control states in the sandbox world (read directly: no CLI run needed to check an outcome). */
async function states(home: string): Promise<Record<string, string>> {
  const world = await readWorld(home)
  return Object.fromEntries(
    (world?.arc.routingControls ?? [])
      .filter((control) => control.name === EAST || control.name === WEST)
      .map((control) => [control.name, control.state]),
  )
}

/** Back to the scenario's routing: us-east-1 On, us-west-2 Off, no extra controls or rules, no faults. */
async function resetRouting(home: string, arc: Arc) {
  await mutateWorld(home, (world) => {
    world.faults = []
    world.arc.routingControls = world.arc.routingControls.filter((control) => !control.name.startsWith('freeze'))
    world.arc.safetyRules = world.arc.safetyRules.filter((rule) => rule.type === 'ASSERTION')
    for (const control of world.arc.routingControls) {
      if (control.arn === arc.controls.east) Object.assign(control, {state: 'On', name: EAST})
      if (control.arn === arc.controls.west) Object.assign(control, {state: 'Off', name: WEST})
    }
  })
}

describe('drctl routing on the sandbox', () => {
  const sandbox = useSandbox()
  let home: string
  let arc: Arc
  /** ARC calls made while every endpoint was up: each operation's first (and only) attempt. */
  const faultFree: CallLogEntry[] = []
  beforeAll(() => {
    home = sandbox.home
    arc = arcOf(home)
  })

  it('lists state, Region and the endpoint that answered, changing nothing', async () => {
    const before = await callCount(home)
    const human = drctl(home, ['routing', 'list'])
    expect(human.status).toBe(0)
    expect(human.stdout).toMatch(/retail-us-east-1\s+us-east-1\s+On/)
    expect(human.stdout).toMatch(/retail-us-west-2\s+us-west-2\s+Off/)
    expect(human.stdout).toMatch(/answered by the [a-z]+-[a-z]+-\d endpoint https:\/\/arc\d\./)

    const result = drctl(home, ['routing', 'list', '--json'])
    expect(result.status).toBe(0)
    const list = json(result).result
    expect(list.controls).toEqual([
      {name: EAST, arn: arc.controls.east, region: 'us-east-1', state: 'On'},
      {name: WEST, arn: arc.controls.west, region: 'us-west-2', state: 'Off'},
    ])
    expect(list.safetyRules).toEqual([{arn: arc.rule, name: 'at-least-one-on', type: 'ASSERTION'}])
    expect(list.attempts).toEqual([{endpoint: list.endpoint, ok: true}])
    const calls = await callsSince(home, before)
    expect(mutating(calls)).toEqual([])
    faultFree.push(...calls)
  })

  it('shifts all traffic in one UpdateRoutingControlStates batch that satisfies "at least one On"; again is a no-op', async () => {
    try {
      const start = await callCount(home)
      let before = start
      const shift = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--yes', '--json'])
      expect(shift.status, shift.stdout).toBe(0)
      expect(json(shift).result).toMatchObject({outcome: 'completed', steps: [{id: 'traffic', status: 'done'}]})
      // East Off alone would break the assertion rule: one call that ARC accepted means one atomic batch.
      const calls = mutating(await callsSince(home, before))
      expect(calls.map((call) => [call.operation, call.status])).toEqual([['UpdateRoutingControlStates', 200]])
      expect(await states(home)).toEqual({[EAST]: 'Off', [WEST]: 'On'})

      before = await callCount(home)
      const again = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--yes'])
      expect(again.status).toBe(0)
      expect(again.stdout).toContain('nothing to do')
      expect(mutating(await callsSince(home, before))).toEqual([])
      faultFree.push(...(await callsSince(home, start)))
    } finally {
      await resetRouting(home, arc)
    }
  })

  it('sets one control by name, by ARN or by Region, with one call each', async () => {
    try {
      const before = await callCount(home)
      for (const [control, state, expected] of [
        [WEST, 'on', {[EAST]: 'On', [WEST]: 'On'}],
        [arc.controls.east, 'OFF', {[EAST]: 'Off', [WEST]: 'On'}],
        ['us-east-1', 'on', {[EAST]: 'On', [WEST]: 'On'}],
      ] as const) {
        const result = drctl(home, ['routing', 'set', control, state, '--yes', '--json'])
        expect(result.status, result.stdout).toBe(0)
        expect(await states(home)).toEqual(expected)
      }
      const calls = await callsSince(home, before)
      expect(mutating(calls).map((call) => [call.operation, call.status])).toEqual(
        Array.from({length: 3}, () => ['UpdateRoutingControlStates', 200]),
      )
      faultFree.push(...calls)
    } finally {
      await resetRouting(home, arc)
    }
  })

  it('starts each run at a random cluster endpoint', async () => {
    // Each run starts its rotation at a random endpoint and then prefers the one that answered, so the endpoints
    // seen come one per run: keep listing until three differ. Five endpoints chosen at random give three distinct
    // ones within 30 runs except about once in 10^11; a fixed first endpoint never does.
    const arcCalls = () => faultFree.filter((call) => call.service === 'route53-recovery-cluster')
    const distinct = () => new Set(arcCalls().map((call) => call.endpoint)).size
    for (let runs = 0; distinct() < 3 && runs < 30; runs++) {
      const before = await callCount(home)
      expect(drctl(home, ['routing', 'list', '--json']).status).toBe(0)
      faultFree.push(...(await callsSince(home, before)))
    }
    expect(arcCalls().every((call) => /^arc[1-5]$/.test(call.endpoint))).toBe(true)
    expect(distinct()).toBeGreaterThanOrEqual(3)
  })

  it.each(['refuse', 'hang'])(
    'works with four of five cluster endpoints down (%s), through the fifth',
    async (mode) => {
      // A short per-endpoint deadline: a hanging endpoint costs 250 ms before rotation moves on.
      const config = configCopy(home, `fast-${mode}.yaml`, (text) =>
        text.replace('arcEndpointTimeoutMs: 3000', 'arcEndpointTimeoutMs: 250'),
      )
      await setFault(home, {kind: 'arc-endpoints-down', count: 4, mode: mode as 'refuse' | 'hang'})
      try {
        const list = drctl(home, ['routing', 'list', '--json', '-c', config])
        expect(list.status, list.stdout).toBe(0)
        const result = json(list).result
        expect(result.endpoint.region).toBe('ap-southeast-2')
        for (const attempt of result.attempts.slice(0, -1)) {
          expect(attempt).toMatchObject({
            ok: false,
            // A refused connection may also run out its 250 ms on a loaded machine; a hanging one only ever does.
            error: expect.stringMatching(
              mode === 'hang' ? /no answer within/ : /ECONNRESET|ECONNREFUSED|refused|socket hang up|no answer within/,
            ),
          })
        }
        expect(result.controls.map((control: {state: string}) => control.state)).toEqual(['On', 'Off'])

        const before = await callCount(home)
        const shift = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--yes', '-c', config])
        expect(shift.status, shift.stderr).toBe(0)
        expect(shift.stderr).toContain('updated through the ap-southeast-2 endpoint')
        const calls = accepted(await callsSince(home, before))
        expect(calls.map((call) => [call.operation, call.endpoint])).toEqual([['UpdateRoutingControlStates', 'arc5']])
        expect(await states(home)).toEqual({[EAST]: 'Off', [WEST]: 'On'})
      } finally {
        await resetRouting(home, arc)
      }
    },
  )

  it('rotates past throttling', async () => {
    await setFault(home, {kind: 'throttle', rate: 0.4})
    try {
      const before = await callCount(home)
      const shift = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--yes', '--json'])
      expect(shift.status, shift.stdout).toBe(0)
      const calls = await callsSince(home, before)
      expect(accepted(calls).map((call) => call.operation)).toEqual(['UpdateRoutingControlStates'])
      for (const call of calls.filter((entry) => entry.status !== 200))
        expect(call.errorCode).toBe('ThrottlingException')
      await clearFaults(home)
      expect(await states(home)).toEqual({[EAST]: 'Off', [WEST]: 'On'})
    } finally {
      await resetRouting(home, arc)
    }
  })

  it('refuses to leave every control Off, and explains the cached safety rule before calling AWS', async () => {
    const before = await callCount(home)
    const allOff = drctl(home, ['routing', 'set', 'us-east-1', 'off', '--yes', '--json'])
    expect(allOff.status).toBe(3)
    const envelope = json(allOff)
    expect(envelope.error.code).toBe('DRCTL_GATE_FAILED')
    const failed = envelope.error.message
    expect(failed).toContain('every routing control Off')
    expect(failed).toContain('--allow-all-off')

    // Allowed to leave all Off, the assertion rule still stops it, named, with the break-glass flag.
    const allowed = drctl(home, ['routing', 'set', 'us-east-1', 'off', '--allow-all-off', '--yes'])
    expect(allowed.status).toBe(3)
    expect(allowed.stdout).toContain('assertion rule at-least-one-on requires at least 1 of 2 On')
    expect(allowed.stdout).toContain(`--override-safety-rule ${arc.rule}`)
    expect(allowed.stderr).toContain('DRCTL_GATE_FAILED')
    expect(await callsSince(home, before)).not.toContainEqual(
      expect.objectContaining({operation: 'UpdateRoutingControlStates'}),
    )
    expect(await states(home)).toEqual({[EAST]: 'On', [WEST]: 'Off'})
  })

  it('breaks glass with --override-safety-rule: confirmation required, then journaled', async () => {
    try {
      const args = ['routing', 'set', 'us-east-1', 'off', '--allow-all-off', '--override-safety-rule', arc.rule]
      const before = await callCount(home)
      const unconfirmed = drctl(home, [...args, '--json'])
      expect(unconfirmed.status).toBe(4)
      expect(json(unconfirmed).error.code).toBe('DRCTL_CONFIRMATION_REQUIRED')
      expect(mutating(await callsSince(home, before))).toEqual([])

      const result = drctl(home, [...args, '--yes', '--json'])
      expect(result.status, result.stdout).toBe(0)
      const run = json(result).result
      expect(run.evidence.overriddenSafetyRules).toEqual([arc.rule])
      expect(accepted(await callsSince(home, before))).toHaveLength(1)
      expect(await states(home)).toEqual({[EAST]: 'Off', [WEST]: 'Off'})

      const start = journal(home, run.runId).find((event) => event.type === 'run-start')
      expect(start.flags).toMatchObject({
        'override-safety-rule': arc.rule,
        'allow-all-off': true,
        yes: true,
        sandbox: true,
      })
      expect(start.params.change.safetyRulesToOverride).toEqual([arc.rule])
      expect(start.gates).toContainEqual(
        expect.objectContaining({
          id: 'gate.override',
          status: 'warn',
          message: expect.stringContaining('at-least-one-on'),
        }),
      )
      const report = JSON.parse(readFileSync(join(home, 'runs', run.runId, 'report.json'), 'utf8'))
      expect(report.evidence.overriddenSafetyRules).toEqual([arc.rule])
      const markdown = readFileSync(run.reportPath, 'utf8')
      expect(markdown).toContain(`--override-safety-rule ${arc.rule}`)
      expect(markdown).toContain(
        `Before:\n\n- routing: ${EAST} On, ${WEST} Off\n\nAfter:\n\n- routing: ${EAST} Off, ${WEST} Off`,
      )
    } finally {
      await resetRouting(home, arc)
    }
  })

  it.skipIf(!terminalAvailable)('on a terminal, breaking glass needs the rule’s name typed', async () => {
    const args = ['routing', 'set', 'us-east-1', 'off', '--allow-all-off', '--override-safety-rule', arc.rule]
    const before = await callCount(home)
    const wrong = await drctlOnTerminal(home, args, {prompt: 'to confirm', answer: 'yes'})
    expect(wrong.status).toBe(4)
    expect(wrong.stdout).toContain('Type at-least-one-on to confirm')
    expect(wrong.stdout).toContain('DRCTL_CONFIRMATION_DECLINED')
    expect(mutating(await callsSince(home, before))).toEqual([])
    try {
      const typed = await drctlOnTerminal(home, args, {prompt: 'to confirm', answer: 'at-least-one-on'})
      expect(typed.status, typed.stdout).toBe(0)
      expect(await states(home)).toEqual({[EAST]: 'Off', [WEST]: 'Off'})
    } finally {
      await resetRouting(home, arc)
    }
  })

  it('a gating rule not in drctl.yaml: AWS blocks, the error names it; routing endpoints --save caches it for the gate', async () => {
    const freeze = `${arc.panel}/routingcontrol/freeze00000000aa`
    const rule = `${arc.panel}/safetyrule/freeze00000000bb`
    await mutateWorld(home, (world) => {
      world.arc.routingControls.push({
        arn: freeze,
        name: 'freeze-lifted',
        controlPanelArn: arc.panel,
        state: 'Off',
        status: 'DEPLOYED',
        updatedAt: Date.now(),
      })
      world.arc.safetyRules.push({
        arn: rule,
        name: 'change-freeze',
        controlPanelArn: arc.panel,
        type: 'GATING',
        assertedControls: [],
        gatingControls: [freeze],
        targetControls: [arc.controls.east, arc.controls.west],
        ruleConfig: {Type: 'ATLEAST', Threshold: 1, Inverted: false},
        waitPeriodMs: 5000,
        status: 'DEPLOYED',
      })
    })
    // A drctl.yaml without cached endpoints (nor the new rule): drctl warns and asks the control plane.
    const config = configCopy(home, 'uncached.yaml', withoutEndpoints)
    expect(parse(readFileSync(config, 'utf8')).arc.endpoints).toBeUndefined()
    try {
      let before = await callCount(home)
      const blocked = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--yes', '--json', '-c', config])
      expect(blocked.status).toBe(5)
      const envelope = json(blocked)
      expect(envelope.warnings).toEqual([expect.stringContaining('ARC cluster endpoints are not cached in drctl.yaml')])
      expect(envelope.error.code).toBe('DRCTL_SAFETY_RULE_BLOCKED')
      expect(envelope.error.message).toContain(rule)
      expect(envelope.error.message).toContain('change-freeze')
      expect(envelope.error.hints).toContainEqual(expect.stringContaining(`--override-safety-rule ${rule}`))
      const calls = await callsSince(home, before)
      expect(calls).toContainEqual(expect.objectContaining({operation: 'DescribeCluster', region: 'us-west-2'}))
      expect(accepted(calls)).toEqual([])
      expect(await states(home)).toEqual({[EAST]: 'On', [WEST]: 'Off'})

      before = await callCount(home)
      const save = drctl(home, ['routing', 'endpoints', '--save', '-c', config, '--json'])
      expect(save.status, save.stdout).toBe(0)
      expect(json(save).result).toMatchObject({saved: true, controlPanelArn: arc.panel})
      const saved = parse(readFileSync(config, 'utf8')).arc
      const original = parse(readFileSync(join(home, 'sandbox', 'drctl.yaml'), 'utf8')).arc
      expect(saved.endpoints).toEqual(original.endpoints)
      expect(saved.controlPanelArn).toBe(original.controlPanelArn)
      expect(saved.safetyRules).toEqual([
        ...original.safetyRules,
        expect.objectContaining({arn: rule, name: 'change-freeze', type: 'GATING', gatingControls: [freeze]}),
      ])
      expect(readFileSync(config, 'utf8')).toContain('# Generated by `drctl sandbox reset`')
      expect(mutating(await callsSince(home, before))).toEqual([])

      // Cached, the same rule is explained at the gate, before any call, without asking the control plane.
      before = await callCount(home)
      const gated = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--yes', '-c', config])
      expect(gated.status).toBe(3)
      expect(gated.stdout).toContain('gating rule change-freeze allows changing its target controls only while')
      expect(gated.stdout).toContain(`--override-safety-rule ${rule}`)
      expect(gated.stderr).not.toContain('not cached')
      const gatedCalls = await callsSince(home, before)
      expect(mutating(gatedCalls)).toEqual([])
      expect(gatedCalls).not.toContainEqual(expect.objectContaining({operation: 'DescribeCluster'}))

      const override = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--override-safety-rule', rule, '--yes'])
      expect(override.status, override.stderr).toBe(0)
      expect(await states(home)).toEqual({[EAST]: 'Off', [WEST]: 'On'})
    } finally {
      await resetRouting(home, arc)
    }
  })

  it('rejects bad input with exit 2 before any change', async () => {
    const before = await callCount(home)
    const typo = drctl(home, ['routing', 'set', 'retail-us-west-1', 'on', '--yes', '--json'])
    expect(typo.status).toBe(2)
    expect(json(typo).error).toMatchObject({
      code: 'DRCTL_USAGE',
      message: expect.stringContaining('did you mean "retail-us-west-2"?'),
    })
    const state = drctl(home, ['routing', 'set', 'us-west-2', 'maybe', '--yes'])
    expect(state.status).toBe(2)
    expect(state.stderr).toContain('state must be on or off, not "maybe"')

    // Two controls with one name: the name is ambiguous (the ARN still works).
    await mutateWorld(home, (world) => {
      const west = world.arc.routingControls.find((control) => control.arn === arc.controls.west)
      if (west) west.name = EAST
    })
    try {
      const ambiguous = drctl(home, ['routing', 'set', EAST, 'off', '--yes', '--json'])
      expect(ambiguous.status).toBe(2)
      expect(json(ambiguous).error.message).toBe(`"${EAST}" is ambiguous: it matches ${EAST}, ${EAST}`)
    } finally {
      await resetRouting(home, arc)
    }
    expect(mutating(await callsSince(home, before))).toEqual([])
  })

  it('every endpoint failing: exit 5, naming each endpoint and why; nothing changed', async () => {
    await setFault(home, {kind: 'arc-endpoints-down', count: 5})
    try {
      const before = await callCount(home)
      const [list, set] = await Promise.all([
        drctlAsync(home, ['routing', 'list', '--json']).done,
        drctlAsync(home, ['routing', 'set', 'us-west-2', 'on', '--yes', '--json']).done,
      ])
      for (const result of [list, set] as CliResult[]) {
        expect(result.status).toBe(5)
        const error = json(result).error
        expect(error.code).toBe('DRCTL_ARC_ENDPOINTS_FAILED')
        for (const [index, region] of [
          'us-east-1',
          'us-west-2',
          'eu-west-1',
          'ap-northeast-1',
          'ap-southeast-2',
        ].entries())
          expect(error.message).toMatch(new RegExp(`${region} https://arc${index + 1}\\.\\S+ \\([^)]*ECONNRESET`))
      }
      expect(json(list).error.details.attempts).toHaveLength(10)
      expect(mutating(await callsSince(home, before))).toEqual([])
    } finally {
      await resetRouting(home, arc)
    }
  })

  it('access denied by the endpoints: exit 5 as access denied, nothing changed', async () => {
    // Each endpoint signed for the wrong Region: every endpoint answers 403, so rotation stops at the first answer.
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2']
    const denied = configCopy(home, 'denied.yaml', (text) =>
      regions.reduce(
        (edited, region, index) =>
          edited.replace(
            `- region: ${region}\n      url: https://arc${index + 1}.`,
            `- region: ${regions[(index + 1) % regions.length]}\n      url: https://arc${index + 1}.`,
          ),
        text,
      ),
    )
    const before = await callCount(home)
    const [list, shift] = await Promise.all([
      drctlAsync(home, ['routing', 'list', '--json', '-c', denied]).done,
      drctlAsync(home, ['routing', 'shift', '--to', 'us-west-2', '--yes', '--json', '-c', denied]).done,
    ])
    for (const result of [list, shift]) {
      expect(result.status).toBe(5)
      expect(json(result).error).toMatchObject({
        code: 'DRCTL_AWS_ACCESS_DENIED',
        message: expect.stringContaining('InvalidSignatureException'),
        hints: expect.arrayContaining([expect.stringContaining('route53-recovery-cluster:ListRoutingControls')]),
      })
    }
    expect(mutating(await callsSince(home, before))).toEqual([])
  })

  it('without a terminal and without --yes: exit 4; --dry-run prints the plan; neither makes a mutating call', async () => {
    const before = await callCount(home)
    const [unconfirmed, dryRun] = await Promise.all([
      drctlAsync(home, ['routing', 'shift', '--to', 'us-west-2', '--json']).done,
      drctlAsync(home, ['routing', 'shift', '--to', 'us-west-2', '--dry-run']).done,
    ])
    expect(unconfirmed.status).toBe(4)
    expect(json(unconfirmed).error).toMatchObject({
      code: 'DRCTL_CONFIRMATION_REQUIRED',
      hints: [expect.stringContaining('--yes')],
    })
    expect(dryRun.status).toBe(0)
    expect(dryRun.stdout).toContain('UpdateRoutingControlStates')
    expect(dryRun.stdout).toContain(`${EAST} Off, ${WEST} On in one batch`)
    expect(dryRun.stdout).toContain('dry run: nothing was changed')
    expect(mutating(await callsSince(home, before))).toEqual([])
    expect(await states(home)).toEqual({[EAST]: 'On', [WEST]: 'Off'})
  })
})
