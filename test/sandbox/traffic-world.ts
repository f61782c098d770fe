/** Traffic resources the Route 53, CloudFront and Global Accelerator tests seed into a sandbox world. */
import {mutateWorld, type World} from '../../src/lib/sandbox/index.js'
import {seedDistribution} from '../../src/lib/sandbox/services/cloudfront/index.js'
import {seedAccelerator} from '../../src/lib/sandbox/services/globalaccelerator/index.js'
import {seedHostedZone} from '../../src/lib/sandbox/services/route53/index.js'
import type {TestSandbox} from '../helpers/sandbox.js'

export const API_USE1 = 'abc123.execute-api.us-east-1.amazonaws.com'
export const API_USW2 = 'def456.execute-api.us-west-2.amazonaws.com'
export const WRITER_USE1 = 'orders-use1.cluster-c1.us-east-1.rds.amazonaws.com'
export const WRITER_USW2 = 'orders-usw2.cluster-c2.us-west-2.rds.amazonaws.com'

export interface TrafficWorld {
  zoneId: string
  distributionId: string
  accelerator: {arn: string; listenerArn: string; endpointGroupArns: Record<string, string>}
}

/** Seeds the test sandbox's world (see seedTrafficWorld). */
export function seedTraffic(sandbox: TestSandbox): Promise<TrafficWorld> {
  return mutateWorld(sandbox.home, (world) => seedTrafficWorld(world, sandbox.now()), {now: sandbox.now})
}

/**
 * A zone `example.com` with a writer CNAME, weighted API records and an alias; a distribution whose origin group
 * prefers us-east-1's API; an accelerator with an endpoint group in each of us-east-1 and us-west-2.
 */
export function seedTrafficWorld(world: World, now: number): TrafficWorld {
  const zone = seedHostedZone(world, {
    name: 'example.com',
    records: [
      {name: 'db.example.com', type: 'CNAME', ttl: 60, values: [WRITER_USE1]},
      {name: 'api.example.com', type: 'CNAME', setIdentifier: 'use1', weight: 100, values: [API_USE1]},
      {name: 'api.example.com', type: 'CNAME', setIdentifier: 'usw2', weight: 0, values: [API_USW2]},
      {name: 'www.example.com', type: 'A', alias: {hostedZoneId: 'Z2FDTNDATAQYW2', dnsName: 'd1.cloudfront.net'}},
    ],
  })
  const distribution = seedDistribution(
    world,
    {
      comment: 'orders API',
      origins: [
        {id: 'api-use1', domainName: API_USE1, originPath: '/prod'},
        {id: 'api-usw2', domainName: API_USW2, originPath: '/prod'},
      ],
      originGroups: [{id: 'api', members: ['api-use1', 'api-usw2']}],
    },
    now,
  )
  const accelerator = seedAccelerator(
    world,
    {
      name: 'orders',
      endpointGroups: [
        {
          region: 'us-east-1',
          endpoints: [{id: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/orders/1'}],
        },
        {
          region: 'us-west-2',
          trafficDialPercentage: 0,
          endpoints: [{id: 'arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/orders/2'}],
        },
      ],
    },
    now,
  )
  return {zoneId: zone.id, distributionId: distribution.id, accelerator}
}
