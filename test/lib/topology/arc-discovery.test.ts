import {describe, expect, it} from 'vitest'

import type {ArcControlPort, AwsPorts, ControlPanel, RoutingControl, SafetyRule} from '../../../src/lib/aws/ports.js'
import {arcCacheOf, discoverArc, namesRegion, shortRegionCode} from '../../../src/lib/topology/arc-discovery.js'
import {ACCOUNT, CONTROL, testConfig} from '../../fakes/topology.js'

const panelArn = (id: string) => `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/${id}`

function panel(id: string, isDefault = false): ControlPanel {
  return {arn: panelArn(id), name: id, status: 'DEPLOYED', isDefault, routingControlCount: 0}
}

/** An ARC control plane with these panels, holding these routing controls. */
function controlPlane(panels: ControlPanel[], controls: RoutingControl[], rules: SafetyRule[] = []): AwsPorts {
  const control: ArcControlPort = {
    describeCluster: async (arn) => ({arn, name: 'retail-arc', status: 'DEPLOYED', endpoints: []}),
    listClusters: async () => [],
    listControlPanels: async () => panels,
    listRoutingControls: async (arn) => controls.filter((routing) => routing.controlPanelArn === arn),
    listSafetyRules: async (arn) => rules.filter((rule) => rule.controlPanelArn === arn),
  }
  return {arcControl: () => control} as unknown as AwsPorts
}

const east = {arn: CONTROL.east, name: 'retail-us-east-1', controlPanelArn: panelArn('p1'), status: 'DEPLOYED'}
const west = {arn: CONTROL.west, name: 'retail-us-west-2', controlPanelArn: panelArn('p1'), status: 'DEPLOYED'}

describe('discoverArc', () => {
  it('finds the panel holding the configured controls and infers a Region’s control from its name', async () => {
    const config = testConfig()
    config.arc!.routingControls = {'us-east-1': CONTROL.east}
    delete config.arc!.controlPanelArn
    const discovery = await discoverArc(config, controlPlane([panel('default', true), panel('p1')], [east, west]))
    expect(discovery?.controlPanelArn).toBe(panelArn('p1'))
    expect(discovery?.routingControls).toEqual({'us-east-1': [CONTROL.east], 'us-west-2': [CONTROL.west]})
    expect(discovery?.inferred).toEqual(['us-west-2: retail-us-west-2'])
  })

  it('without configured controls, takes the one panel that is not the default, and only if there is one', async () => {
    const config = testConfig()
    config.arc!.routingControls = {}
    delete config.arc!.controlPanelArn
    const one = await discoverArc(config, controlPlane([panel('default', true), panel('p1')], [east, west]))
    expect(one?.controlPanelArn).toBe(panelArn('p1'))
    expect(one?.inferred).toEqual(['us-east-1: retail-us-east-1', 'us-west-2: retail-us-west-2'])
    const two = await discoverArc(config, controlPlane([panel('p1'), panel('p2')], [east, west]))
    expect(two?.controlPanelArn).toBeUndefined()
    expect(two?.routingControls).toEqual({})
  })

  it('reads nothing when drctl.yaml has no arc section', async () => {
    const config = testConfig()
    delete config.arc
    expect(await discoverArc(config, controlPlane([], []))).toBeUndefined()
  })

  it('caches the topology panel’s safety rules without their panel, and no rules when no panel is the topology’s', async () => {
    const config = testConfig()
    const rule: SafetyRule = {
      arn: `${panelArn('p1')}/safetyrule/r1`,
      name: 'at-least-one-on',
      type: 'ASSERTION',
      controlPanelArn: panelArn('p1'),
      assertedControls: [CONTROL.east, CONTROL.west],
      ruleConfig: {type: 'ATLEAST', threshold: 1, inverted: false},
    }
    const found = await discoverArc(config, controlPlane([panel('p1')], [east, west], [rule]))
    const {controlPanelArn: _panel, ...cached} = rule
    expect(arcCacheOf(found!)).toEqual({
      endpoints: [],
      controlPanelArn: panelArn('p1'),
      routingControls: {'us-east-1': [CONTROL.east], 'us-west-2': [CONTROL.west]},
      safetyRules: [cached],
    })

    config.arc!.routingControls = {}
    delete config.arc!.controlPanelArn
    const none = await discoverArc(config, controlPlane([panel('p1'), panel('p2')], [east, west], [rule]))
    expect(arcCacheOf(none!).safetyRules).toBeUndefined()
  })
})

describe('routing controls named after their Region', () => {
  it('recognises the Region or its short code (as in Availability Zone ids) as a word of the name', () => {
    expect(
      ['us-east-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1', 'us-gov-west-1', 'cn-northwest-1'].map(
        shortRegionCode,
      ),
    ).toEqual(['use1', 'usw2', 'apse2', 'euc1', 'usgw1', 'cnnw1'])
    expect(namesRegion('retail-us-east-1', 'us-east-1')).toBe(true)
    expect(namesRegion('Retail_USE1_cell', 'us-east-1')).toBe(true)
    expect(namesRegion('retail-use1', 'us-east-2')).toBe(false)
    expect(namesRegion('house1', 'us-east-1')).toBe(false)
  })

  it('infers a Region’s control from its short code, as `routing endpoints --save` caches it', async () => {
    const config = testConfig()
    config.arc!.routingControls = {}
    const short = {...east, name: 'retail-use1'}
    const discovery = await discoverArc(config, controlPlane([panel('p1')], [short, west]))
    expect(discovery?.routingControls).toEqual({'us-east-1': [CONTROL.east], 'us-west-2': [CONTROL.west]})
  })
})
