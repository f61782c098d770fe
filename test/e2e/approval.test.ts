import {appendFileSync, copyFileSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {waitUntil} from '../helpers/cli.js'
import {drctl, drctlAsync, journal, json, runIds, useSandbox} from '../helpers/e2e.js'

/** The sandbox's drctl.yaml with an approval step before anything moves. */
function configWithApproval(home: string): string {
  const path = join(home, 'with-approval.yaml')
  copyFileSync(join(home, 'sandbox', 'drctl.yaml'), path)
  appendFileSync(path, 'steps:\n  - id: change-board\n    kind: approval\n    message: Has the change board agreed?\n')
  return path
}

describe('an approval step', () => {
  const sandbox = useSandbox()

  it('stops the run until a second process approves it; --yes never approves; who approved is in the report', async () => {
    const config = configWithApproval(sandbox.home)
    const failover = drctlAsync(sandbox.home, ['failover', '-c', config, '--planned', '--to', 'us-west-2', '--yes'])
    const runId = await waitUntil('the run to wait for its approval', () =>
      runIds(sandbox.home).find((id) =>
        journal(sandbox.home, id).some(
          (event) => event.type === 'record' && event.key === 'approval.change-board.requested',
        ),
      ),
    )
    // Nothing has moved while it waits.
    expect(journal(sandbox.home, runId).filter((event) => event.type === 'aws-call' && event.mutating)).toEqual([])

    const withYes = drctl(sandbox.home, ['runs', 'approve', runId, '--yes'])
    expect(withYes.status).toBe(2)
    const noTerminal = drctl(sandbox.home, ['runs', 'approve', runId, '--json'])
    expect(noTerminal.status).toBe(4)
    expect(json(noTerminal).error.hints).toEqual([expect.stringContaining('--confirm change-board')])
    const wrong = drctl(sandbox.home, ['runs', 'approve', runId, '--confirm', 'change-bored'])
    expect(wrong.status).toBe(4)

    const approved = drctl(sandbox.home, ['runs', 'approve', runId, '--confirm', 'change-board', '--json'])
    expect(approved.status).toBe(0)
    expect(json(approved).result).toMatchObject({
      step: 'change-board',
      waiting: true,
      by: expect.stringContaining('drctl-sandbox'),
    })

    const result = await failover.done
    expect(result.status).toBe(0)
    const report = readFileSync(join(sandbox.home, 'runs', runId, 'report.md'), 'utf8')
    expect(report).toMatch(/## Approvals\n\n- change-board: approved by arn:aws:sts::\d+:assumed-role\/drctl-sandbox/)
    const again = drctl(sandbox.home, ['runs', 'approve', runId, '--confirm', 'change-board'])
    expect(again.status).toBe(2)
    expect(again.stderr).toContain('completed: there is nothing to approve')
  })
})
