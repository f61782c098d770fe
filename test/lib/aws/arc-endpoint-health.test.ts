import {describe, expect, it} from 'vitest'

import {ArcEndpointHealth} from '../../../src/lib/aws/arc-endpoint-health.js'
import type {ArcEndpoint} from '../../../src/lib/aws/ports.js'

const endpoint = (region: string): ArcEndpoint => ({region, url: `https://${region}.example/v1`})
const [east, west, ireland, tokyo, sydney] = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'ap-northeast-1',
  'ap-southeast-2',
].map(endpoint) as [ArcEndpoint, ArcEndpoint, ArcEndpoint, ArcEndpoint, ArcEndpoint]
const regionsOf = (endpoints: ArcEndpoint[]) => endpoints.map((candidate) => candidate.region)

describe('ARC endpoint health', () => {
  it('keeps the given order while nothing is known', () => {
    expect(regionsOf(new ArcEndpointHealth().arrange([tokyo, east, sydney], []))).toEqual([
      'ap-northeast-1',
      'us-east-1',
      'ap-southeast-2',
    ])
  })

  it('puts the known-dead last whatever their Region, avoided Regions next, and one that answered before untried ones', () => {
    const health = new ArcEndpointHealth()
    health.failed(east)
    health.answered(sydney)
    health.answered(tokyo)
    expect(regionsOf(health.arrange([east, west, ireland, tokyo, sydney], ['ap-northeast-1']))).toEqual([
      'ap-southeast-2', // answered
      'us-west-2', // untried, in ring order
      'eu-west-1',
      'ap-northeast-1', // answered, but in an avoided Region
      'us-east-1', // known dead
    ])
  })

  it('goes by the latest outcome: an endpoint back from the dead is trusted again, one that fails is not', () => {
    const health = new ArcEndpointHealth()
    health.failed(west)
    health.answered(west)
    health.answered(east)
    health.failed(east)
    expect([health.standing(west), health.standing(east), health.standing(ireland)]).toEqual([
      'answered',
      'failed',
      'untried',
    ])
    // Endpoints are told apart by Region and URL: the same host signed for another Region is another endpoint.
    expect(health.standing({region: 'eu-west-1', url: west.url})).toBe('untried')
  })
})
