import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../../src/lib/config/load.js'
import {phaseOf, renderTemplate, runsIn} from '../../../src/lib/config/steps.js'
import {DrctlError} from '../../../src/lib/core/errors.js'

const base = `version: 1
name: retail
regions: [us-east-1, us-west-2]
aurora:
  globalClusters: [orders-global]
`

function problemsOf(text: string): {path: string; message: string}[] {
  try {
    parseConfig(text)
  } catch (error) {
    expect(error).toBeInstanceOf(DrctlError)
    expect((error as DrctlError).exit).toBe(2)
    return (error as DrctlError).details?.problems as {path: string; message: string}[]
  }
  throw new Error('expected the config to be rejected')
}

describe('steps: in drctl.yaml', () => {
  it('takes every kind with its defaults: all three runbooks, the kind’s phase, not required', () => {
    const config = parseConfig(`${base}steps:
  - id: change-board
    kind: approval
  - id: db-name
    kind: ssm-parameter
    name: /app/db/global
    value: "{{globalCluster orders-global}}"
  - id: restart
    kind: ecs-service
    action: redeploy
    regions:
      us-east-1: {cluster: app, services: [api]}
      us-west-2: {cluster: app, services: [api]}
`)
    const [approval, parameter, ecs] = config.steps
    expect(approval).toMatchObject({kind: 'approval', required: false, message: 'Approve this move?'})
    expect(phaseOf(approval!)).toBe('before-database')
    expect(phaseOf(parameter!)).toBe('after-database')
    expect(phaseOf(ecs!)).toBe('after-traffic')
    expect(runsIn(parameter!, 'failover-unplanned')).toBe(true)
    expect(runsIn(parameter!, 'fallback')).toBe(true)
  })

  it('an unknown kind is an error at its path with a did-you-mean', () => {
    const problems = problemsOf(`${base}steps:
  - id: dns
    kind: route53-recrod
`)
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'steps[0].kind',
        message: expect.stringContaining('did you mean "route53-record"?'),
      }),
    ])
  })

  it('a Region of the topology without a value is an error by path; so is a Region not listed', () => {
    const problems = problemsOf(`${base}steps:
  - id: api-origin
    kind: cloudfront-origin
    distributionId: E2ABCDEF123
    originId: origin1
    regions:
      us-east-1: {domain: abc.execute-api.us-east-1.amazonaws.com}
      us-west-22: {domain: def.execute-api.us-west-2.amazonaws.com}
`)
    expect(problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining(['steps[0].regions.us-west-2', 'steps[0].regions.us-west-22']),
    )
    expect(problems.find((problem) => problem.path === 'steps[0].regions.us-west-22')?.message).toContain(
      'did you mean "us-west-2"?',
    )
  })

  it('refuses duplicate ids, unknown placeholders and a global cluster the topology does not list', () => {
    const problems = problemsOf(`${base}steps:
  - id: flag
    kind: ssm-parameter
    name: /app/flag
    value: "{{targte}}"
  - id: flag
    kind: ssm-parameter
    name: /app/name
    value: "{{globalCluster billing-global}}"
`)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({path: 'steps[1].id', message: 'duplicate step id "flag"'}),
        expect.objectContaining({path: 'steps[0].value', message: expect.stringContaining('unknown placeholder')}),
        expect.objectContaining({path: 'steps[1].value', message: expect.stringContaining('names no global cluster')}),
      ]),
    )
  })

  it('a weighted record needs its set identifier; a simple one exactly one of value and alias', () => {
    const problems = problemsOf(`${base}steps:
  - id: dns
    kind: route53-record
    hostedZoneId: Z0123456789ABC
    name: api.example.com
    type: CNAME
    routing: weighted
    regions:
      us-east-1: {value: a.example.com}
      us-west-2: {setIdentifier: usw2}
`)
    expect(problems).toEqual([expect.objectContaining({path: 'steps[0].regions.us-east-1'})])
  })

  it('fills in placeholders', () => {
    const values = {
      target: 'us-west-2',
      from: ['us-east-1'],
      region: 'eu-west-1',
      runId: 'r1',
      globalClusters: ['orders-global'],
    }
    expect(renderTemplate('{{target}}|{{from}}|{{region}}|{{runId}}|{{globalCluster ORDERS-global}}', values)).toBe(
      'us-west-2|us-east-1|eu-west-1|r1|orders-global',
    )
  })
})
