import {describe, expect, it} from 'vitest'

import {ok} from '../../../src/lib/checks/check.js'
import {renderRunResult} from '../../../src/lib/cli/render-plan.js'
import {renderRpoProbe} from '../../../src/lib/cli/render-rpo.js'
import {renderStatus, statusResult} from '../../../src/lib/cli/render-status.js'
import {createStyle} from '../../../src/lib/cli/style.js'
import type {GlobalClusterRpo} from '../../../src/lib/reconcile/measure.js'
import type {StatusReport} from '../../../src/lib/runbooks/status.js'
import {healthyTopology} from '../../fakes/topology.js'

const plain = createStyle(false)
const measured: GlobalClusterRpo = {
  globalClusterId: 'orders-global',
  writer: {clusterId: 'orders-use1', region: 'us-east-1'},
  heartbeat: {newest: '2026-12-06T08:00:09.000Z', ageMs: 1000},
  secondaries: [{region: 'us-west-2', clusterId: 'orders-usw2', rpoLagMs: 1500}],
  problems: [],
}
const report = (rpo?: GlobalClusterRpo[]): StatusReport => ({
  topology: healthyTopology(),
  checks: [ok('identity', 'acting as me')],
  readiness: [],
  ...(rpo ? {rpo} : {}),
})

describe('measured RPO rendering', () => {
  it('status: a MEASURED column and the heartbeat line only with drctl.yaml rpo; --json carries both', () => {
    const text = renderStatus(report([measured]), plain, {verbose: false})
    expect(text).toMatch(/LAG\s+MEASURED/)
    expect(text).toMatch(/us-west-2\s+orders-usw2\s+secondary.*\s1\.5s\n/)
    expect(text).toContain('    newest heartbeat in orders-use1: 2026-12-06T08:00:09.000Z (1.0s ago)')
    expect(renderStatus(report(), plain, {verbose: false})).not.toContain('MEASURED')
    const aurora = statusResult(report([measured])).aurora[0]
    expect(aurora).toMatchObject({heartbeat: measured.heartbeat, measurementProblems: []})
    expect(aurora?.members.find((member) => member.role === 'secondary')).toMatchObject({measuredRpoLagMs: 1500})
    expect(statusResult(report()).aurora[0]).not.toHaveProperty('heartbeat')
  })

  it('status: what could not be measured is a warning line naming the cause', () => {
    const failing = {...measured, heartbeat: undefined, secondaries: [], problems: ['orders-use1: no Data API']}
    const text = renderStatus(report([failing]), plain, {verbose: false})
    expect(text).toContain('    ⚠ not measured: orders-use1: no Data API')
    expect(text).toMatch(/us-west-2\s+orders-usw2\s+secondary.*\sunknown\n/)
  })

  it('rpo probe: each cluster now, then the latest unplanned failover beside what it journaled', () => {
    const text = renderRpoProbe(
      {
        measuredAt: '2026-12-06T08:00:10.000Z',
        clusters: [measured],
        failover: {
          runId: 'run-1',
          failoverAt: '2026-12-06T07:00:00.000Z',
          now: {summary: 'read now'} as never,
          atFailover: {summary: 'read then'} as never,
        },
      },
      plain,
    )
    expect(text).toContain("RPO LAG (Aurora's own)")
    expect(text).toMatch(/us-west-2\s+orders-usw2\s+1\.5s/)
    expect(text).toContain(
      'Unplanned failover run-1 at 2026-12-06T07:00:00.000Z\n  now: read now\n  at the failover: read then',
    )
    expect(
      renderRpoProbe({measuredAt: '2026-12-06T08:00:10.000Z', clusters: [], noFailover: 'none yet'}, plain),
    ).toContain('No failover measured: none yet')
  })

  it("a run's result shows the RPO it measured beside the estimate", () => {
    const text = renderRunResult(
      {
        runId: 'run-1',
        outcome: 'completed',
        rtoSeconds: 9,
        reportPath: '/r/report.md',
        evidence: {rpo: {summary: 'up to 3.3s'}, 'measuredRpo.orders-global': {summary: 'at most 3.4s'}},
      } as never,
      plain,
    )
    expect(text).toContain('  RPO up to 3.3s\n  RPO measured (orders-global): at most 3.4s\n  report: /r/report.md')
  })
})
