import {describe, expect, it} from 'vitest'

import {observe} from '../../../src/lib/topology/observe.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'

const config = testConfig(`steps:
  - id: warm-caches
    kind: lambda
    regions:
      us-east-1: {function: warm-use1}
      us-west-2: {function: warm-usw2}
`)

function world(): FakeAws {
  const aws = new FakeAws(twoRegionState())
  const fn = (region: string, name: string) => ({
    [name]: {arn: `arn:aws:lambda:${region}:111122223333:function:${name}`, invocations: []},
  })
  aws.state.functions = {'us-east-1': fn('us-east-1', 'warm-use1'), 'us-west-2': fn('us-west-2', 'warm-usw2')}
  return aws
}

describe('lambda in the observation', () => {
  it('points at any Region when the function exists in each', async () => {
    const {steps} = await observe(config, world(), {parts: ['steps']})
    expect(steps[0]).toMatchObject({
      pointsAt: 'any',
      callRegions: ['us-east-1', 'us-west-2'],
      state: 'warm-use1 in us-east-1 (Active), warm-usw2 in us-west-2 (Active)',
    })
  })

  it('is missing when a Region has no such function', async () => {
    const aws = world()
    delete aws.state.functions?.['us-west-2']?.['warm-usw2']
    const {steps} = await observe(config, aws, {parts: ['steps']})
    expect(steps[0]?.missing).toBe('Lambda function warm-usw2 does not exist in us-west-2')
  })

  it('is unreadable when Lambda cannot be read; an unplanned observation calls the target only', async () => {
    const aws = world()
    aws.fail('Lambda', 'us-west-2', {kind: 'access'})
    expect((await observe(config, aws, {parts: ['steps']})).steps[0]).toMatchObject({
      unreadable: {kind: 'access-denied'},
    })
    const target = world()
    const {steps} = await observe(config, target, {parts: ['steps'], regions: ['us-west-2']})
    expect(target.calls.filter((call) => call.region === 'us-east-1')).toEqual([])
    expect(steps[0]).toMatchObject({pointsAt: 'any', callRegions: ['us-west-2']})
  })
})
