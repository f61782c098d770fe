import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../../src/lib/config/load.js'
import type {DeclaresCalls} from '../../../src/lib/aws/iam-calls.js'
import {rolePolicies} from '../../../src/lib/iam/policy.js'
import {type GlobalMove, SwitchoverStep} from '../../../src/lib/runbooks/aurora-steps.js'
import {chaosItems, type ChaosParams} from '../../../src/lib/runbooks/chaos/steps.js'
import {failoverItems, type FailoverParams} from '../../../src/lib/runbooks/failover.js'
import {RetireStep} from '../../../src/lib/runbooks/retire-step.js'
import {type ItemSpec, itemsFromSpecs, type StepSpec} from '../../../src/lib/runbooks/step-specs.js'
import type {PlannedCall, Step} from '../../../src/lib/runbook/types.js'
import {ungrantedCalls} from '../../helpers/iam.js'
import {stepsOf} from '../../helpers/plan.js'

// One source of truth: what a step's describe() names is what its class declares, and so what `drctl iam policy`
// grants the command whose runbook builds it.

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
    - {region: us-west-2, url: https://arc.us-west-2.example/v1}
  routingControls:
    us-east-1: arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/east
    us-west-2: arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/west
fis:
  region: us-east-1
stacks:
  us-west-2: [app-usw2]
steps:
  - {id: flag, kind: ssm-parameter, name: /retail/writer, value: "{{target}}"}
  - id: dns
    kind: route53-record
    hostedZoneId: Z0123456789ABC
    name: db.example.com
    type: CNAME
    regions: {us-east-1: {value: a.example.com}, us-west-2: {value: b.example.com}}
  - id: hook
    kind: lambda
    regions: {us-east-1: {function: dr-hook}, us-west-2: {function: dr-hook}}
  - id: tasks
    kind: ecs-service
    action: redeploy
    regions: {us-east-1: {cluster: app, services: [api]}, us-west-2: {cluster: app, services: [api]}}
`)

const MOVE: GlobalMove = {
  globalClusterId: 'orders-global',
  targetRegion: 'us-west-2',
  targetClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2',
  targetClusterId: 'orders-usw2',
  fromRegion: 'us-east-1',
}
const CHANGE = {desired: [], endpoints: [], avoidRegions: [], safetyRulesToOverride: [], safetyRules: []}
const APP_STEPS = CONFIG.steps.map((step) => ({
  step,
  move: {to: 'us-west-2', from: ['us-east-1'], failedRegions: [], globalClusters: ['orders-global']},
}))

/** One spec of every kind a journaled runbook (fallback, teardown, rename) builds its steps from. */
const SPECS: StepSpec[] = [
  {kind: 'stop-experiment', experimentId: 'EXP1', region: 'us-east-1'},
  {kind: 'protection', resource: {kind: 'global-cluster', id: 'orders-global', region: 'us-east-1'}},
  {kind: 'protection', resource: {kind: 'cluster', id: 'orders-use1', region: 'us-east-1'}},
  {kind: 'protection', resource: {kind: 'table', id: 'carts', region: 'us-east-1'}},
  {kind: 'remove-member', globalClusterId: 'orders-global', clusterArn: MOVE.targetClusterArn, region: 'us-west-2'},
  {kind: 'promote-replica', clusterId: 'orders-usw2', region: 'us-west-2'},
  {kind: 'delete-instances', clusterId: 'orders-usw2', region: 'us-west-2', instanceIds: ['orders-usw2-1']},
  {kind: 'delete-cluster', clusterId: 'orders-usw2', region: 'us-west-2', finalSnapshotId: 'final'},
  {kind: 'delete-global', globalClusterId: 'orders-global', region: 'us-east-1'},
  {kind: 'remove-replica', table: 'carts', replicaRegion: 'us-west-2', viaRegion: 'us-east-1'},
  {kind: 'delete-table', table: 'carts', region: 'us-east-1'},
  {kind: 'delete-stack', stack: 'app-usw2', region: 'us-west-2'},
  {kind: 'snapshot-cluster', clusterId: 'orders-use1', region: 'us-east-1', snapshotId: 'reconcile'},
  {kind: 'copy-snapshot', source: 'rds:unplanned', region: 'us-east-1', targetId: 'preserved'},
  {kind: 'rename-global', currentId: 'orders-global', newId: 'orders-global-orphan-1', region: 'us-east-1'},
  {
    kind: 'create-global',
    globalClusterId: 'orders-global',
    sourceClusterArn: MOVE.targetClusterArn,
    region: 'us-west-2',
  },
  {
    kind: 'create-secondary',
    secondary: {
      globalClusterId: 'orders-global',
      clusterId: 'orders-use1',
      region: 'us-east-1',
      engine: 'aurora-postgresql',
      securityGroupIds: [],
      storageEncrypted: true,
      instances: [{id: 'orders-use1-1', instanceClass: 'db.r6g.large'}],
    },
  },
  {kind: 'wait-secondary', globalClusterId: 'orders-global', target: {region: 'us-east-1'}, maxLagMs: 1000},
  {kind: 'switch-back-gates', gates: {home: 'us-east-1', maxLagMs: 1000, moves: [MOVE]}},
  {kind: 'switchover', move: MOVE},
  {kind: 'traffic', change: CHANGE},
  {
    kind: 'retire',
    clusterId: 'orders-use1',
    region: 'us-east-1',
    replacedIn: 'orders-global',
    step: {kind: 'delete-cluster', clusterId: 'orders-use1', region: 'us-east-1'},
  },
  {kind: 'verify', expected: {writers: {}, routing: [], regions: ['us-east-1'], arcAvoidRegions: []}},
  ...APP_STEPS.map((spec): StepSpec => ({kind: 'app-step', spec})),
]

const failover = (mode: FailoverParams['mode']) =>
  failoverItems(CONFIG, {
    mode,
    target: 'us-west-2',
    order: 'db-first',
    moves: [MOVE],
    traffic: CHANGE,
    failedRegions: [],
    observedRegions: ['us-west-2'],
    appSteps: APP_STEPS.map((spec) => ({...spec, move: {...spec.move, runbook: 'failover-planned' as const}})),
  })

const CHAOS: ChaosParams = {
  region: 'us-east-1',
  templateId: 'EXT1',
  templateName: 'cross-region',
  clientToken: 'token',
  tags: {},
  follow: true,
  followTimeoutMs: 1000,
  recoveredBelowMs: 1000,
}

/** Every step a runbook can build, the wrapped step of a retirement included. */
const EVERY_STEP: Step[] = [
  ...stepsOf(itemsFromSpecs(SPECS as ItemSpec[], CONFIG)),
  ...stepsOf(itemsFromSpecs([SPECS.find((spec) => spec.kind === 'retire')?.step as StepSpec], CONFIG)),
  ...(['planned', 'unplanned', 'detach'] as const).flatMap((mode) => stepsOf(failover(mode))),
  ...stepsOf(chaosItems(CONFIG, CHAOS)),
]

/** The described calls a step's class does not declare (a retirement describes the step it wraps, checked itself). */
function undeclared(step: Step): string[] {
  if (step instanceof RetireStep) return []
  const {calls} = step.constructor as unknown as DeclaresCalls
  const declared = new Set([...calls.reads, ...calls.writes].map((call) => `${call.service} ${call.operation}`))
  return step
    .describe()
    .filter((call) => call.service !== 'drctl' && !declared.has(`${call.service} ${call.operation}`))
    .map((call) => `${step.id}: ${call.service} ${call.operation}`)
}

describe('the calls steps declare', () => {
  it('cover every call each step of every runbook describes', () => {
    expect(EVERY_STEP.length).toBeGreaterThan(SPECS.length)
    for (const step of EVERY_STEP) {
      expect((step.constructor as unknown as Partial<DeclaresCalls>).calls, step.id).toBeDefined()
    }
    expect(EVERY_STEP.flatMap(undeclared)).toEqual([])
  })

  it('are what the generated policy of the command grants', () => {
    const policy = (command: string) => {
      const [found] = rolePolicies(CONFIG, [command])
      if (!found) throw new Error(`no policy for ${command}`)
      return found.document
    }
    const described = (items: Step[]) => items.flatMap((step) => step.describe())
    const ofKinds = (...kinds: StepSpec['kind'][]) => SPECS.filter((spec) => kinds.includes(spec.kind))
    const teardown = ofKinds(
      'stop-experiment',
      'protection',
      'remove-member',
      'promote-replica',
      'delete-instances',
      'delete-cluster',
      'delete-global',
      'remove-replica',
      'delete-table',
      'delete-stack',
    )
    const fallback = ofKinds(
      'app-step',
      'copy-snapshot',
      'switch-back-gates',
      'switchover',
      'traffic',
      'verify',
      'wait-secondary',
      'create-global',
      'create-secondary',
      'delete-cluster',
      'delete-global',
      'delete-instances',
      'protection',
      'remove-member',
      'rename-global',
      'retire',
      'snapshot-cluster',
    )
    expect(ungrantedCalls(policy('failover'), described(stepsOf(failover('detach'))))).toEqual([])
    expect(ungrantedCalls(policy('chaos start'), described(stepsOf(chaosItems(CONFIG, CHAOS))))).toEqual([])
    expect(ungrantedCalls(policy('teardown'), described(stepsOf(itemsFromSpecs(teardown, CONFIG))))).toEqual([])
    // Fallback turns off the protection of clusters it deletes, never a table's.
    const fallbackSteps = fallback.filter((spec) => spec.kind !== 'protection' || spec.resource.kind !== 'table')
    expect(ungrantedCalls(policy('fallback'), described(stepsOf(itemsFromSpecs(fallbackSteps, CONFIG))))).toEqual([])
  })

  it('catch a step whose describe() names a call its class does not declare', () => {
    class SwitchoverAndMore extends SwitchoverStep {
      override describe(): PlannedCall[] {
        return [
          ...super.describe(),
          {service: 'RDS', operation: 'DeleteGlobalCluster', region: 'us-east-1', detail: ''},
        ]
      }
    }
    const step = new SwitchoverAndMore(MOVE)
    expect(undeclared(step)).toEqual(['switchover.orders-global: RDS DeleteGlobalCluster'])
    const [operator] = rolePolicies(CONFIG, ['failover'])
    expect(ungrantedCalls(operator?.document as never, step.describe())).toEqual(['rds:DeleteGlobalCluster'])
  })
})

describe('application steps in the generated policy', () => {
  it('grant their actions on the resources drctl.yaml names, and List/Describe-only reads on *', () => {
    const [operator] = rolePolicies(CONFIG, ['failover'])
    const resourcesOf = (action: string) =>
      operator?.document.Statement.filter((statement) => statement.Action.includes(action)).flatMap(
        (statement) => statement.Resource,
      )
    expect(resourcesOf('route53:ChangeResourceRecordSets')).toEqual(['arn:aws:route53:::hostedzone/Z0123456789ABC'])
    expect(resourcesOf('route53:GetChange')).toEqual(['arn:aws:route53:::change/*'])
    expect(resourcesOf('ssm:PutParameter')).toEqual([
      'arn:aws:ssm:us-east-1:111122223333:parameter/retail/writer',
      'arn:aws:ssm:us-west-2:111122223333:parameter/retail/writer',
    ])
    expect(resourcesOf('lambda:InvokeFunction')).toEqual([
      'arn:aws:lambda:us-east-1:111122223333:function:dr-hook',
      'arn:aws:lambda:us-west-2:111122223333:function:dr-hook',
    ])
    expect(resourcesOf('ecs:UpdateService')).toEqual([
      'arn:aws:ecs:us-east-1:111122223333:service/app/api',
      'arn:aws:ecs:us-west-2:111122223333:service/app/api',
    ])
    expect(resourcesOf('rds:DescribeGlobalClusters')).toEqual(['*'])
  })
})
