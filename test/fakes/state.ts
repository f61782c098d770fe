import type {GlobalCluster} from '../../src/lib/aws/ports.js'
import {clusterArnOf, type FakeState, metricKey} from './aws.js'
import {ACCOUNT, CONTROL} from './topology.js'

const now = '2026-11-22T00:00:00.000Z'

function cluster(region: string, id: string, globalId: string | undefined, writerInstance?: string) {
  return {
    id,
    arn: clusterArnOf(region, id),
    region,
    status: 'available',
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    globalClusterId: globalId,
    deletionProtection: false,
    members: [
      {instanceId: `${id}-a`, isWriter: writerInstance === `${id}-a`},
      ...(writerInstance ? [{instanceId: `${id}-b`, isWriter: false}] : []),
    ],
    securityGroupIds: ['sg-1'],
    subnetGroup: 'default',
    storageEncrypted: true,
  }
}

function instance(region: string, id: string, clusterId: string) {
  return {
    id,
    arn: `arn:aws:rds:${region}:${ACCOUNT}:db:${id}`,
    status: 'available',
    clusterId,
    instanceClass: 'db.r6g.large',
    engine: 'aurora-postgresql',
    region,
  }
}

/** The fake world matching `testConfig()`: orders-global writing in us-east-1, carts in both Regions. */
export function twoRegionState(): FakeState {
  const global: GlobalCluster = {
    id: 'orders-global',
    arn: `arn:aws:rds::${ACCOUNT}:global-cluster:orders-global`,
    status: 'available',
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    deletionProtection: false,
    members: [
      {
        clusterArn: clusterArnOf('us-east-1', 'orders-use1'),
        clusterId: 'orders-use1',
        region: 'us-east-1',
        isWriter: true,
        readers: [clusterArnOf('us-west-2', 'orders-usw2')],
      },
      {
        clusterArn: clusterArnOf('us-west-2', 'orders-usw2'),
        clusterId: 'orders-usw2',
        region: 'us-west-2',
        isWriter: false,
        readers: [],
        synchronizationStatus: 'connected',
        writeForwarding: 'disabled',
      },
    ],
  }
  return {
    identity: {account: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ops/me`, userId: 'AROA:me'},
    globals: [global],
    clusters: [
      cluster('us-east-1', 'orders-use1', 'orders-global', 'orders-use1-a'),
      cluster('us-west-2', 'orders-usw2', 'orders-global'),
    ],
    instances: [
      instance('us-east-1', 'orders-use1-a', 'orders-use1'),
      instance('us-east-1', 'orders-use1-b', 'orders-use1'),
      instance('us-west-2', 'orders-usw2-a', 'orders-usw2'),
    ],
    snapshots: [],
    tables: ['us-east-1', 'us-west-2'].map((region) => ({
      name: 'carts',
      arn: `arn:aws:dynamodb:${region}:${ACCOUNT}:table/carts`,
      region,
      status: 'ACTIVE',
      deletionProtection: false,
      globalTableVersion: '2019.11.21',
      replicas: [{region: region === 'us-east-1' ? 'us-west-2' : 'us-east-1', status: 'ACTIVE'}],
    })),
    metrics: {
      'us-west-2': {
        [metricKey('AuroraGlobalDBRPOLag', {DBClusterIdentifier: 'orders-usw2'})]: {value: 250, timestamp: now},
        [metricKey('ReplicationLatency', {TableName: 'carts', ReceivingRegion: 'us-east-1'})]: {
          value: 700,
          timestamp: now,
        },
      },
      'us-east-1': {
        [metricKey('ReplicationLatency', {TableName: 'carts', ReceivingRegion: 'us-west-2'})]: {
          value: 900,
          timestamp: now,
        },
      },
    },
    routing: [
      {arn: CONTROL.east, name: 'retail-us-east-1', state: 'On'},
      {arn: CONTROL.west, name: 'retail-us-west-2', state: 'Off'},
    ],
    safetyRules: [],
    templates: [],
    experiments: [],
    stacks: [
      {region: 'us-east-1', name: 'app-use1', id: 'arn:stack/app-use1', status: 'UPDATE_COMPLETE'},
      {region: 'us-west-2', name: 'app-usw2', id: 'arn:stack/app-usw2', status: 'CREATE_COMPLETE'},
    ],
    arcEndpoints: [{region: 'eu-west-1', url: 'https://e3.example/v1'}],
  }
}
