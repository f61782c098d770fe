import {ApiError, SandboxError} from '../../errors.js'
import {clusterArn, clusterEndpoint, hexId, nextSeed, rdsEndpointLabel} from '../../ids.js'
import type {ClusterRecord, InstanceRecord, ProxyRecord, ProxyTargetGroupRecord, World} from '../../world.js'
import {type XmlValue, xmlList} from '../../protocol/xml.js'
import type {QueryOperation, QueryParams} from '../../protocol/query.js'
import {DURATIONS, scaled} from '../../time.js'
import type {CallContext} from '../context.js'
import {findCluster, invalidClusterState, invalidCombination, invalidValue, paged} from './lookup.js'
import {instancesOf} from './records.js'

/**
 * RDS Proxy target groups (aws-reference-steps §4). A target group holds one Aurora cluster; DescribeDBProxyTargets
 * lists it as a TRACKED_CLUSTER entry plus one RDS_INSTANCE entry per instance the cluster has now, so a proxy follows
 * its cluster's role (the writer instance is READ_WRITE; a secondary of a global cluster has none). A registered
 * cluster's targets are REGISTERING for a while, then AVAILABLE.
 */

const DEFAULT_TARGET_GROUP = 'default'

const proxyNotFound = (name: string) => new ApiError('DBProxyNotFoundFault', `DBProxy ${name} not found.`, 404)
const targetGroupNotFound = (proxy: string, group: string) =>
  new ApiError('DBProxyTargetGroupNotFoundFault', `DBProxy ${proxy} has no target group ${group}.`, 404)
const targetNotFound = (id: string) =>
  new ApiError('DBProxyTargetNotFoundFault', `DBProxy target ${id} is not registered.`, 404)

/** The engine family of the proxies that may target clusters of `engine`. */
function engineFamily(engine: string): string {
  return engine.includes('postgres') ? 'POSTGRESQL' : 'MYSQL'
}

function findProxy(context: CallContext, name: string): ProxyRecord {
  const found = context.world.rds.proxies.find((proxy) => proxy.region === context.region && proxy.name === name)
  if (!found) throw proxyNotFound(name)
  return found
}

function findTargetGroup(
  context: CallContext,
  params: QueryParams,
): {proxy: ProxyRecord; group: ProxyTargetGroupRecord} {
  const proxy = findProxy(context, params.required('DBProxyName'))
  const name = params.string('TargetGroupName') ?? DEFAULT_TARGET_GROUP
  const group = proxy.targetGroups.find((candidate) => candidate.name === name)
  if (!group) throw targetGroupNotFound(proxy.name, name)
  return {proxy, group}
}

type Health = {State: string; Reason?: string; Description?: string}

function instanceHealth(instance: InstanceRecord, registering: boolean): Health {
  if (registering || instance.status === 'creating') return {State: 'REGISTERING'}
  if (instance.status !== 'available') {
    return {
      State: 'UNAVAILABLE',
      Reason: 'UNREACHABLE',
      Description: `DB instance ${instance.id} is ${instance.status}`,
    }
  }
  return {State: 'AVAILABLE'}
}

/** The entries a registered cluster shows: the cluster itself, then each of its instances (the writer first). */
function renderTargets(context: CallContext, clusterId: string, availableAt: number): XmlValue[] {
  const {world, region, now} = context
  const registering = now < availableAt
  const cluster = world.rds.clusters.find((candidate) => candidate.region === region && candidate.id === clusterId)
  if (!cluster) {
    return [
      {
        TargetArn: clusterArn(region, world.account, clusterId),
        TrackedClusterId: clusterId,
        RdsResourceId: clusterId,
        Type: 'TRACKED_CLUSTER',
        TargetHealth: {State: 'UNAVAILABLE', Reason: 'UNREACHABLE', Description: `DB cluster ${clusterId} not found`},
      },
    ]
  }
  const label = rdsEndpointLabel(world.account, region)
  const instances = [...instancesOf(world, cluster)].sort((a, b) => Number(b.isWriter) - Number(a.isWriter))
  return [
    {
      TargetArn: cluster.arn,
      Endpoint: clusterEndpoint(world.account, region, cluster.id),
      TrackedClusterId: cluster.id,
      RdsResourceId: cluster.id,
      Port: cluster.port,
      Type: 'TRACKED_CLUSTER',
      TargetHealth: registering ? {State: 'REGISTERING'} : {State: 'AVAILABLE'},
    },
    ...instances.map((instance) => ({
      TargetArn: instance.arn,
      Endpoint: `${instance.id}.${label}.${region}.rds.amazonaws.com`,
      TrackedClusterId: cluster.id,
      RdsResourceId: instance.id,
      Port: cluster.port,
      Type: 'RDS_INSTANCE',
      Role: instance.isWriter ? 'READ_WRITE' : 'READ_ONLY',
      TargetHealth: instanceHealth(instance, registering),
    })),
  ]
}

