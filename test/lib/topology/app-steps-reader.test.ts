import {describe, expect, it} from 'vitest'

import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'

const config = testConfig(`steps:
  - id: writer
    kind: ssm-parameter
    name: /retail/writer
    value: "{{target}}"
  - id: name
    kind: ssm-parameter
    name: /retail/db
    value: "{{globalCluster orders-global}}"
  - id: change-board
    kind: approval
`)
const put = (value: string) => ({name: 'x', value, type: 'String', version: 1})

describe('application steps in the observation', () => {
  it('an SSM parameter points at the Region whose move wrote it; a Region-independent one at any', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.state.parameters = {
      'us-east-1': {'/retail/writer': put('us-east-1'), '/retail/db': put('orders-global')},
      'us-west-2': {'/retail/writer': put('us-east-1'), '/retail/db': put('orders-global')},
    }
    const {steps} = await observe(config, aws, {parts: ['steps']})
    expect(steps).toEqual([
      expect.objectContaining({
        id: 'writer',
        pointsAt: 'us-east-1',
        state: '/retail/writer = us-east-1 in us-east-1, us-west-2',
      }),
      expect.objectContaining({id: 'name', pointsAt: 'any'}),
      expect.objectContaining({id: 'change-board', pointsAt: 'any', callRegions: []}),
    ])
  })

  it('mixed values point nowhere; an unplanned observation does not call the excluded Region', async () => {
    const aws = new FakeAws(twoRegionState())
    aws.state.parameters = {
      'us-east-1': {'/retail/writer': put('us-east-1')},
      'us-west-2': {'/retail/writer': put('us-west-2')},
    }
    const mixed = await observe(config, aws, {parts: ['steps']})
    expect(mixed.steps[0]?.pointsAt).toBeUndefined()
    expect(mixed.steps[0]?.state).toEqual(expect.stringContaining('us-east-1 in us-east-1, us-west-2 in us-west-2'))
    const before = aws.calls.length
    const target = await observe(config, aws, {parts: ['steps'], regions: ['us-west-2']})
    expect(aws.calls.slice(before).filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(target.steps[0]).toMatchObject({unreadable: {kind: 'excluded'}})
  })
})
