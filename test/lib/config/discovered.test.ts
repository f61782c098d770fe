import {describe, expect, it} from 'vitest'

import {
  type DiscoveredSettings,
  discoveredConfigFile,
  discoveryTopology,
  missingFromConfig,
} from '../../../src/lib/config/discovered.js'
import {ACCOUNT, CONTROL} from '../../fakes/topology.js'

const PANEL = `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/p1`

function settings(overrides: Partial<DiscoveredSettings> = {}): DiscoveredSettings {
  return {
    name: 'retail',
    account: ACCOUNT,
    regions: ['us-east-1', 'us-west-2'],
    sections: ['aurora', 'dynamodb', 'arc', 'fis', 'stacks'],
    aurora: {globalClusters: ['orders-global'], replicas: []},
    dynamodb: {tables: ['carts']},
    arc: {
      clusterArn: `arn:aws:route53-recovery-control::${ACCOUNT}:cluster/c1`,
      controlPanelArn: PANEL,
      endpoints: [{region: 'eu-west-1', url: 'https://e3.example/v1'}],
      routingControls: {'us-east-1': [CONTROL.east], 'us-west-2': [CONTROL.west]},
      safetyRules: [],
    },
    fis: {region: 'us-east-1', templateTags: {Env: 'prod'}},
    stacks: {'us-east-1': ['app-use1'], 'us-west-2': ['app-usw2']},
    steps: [],
    notes: {aurora: ['orders-global: writer in us-east-1']},
    ...overrides,
  }
}

describe('discoveredConfigFile', () => {
  it('writes a valid drctl.yaml, each section under comments saying what was found', () => {
    const {text, config} = discoveredConfigFile(settings(), ['written by a test'])
    expect(text).toMatch(/^# written by a test\n/)
    expect(text).toContain(
      '# Aurora Global Database identifiers and cross-Region binlog replica clusters. Roles are read live.\n#   orders-global: writer in us-east-1\naurora:\n',
    )
    expect(text).toContain(`account: "${ACCOUNT}"`)
    expect(text).toContain(`  routingControls:\n    us-east-1: ${CONTROL.east}\n`)
    expect(text).toContain('regions: [us-east-1, us-west-2]')
    expect(config).toMatchObject({
      account: ACCOUNT,
      aurora: {globalClusters: ['orders-global']},
      arc: {routingControls: {'us-east-1': CONTROL.east}},
      fis: {region: 'us-east-1', templateTags: {Env: 'prod'}},
      gates: {maxReplicationLagMs: 5000},
      failover: {order: 'db-first'},
    })
  })

  it('leaves out the sections not read and what was not found', () => {
    const {text} = discoveredConfigFile(settings({sections: ['aurora'], arc: undefined, fis: undefined}), [])
    expect(text).toMatch(/^aurora:/m)
    expect(text).not.toMatch(/^(dynamodb|arc|fis|stacks):/m)
  })
})

describe('discoveryTopology', () => {
  it('checks --name and --regions as drctl.yaml is checked: exit 2, the problem by path', () => {
    expect(() => discoveryTopology('retail', ['us-east-1'])).toThrow(
      expect.objectContaining({
        exit: 2,
        message: '--name/--regions is invalid (1 problem): regions: a DR topology needs at least 2 Regions',
      }),
    )
    expect(() => discoveryTopology('retail', ['us-east-1', 'us-east-1'])).toThrow(/regions\[1\]: duplicate Region/)
    expect(() => discoveryTopology('Retail Prod', ['us-east-1', 'us-west-2'])).toThrow(
      /name: "Retail Prod" is not a topology name/,
    )
  })
})

describe('missingFromConfig', () => {
  const configOf = (overrides: Partial<DiscoveredSettings>) => discoveredConfigFile(settings(overrides), []).config

  it('is empty for a complete topology', () => {
    expect(missingFromConfig(configOf({}), ['aurora', 'dynamodb', 'arc', 'fis', 'stacks'])).toEqual([])
  })

  it('says what is missing and what to do, for the sections read', () => {
    const config = configOf({
      aurora: {globalClusters: [], replicas: []},
      dynamodb: {tables: []},
      arc: undefined,
      fis: undefined,
      stacks: {},
    })
    expect(missingFromConfig(config, ['aurora', 'dynamodb', 'arc', 'fis', 'stacks'])).toEqual([
      'no Aurora global clusters or DynamoDB global tables found: failover moves no data',
      expect.stringMatching(/^no routing controls found: add traffic steps \(steps:/),
      'no FIS experiment templates target these resources: `drctl chaos` has nothing to start (add fis:)',
      expect.stringMatching(/^no CloudFormation stacks found/),
    ])
    expect(missingFromConfig(config, ['aurora'])).toEqual([])
  })

  it('names a Region without a routing control', () => {
    const arc = settings().arc!
    const config = configOf({arc: {...arc, routingControls: {'us-east-1': [CONTROL.east]}}})
    expect(missingFromConfig(config, ['arc'])).toEqual([
      `no routing control for us-west-2: name one after its Region in ${PANEL}, or add it under arc.routingControls`,
    ])
  })
})