export const describeDbProxies: QueryOperation = (context, params) => {
  const {world, region} = context
  const name = params.string('DBProxyName')
  const proxies = world.rds.proxies.filter(
    (proxy) => proxy.region === region && (name === undefined || proxy.name === name),
  )
  if (name !== undefined && proxies.length === 0) throw proxyNotFound(name)
  const {items, marker} = paged(params, proxies)
  return {
    DBProxies: xmlList(
      'member',
      items.map((proxy) => ({
        DBProxyName: proxy.name,
        DBProxyArn: proxy.arn,
        Status: 'available',
        EngineFamily: proxy.engineFamily,
        Endpoint: `${proxy.name}.proxy-${rdsEndpointLabel(world.account, region)}.${region}.rds.amazonaws.com`,
        RequireTLS: true,
        CreatedDate: new Date(proxy.createdAt),
      })),
    ),
    Marker: marker,
  }
}

export const describeDbProxyTargets: QueryOperation = (context, params) => {
  const {group} = findTargetGroup(context, params)
  const all = group.targets.flatMap((target) => renderTargets(context, target.clusterId, target.availableAt))
  const {items, marker} = paged(params, all)
  return {Targets: xmlList('member', items), Marker: marker}
}

/** The clusters a call names; instances of Aurora clusters are registered through their cluster. */
function clusterIdentifiers(params: QueryParams): string[] {
  const clusters = params.list('DBClusterIdentifiers')
  const instances = params.list('DBInstanceIdentifiers')
  // Not verified against AWS: the sandbox has only Aurora instances, which a proxy targets through their cluster.
  if (instances.length > 0) {
    throw invalidCombination(
      `DB instance ${instances[0]} belongs to an Aurora DB cluster: register the cluster (DBClusterIdentifiers) instead`,
    )
  }
  if (clusters.length === 0) throw invalidCombination('DBClusterIdentifiers or DBInstanceIdentifiers is required')
  return clusters
}

export const registerDbProxyTargets: QueryOperation = (context, params) => {
  const {world, now} = context
  const {proxy, group} = findTargetGroup(context, params)
  const ids = clusterIdentifiers(params)
  const clusters: ClusterRecord[] = ids.map((id) => findCluster(context, id))
  for (const cluster of clusters) {
    if (group.targets.some((target) => target.clusterId === cluster.id)) {
      throw new ApiError(
        'DBProxyTargetAlreadyRegisteredFault',
        `DB cluster ${cluster.id} is already registered with DBProxy ${proxy.name}.`,
      )
    }
    if (engineFamily(cluster.engine) !== proxy.engineFamily) {
      throw invalidValue(
        `DB cluster ${cluster.id} (${cluster.engine}) does not match the engine family ${proxy.engineFamily} of DBProxy ${proxy.name}.`,
      )
    }
    if (cluster.status !== 'available') {
      throw invalidClusterState(`DB cluster ${cluster.id} is in ${cluster.status} state; it must be available`)
    }
  }
  // A target group holds one cluster (not verified which error AWS answers for a second one).
  const occupied = group.targets[0]?.clusterId
  if (occupied !== undefined || clusters.length > 1) {
    throw invalidValue(
      `Target group ${group.name} of DBProxy ${proxy.name} can hold one DB cluster${occupied ? `; it already holds ${occupied}: deregister it first` : ''}.`,
    )
  }
  const availableAt = now + scaled(world, DURATIONS.proxyTargetRegister)
  for (const cluster of clusters) group.targets.push({clusterId: cluster.id, registeredAt: now, availableAt})
  return {
    DBProxyTargets: xmlList(
      'member',
      clusters.flatMap((cluster) => renderTargets(context, cluster.id, availableAt)),
    ),
  }
}

