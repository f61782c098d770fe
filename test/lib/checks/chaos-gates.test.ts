import {describe, expect, it} from 'vitest'

import {chaosGates, type GatedTemplate} from '../../../src/lib/checks/chaos-gates.js'
import type {DrctlConfig} from '../../../src/lib/config/schema.js'
import {healthyTopology, testConfig} from '../../fakes/topology.js'

const ALARM = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:checkout-errors'

const config = (): DrctlConfig => ({...testConfig(), fis: {region: 'us-east-1', templateTags: {Env: 'test'}}})

describe('chaos gates', () => {
  const view = (
    stopConditions: {source: string; value?: string}[] = [{source: 'aws:cloudwatch:alarm', value: ALARM}],
  ): GatedTemplate => ({
    name: 'cross-region-connectivity',
    region: 'us-east-1',
    stopConditions,
    hasStopCondition: stopConditions.some((condition) => condition.source !== 'none'),
    expectedDurationMs: 900_000,
  })
  const options = {noStopConditionOk: false, forceGates: false}
  const status = (gates: {id: string; status: string}[], id: string) => gates.find((gate) => gate.id === id)?.status

  it('pass on a healthy topology with a stop condition', () => {
    const {gates} = chaosGates(config(), healthyTopology(), view(), options)
    expect(gates.filter((gate) => gate.status !== 'ok')).toEqual([])
    expect(gates.map((gate) => gate.id)).toEqual(['gate.account', 'gate.stop-condition', 'gate.chaos', 'gate.status'])
  })

  it('refuse a template without a stop condition, unless accepted (recorded)', () => {
    const none = view([{source: 'none'}])
    expect(status(chaosGates(config(), healthyTopology(), none, options).gates, 'gate.stop-condition')).toBe('fail')
    const accepted = chaosGates(config(), healthyTopology(), none, {...options, noStopConditionOk: true})
    expect(status(accepted.gates, 'gate.stop-condition')).toBe('warn')
    expect(accepted.notes.join(' ')).toContain('--no-stop-condition-ok')
  })

  it('judge each stop-condition alarm: OK passes; ALARM refuses; missing refuses (unless accepted); no data warns', () => {
    const judged = (states: Record<string, string>, extra = {}) =>
      status(
        chaosGates(config(), healthyTopology(), view(), {...options, ...extra, stopAlarms: {states}}).gates,
        'gate.stop-condition.checkout-errors',
      )
    expect(judged({[ALARM]: 'OK'})).toBe('ok')
    expect(judged({[ALARM]: 'ALARM'})).toBe('fail')
    expect(judged({[ALARM]: 'ALARM'}, {noStopConditionOk: true, forceGates: true})).toBe('fail')
    expect(judged({[ALARM]: 'missing'})).toBe('fail')
    expect(judged({[ALARM]: 'missing'}, {noStopConditionOk: true})).toBe('warn')
    expect(judged({[ALARM]: 'INSUFFICIENT_DATA'})).toBe('warn')
    const unread = chaosGates(config(), healthyTopology(), view(), {...options, stopAlarms: {unreadable: 'denied'}})
    expect(status(unread.gates, 'gate.stop-condition.alarms')).toBe('warn')
  })

  it('refuse while another experiment is active, or when experiments cannot be listed', () => {
    const topology = healthyTopology()
    topology.chaos!.running = [{id: 'EXP7', templateId: 'EXT2', status: 'running', tags: {}, region: 'us-east-1'}]
    const {gates} = chaosGates(config(), topology, view(), options)
    expect(gates.find((gate) => gate.id === 'gate.chaos')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('EXP7 running in us-east-1'),
    })
    const blind = healthyTopology()
    blind.chaos!.unreadable = [{region: 'us-east-1', reason: {kind: 'access-denied', message: 'denied'}}]
    expect(status(chaosGates(config(), blind, view(), options).gates, 'gate.chaos')).toBe('fail')
  })

  it('refuse on a failing status check, naming it; --force-gates overrides and records it', () => {
    const topology = healthyTopology()
    topology.stacks[1]!.status = 'ROLLBACK_COMPLETE'
    const strict = chaosGates(config(), topology, view(), options)
    expect(strict.gates.find((gate) => gate.id === 'gate.status')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('stack app-usw2 in us-west-2 ROLLBACK_COMPLETE'),
    })
    const forced = chaosGates(config(), topology, view(), {...options, forceGates: true})
    expect(status(forced.gates, 'gate.status')).toBe('warn')
    expect(forced.notes.join(' ')).toContain('overridden by --force-gates (recorded): stack app-usw2')
  })

  it('refuse credentials of another account, even with --force-gates', () => {
    const topology = healthyTopology()
    topology.identity!.account = '999988887777'
    const {gates} = chaosGates(config(), topology, view(), {noStopConditionOk: true, forceGates: true})
    expect(status(gates, 'gate.account')).toBe('fail')
  })
})
