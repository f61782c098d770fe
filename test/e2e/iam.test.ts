import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {callCount, drctl, json, mutatingCalls, useSandbox} from '../helpers/e2e.js'

describe('drctl under its generated IAM policy (sandbox enforcement)', () => {
  const sandbox = useSandbox()
  const policyFile = (name: string) => join(sandbox.home, name)

  it('refuses an unknown command with the nearest one, exit 2', () => {
    const result = drctl(sandbox.home, ['iam', 'policy', '--command', 'failovr'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('unknown command "failovr" (did you mean "failover"?)')
  })

  it('runs status, a planned failover and the way back under the operator and read-only policies', () => {
    const generated = drctl(sandbox.home, ['iam', 'policy', '--json'])
    expect(generated.status).toBe(0)
    writeFileSync(policyFile('all.json'), generated.stdout)
    const env = {DRCTL_SANDBOX_POLICY: policyFile('all.json')}
    expect(drctl(sandbox.home, ['status', '--json'], env).status).toBe(0)
    for (const to of ['us-west-2', 'us-east-1']) {
      const result = drctl(sandbox.home, ['failover', '--planned', '--to', to, '--yes', '--json'], env)
      expect(result.status, result.stderr).toBe(0)
    }
  })

  it('without the statement granting rds:SwitchoverGlobalCluster, the failover stops at it in one line, changing nothing', async () => {
    const operator = drctl(sandbox.home, ['iam', 'policy', '--role', 'operator'])
    const document = JSON.parse(operator.stdout)
    document.Statement = document.Statement.filter(
      (statement: {Action: string[]}) => !statement.Action.includes('rds:SwitchoverGlobalCluster'),
    )
    writeFileSync(policyFile('cut.json'), JSON.stringify(document))
    expect(readFileSync(policyFile('cut.json'), 'utf8')).not.toContain('SwitchoverGlobalCluster')
    const before = await callCount(sandbox.home)
    const result = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--yes', '--json'], {
      DRCTL_SANDBOX_POLICY: policyFile('cut.json'),
    })
    expect(result.status).not.toBe(0)
    const error = json(result).error
    expect(error.code).toBe('DRCTL_AWS_ACCESS_DENIED')
    expect(error.message).toMatch(
      /^missing permission rds:SwitchoverGlobalCluster on arn:aws:rds::111122223333:global-cluster:(orders|catalog)-global /,
    )
    expect(error.message).not.toContain('\n')
    // The refused switchovers were the run's only changes: nothing moved.
    expect(await mutatingCalls(sandbox.home, before)).toEqual([
      'SwitchoverGlobalCluster us-east-1',
      'SwitchoverGlobalCluster us-east-1',
    ])
    const writers = json(drctl(sandbox.home, ['status', '--json'])).result.aurora.map((view: any) => view.writerRegion)
    expect(writers).toEqual(['us-east-1', 'us-east-1'])
  })
})
