import {describe, expect, it} from 'vitest'

import type {ExperimentTemplate, SafetyRule} from '../../../src/lib/aws/ports.js'
import {DISCOVERED_SECTIONS} from '../../../src/lib/config/discovered.js'
import type {ProgressEvent} from '../../../src/lib/core/events.js'
import {discoverConfig} from '../../../src/lib/topology/discover/discover.js'
import {clusterArnOf, FakeAws, type FakeState} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {ACCOUNT, CONTROL} from '../../fakes/topology.js'

const arcArn = (resource: string) => `arn:aws:route53-recovery-control::${ACCOUNT}:${resource}`
const PANEL = arcArn('controlpanel/p1')
const CLUSTER = arcArn('cluster/c1')
const cartsArn = (region: string) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/carts`
const STACK_TAG = 'aws:cloudformation:stack-name'

const RULE: SafetyRule = {
  arn: `${PANEL}/safetyrule/r1`,
  name: 'at-least-one-on',
  type: 'ASSERTION',
  controlPanelArn: PANEL,
  assertedControls: [CONTROL.east, CONTROL.west],
  ruleConfig: {type: 'ATLEAST', threshold: 1, inverted: false},
  waitPeriodMs: 5000,
}

function template(
  region: string,
  id: string,
  tags: Record<string, string>,
  target: Partial<ExperimentTemplate['targets'][string]>,
): ExperimentTemplate & {region: string} {
  return {
    id,
    region,
    description: id,
    tags,
    targets: {
      Things: {resourceType: 'aws:ec2:subnet', resourceArns: [], resourceTags: {}, selectionMode: 'ALL', ...target},
    },
    actions: {},
    stopConditions: [{source: 'none'}],
  }
}

/**
 * The two-Region fake world, as an account holds it: tagged by CloudFormation, an ARC cluster whose controls are
 * named after their Regions (one by its short code), FIS templates of this topology and others, and things to skip.
 */
function account(): FakeState {
  const state = twoRegionState()
  for (const cluster of state.clusters) {
    cluster.tags = {Topology: 'retail', [STACK_TAG]: `app-${cluster.region === 'us-east-1' ? 'use1' : 'usw2'}`}
  }
  state.clusters.push(
    {
      ...state.clusters[1]!,
      id: 'reports-usw2',
      arn: clusterArnOf('us-west-2', 'reports-usw2'),
      globalClusterId: undefined,
      replicationSourceArn: clusterArnOf('us-east-1', 'orders-use1'),
      tags: {[STACK_TAG]: 'reports-usw2'},
    },
    {
      ...state.clusters[0]!,
      id: 'far-replica',
      arn: clusterArnOf('us-east-1', 'far-replica'),
      globalClusterId: undefined,
      replicationSourceArn: clusterArnOf('eu-central-1', 'legacy'),
      tags: {},
    },
  )
  state.stacks.push({region: 'us-west-2', name: 'reports-usw2', id: 'arn:stack/reports', status: 'DELETE_COMPLETE'})
  state.globals.push({
    ...state.globals[0]!,
    id: 'mumbai-global',
    members: [{...state.globals[0]!.members[0]!, region: 'ap-south-1', clusterArn: clusterArnOf('ap-south-1', 'm')}],
  })
  state.tables.push({...state.tables[0]!, name: 'sessions', arn: 'arn:sessions', replicas: []})
  state.tableTags = {[cartsArn('us-east-1')]: {[STACK_TAG]: 'app-use1'}}
  state.arcControlPlane = {
    clusters: [{arn: CLUSTER, name: 'retail-arc', status: 'DEPLOYED', endpoints: state.arcEndpoints}],
    panels: [
      {
        arn: arcArn('controlpanel/default'),
        name: 'DefaultControlPanel',
        clusterArn: CLUSTER,
        isDefault: true,
        status: 'DEPLOYED',
        routingControlCount: 0,
      },
      {
        arn: PANEL,
        name: 'retail-panel',
        clusterArn: CLUSTER,
        isDefault: false,
        status: 'DEPLOYED',
        routingControlCount: 2,
      },
    ],
    controls: [
      {arn: CONTROL.east, name: 'retail-use1', controlPanelArn: PANEL, status: 'DEPLOYED'},
      {arn: CONTROL.west, name: 'retail-us-west-2', controlPanelArn: PANEL, status: 'DEPLOYED'},
    ],
  }
  state.safetyRules = [RULE]
  state.templates = [
    template(
      'us-east-1',
      'EXT1',
      {Name: 'pause-carts', Env: 'prod'},
      {
        resourceType: 'aws:dynamodb:global-table',
        resourceArns: [cartsArn('us-east-1')],
      },
    ),
    template(
      'us-east-1',
      'EXT2',
      {Name: 'reboot-writer', Env: 'prod', Team: 'db'},
      {
        resourceType: 'aws:rds:cluster',
        resourceTags: {Topology: 'retail'},
      },
    ),
    template('us-east-1', 'EXT3', {Name: 'subnets', Env: 'prod'}, {resourceTags: {Topology: 'retail'}}),
    template(
      'us-west-2',
      'EXT4',
      {Name: 'west-writer', Env: 'prod'},
      {
        resourceType: 'aws:rds:cluster',
        resourceArns: [clusterArnOf('us-west-2', 'orders-usw2')],
      },
    ),
  ]
  return state
}

const REGIONS = ['us-east-1', 'us-west-2']
const discover = (aws: FakeAws, options: Partial<Parameters<typeof discoverConfig>[1]> = {}) =>
  discoverConfig(aws, {
    name: 'retail',
    regions: REGIONS,
    sections: [...DISCOVERED_SECTIONS],
    header: ['test'],
    ...options,
  })

describe('discoverConfig', () => {
  it('finds the topology of the Regions and writes a valid file of it, making no mutating call', async () => {
    const aws = new FakeAws(account())
    const {file, missing, discovery} = await discover(aws)
    const {controlPanelArn: _panel, ...cachedRule} = RULE
    expect(file.config).toMatchObject({
      name: 'retail',
      account: ACCOUNT,
      regions: REGIONS,
      aurora: {globalClusters: ['orders-global'], replicas: [{cluster: 'reports-usw2', region: 'us-west-2'}]},
      dynamodb: {tables: ['carts']},
      arc: {
        clusterArn: CLUSTER,
        controlPanelArn: PANEL,
        endpoints: [{region: 'eu-west-1', url: 'https://e3.example/v1'}],
        routingControls: {'us-east-1': CONTROL.east, 'us-west-2': CONTROL.west},
        safetyRules: [cachedRule],
      },
      fis: {region: 'us-east-1', templateTags: {Env: 'prod'}},
      stacks: {'us-east-1': ['app-use1'], 'us-west-2': ['app-usw2']},
    })
    expect(missing).toEqual([])
    expect(discovery.empty).toEqual([])
    expect(aws.mutatingCalls()).toEqual([])
    expect(file.text).toContain('#   orders-global: writer in us-east-1, members in us-east-1, us-west-2\n')
    expect(file.text).toContain(
      'templateTags are the tags they all carry (Env=prod); they also select 1 other template(s)',
    )
  })

  it('says what it skipped and why', async () => {
    const {discovery} = await discover(new FakeAws(account()))
    const skipped = discovery.skipped.map((row) => `${row.kind} ${row.name}: ${row.detail}`)
    expect(skipped).toEqual(
      expect.arrayContaining([
        'Aurora global cluster 1 other: no member in these Regions',
        'Aurora binlog replica far-replica: binlog replica of legacy in eu-central-1, which is not one of the Regions',
        'DynamoDB table 1 other: not a global table (no replica in another Region)',
        'FIS template 1 other: target none of these resources',
        "FIS template west-writer (EXT4): targets orders-usw2; fis.region holds one Region's templates (us-east-1)",
        'CloudFormation stack reports-usw2: named by the tags of reports-usw2, but it no longer exists',
      ]),
    )
  })

  it('skips a service it may not read, naming the missing action, and still writes the rest', async () => {
    const aws = new FakeAws(account())
    aws.fail('DynamoDB', '*', {kind: 'access', operation: 'ListTables'})
    const events: ProgressEvent[] = []
    const {file, discovery, missing} = await discover(aws, {emit: (event) => events.push(event)})
    expect(discovery.skipped).toContainEqual(
      expect.objectContaining({kind: 'DynamoDB tables', regions: ['us-east-1'], missingAction: 'dynamodb:ListTables'}),
    )
    expect(file.config.dynamodb.tables).toEqual([])
    expect(file.config.aurora.globalClusters).toEqual(['orders-global'])
    expect(file.config.arc?.clusterArn).toBe(CLUSTER)
    expect(missing).toEqual([])
    expect(events).toContainEqual({
      type: 'task-end',
      id: 'discover-dynamodb',
      status: 'done',
      message: '0 found; no access: dynamodb:ListTables',
    })
  })

  it('names the Regions in which nothing was found, and where members of what was found are', async () => {
    const {discovery} = await discover(new FakeAws(account()), {regions: ['us-east-1', 'eu-west-1']})
    expect(discovery.empty).toEqual(['eu-west-1'])
    expect(discovery.elsewhere).toEqual(['us-west-2'])
  })

  it('--only arc reads the ARC control plane (and the account) alone and writes only that section', async () => {
    const aws = new FakeAws(account())
    const {file} = await discover(aws, {sections: ['arc']})
    expect(new Set(aws.calls.map((call) => call.service))).toEqual(new Set(['ARC control', 'STS']))
    expect(file.text).toContain('arc:')
    expect(file.text).not.toMatch(/^(aurora|dynamodb|fis|stacks):/m)

    const databases = new FakeAws(account())
    await discover(databases, {sections: ['aurora']})
    expect(new Set(databases.calls.map((call) => call.service))).toEqual(new Set(['RDS', 'STS']))
  })

  it('leaves ARC out when two panels name the Regions equally, and says routing is missing', async () => {
    const state = account()
    const other = arcArn('controlpanel/p2')
    state.arcControlPlane!.panels.push({...state.arcControlPlane!.panels[1]!, arn: other, name: 'copy'})
    state.arcControlPlane!.controls.push(
      ...state.arcControlPlane!.controls.map((control) => ({
        ...control,
        arn: `${other}/routingcontrol/x${control.name}`,
        controlPanelArn: other,
      })),
    )
    const {file, discovery, missing} = await discover(new FakeAws(state))
    expect(file.config.arc).toBeUndefined()
    expect(discovery.skipped).toContainEqual(
      expect.objectContaining({kind: 'ARC control panel', name: 'retail-arc/retail-panel, retail-arc/copy'}),
    )
    expect(missing).toEqual([expect.stringMatching(/^no routing controls found: add traffic steps/)])
  })

  it('reads at most `concurrency` calls at a time per service and Region', async () => {
    const state = account()
    state.templates = Array.from({length: 12}, (_, index) =>
      template('us-east-1', `EXT${index}`, {Env: 'prod'}, {resourceArns: [cartsArn('us-east-1')]}),
    )
    const aws = new FakeAws(state)
    const fis = aws.fis.bind(aws)
    let running = 0
    let most = 0
    aws.fis = (region: string) => {
      const port = fis(region)
      return {
        ...port,
        getExperimentTemplate: async (id: string) => {
          most = Math.max(most, ++running)
          await new Promise((resolve) => setImmediate(resolve))
          running--
          return port.getExperimentTemplate(id)
        },
      }
    }
    const {file} = await discover(aws, {concurrency: 3, sections: ['dynamodb', 'fis']})
    expect(most).toBe(3)
    expect(file.config.fis).toEqual({region: 'us-east-1', templateTags: {Env: 'prod'}})
  })
})