export const deregisterDbProxyTargets: QueryOperation = (context, params) => {
  const {group} = findTargetGroup(context, params)
  const ids = params.list('DBClusterIdentifiers').map((id) => id.toLowerCase())
  const instances = params.list('DBInstanceIdentifiers')
  if (instances.length > 0) throw targetNotFound(instances[0] as string)
  if (ids.length === 0) throw invalidCombination('DBClusterIdentifiers or DBInstanceIdentifiers is required')
  const missing = ids.find((id) => !group.targets.some((target) => target.clusterId === id))
  if (missing !== undefined) throw targetNotFound(missing)
  group.targets = group.targets.filter((target) => !ids.includes(target.clusterId))
  return {}
}

// ---- Seeding -------------------------------------------------------------------------------------------------------

/**
 * Adds an RDS Proxy to `region` with its `default` target group, created at `at`; with `cluster` (an Aurora cluster
 * of that Region), the group targets it, AVAILABLE already. The proxy's engine family is the cluster's (else
 * `engineFamily`, default POSTGRESQL). For scenarios and tests.
 */
export function seedRdsProxy(
  world: World,
  spec: {region: string; name: string; cluster?: string; engineFamily?: 'POSTGRESQL' | 'MYSQL'},
  at: number,
): ProxyRecord {
  const {region, name} = spec
  if (world.rds.proxies.some((proxy) => proxy.region === region && proxy.name === name)) {
    throw new SandboxError('bad-argument', `RDS Proxy ${name} already exists in ${region}`)
  }
  const cluster =
    spec.cluster === undefined
      ? undefined
      : world.rds.clusters.find((candidate) => candidate.region === region && candidate.id === spec.cluster)
  if (spec.cluster !== undefined && !cluster) {
    throw new SandboxError('bad-argument', `no Aurora cluster ${spec.cluster} in ${region} for RDS Proxy ${name}`)
  }
  const seed = nextSeed(world, `rds-proxy:${region}:${name}`)
  const proxy: ProxyRecord = {
    name,
    region,
    arn: `arn:aws:rds:${region}:${world.account}:db-proxy:prx-${hexId(seed, 17)}`,
    engineFamily: cluster ? engineFamily(cluster.engine) : (spec.engineFamily ?? 'POSTGRESQL'),
    createdAt: at,
    targetGroups: [
      {
        name: DEFAULT_TARGET_GROUP,
        arn: `arn:aws:rds:${region}:${world.account}:target-group:prx-tg-${hexId(`${seed}:default`, 17)}`,
        isDefault: true,
        createdAt: at,
        targets: cluster ? [{clusterId: cluster.id, registeredAt: at, availableAt: at}] : [],
      },
    ],
  }
  world.rds.proxies.push(proxy)
  return proxy
}

// ---- sandbox show --------------------------------------------------------------------------------------------------

export interface ProxyView {
  name: string
  engineFamily: string
  targetGroups: {name: string; clusters: {id: string; state: 'REGISTERING' | 'AVAILABLE' | 'missing'}[]}[]
}

export function viewProxies(world: World, region: string, now: number): ProxyView[] {
  return world.rds.proxies
    .filter((proxy) => proxy.region === region)
    .map((proxy) => ({
      name: proxy.name,
      engineFamily: proxy.engineFamily,
      targetGroups: proxy.targetGroups.map((group) => ({
        name: group.name,
        clusters: group.targets.map((target) => ({
          id: target.clusterId,
          state: !world.rds.clusters.some((cluster) => cluster.region === region && cluster.id === target.clusterId)
            ? 'missing'
            : now < target.availableAt
              ? 'REGISTERING'
              : 'AVAILABLE',
        })),
      })),
    }))
}
