import {clusterEndpoint, hexId, loadBalancerArn} from '../ids.js'
import {seedDistribution} from '../services/cloudfront/index.js'
import {seedEcsServices} from '../services/ecs.js'
import {seedAccelerator} from '../services/globalaccelerator/index.js'
import {seedLambdaFunction} from '../services/lambda.js'
import {seedRdsProxy} from '../services/rds/proxies.js'
import {seedHostedZone} from '../services/route53/index.js'
import type {World} from '../world.js'

// The three application shapes of the public DR samples, each on top of the two-Region topology: the resources their
// application steps move, and the steps of their drctl.yaml. Everything points at us-east-1, the writer Region.

/** Scenarios that add an application shape to the two-Region world. */
export const APP_SHAPES = ['api-cloudfront', 'dns-ecs', 'accelerator'] as const
export type AppShape = (typeof APP_SHAPES)[number]

export function isAppShape(scenario: string): scenario is AppShape {
  return (APP_SHAPES as readonly string[]).includes(scenario)
}

const ZONE = 'example.com'
const DISTRIBUTION_COMMENT = 'retail API'
const ACCELERATOR = 'retail'
const SSM_PARAMETER = '/retail/orders/global-cluster'

const apiDomain = (world: World, region: string) =>
  `${hexId(`${world.account}:${region}:api`, 10)}.execute-api.${region}.amazonaws.com`

/** A cluster's writer (cluster) endpoint, as the sandbox's DescribeDBClusters renders it. */
function writerEndpoint(world: World, clusterId: string): string {
  const cluster = world.rds.clusters.find((candidate) => candidate.id === clusterId)
  if (!cluster) throw new Error(`no cluster ${clusterId} in the world`)
  return clusterEndpoint(world.account, cluster.region, cluster.id)
}

const loadBalancer = (world: World, region: string) => loadBalancerArn(region, world.account, 'retail')

/** Adds the resources of `shape` to a two-Region world (us-east-1 writing, us-west-2 standing by). */
export function seedAppShape(world: World, shape: AppShape, at: number): void {
  const [home, standby] = world.regions as [string, string]
  switch (shape) {
    case 'api-cloudfront': {
      seedDistribution(
        world,
        {
          comment: DISTRIBUTION_COMMENT,
          // The standby Region's API is an origin too (unused until a move repoints 'api'): its domain is on record.
          origins: [
            {id: 'api', domainName: apiDomain(world, home), originPath: '/prod'},
            {id: `api-${standby}`, domainName: apiDomain(world, standby), originPath: '/prod'},
          ],
          defaultTargetId: 'api',
        },
        at,
      )
      seedRdsProxy(world, {region: home, name: `orders-proxy-${home}`, cluster: 'orders-use1'}, at)
      // The standby Region's proxy targets nothing until writes move there (runbook-spec R6).
      seedRdsProxy(world, {region: standby, name: `orders-proxy-${standby}`}, at)
      return
    }
    case 'dns-ecs': {
      seedHostedZone(world, {
        name: ZONE,
        records: [
          {name: `writer.orders.${ZONE}`, type: 'CNAME', ttl: 60, values: [writerEndpoint(world, 'orders-use1')]},
        ],
      })
      for (const region of world.regions) {
        seedEcsServices(world, {region, cluster: 'retail', services: [{name: 'orders-api', desiredCount: 2}]}, at)
        world.ssm.parameters.push({
          name: SSM_PARAMETER,
          region,
          type: 'String',
          value: 'orders-global',
          version: 1,
          lastModified: at,
          dataType: 'text',
        })
      }
      return
    }
    case 'accelerator': {
      seedAccelerator(
        world,
        {
          name: ACCELERATOR,
          endpointGroups: world.regions.map((region) => ({
            region,
            trafficDialPercentage: region === home ? 100 : 0,
            endpoints: [{id: loadBalancer(world, region)}],
          })),
        },
        at,
      )
      for (const region of world.regions) seedLambdaFunction(world, {region, name: 'retail-warm-caches'}, at)
      return
    }
  }
}

/** The `steps:` of the shape's drctl.yaml, naming the resources seedAppShape made. */
export function appShapeSteps(world: World, shape: AppShape): Record<string, unknown>[] {
  const perRegion = <T>(value: (region: string) => T) =>
    Object.fromEntries(world.regions.map((region) => [region, value(region)]))
  switch (shape) {
    case 'api-cloudfront': {
      const distribution = world.cloudfront.distributions[0]
      return [
        {id: 'change-approval', kind: 'approval', message: 'Move the retail API and its database writes?'},
        {
          id: 'api-origin',
          kind: 'cloudfront-origin',
          distributionId: distribution?.id,
          originId: 'api',
          regions: perRegion((region) => ({domain: apiDomain(world, region), originPath: '/prod'})),
        },
        {
          id: 'orders-proxy',
          kind: 'rds-proxy-target',
          globalCluster: 'orders-global',
          regions: perRegion((region) => ({proxy: `orders-proxy-${region}`})),
        },
      ]
    }
    case 'dns-ecs': {
      const zone = world.route53.hostedZones[0]
      const members = world.rds.clusters.filter((cluster) => cluster.id.startsWith('orders-'))
      return [
        {
          id: 'cluster-name',
          kind: 'ssm-parameter',
          name: SSM_PARAMETER,
          value: '{{globalCluster orders-global}}',
        },
        {
          id: 'writer-dns',
          kind: 'route53-record',
          hostedZoneId: zone?.id,
          name: `writer.orders.${ZONE}`,
          type: 'CNAME',
          regions: perRegion((region) => ({
            value: writerEndpoint(world, members.find((cluster) => cluster.region === region)?.id ?? ''),
          })),
        },
        {
          id: 'orders-api',
          kind: 'ecs-service',
          action: 'redeploy',
          regions: perRegion(() => ({cluster: 'retail', services: ['orders-api']})),
        },
      ]
    }
    case 'accelerator': {
      const accelerator = world.globalaccelerator.accelerators[0]
      const groups = accelerator?.listeners[0]?.endpointGroups ?? []
      return [
        {
          id: 'traffic-dials',
          kind: 'global-accelerator-dial',
          acceleratorArn: accelerator?.arn,
          regions: perRegion((region) => ({
            endpointGroupArn: groups.find((group) => group.region === region)?.arn,
          })),
        },
        {
          id: 'warm-caches',
          kind: 'lambda',
          payload: {caches: ['carts']},
          regions: perRegion(() => ({function: 'retail-warm-caches'})),
        },
      ]
    }
  }
}
