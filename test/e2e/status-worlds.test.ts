import {describe, expect, it} from 'vitest'

import {drctl, json, useSandbox} from '../helpers/e2e.js'

type CheckRow = {id: string; status: string; message: string}

const checksOf = (result: ReturnType<typeof drctl>): CheckRow[] => json(result).result.checks

const checkOf = (checks: CheckRow[], id: string) => {
  const check = checks.find((candidate) => candidate.id === id)
  expect(check, `no check ${id} in ${checks.map((candidate) => candidate.id).join(', ')}`).toBeDefined()
  return check!
}

describe('status on the mrsc world (sandbox reset --scenario mrsc)', () => {
  const sandbox = useSandbox({scenario: 'mrsc'})

  it('shows the table’s strong consistency and witness; readiness says a failover of it is routing only', () => {
    const result = drctl(sandbox.home, ['status', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const status = json(result).result
    expect(status.dynamodb[0]).toMatchObject({table: 'carts', consistency: 'strong'})
    expect(checkOf(status.checks, 'dynamodb.carts.consistency')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(
        /strongly consistent across Regions \(witness eu-west-1 ACTIVE\): a failover moves traffic only and loses no write; FIS cannot pause its replication/,
      ),
    })
    expect(status.readiness).toEqual([
      expect.objectContaining({kind: 'planned', routingOnly: ['carts']}),
      expect.objectContaining({kind: 'unplanned', routingOnly: ['carts']}),
    ])
    const human = drctl(sandbox.home, ['status'])
    expect(human.stdout).toContain('strong consistency, witness eu-west-1')
    expect(human.stdout).toContain('carts: routing only (strongly consistent, no write lost)')
  })

  it('the unplanned failover plan says no write of the table is lost', () => {
    const plan = drctl(sandbox.home, ['failover', '--unplanned', '--to', 'us-west-2', '--dry-run', '--json'])
    expect(plan.status, plan.stderr).toBe(0)
    expect(JSON.stringify(json(plan).result)).toContain(
      'carts replica in us-west-2 ACTIVE (strongly consistent: no write is lost)',
    )
  })
})

describe('status on the two-region world: the Aurora global writer endpoint', () => {
  const sandbox = useSandbox()

  it('is shown, with the rename warning, and follows the writer after a switchover', () => {
    const before = drctl(sandbox.home, ['status', '--json'])
    expect(before.status, before.stderr).toBe(0)
    const endpoint = checkOf(checksOf(before), 'aurora.orders-global.endpoint')
    expect(endpoint.message).toMatch(
      /^global writer endpoint orders-global\.global-[a-z0-9]+\.global\.rds\.amazonaws\.com follows the writer \(us-east-1\); renaming orders-global changes this host name$/,
    )
    expect(json(before).result.aurora[0]).toMatchObject({
      endpoint: expect.stringMatching(/^orders-global\.global-/),
      writerRegion: 'us-east-1',
    })

    const moved = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--yes', '--json'])
    expect(moved.status, moved.stderr).toBe(0)
    const after = drctl(sandbox.home, ['status', '--json'])
    expect(after.status, after.stderr).toBe(0)
    expect(checkOf(checksOf(after), 'aurora.orders-global.endpoint').message).toContain(
      `${json(before).result.aurora[0].endpoint} follows the writer (us-west-2)`,
    )
    expect(drctl(sandbox.home, ['status']).stdout).toMatch(
      /global writer endpoint orders-global\.global-\S+ → us-west-2/,
    )
  })
})

describe('status on the capacity-gap world (sandbox reset --scenario capacity-gap)', () => {
  const sandbox = useSandbox({scenario: 'capacity-gap'})

  it('warns of a 1-instance secondary behind a 4-instance writer, and of a table provisioned in one Region only', () => {
    const result = drctl(sandbox.home, ['status', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const checks = checksOf(result)
    expect(checkOf(checks, 'aurora.orders-global.us-west-2.capacity')).toEqual({
      id: 'aurora.orders-global.us-west-2.capacity',
      status: 'warn',
      message:
        'orders-usw2 (us-west-2) has 1× db.r6g.large behind a writer with 4× db.r6g.large: after a failover there it may not carry the load',
    })
    expect(checkOf(checks, 'aurora.catalog-global.us-west-2.capacity').status).toBe('ok')
    expect(checkOf(checks, 'dynamodb.carts.capacity')).toMatchObject({
      status: 'warn',
      message: 'carts capacity differs between Regions: us-east-1 400 RCU/200 WCU, us-west-2 on-demand',
    })
    expect(drctl(sandbox.home, ['status', '--strict']).status).toBe(3)
  })

  it('the failover plan shows the gap', () => {
    const plan = drctl(sandbox.home, ['failover', '--planned', '--to', 'us-west-2', '--dry-run'])
    expect(plan.status, plan.stderr).toBe(0)
    expect(plan.stdout).toContain('orders-usw2 (us-west-2) has 1× db.r6g.large behind a writer with 4× db.r6g.large')
    expect(plan.stdout).toContain('carts capacity differs between Regions')
  })
})
