import {describe, expect, it} from 'vitest'

import {arcDiscoveryResult, renderArcCached, renderArcDiscovery} from '../../../src/lib/cli/render-routing.js'
import {createStyle} from '../../../src/lib/cli/style.js'
import type {ArcDiscovery} from '../../../src/lib/topology/arc-discovery.js'
import {ACCOUNT, CONTROL} from '../../fakes/topology.js'

const plain = createStyle(false)
const panelArn = (id: string) => `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/${id}`
const rule = {
  arn: `${panelArn('p1')}/safetyrule/r1`,
  name: 'at-least-one-on',
  type: 'ASSERTION' as const,
  controlPanelArn: panelArn('p1'),
  assertedControls: [CONTROL.east, CONTROL.west],
  ruleConfig: {type: 'ATLEAST' as const, threshold: 1, inverted: false},
}

function discovery(controlPanelArn?: string): ArcDiscovery {
  return {
    cluster: {
      arn: `arn:aws:route53-recovery-control::${ACCOUNT}:cluster/c1`,
      name: 'retail-arc',
      status: 'DEPLOYED',
      endpoints: [
        {region: 'us-east-1', url: 'https://e1.example/v1'},
        {region: 'eu-west-1', url: 'https://e3.example/v1'},
      ],
    },
    panels: [
      {
        arn: panelArn('default'),
        name: 'DefaultControlPanel',
        status: 'DEPLOYED',
        isDefault: true,
        routingControlCount: 0,
        routingControls: [],
        safetyRules: [],
      },
      {
        arn: panelArn('p1'),
        name: 'retail',
        status: 'DEPLOYED',
        isDefault: false,
        routingControlCount: 1,
        routingControls: [
          {arn: CONTROL.east, name: 'retail-us-east-1', controlPanelArn: panelArn('p1'), status: 'DEPLOYED'},
        ],
        safetyRules: [rule],
      },
    ],
    controlPanelArn,
    routingControls: {'us-east-1': [CONTROL.east]},
    inferred: ['us-east-1: retail-us-east-1'],
  }
}

describe('drctl routing endpoints rendering', () => {
  it('lists the endpoints, then every panel with its controls and rules, marking the topology’s', () => {
    expect(renderArcDiscovery(discovery(panelArn('p1')), plain).split('\n')).toEqual([
      'ARC cluster retail-arc (DEPLOYED)',
      '  REGION     ENDPOINT',
      '  us-east-1  https://e1.example/v1',
      '  eu-west-1  https://e3.example/v1',
      '',
      'control panel DefaultControlPanel default',
      '  no routing controls',
      '',
      'control panel retail (this topology)',
      `  control  retail-us-east-1  ${CONTROL.east}`,
      `  rule  at-least-one-on (assertion ATLEAST 1)  ${rule.arn}`,
    ])
  })

  it('says what --save wrote, or that nothing was written', () => {
    const found = discovery(panelArn('p1'))
    expect(renderArcCached(found, 'drctl.yaml', false, plain)).toBe(
      '\nnothing written: --save caches the endpoints, panel and safety rules in drctl.yaml',
    )
    expect(renderArcCached(found, 'drctl.yaml', true, plain)).toBe(
      '\n✔ cached 2 endpoints, control panel retail and 1 safety rule(s) in drctl.yaml\n  routing control for us-east-1: retail-us-east-1 (inferred from its name)',
    )
    expect(renderArcCached(discovery(), 'drctl.yaml', false, plain)).toBe(
      '\nnothing written: --save caches the endpoints in drctl.yaml',
    )
  })

  it('gives the topology panel’s safety rules in JSON', () => {
    expect(arcDiscoveryResult(discovery(panelArn('p1')), 'drctl.yaml', true)).toMatchObject({
      controlPanelArn: panelArn('p1'),
      safetyRules: [rule],
      saved: true,
      path: 'drctl.yaml',
    })
    expect(arcDiscoveryResult(discovery(), 'drctl.yaml', false).safetyRules).toEqual([])
  })
})
