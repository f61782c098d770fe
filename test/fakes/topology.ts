import {parseConfig} from '../../src/lib/config/load.js'
import type {DrctlConfig} from '../../src/lib/config/schema.js'
import type {AuroraGlobalView, AuroraMemberView, Topology} from '../../src/lib/topology/views.js'

export const ACCOUNT = '111122223333'
const panel = `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/p1`
export const CONTROL = {east: `${panel}/routingcontrol/east`, west: `${panel}/routingcontrol/west`}

export function testConfig(extra = ''): DrctlConfig {
  return parseConfig(`version: 1
name: retail
account: "${ACCOUNT}"
regions: [us-east-1, us-west-2]
aurora: {globalClusters: [orders-global]}
dynamodb: {tables: [carts]}
arc:
  clusterArn: arn:aws:route53-recovery-control::${ACCOUNT}:cluster/c1
  controlPanelArn: ${panel}
  endpoints: [{region: us-east-1, url: "https://e1.example/v1"}, {region: eu-west-1, url: "https://e3.example/v1"}]
  routingControls: {us-east-1: ${CONTROL.east}, us-west-2: ${CONTROL.west}}
fis: {region: us-east-1}
stacks: {us-east-1: [app-use1], us-west-2: [app-usw2]}
gates: {maxReplicationLagMs: 5000}
${extra}`)
}

const clusterArn = (region: string, id: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:${id}`

export function member(
  region: string,
  id: string,
  role: 'writer' | 'secondary',
  overrides: Partial<AuroraMemberView> = {},
): AuroraMemberView {
  return {
    region,
    clusterId: id,
    clusterArn: clusterArn(region, id),
    role,
    synchronizationStatus: role === 'secondary' ? 'connected' : undefined,
    writeForwarding: role === 'secondary' ? 'disabled' : undefined,
    clusterStatus: 'available',
    engineVersion: '15.4',
    deletionProtection: false,
    instances:
      role === 'writer'
        ? [
            {id: `${id}-a`, status: 'available', isWriter: true, instanceClass: 'db.r6g.large'},
            {id: `${id}-b`, status: 'available', isWriter: false, instanceClass: 'db.r6g.large'},
          ]
        : [{id: `${id}-a`, status: 'available', isWriter: false, instanceClass: 'db.r6g.large'}],
    lag: role === 'secondary' ? {ms: 300, metric: 'AuroraGlobalDBRPOLag', at: '2026-11-22T00:00:00.000Z'} : undefined,
    ...overrides,
  }
}

export function globalView(overrides: Partial<AuroraGlobalView> = {}): AuroraGlobalView {
  return {
    id: 'orders-global',
    found: true,
    arn: `arn:aws:rds::${ACCOUNT}:global-cluster:orders-global`,
    status: 'available',
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    writerRegion: 'us-east-1',
    members: [member('us-east-1', 'orders-use1', 'writer'), member('us-west-2', 'orders-usw2', 'secondary')],
    ...overrides,
  }
}

/** A healthy two-Region topology: writer and traffic in us-east-1, us-west-2 ready. */
export function healthyTopology(): Topology {
  return {
    name: 'retail',
    observedAt: '2026-11-22T00:00:00.000Z',
    durationMs: 120,
    identity: {account: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ops/me`, userId: 'AROA:me'},
    pinnedAccount: ACCOUNT,
    regions: [
      {region: 'us-east-1', reachable: true},
      {region: 'us-west-2', reachable: true},
    ],
    excludedRegions: [],
    aurora: [globalView()],
    replicas: [],
    dynamodb: [
      {
        name: 'carts',
        found: true,
        consistency: 'eventual',
        replicas: [
          {region: 'us-east-1', status: 'ACTIVE'},
          {region: 'us-west-2', status: 'ACTIVE'},
        ],
        latency: [
          {
            from: 'us-east-1',
            to: 'us-west-2',
            reading: {ms: 800, metric: 'ReplicationLatency', at: '2026-11-22T00:00:00.000Z'},
          },
        ],
      },
    ],
    routing: {
      controls: [
        {arn: CONTROL.east, name: 'retail-us-east-1', region: 'us-east-1', state: 'On'},
        {arn: CONTROL.west, name: 'retail-us-west-2', region: 'us-west-2', state: 'Off'},
      ],
      safetyRules: [],
      endpoint: {region: 'eu-west-1', url: 'https://e3.example/v1'},
      attempts: [{endpoint: {region: 'eu-west-1', url: 'https://e3.example/v1'}, ok: true}],
      endpointsCached: true,
    },
    chaos: {running: [], unreadable: []},
    steps: [],
    stacks: [
      {region: 'us-east-1', name: 'app-use1', found: true, status: 'UPDATE_COMPLETE'},
      {region: 'us-west-2', name: 'app-usw2', found: true, status: 'CREATE_COMPLETE'},
    ],
    warnings: [],
  }
}
