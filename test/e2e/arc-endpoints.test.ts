import {describe, expect, it} from 'vitest'

import {clearFaults, readWorld, setFault} from '../../src/lib/sandbox/index.js'
import {callCount, callsSince, drctl, journal, json, useSandbox} from '../helpers/e2e.js'

const DEAD = ['arc1', 'arc2', 'arc3', 'arc4']

/**
 * Four of five ARC cluster endpoints hanging, at the sandbox config's own per-endpoint deadline (3 s): a dead endpoint
 * may cost one hedge delay in the first read of a run, never a deadline, and never again in that run.
 */
describe('ARC cluster endpoints hanging', () => {
  const sandbox = useSandbox()

  it('routing shift goes through the live endpoint: dead ones are asked once, in the first read, then left alone', async () => {
    const {home} = sandbox
    await setFault(home, {kind: 'arc-endpoints-down', count: 4, mode: 'hang'})
    try {
      const before = await callCount(home)
      const shift = drctl(home, ['routing', 'shift', '--to', 'us-west-2', '--yes', '--json'])
      expect(shift.status, shift.stdout + shift.stderr).toBe(0)
      const run = json(shift).result
      expect(run).toMatchObject({outcome: 'completed', steps: [{id: 'traffic', status: 'done'}]})

      const arcCalls = (await callsSince(home, before)).filter((call) => call.service === 'route53-recovery-cluster')
      const firstAnswer = arcCalls.findIndex((call) => call.status === 200)
      expect(arcCalls[firstAnswer]?.endpoint).toBe('arc5')
      // Before the first answer, each dead endpoint at most once (hedged reads); after it, only the live endpoint.
      const beforeAnswer = arcCalls.slice(0, firstAnswer).map((call) => call.endpoint)
      expect(new Set(beforeAnswer).size).toBe(beforeAnswer.length)
      expect(beforeAnswer.every((endpoint) => DEAD.includes(endpoint))).toBe(true)
      expect(arcCalls.slice(firstAnswer).map((call) => call.endpoint)).toEqual(
        arcCalls.slice(firstAnswer).map(() => 'arc5'),
      )
      expect(arcCalls.filter((call) => call.mutating).map((call) => [call.endpoint, call.status])).toEqual([
        ['arc5', 200],
      ])

      const events = journal(home, run.runId)
      expect(
        events.filter((event) => event.type === 'aws-call').map((event) => [event.operation, event.region]),
      ).toEqual([['UpdateRoutingControlStates', 'ap-southeast-2']])
      expect(events.filter((event) => event.type === 'step-progress').map((event) => event.message)).toEqual([
        'updated through the ap-southeast-2 endpoint',
        expect.stringContaining('read back through the ap-southeast-2 endpoint'),
      ])
      const world = await readWorld(home)
      expect(
        Object.fromEntries((world?.arc.routingControls ?? []).map((control) => [control.name, control.state])),
      ).toMatchObject({'retail-us-east-1': 'Off', 'retail-us-west-2': 'On'})
    } finally {
      await clearFaults(home)
    }
  }, 30_000)

  it(
    'routing list names the endpoints it gave up on after the hedge delay, not after their deadline',
    {timeout: 60_000},
    async () => {
      const {home} = sandbox
      await setFault(home, {kind: 'arc-endpoints-down', count: 4, mode: 'hang'})
      try {
        // Each run starts at a random endpoint: list until one starts at a dead endpoint (4 in 5 do).
        let answer: {endpoint: {region: string}; attempts: {ok: boolean; error?: string}[]} | undefined
        for (let tries = 0; tries < 8 && !answer?.attempts.some((attempt) => !attempt.ok); tries++) {
          const list = drctl(home, ['routing', 'list', '--json'])
          expect(list.status, list.stdout).toBe(0)
          answer = json(list).result
        }
        const {endpoint, attempts} = answer ?? expect.fail('routing list never ran')
        expect(endpoint.region).toBe('ap-southeast-2')
        expect(attempts.at(-1)).toEqual({endpoint, ok: true})
        expect(attempts.length).toBeGreaterThan(1)
        for (const attempt of attempts.slice(0, -1)) {
          expect(attempt).toMatchObject({
            ok: false,
            error: expect.stringMatching(/^no answer within 300ms; the ap-southeast-2 endpoint answered first$/),
          })
        }
      } finally {
        await clearFaults(home)
      }
    },
  )
})
