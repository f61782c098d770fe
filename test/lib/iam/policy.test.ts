import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../../src/lib/config/load.js'
import {rolePolicies} from '../../../src/lib/iam/policy.js'
import {selectCommands} from '../../../src/lib/iam/select.js'
import {testConfig} from '../../fakes/topology.js'

const PANEL = 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc'
const CONFIG = parseConfig(`
version: 1
name: retail
account: "111122223333"
regions: [us-east-1, us-west-2]
aurora:
  globalClusters: [orders-global]
dynamodb:
  tables: [carts]
arc:
  clusterArn: arn:aws:route53-recovery-control::111122223333:cluster/c1
  endpoints:
    - {region: eu-west-1, url: https://arc.eu-west-1.example/v1}
  routingControls:
    us-east-1: ${PANEL}/routingcontrol/east
    us-west-2: ${PANEL}/routingcontrol/west
fis:
  region: us-east-1
stacks:
  us-west-2: [app-usw2]
steps:
  - id: flag
    kind: ssm-parameter
    name: /retail/writer
    value: "{{target}}"
`)

const documentOf = (role: string, commands = selectCommands(undefined, undefined)) => {
  const policy = rolePolicies(CONFIG, commands).find((entry) => entry.role === role)
  if (!policy) throw new Error(`no ${role} policy`)
  return policy.document
}
const actionsOf = (role: string) => documentOf(role).Statement.flatMap((statement) => statement.Action)
const statementWith = (role: string, action: string) => {
  const statement = documentOf(role).Statement.find((entry) => entry.Action.includes(action))
  if (!statement) throw new Error(`${action} is not granted to ${role}`)
  return statement
}

