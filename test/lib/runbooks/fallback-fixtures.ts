import {stepsOf} from '../../helpers/plan.js'
import {planFallback} from '../../../src/lib/runbooks/fallback.js'
import type {FallbackFacts} from '../../../src/lib/runbooks/fallback-facts.js'
import type {FallbackRequest} from '../../../src/lib/runbooks/fallback-rebuild.js'
import type {Topology} from '../../../src/lib/topology/views.js'
import {clusterArnOf} from '../../fakes/aws.js'
import {globalView, healthyTopology, member, testConfig} from '../../fakes/topology.js'

// Fallback situations as observed, and a planner that lists each planned step with its calls.

export const request: FallbackRequest = {
  home: 'us-east-1',
  switchBack: true,
  keepOldPrimary: false,
  disableDeletionProtection: false,
  maxLagMs: 5000,
  stamp: '202611220400',
}
export const endpoints = [{region: 'eu-west-1', url: 'https://e3/v1'}]
export const noFacts: FallbackFacts = {clusters: {}, systemSnapshots: {}, endpoints}

/** The system snapshot a managed failover left of the old primary. */
export const systemSnapshot = {
  id: 'rds:unplanned-global-failover-orders-use1-2026-11-22-03-10',
  arn: 'a',
  clusterId: 'orders-use1',
  status: 'available',
  type: 'automated',
}
export const withSystemSnapshot: FallbackFacts = {...noFacts, systemSnapshots: {'orders-global': systemSnapshot}}

export function afterManagedFailover(): Topology {
  const topology = healthyTopology()
  topology.aurora[0] = globalView({
    writerRegion: 'us-west-2',
    members: [
      member('us-west-2', 'orders-usw2', 'writer'),
      member('us-east-1', 'orders-use1', 'secondary', {synchronizationStatus: 'pending-resync'}),
    ],
  })
  topology.routing!.controls[0]!.state = 'Off'
  topology.routing!.controls[1]!.state = 'On'
  return topology
}

export function afterDetach(): {topology: Topology; facts: FallbackFacts} {
  const topology = healthyTopology()
  topology.aurora[0] = globalView({members: [member('us-east-1', 'orders-use1', 'writer')]})
  topology.aurora[0].detachedSurvivor = {
    clusterId: 'orders-usw2',
    clusterArn: clusterArnOf('us-west-2', 'orders-usw2'),
    region: 'us-west-2',
    found: true,
    status: 'available',
    engineVersion: '15.4',
    instances: [{id: 'orders-usw2-a', status: 'available', isWriter: true, instanceClass: 'db.r6g.large'}],
    runId: 'run-1',
  }
  topology.routing!.controls[0]!.state = 'Off'
  topology.routing!.controls[1]!.state = 'On'
  const arn = clusterArnOf('us-east-1', 'orders-use1')
  const facts: FallbackFacts = {
    clusters: {
      [arn]: {
        cluster: {
          id: 'orders-use1',
          arn,
          region: 'us-east-1',
          status: 'available',
          engine: 'aurora-postgresql',
          engineVersion: '15.4',
          globalClusterId: 'orders-global',
          deletionProtection: false,
          members: [{instanceId: 'orders-use1-a', isWriter: true}],
          subnetGroup: 'db-private',
          securityGroupIds: ['sg-1', 'sg-2'],
          kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
          storageEncrypted: true,
          parameterGroup: 'orders-pg15',
        },
        instances: [
          {
            id: 'orders-use1-a',
            arn: 'x',
            status: 'available',
            clusterId: 'orders-use1',
            instanceClass: 'db.r6g.xlarge',
            engine: 'aurora-postgresql',
            parameterGroup: 'orders-inst',
          },
          {
            id: 'orders-use1-b',
            arn: 'y',
            status: 'available',
            clusterId: 'orders-use1',
            instanceClass: 'db.r6g.xlarge',
            engine: 'aurora-postgresql',
          },
        ],
      },
    },
    systemSnapshots: {},
    endpoints,
  }
  return {topology, facts}
}

export const planned = (topology: Topology, facts = noFacts, overrides: Partial<FallbackRequest> = {}) => {
  const plan = planFallback(testConfig(), topology, facts, {...request, ...overrides})
  return {
    plan,
    calls: stepsOf(plan.items).map(
      (step) =>
        `${step.id}: ${step
          .describe()
          .map((call) => `${call.operation} ${call.region}`)
          .join(', ')}`,
    ),
  }
}
