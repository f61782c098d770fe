import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {readCallLog} from '../../src/lib/sandbox/index.js'
import {waitUntil} from '../helpers/cli.js'
import {callCount, drctl, drctlAsync, journal, json, mutatingCalls, runIds, useSandbox} from '../helpers/e2e.js'

// The three application shapes as `drctl sandbox reset --scenario …` makes them: each scenario's own drctl.yaml
// and steps, moved there and back, previewed, and moved away from a failed us-east-1.

type StepView = {id: string; pointsAt?: string; missing?: boolean}

/** Where each step points now, by `drctl status --json`. */
function pointing(home: string): Record<string, string | undefined> {
  const status = json(drctl(home, ['status', '--json']))
  return Object.fromEntries((status.result.steps as StepView[]).map((step) => [step.id, step.pointsAt]))
}

/** A planned failover to `to`, approving its approval step from a second process when the scenario has one. */
async function plannedFailover(home: string, to: string, approval?: string) {
  if (!approval) return drctl(home, ['failover', '--planned', '--to', to, '--yes', '--json'])
  const known = runIds(home)
  const run = drctlAsync(home, ['failover', '--planned', '--to', to, '--yes', '--json'])
  const runId = await waitUntil('the run to wait for its approval', () =>
    runIds(home).find(
      (id) =>
        !known.includes(id) &&
        journal(home, id).some((event) => event.type === 'record' && event.key === `approval.${approval}.requested`),
    ),
  )
  const approved = drctl(home, ['runs', 'approve', runId, '--confirm', approval])
  expect(approved.status, approved.stderr).toBe(0)
  return run.done
}

const SHAPES = [
  {
    scenario: 'api-cloudfront',
    approval: 'change-approval',
    moving: ['api-origin', 'orders-proxy'],
    deferredWithoutUsEast1: ['api-origin'],
    // Once the standby proxy targets its own cluster, every Region's proxy follows its own writer: `any`.
    after: {'orders-proxy': 'any'},
  },
  {scenario: 'dns-ecs', moving: ['writer-dns'], deferredWithoutUsEast1: ['writer-dns']},
  {scenario: 'accelerator', moving: ['traffic-dials'], deferredWithoutUsEast1: []},
] as const

for (const shape of SHAPES) {
  describe(`the ${shape.scenario} scenario`, () => {
    const sandbox = useSandbox({scenario: shape.scenario})
    const approval = 'approval' in shape ? shape.approval : undefined

    it('points every step at the writer Region, previews a move with zero changes, moves there and back', async () => {
      const home = sandbox.home
      const start = pointing(home)
      for (const id of shape.moving) expect(start[id], id).toBe('us-east-1')
      const status = json(drctl(home, ['status', '--json']))
      expect(status.result.checks.filter((check: {status: string}) => check.status === 'fail')).toEqual([])

      const before = await callCount(home)
      const preview = json(drctl(home, ['failover', '--planned', '--to', 'us-west-2', '--dry-run', '--json']))
      const stepCalls = (preview.result.steps as {id: string; calls: {region: string}[]}[]).filter((step) =>
        shape.moving.some((id) => step.id === `step.${id}`),
      )
      expect(stepCalls).toHaveLength(shape.moving.length)
      expect(stepCalls.every((step) => step.calls.every((call) => call.region))).toBe(true)
      expect(await mutatingCalls(home, before)).toEqual([])

      const there = await plannedFailover(home, 'us-west-2', approval)
      expect(there.status, there.stderr).toBe(0)
      const after: Record<string, string> = 'after' in shape ? shape.after : {}
      const moved = pointing(home)
      for (const id of shape.moving) expect(moved[id], id).toBe(after[id] ?? 'us-west-2')

      const back = await plannedFailover(home, 'us-east-1', approval)
      expect(back.status, back.stderr).toBe(0)
      const home_ = pointing(home)
      for (const id of shape.moving) expect(home_[id], id).toBe(after[id] ?? 'us-east-1')
    }, 120_000)

    it('with us-east-1 down, an unplanned failover defers the steps that need it and calls nothing there', async () => {
      const home = sandbox.home
      expect(drctl(home, ['sandbox', 'fault', 'region-outage', 'us-east-1']).status).toBe(0)
      const before = (await readCallLog(home)).length
      const args = ['failover', '--unplanned', '--to', 'us-west-2', '--yes', '--allow-data-loss', '--json']
      const run = approval
        ? await (async () => {
            const known = runIds(home)
            const started = drctlAsync(home, args)
            const runId = await waitUntil('the run to wait for its approval', () =>
              runIds(home).find(
                (id) =>
                  !known.includes(id) &&
                  journal(home, id).some(
                    (event) => event.type === 'record' && event.key === `approval.${approval}.requested`,
                  ),
              ),
            )
            expect(drctl(home, ['runs', 'approve', runId, '--confirm', approval]).status).toBe(0)
            return started.done
          })()
        : drctl(home, args)
      expect(run.status, run.stderr).toBe(0)
      const result = json(run).result
      const statuses = Object.fromEntries(
        (result.steps as {id: string; status: string}[]).map((step) => [step.id, step.status]),
      )
      for (const id of shape.moving) {
        // A step the earlier move left in place is found done (skipped); none fails.
        const expected = (shape.deferredWithoutUsEast1 as readonly string[]).includes(id)
          ? ['deferred']
          : ['done', 'skipped']
        expect(expected, id).toContain(statuses[`step.${id}`])
      }
      const report = readFileSync(result.reportPath, 'utf8')
      for (const id of shape.deferredWithoutUsEast1) expect(report).toContain(`step ${id} (`)
      // The plan says which steps still try the failed Region's global control plane, not that none calls it.
      expect(report).toContain(
        shape.deferredWithoutUsEast1.length > 0
          ? `steps ${shape.deferredWithoutUsEast1.join(', ')} need a global control plane there`
          : 'nothing in this run calls us-east-1',
      )
      const answeredInUsEast1 = (await readCallLog(home))
        .slice(before)
        .filter((call) => call.region === 'us-east-1' && call.status !== 0)
      expect(answeredInUsEast1).toEqual([])
    }, 120_000)
  })
}