describe('drctl iam policy', () => {
  it('writes valid IAM policy grammar: a version and statements with unique Sids', () => {
    for (const role of ['read-only', 'operator', 'destructive']) {
      const document = documentOf(role)
      expect(document.Version).toBe('2012-10-17')
      const sids = document.Statement.map((statement) => statement.Sid)
      expect(new Set(sids).size).toBe(sids.length)
      for (const statement of document.Statement) {
        expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/)
        expect(statement).toMatchObject({Effect: 'Allow', Action: expect.any(Array), Resource: expect.any(Array)})
      }
    }
  })

  it('gives the read-only role reads only, and the operator and destructive roles their changes', () => {
    expect(actionsOf('read-only')).toEqual(
      expect.arrayContaining(['rds:DescribeGlobalClusters', 'route53-recovery-cluster:ListRoutingControls']),
    )
    expect(actionsOf('read-only').filter((action) => !/:(Describe|List|Get)/.test(action))).toEqual([])
    expect(actionsOf('operator')).toEqual(
      expect.arrayContaining([
        'rds:SwitchoverGlobalCluster',
        'route53-recovery-cluster:UpdateRoutingControlStates',
        'fis:StartExperiment',
        // the application step's own describe() names its write
        'ssm:PutParameter',
      ]),
    )
    expect(actionsOf('operator')).not.toContain('cloudformation:DeleteStack')
    expect(actionsOf('destructive')).toEqual(
      expect.arrayContaining(['cloudformation:DeleteStack', 'dynamodb:DeleteTable', 'rds:DeleteGlobalCluster']),
    )
  })

  it('scopes changes to the ARNs of drctl.yaml and every statement to the Regions its calls are signed for', () => {
    expect(statementWith('operator', 'rds:SwitchoverGlobalCluster')).toMatchObject({
      Resource: [
        'arn:aws:rds::111122223333:global-cluster:orders-global',
        'arn:aws:rds::111122223333:global-cluster:orders-global-orphan-*',
        'arn:aws:rds:us-east-1:111122223333:cluster:*',
        'arn:aws:rds:us-west-2:111122223333:cluster:*',
      ],
      Condition: {StringEquals: {'aws:RequestedRegion': ['us-east-1', 'us-west-2']}},
    })
    expect(statementWith('operator', 'route53-recovery-cluster:UpdateRoutingControlStates')).toMatchObject({
      Resource: [`${PANEL}/routingcontrol/east`, `${PANEL}/routingcontrol/west`],
      Condition: {StringEquals: {'aws:RequestedRegion': ['eu-west-1']}},
    })
    expect(statementWith('destructive', 'dynamodb:DeleteTable').Resource).toEqual([
      'arn:aws:dynamodb:us-east-1:111122223333:table/carts',
      'arn:aws:dynamodb:us-west-2:111122223333:table/carts',
    ])
    expect(statementWith('destructive', 'cloudformation:DeleteStack').Resource).toEqual([
      'arn:aws:cloudformation:us-west-2:111122223333:stack/app-usw2/*',
    ])
    expect(statementWith('operator', 'fis:StartExperiment').Resource).toEqual([
      'arn:aws:fis:us-east-1:111122223333:experiment-template/*',
      'arn:aws:fis:us-east-1:111122223333:experiment/*',
    ])
    // Describe and List calls name no resource: they are granted on *.
    expect(statementWith('read-only', 'rds:DescribeDBClusters').Resource).toEqual(['*'])
  })

  it('gives only the chosen commands, in the documents of their roles', () => {
    const policies = rolePolicies(CONFIG, selectCommands(['routing list', 'routing:set'], undefined))
    expect(policies.map((policy) => [policy.role, policy.commands])).toEqual([
      ['read-only', ['routing list']],
      ['operator', ['routing set']],
    ])
    expect(policies[1]?.document.Statement.flatMap((statement) => statement.Action)).toEqual([
      'route53-recovery-cluster:ListRoutingControls',
      'route53-recovery-cluster:UpdateRoutingControlStates',
    ])
    expect(selectCommands(undefined, 'destructive')).toEqual(['teardown'])
  })

  it('refuses an unknown command with the nearest one', () => {
    expect(() => selectCommands(['failovr'], undefined)).toThrow(
      expect.objectContaining({code: 'DRCTL_USAGE', message: 'unknown command "failovr" (did you mean "failover"?)'}),
    )
  })

  it('grants run-keeping commands the reports bucket of state.reports: its objects under the prefix, any Region', () => {
    const config = parseConfig(`
version: 1
name: retail
regions: [us-east-1, us-west-2]
aurora:
  globalClusters: [orders-global]
state:
  reports: s3://team-reports/drctl/
`)
    const [operator] = rolePolicies(config, ['runs abandon'])
    expect(operator?.document.Statement).toEqual([
      {Sid: 'S3ReportsBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::team-reports']},
      {
        Sid: 'S3Reports',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: ['arn:aws:s3:::team-reports/drctl/*'],
      },
    ])
    expect(rolePolicies(config, ['status'])[0]?.document.Statement.flatMap((entry) => entry.Action)).not.toContain(
      's3:PutObject',
    )
  })

  it('grants the heartbeat reads of drctl.yaml rpo to status, failover and rpo probe, on the secret of each Region', () => {
    const secret = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:orders-db-AbCdEf'
    const withRpo = testConfig(`rpo: {heartbeatTable: heartbeat, secretArn: "${secret}"}`)
    const statementsOf = (config: typeof withRpo, command: string) =>
      rolePolicies(config, [command])[0]?.document.Statement ?? []
    for (const command of ['status', 'failover', 'rpo probe', 'reconcile']) {
      const statements = statementsOf(withRpo, command)
      expect(statements.find((entry) => entry.Action.includes('rds-data:ExecuteStatement'))?.Resource).toEqual([
        'arn:aws:rds:us-east-1:111122223333:cluster:*',
        'arn:aws:rds:us-west-2:111122223333:cluster:*',
      ])
      expect(statements.find((entry) => entry.Action.includes('secretsmanager:GetSecretValue'))?.Resource).toEqual(
        expect.arrayContaining([secret, secret.replace('us-east-1', 'us-west-2')]),
      )
    }
    const without = testConfig()
    for (const command of ['status', 'failover']) {
      expect(statementsOf(without, command).flatMap((entry) => entry.Action)).not.toContain('rds-data:ExecuteStatement')
    }
  })
})
