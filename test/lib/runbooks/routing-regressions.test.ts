import {describe, expect, it} from 'vitest'

import {routingUnreadable} from '../../../src/lib/cli/routing-command.js'
import {desiredForShift, planRoutingChange} from '../../../src/lib/runbooks/routing-change.js'
import type {RoutingView} from '../../../src/lib/topology/views.js'
import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {CONTROL, testConfig} from '../../fakes/topology.js'

// A change freeze: the Region controls may change only while a separate "freeze lifted" control is On.
const FREEZE = CONTROL.east.replace('/routingcontrol/east', '/routingcontrol/freeze-lifted')
const GATE_RULE = {
  arn: CONTROL.east.replace('/routingcontrol/east', '/safetyrule/change-freeze'),
  name: 'change-freeze',
  type: 'GATING' as const,
  gatingControls: [FREEZE],
  targetControls: [CONTROL.east, CONTROL.west],
  ruleConfig: {type: 'ATLEAST' as const, threshold: 1, inverted: false},
}

async function plannedShift(freeze: 'On' | 'Off') {
  const config = testConfig()
  config.arc!.safetyRules = [GATE_RULE]
  const state = twoRegionState()
  state.routing.push({arn: FREEZE, name: 'freeze-lifted', state: freeze})
  const topology = await observe(config, new FakeAws(state), {parts: ['routing']})
  const routing = topology.routing as RoutingView
  return planRoutingChange(config, routing, {
    desired: desiredForShift(config, routing, 'us-west-2'),
    allowAllOff: false,
    overrides: [],
    endpoints: config.arc!.endpoints,
    description: 'all traffic to us-west-2',
  })
}

describe('a cached gating rule whose gating control is not one of the topology’s controls', () => {
  // Regression: only the topology's own controls were read into the gate, so the gating control's state was
  // "unknown", the rule was not judged, and ARC was called (and refused) instead of the gate explaining it.
  it('is explained at the gate, before AWS is called, while the gate is closed', async () => {
    const plan = await plannedShift('Off')
    const failed = plan.gates.filter((gate) => gate.status === 'fail')
    expect(failed).toEqual([
      expect.objectContaining({
        id: 'gate.safety-rule.change-freeze',
        message: expect.stringMatching(
          /gating rule change-freeze .*--override-safety-rule .*safetyrule\/change-freeze/,
        ),
      }),
    ])
  })

  it('lets the change through once the gating control is On', async () => {
    const plan = await plannedShift('On')
    expect(plan.gates.filter((gate) => gate.status === 'fail')).toEqual([])
    expect(plan.items).toHaveLength(1)
  })
})

describe('routing controls that cannot be read', () => {
  // Regression: access denied was reported as DRCTL_ARC_ENDPOINTS_FAILED ("every endpoint failed"), with no IAM hint.
  it('keeps access denied as access denied, with the permission to check', () => {
    const error = routingUnreadable({
      controls: [],
      safetyRules: [],
      attempts: [],
      endpointsCached: true,
      unreadable: {kind: 'access-denied', message: 'ARC cluster ListRoutingControls in eu-west-1 failed: AccessDenied'},
    })
    expect(error).toMatchObject({code: 'DRCTL_AWS_ACCESS_DENIED', exit: 5})
    expect(error.hints.join(' ')).toContain('route53-recovery-cluster:ListRoutingControls')
  })

  it('every endpoint failing stays DRCTL_ARC_ENDPOINTS_FAILED', () => {
    const error = routingUnreadable(
      {
        controls: [],
        safetyRules: [],
        attempts: [],
        endpointsCached: true,
        unreadable: {
          kind: 'DRCTL_ARC_ENDPOINTS_FAILED',
          message: 'ARC ListRoutingControls failed on every cluster endpoint',
        },
      },
      'routing controls could not be read: ',
    )
    expect(error).toMatchObject({code: 'DRCTL_ARC_ENDPOINTS_FAILED', exit: 5})
    expect(error.message).toMatch(/^routing controls could not be read: ARC ListRoutingControls failed/)
  })
})
