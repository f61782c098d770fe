import {auroraLagMs} from '../effects.js'
import {ApiError} from '../errors.js'
import {outageSince, regionDown} from '../faults.js'
import {
  clusterArn,
  clusterSnapshotArn,
  derivedId,
  globalClusterArn,
  hexId,
  instanceArn,
  nextSeed,
  rdsEndpointLabel,
  regionOfArn,
  upperId,
} from '../ids.js'
import type {
  ClusterRecord,
  GlobalClusterRecord,
  GlobalMemberRecord,
  InstanceRecord,
  SnapshotRecord,
  Tag,
  World,
} from '../model.js'
import {type QueryParams, type XmlValue, xmlList} from '../protocol/query.js'
import {DURATIONS, scaled} from '../time.js'
import {
  type CallContext,
  page,
  type QueryOperation,
  type QueryService,
  RDS_IDENTIFIER,
  RDS_SNAPSHOT_IDENTIFIER,
} from './context.js'
import {
  clusterByArn,
  failoverStateOf,
  findGlobal,
  globalStatus,
  clusterOf,
  instancesOf,
  isArn,
  membershipOf,
  newSnapshot,
  parseClusterArn,
  promoteAnotherWriter,
  snapshotsIn,
  synchronizationStatus,
} from './rds-world.js'

/**
 * Amazon RDS / Aurora (awsQuery, 2014-10-31): global clusters, clusters, instances and cluster snapshots, with the
 * asynchronous state machines and Region rules of aws-reference §2.
 */

const ENGINES: Record<string, {defaultVersion: string; family: (version: string) => string; port: number}> = {
  'aurora-postgresql': {
    defaultVersion: '15.4',
    family: (version) => `aurora-postgresql${version.split('.')[0]}`,
    port: 5432,
  },
  'aurora-mysql': {
    defaultVersion: '8.0.mysql_aurora.3.05.2',
    family: (version) => (version.startsWith('5.7') ? 'aurora-mysql5.7' : 'aurora-mysql8.0'),
    port: 3306,
  },
}

function defaultParameterGroup(engine: string, version: string): string {
  const spec = ENGINES[engine]
  return spec ? `default.${spec.family(version)}` : `default.${engine}`
}

// ---- Errors ------------------------------------------------------------------------------------------------------

const clusterNotFound = (id: string) => new ApiError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404)
const instanceNotFound = (id: string) => new ApiError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404)
const snapshotNotFound = (id: string) =>
  new ApiError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`, 404)
const invalidValue = (message: string) => new ApiError('InvalidParameterValue', message)
const invalidCombination = (message: string) => new ApiError('InvalidParameterCombination', message)
const invalidGlobalState = (message: string) => new ApiError('InvalidGlobalClusterStateFault', message)
const invalidClusterState = (message: string) => new ApiError('InvalidDBClusterStateFault', message)

/** A required identifier parameter, validated as RDS does and stored lowercase. */
function identifier(params: QueryParams, name: string, pattern = RDS_IDENTIFIER): string {
  return checkedIdentifier(params.required(name), name, pattern)
}

function checkedIdentifier(value: string, name: string, pattern = RDS_IDENTIFIER): string {
  if (!pattern.test(value)) {
    throw invalidValue(
      `The parameter ${name} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    )
  }
  return value.toLowerCase()
}

// ---- Lookups -----------------------------------------------------------------------------------------------------

/** A cluster by identifier or ARN, as the caller's Region sees it: another Region's cluster is "not found". */
function findCluster(context: CallContext, idOrArn: string): ClusterRecord {
  if (isArn(idOrArn)) {
    const parsed = parseClusterArn(idOrArn)
    const found = parsed && parsed.region === context.region ? clusterByArn(context.world, idOrArn) : undefined
    if (!found) throw clusterNotFound(idOrArn)
    return found
  }
  const id = idOrArn.toLowerCase()
  const found = context.world.rds.clusters.find((cluster) => cluster.region === context.region && cluster.id === id)
  if (!found) throw clusterNotFound(idOrArn)
  return found
}

function findInstance(context: CallContext, idOrArn: string): InstanceRecord {
  const id = (isArn(idOrArn) ? (idOrArn.split(':').pop() ?? '') : idOrArn).toLowerCase()
  const regionMatches = !isArn(idOrArn) || regionOfArn(idOrArn) === context.region
  const found = regionMatches
    ? context.world.rds.instances.find((instance) => instance.region === context.region && instance.id === id)
    : undefined
  if (!found) throw instanceNotFound(idOrArn)
  return found
}

function requireAvailable(cluster: ClusterRecord): void {
  if (cluster.status !== 'available') {
    throw invalidClusterState(`DB cluster ${cluster.id} is in ${cluster.status} state; it must be available`)
  }
}

function requireGlobalAvailable(global: GlobalClusterRecord): void {
  if (global.operation || global.status !== 'available') {
    throw invalidGlobalState(`Global cluster ${global.id} is in ${globalStatus(global)} state; it must be available`)
  }
}

function requireNewSnapshotId(world: World, region: string, id: string): void {
  if (snapshotsIn(world, region).some((snapshot) => snapshot.id === id)) {
    throw new ApiError(
      'DBClusterSnapshotAlreadyExistsFault',
      `Cannot create the cluster snapshot because one with the identifier ${id} already exists.`,
    )
  }
}

// ---- Rendering ---------------------------------------------------------------------------------------------------

function tags(list: Tag[]): XmlValue {
  return xmlList(
    'Tag',
    list.map((tag) => ({Key: tag.Key, Value: tag.Value})),
  )
}

function readTags(params: QueryParams): Tag[] {
  return params.structures('Tags').map((tag) => ({Key: tag.string('Key') ?? '', Value: tag.string('Value') ?? ''}))
}

function renderGlobal(context: CallContext, global: GlobalClusterRecord): XmlValue {
  const writer = global.members.find((member) => member.isWriter)
  return {
    GlobalClusterIdentifier: global.id,
    GlobalClusterResourceId: global.resourceId,
    GlobalClusterArn: globalClusterArn(context.world.account, global.id),
    Status: globalStatus(global),
    Engine: global.engine,
    EngineVersion: global.engineVersion,
    EngineLifecycleSupport: 'open-source-rds-extended-support',
    DatabaseName: global.databaseName,
    StorageEncrypted: global.storageEncrypted,
    StorageEncryptionType: global.storageEncrypted ? 'sse-kms' : 'none',
    DeletionProtection: global.deletionProtection,
    GlobalClusterMembers: xmlList(
      'GlobalClusterMember',
      global.members.map((member) => ({
        DBClusterArn: member.clusterArn,
        Readers: xmlList(
          'member',
          member.isWriter ? global.members.filter((other) => other !== writer).map((other) => other.clusterArn) : [],
        ),
        IsWriter: member.isWriter,
        GlobalWriteForwardingStatus: member.isWriter ? undefined : member.writeForwarding,
        SynchronizationStatus: synchronizationStatus(member, context.now),
      })),
    ),
    Endpoint: `${global.id}.global-${global.endpointHash}.global.rds.amazonaws.com`,
    FailoverState: failoverStateOf(global, context.now),
    TagList: tags(global.tags),
  }
}

function renderCluster(context: CallContext, cluster: ClusterRecord): XmlValue {
  const world = context.world
  const membership = membershipOf(world, cluster.arn)
  const label = rdsEndpointLabel(world.account, cluster.region)
  const replicas = world.rds.clusters.filter((other) => other.replicationSourceArn === cluster.arn)
  return {
    AllocatedStorage: 1,
    AvailabilityZones: xmlList(
      'AvailabilityZone',
      ['a', 'b', 'c'].map((zone) => `${cluster.region}${zone}`),
    ),
    BackupRetentionPeriod: 7,
    DatabaseName: cluster.databaseName,
    DBClusterIdentifier: cluster.id,
    DBClusterParameterGroup: cluster.parameterGroup,
    DBSubnetGroup: cluster.subnetGroup,
    Status: cluster.status,
    EarliestRestorableTime: cluster.status === 'creating' ? undefined : new Date(cluster.createdAt),
    Endpoint: `${cluster.id}.cluster-${label}.${cluster.region}.rds.amazonaws.com`,
    ReaderEndpoint: `${cluster.id}.cluster-ro-${label}.${cluster.region}.rds.amazonaws.com`,
    MultiAZ: instancesOf(world, cluster).length > 1,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    LatestRestorableTime: cluster.status === 'creating' ? undefined : new Date(context.now),
    Port: cluster.port,
    MasterUsername: cluster.masterUsername,
    PreferredBackupWindow: '07:00-07:30',
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    ReplicationSourceIdentifier: cluster.replicationSourceArn,
    ReadReplicaIdentifiers: xmlList(
      'ReadReplicaIdentifier',
      replicas.map((replica) => replica.arn),
    ),
    DBClusterMembers: xmlList(
      'DBClusterMember',
      instancesOf(world, cluster).map((instance) => ({
        DBInstanceIdentifier: instance.id,
        IsClusterWriter: instance.isWriter,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: instance.promotionTier,
      })),
    ),
    VpcSecurityGroups: xmlList(
      'VpcSecurityGroupMembership',
      cluster.securityGroupIds.map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    ),
    HostedZoneId: 'Z2R2ITUGPM61AM',
    StorageEncrypted: cluster.storageEncrypted,
    StorageEncryptionType: cluster.storageEncrypted ? 'sse-kms' : 'none',
    KmsKeyId: cluster.kmsKeyId,
    DbClusterResourceId: cluster.resourceId,
    DBClusterArn: cluster.arn,
    IAMDatabaseAuthenticationEnabled: false,
    ClusterCreateTime: new Date(cluster.createdAt),
    EngineMode: 'provisioned',
    DeletionProtection: cluster.deletionProtection,
    HttpEndpointEnabled: false,
    CopyTagsToSnapshot: true,
    CrossAccountClone: false,
    TagList: tags(cluster.tags),
    GlobalClusterIdentifier: membership?.member ? membership.global.id : undefined,
    GlobalWriteForwardingStatus:
      membership?.member && !membership.member.isWriter ? membership.member.writeForwarding : undefined,
    NetworkType: 'IPV4',
    AutoMinorVersionUpgrade: true,
    EngineLifecycleSupport: 'open-source-rds-extended-support',
  }
}

function renderInstance(context: CallContext, instance: InstanceRecord): XmlValue {
  const world = context.world
  const cluster = clusterOf(world, instance)
  const label = rdsEndpointLabel(world.account, instance.region)
  const port = cluster?.port ?? 3306
  return {
    DBInstanceIdentifier: instance.id,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    DBInstanceStatus: instance.status,
    Endpoint:
      instance.status === 'creating'
        ? undefined
        : {
            Address: `${instance.id}.${label}.${instance.region}.rds.amazonaws.com`,
            Port: port,
            HostedZoneId: 'Z2R2ITUGPM61AM',
          },
    AllocatedStorage: 1,
    InstanceCreateTime: instance.status === 'creating' ? undefined : new Date(instance.createdAt),
    PreferredBackupWindow: '07:00-07:30',
    BackupRetentionPeriod: 7,
    VpcSecurityGroups: xmlList(
      'VpcSecurityGroupMembership',
      (cluster?.securityGroupIds ?? []).map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    ),
    DBParameterGroups: xmlList('DBParameterGroup', [
      {DBParameterGroupName: instance.parameterGroup, ParameterApplyStatus: 'in-sync'},
    ]),
    AvailabilityZone: instance.availabilityZone,
    DBSubnetGroup: cluster
      ? {
          DBSubnetGroupName: cluster.subnetGroup,
          DBSubnetGroupDescription: `${cluster.subnetGroup} subnets`,
          VpcId: `vpc-${hexId(`${world.account}:${instance.region}:vpc`, 17)}`,
          SubnetGroupStatus: 'Complete',
        }
      : undefined,
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    MultiAZ: false,
    EngineVersion: instance.engineVersion,
    AutoMinorVersionUpgrade: true,
    LicenseModel: instance.engine === 'aurora-postgresql' ? 'postgresql-license' : 'general-public-license',
    PubliclyAccessible: false,
    StorageType: 'aurora',
    DbInstancePort: 0,
    DBClusterIdentifier: instance.clusterId,
    StorageEncrypted: cluster?.storageEncrypted ?? false,
    KmsKeyId: cluster?.kmsKeyId,
    DbiResourceId: instance.resourceId,
    CACertificateIdentifier: 'rds-ca-rsa2048-g1',
    CopyTagsToSnapshot: false,
    MonitoringInterval: 0,
    PromotionTier: instance.promotionTier,
    DBInstanceArn: instance.arn,
    IAMDatabaseAuthenticationEnabled: false,
    PerformanceInsightsEnabled: false,
    DeletionProtection: false,
    TagList: tags([]),
    NetworkType: 'IPV4',
  }
}

function renderSnapshot(snapshot: SnapshotRecord): XmlValue {
  return {
    AvailabilityZones: xmlList(
      'AvailabilityZone',
      ['a', 'b', 'c'].map((zone) => `${snapshot.region}${zone}`),
    ),
    DBClusterSnapshotIdentifier: snapshot.id,
    DBClusterIdentifier: snapshot.clusterId,
    SnapshotCreateTime: new Date(snapshot.createdAt),
    Engine: snapshot.engine,
    EngineMode: 'provisioned',
    AllocatedStorage: 0,
    Status: snapshot.status,
    Port: 0,
    VpcId: undefined,
    ClusterCreateTime: new Date(snapshot.clusterCreatedAt),
    EngineVersion: snapshot.engineVersion,
    LicenseModel: snapshot.engine === 'aurora-postgresql' ? 'postgresql-license' : 'general-public-license',
    SnapshotType: snapshot.type,
    PercentProgress: snapshot.status === 'available' ? 100 : 0,
    StorageEncrypted: snapshot.storageEncrypted,
    KmsKeyId: snapshot.kmsKeyId,
    DBClusterSnapshotArn: snapshot.arn,
    SourceDBClusterSnapshotArn: snapshot.sourceArn,
    IAMDatabaseAuthenticationEnabled: false,
    TagList: tags(snapshot.tags),
    DbClusterResourceId: snapshot.clusterResourceId,
  }
}

// ---- Paging and filters --------------------------------------------------------------------------------------------

function paged<T>(params: QueryParams, items: T[]): {items: T[]; marker?: string} {
  const maxRecords = params.integer('MaxRecords') ?? 100
  if (maxRecords < 20 || maxRecords > 100) {
    throw invalidValue(`Invalid value ${maxRecords} for MaxRecords. Must be between 20 and 100`)
  }
  const result = page(items, params.string('Marker'), maxRecords, () => invalidValue('Invalid marker'))
  return {items: result.items, marker: result.next}
}

function filters(params: QueryParams, known: string[]): Map<string, string[]> {
  const result = new Map<string, string[]>()
  for (const filter of params.structures('Filters')) {
    const name = filter.required('Name')
    if (!known.includes(name)) throw invalidValue(`Unrecognized filter name: ${name}`)
    result.set(name, filter.list('Values'))
  }
  return result
}

/** Matches an identifier-or-ARN filter value against a cluster. */
function clusterMatches(cluster: {id: string; arn: string}, values: string[]): boolean {
  return values.some((value) => value.toLowerCase() === cluster.id || value === cluster.arn)
}

/** Matches an identifier-or-ARN filter value against the cluster an instance or snapshot belongs to. */
function ownerMatches(world: World, owned: {region: string; clusterId: string}, values: string[]): boolean {
  return clusterMatches({id: owned.clusterId, arn: clusterArn(owned.region, world.account, owned.clusterId)}, values)
}

// ---- Global clusters -----------------------------------------------------------------------------------------------

const describeGlobalClusters: QueryOperation = (context, params) => {
  const id = params.string('GlobalClusterIdentifier')
  let list = context.world.rds.globalClusters
  if (id !== undefined) list = [findGlobal(context.world, id)]
  const byFilter = filters(params, ['region', 'db-cluster-id'])
  const regions = byFilter.get('region')
  if (regions)
    list = list.filter((global) => global.members.some((member) => regions.includes(regionOfArn(member.clusterArn))))
  const clusterIds = byFilter.get('db-cluster-id')
  if (clusterIds) {
    list = list.filter((global) =>
      global.members.some((member) =>
        clusterMatches({id: member.clusterArn.split(':').pop() ?? '', arn: member.clusterArn}, clusterIds),
      ),
    )
  }
  const {items, marker} = paged(params, list)
  return {
    GlobalClusters: xmlList(
      'GlobalClusterMember',
      items.map((global) => renderGlobal(context, global)),
    ),
    Marker: marker,
  }
}

function targetMember(context: CallContext, global: GlobalClusterRecord, target: string): GlobalMemberRecord {
  if (!isArn(target)) {
    throw invalidValue(`The parameter TargetDbClusterIdentifier must be a DB cluster ARN, not ${target}`)
  }
  if (!clusterByArn(context.world, target)) throw clusterNotFound(target)
  const member = global.members.find((candidate) => candidate.clusterArn === target)
  if (!member) throw invalidValue(`The cluster ${target} is not found in global cluster ${global.id}`)
  if (member.isWriter) {
    throw invalidClusterState(`The cluster ${target} is already the primary cluster of global cluster ${global.id}`)
  }
  if (member.leavingAt !== undefined) {
    throw invalidClusterState(`The cluster ${target} is being removed from global cluster ${global.id}`)
  }
  return member
}

function requireWriterInstance(context: CallContext, cluster: ClusterRecord): void {
  const ready = instancesOf(context.world, cluster).some((instance) => instance.status === 'available')
  if (!ready) {
    throw invalidClusterState(
      `The cluster ${cluster.arn} has no DB instance in the available state; add an instance before promoting it`,
    )
  }
}

function startGlobalOperation(
  context: CallContext,
  global: GlobalClusterRecord,
  targetArn: string,
  allowDataLoss: boolean,
): void {
  const {world, now} = context
  const writer = global.members.find((member) => member.isWriter)
  if (!writer) throw invalidGlobalState(`Global cluster ${global.id} has no primary cluster`)
  if (global.operation) {
    throw invalidGlobalState(`Global cluster ${global.id} is already ${globalStatus(global)}`)
  }
  const member = targetMember(context, global, targetArn)
  const target = clusterByArn(world, targetArn) as ClusterRecord
  const primaryRegion = regionOfArn(writer.clusterArn)
  const lagMs = auroraLagMs(world, global, targetArn, now)

  if (!allowDataLoss) {
    if (context.region !== primaryRegion) {
      throw invalidValue(
        `Switchover of global cluster ${global.id} must be requested in the Region of its primary cluster (${primaryRegion}), not ${context.region}`,
      )
    }
    if (global.status !== 'available') {
      throw invalidGlobalState(`Global cluster ${global.id} is in ${global.status} state; it must be available`)
    }
    if (synchronizationStatus(member, now) !== 'connected') {
      throw invalidClusterState(`The cluster ${targetArn} is not synchronized with the primary (pending-resync)`)
    }
    for (const other of global.members) {
      const cluster = clusterByArn(world, other.clusterArn)
      if (!cluster || cluster.status !== 'available' || regionDown(world, cluster.region)) {
        throw invalidGlobalState(
          `Global cluster ${global.id} is not healthy: member ${other.clusterArn} is ${cluster && !regionDown(world, cluster.region) ? cluster.status : 'unreachable'}`,
        )
      }
    }
    requireWriterInstance(context, target)
    const duration = scaled(world, DURATIONS.switchover + lagMs / 1000)
    global.operation = {
      kind: 'switchover',
      fromArn: writer.clusterArn,
      toArn: targetArn,
      startedAt: now,
      phaseAt: now + Math.round(duration * DURATIONS.pendingFraction),
      completesAt: now + duration,
    }
    return
  }

  if (context.region !== target.region) {
    throw invalidValue(
      `A failover that allows data loss must be requested in the Region of the target cluster (${target.region}), not ${context.region}`,
    )
  }
  if (global.status === 'deleting' || global.status === 'creating') {
    throw invalidGlobalState(`Global cluster ${global.id} is in ${global.status} state`)
  }
  if (target.status !== 'available') {
    throw invalidClusterState(`The cluster ${targetArn} is in ${target.status} state; it must be available`)
  }
  requireWriterInstance(context, target)
  // The writes lost are those not yet replicated when the primary's Region went away (or now, if it did not).
  const cutOff = Math.min(now, outageSince(world, primaryRegion) ?? now)
  const duration = scaled(world, DURATIONS.managedFailover)
  global.operation = {
    kind: 'failover',
    fromArn: writer.clusterArn,
    toArn: targetArn,
    startedAt: now,
    phaseAt: now + Math.round(duration * DURATIONS.pendingFraction),
    completesAt: now + duration,
    dataLossMs: auroraLagMs(world, global, targetArn, cutOff),
  }
}

const switchoverGlobalCluster: QueryOperation = (context, params) => {
  const global = findGlobal(context.world, params.required('GlobalClusterIdentifier'))
  startGlobalOperation(context, global, params.required('TargetDbClusterIdentifier'), false)
  return {GlobalCluster: renderGlobal(context, global)}
}

const failoverGlobalCluster: QueryOperation = (context, params) => {
  const global = findGlobal(context.world, params.required('GlobalClusterIdentifier'))
  const target = params.required('TargetDbClusterIdentifier')
  const allowDataLoss = params.boolean('AllowDataLoss') ?? false
  const switchover = params.boolean('Switchover') ?? false
  if (allowDataLoss && switchover) {
    throw invalidCombination('AllowDataLoss and Switchover cannot both be set: choose one')
  }
  startGlobalOperation(context, global, target, allowDataLoss)
  return {GlobalCluster: renderGlobal(context, global)}
}

const removeFromGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const global = findGlobal(world, params.required('GlobalClusterIdentifier'))
  const arn = params.required('DbClusterIdentifier')
  if (!parseClusterArn(arn)) {
    throw invalidValue(`The parameter DbClusterIdentifier must be a DB cluster ARN; ${arn} is malformed`)
  }
  const member = global.members.find((candidate) => candidate.clusterArn === arn)
  if (!member) throw invalidValue(`The cluster ${arn} is not found in global cluster ${global.id}`)
  if (context.region !== regionOfArn(arn)) {
    throw invalidValue(
      `RemoveFromGlobalCluster must be requested in the Region of the cluster being removed (${regionOfArn(arn)}), not ${context.region}`,
    )
  }
  if (member.leavingAt !== undefined) {
    throw invalidClusterState(`The cluster ${arn} is already being removed from global cluster ${global.id}`)
  }
  if (global.operation) throw invalidGlobalState(`Global cluster ${global.id} is ${globalStatus(global)}`)
  if (member.isWriter && global.members.length > 1) {
    throw invalidGlobalState(
      `The primary cluster ${arn} cannot be removed from global cluster ${global.id} while it has secondary clusters; remove them first`,
    )
  }
  const cluster = clusterByArn(world, arn) as ClusterRecord
  requireAvailable(cluster)
  member.leavingAt = now + scaled(world, DURATIONS.detachMembership)
  if (!member.isWriter) {
    cluster.status = 'promoting'
    cluster.transition = {kind: 'detach-promote', until: now + scaled(world, DURATIONS.detachPromote)}
  }
  world.history.push({
    at: now,
    event: 'detach',
    summary: `${cluster.id} (${cluster.region}) detached from ${global.id}; replication stopped`,
  })
  return {GlobalCluster: renderGlobal(context, global)}
}

const modifyGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const global = findGlobal(world, params.required('GlobalClusterIdentifier'))
  const rawNewId = params.string('NewGlobalClusterIdentifier')
  const deletionProtection = params.boolean('DeletionProtection')
  if (params.has('EngineVersion')) {
    throw invalidValue('Engine version upgrades of global clusters are not simulated by the sandbox')
  }
  if (rawNewId === undefined && deletionProtection === undefined) {
    throw invalidCombination('No modifications were requested')
  }
  requireGlobalAvailable(global)
  if (rawNewId !== undefined) {
    const newId = checkedIdentifier(rawNewId, 'NewGlobalClusterIdentifier')
    if (newId !== global.id && world.rds.globalClusters.some((other) => other.id === newId)) {
      throw new ApiError('GlobalClusterAlreadyExistsFault', `Global cluster ${newId} already exists`)
    }
    if (newId !== global.id) {
      world.history.push({at: now, event: 'rename', summary: `global cluster ${global.id} renamed to ${newId}`})
      global.id = newId
    }
  }
  if (deletionProtection !== undefined) global.deletionProtection = deletionProtection
  global.status = 'modifying'
  global.statusUntil = now + scaled(world, DURATIONS.globalModify)
  return {GlobalCluster: renderGlobal(context, global)}
}

const createGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const id = identifier(params, 'GlobalClusterIdentifier')
  if (world.rds.globalClusters.some((global) => global.id === id)) {
    throw new ApiError('GlobalClusterAlreadyExistsFault', `Global cluster ${id} already exists`)
  }
  const source = params.string('SourceDBClusterIdentifier')
  const engineParams = ['Engine', 'EngineVersion', 'DatabaseName', 'StorageEncrypted'].filter((name) =>
    params.has(name),
  )
  const seed = nextSeed(world, `global:${id}`)
  const record: GlobalClusterRecord = {
    id,
    resourceId: `cluster-${upperId(seed, 26).toLowerCase()}`,
    engine: '',
    engineVersion: '',
    status: 'creating',
    statusUntil: now + scaled(world, DURATIONS.globalCreate),
    deletionProtection: params.boolean('DeletionProtection') ?? false,
    storageEncrypted: false,
    endpointHash: derivedId(seed, 12),
    createdAt: now,
    members: [],
    pendingRejoins: [],
    tags: readTags(params),
  }
  if (source !== undefined) {
    if (engineParams.length > 0) {
      throw invalidCombination(
        `${engineParams.join(', ')} cannot be specified when creating a global cluster from an existing DB cluster (SourceDBClusterIdentifier)`,
      )
    }
    if (!parseClusterArn(source)) {
      throw invalidValue(`The parameter SourceDBClusterIdentifier must be a DB cluster ARN; ${source} is malformed`)
    }
    const cluster = clusterByArn(world, source)
    if (!cluster) throw clusterNotFound(source)
    if (cluster.region !== context.region) {
      throw invalidValue(
        `The source cluster ${source} is in ${cluster.region}; create the global cluster in that Region, not ${context.region}`,
      )
    }
    const existing = membershipOf(world, cluster.arn)
    if (existing) {
      throw invalidClusterState(`The cluster ${source} is already a member of global cluster ${existing.global.id}`)
    }
    requireAvailable(cluster)
    if (cluster.replicationSourceArn) {
      throw invalidClusterState(`The cluster ${source} is a read replica; promote it first`)
    }
    record.engine = cluster.engine
    record.engineVersion = cluster.engineVersion
    record.storageEncrypted = cluster.storageEncrypted
    record.databaseName = cluster.databaseName
    record.members.push({clusterArn: cluster.arn, isWriter: true, roleSince: now, writeForwarding: 'disabled'})
  } else {
    const engine = params.string('Engine')
    if (engine === undefined) {
      throw invalidValue('When creating standalone global cluster, value for engineName should be specified')
    }
    const spec = ENGINES[engine]
    if (!spec)
      throw invalidValue(`Invalid DB engine: ${engine}; global clusters need aurora-mysql or aurora-postgresql`)
    record.engine = engine
    record.engineVersion = params.string('EngineVersion') ?? spec.defaultVersion
    record.storageEncrypted = params.boolean('StorageEncrypted') ?? false
    record.databaseName = params.string('DatabaseName')
  }
  world.rds.globalClusters.push(record)
  return {GlobalCluster: renderGlobal(context, record)}
}

const deleteGlobalCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const global = findGlobal(world, params.required('GlobalClusterIdentifier'))
  const arn = globalClusterArn(world.account, global.id)
  if (global.status === 'deleting') throw invalidGlobalState(`Global Cluster ${arn} is already being deleted`)
  if (global.deletionProtection) {
    throw invalidCombination(
      'Cannot delete protected Global Cluster, please disable deletion protection and try again.',
    )
  }
  const recentlyEmptied =
    global.emptySince !== undefined && now < global.emptySince + scaled(world, DURATIONS.globalNotEmpty)
  if (global.members.length > 0 || global.pendingRejoins.length > 0 || recentlyEmptied) {
    throw invalidGlobalState(`Global Cluster ${arn} is not empty`)
  }
  if (global.operation) throw invalidGlobalState(`Global cluster ${global.id} is ${globalStatus(global)}`)
  global.status = 'deleting'
  global.statusUntil = now + scaled(world, DURATIONS.globalDelete)
  return {GlobalCluster: renderGlobal(context, global)}
}

// ---- Clusters --------------------------------------------------------------------------------------------------------

const describeDbClusters: QueryOperation = (context, params) => {
  const id = params.string('DBClusterIdentifier')
  let list = context.world.rds.clusters.filter((cluster) => cluster.region === context.region)
  if (id !== undefined) list = [findCluster(context, id)]
  const byFilter = filters(params, ['db-cluster-id', 'engine', 'db-cluster-resource-id', 'clone-group-id', 'domain'])
  const ids = byFilter.get('db-cluster-id')
  if (ids) list = list.filter((cluster) => clusterMatches(cluster, ids))
  const engines = byFilter.get('engine')
  if (engines) list = list.filter((cluster) => engines.includes(cluster.engine))
  const resourceIds = byFilter.get('db-cluster-resource-id')
  if (resourceIds) list = list.filter((cluster) => resourceIds.includes(cluster.resourceId))
  if (byFilter.has('clone-group-id') || byFilter.has('domain')) list = []
  const {items, marker} = paged(params, list)
  return {
    Marker: marker,
    DBClusters: xmlList(
      'DBCluster',
      items.map((cluster) => renderCluster(context, cluster)),
    ),
  }
}

const createDbCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const id = identifier(params, 'DBClusterIdentifier')
  if (world.rds.clusters.some((cluster) => cluster.region === context.region && cluster.id === id)) {
    throw new ApiError('DBClusterAlreadyExistsFault', 'DB Cluster already exists')
  }
  const engine = params.required('Engine')
  const spec = ENGINES[engine]
  if (!spec)
    throw invalidValue(`Invalid DB engine: ${engine}; the sandbox simulates aurora-mysql and aurora-postgresql`)
  const globalId = params.string('GlobalClusterIdentifier')
  const sourceArn = params.string('ReplicationSourceIdentifier')
  if (globalId !== undefined && sourceArn !== undefined) {
    throw invalidCombination('GlobalClusterIdentifier and ReplicationSourceIdentifier cannot be combined')
  }
  let engineVersion = params.string('EngineVersion') ?? spec.defaultVersion
  const kmsKeyId = params.string('KmsKeyId')
  let storageEncrypted = params.boolean('StorageEncrypted') ?? kmsKeyId !== undefined
  let joins: GlobalClusterRecord | undefined
  const arn = clusterArn(context.region, world.account, id)
  const createdBy = now + scaled(world, DURATIONS.clusterCreate)

  if (globalId !== undefined) {
    const global = findGlobal(world, globalId)
    requireGlobalAvailable(global)
    if (global.engine !== engine) {
      throw invalidCombination(
        `The engine name requested for your DB cluster (${engine}) doesn't match the engine name of global cluster ${global.id} (${global.engine})`,
      )
    }
    const requested = params.string('EngineVersion')
    if (requested !== undefined && requested !== global.engineVersion) {
      throw invalidCombination(
        `The engine version requested for your DB cluster (${requested}) doesn't match the engine version of global cluster ${global.id} (${global.engineVersion})`,
      )
    }
    engineVersion = global.engineVersion
    const occupied = [...global.members.map((m) => m.clusterArn), ...global.pendingRejoins.map((p) => p.clusterArn)]
    if (occupied.some((memberArn) => regionOfArn(memberArn) === context.region)) {
      throw invalidValue(`Global cluster ${global.id} already has a DB cluster in ${context.region}`)
    }
    const secondary = global.members.length > 0
    if (secondary && global.storageEncrypted && kmsKeyId === undefined) {
      throw invalidCombination('For encrypted cross-region replica, kmsKeyId should be explicitly specified')
    }
    storageEncrypted ||= global.storageEncrypted
    joins = global
  }
  if (sourceArn !== undefined) {
    const source = clusterByArn(world, sourceArn)
    if (!source) throw clusterNotFound(sourceArn)
    if (source.engine !== engine) {
      throw invalidCombination(`The replica's engine (${engine}) must match the source cluster's (${source.engine})`)
    }
    if (source.storageEncrypted && kmsKeyId === undefined && source.region !== context.region) {
      throw invalidCombination('For encrypted cross-region replica, kmsKeyId should be explicitly specified')
    }
    storageEncrypted ||= source.storageEncrypted
  }

  const seed = nextSeed(world, `cluster:${context.region}:${id}`)
  const record: ClusterRecord = {
    id,
    region: context.region,
    arn,
    resourceId: `cluster-${upperId(seed, 26)}`,
    engine,
    engineVersion,
    status: 'creating',
    transition: {kind: 'create', until: createdBy},
    deletionProtection: params.boolean('DeletionProtection') ?? false,
    storageEncrypted,
    kmsKeyId,
    subnetGroup: params.string('DBSubnetGroupName') ?? 'default',
    securityGroupIds: params.list('VpcSecurityGroupIds'),
    parameterGroup: params.string('DBClusterParameterGroupName') ?? defaultParameterGroup(engine, engineVersion),
    replicationSourceArn: sourceArn,
    endpointHash: derivedId(seed, 12),
    port: params.integer('Port') ?? spec.port,
    databaseName: params.string('DatabaseName'),
    masterUsername: params.string('MasterUsername'),
    createdAt: now,
    tags: readTags(params),
  }
  world.rds.clusters.push(record)
  if (joins) {
    const primary = joins.members.length === 0
    joins.members.push({
      clusterArn: arn,
      isWriter: primary,
      roleSince: createdBy,
      resyncUntil: primary ? undefined : createdBy,
      writeForwarding: params.boolean('EnableGlobalWriteForwarding') ? 'enabled' : 'disabled',
    })
    joins.emptySince = undefined
  }
  return {DBCluster: renderCluster(context, record)}
}

const modifyDbCluster: QueryOperation = (context, params) => {
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  if (cluster.status === 'deleting') throw invalidClusterState(`DB cluster ${cluster.id} is being deleted`)
  if (params.has('NewDBClusterIdentifier')) {
    throw invalidValue('Renaming DB clusters is not simulated by the sandbox')
  }
  const deletionProtection = params.boolean('DeletionProtection')
  if (deletionProtection !== undefined) cluster.deletionProtection = deletionProtection
  const forwarding = params.boolean('EnableGlobalWriteForwarding')
  if (forwarding !== undefined) {
    const member = membershipOf(context.world, cluster.arn)?.member
    if (!member || member.isWriter) {
      throw invalidCombination('Global write forwarding can only be set on a secondary cluster of a global cluster')
    }
    member.writeForwarding = forwarding ? 'enabled' : 'disabled'
  }
  return {DBCluster: renderCluster(context, cluster)}
}

const deleteDbCluster: QueryOperation = (context, params) => {
  const {world, now} = context
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  const skip = params.boolean('SkipFinalSnapshot') ?? false
  const finalSnapshotId = params.string('FinalDBSnapshotIdentifier')
  if (cluster.deletionProtection) {
    throw invalidCombination('Cannot delete protected Cluster, please disable deletion protection and try again.')
  }
  const membership = membershipOf(world, cluster.arn)
  if (membership?.member && !membership.member.isWriter) {
    throw invalidClusterState('This cluster is a part of a global cluster, please remove it from globalcluster first')
  }
  if (membership?.member?.isWriter && membership.global.members.length > 1) {
    throw invalidGlobalState(
      'Unable to delete cluster that is a primary member of global cluster while there are other global cluster members',
    )
  }
  const instances = instancesOf(world, cluster)
  if (instances.some((instance) => instance.status !== 'deleting')) {
    throw invalidClusterState('Cluster cannot be deleted, it still contains DB instances in non-deleting state.')
  }
  if (cluster.status === 'deleting' || cluster.transition?.kind === 'final-snapshot') {
    throw invalidClusterState(`Cluster ${cluster.id} is already being deleted.`)
  }
  requireAvailable(cluster)
  if (!skip && finalSnapshotId === undefined) {
    throw invalidCombination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.')
  }
  if (skip && finalSnapshotId !== undefined) {
    throw invalidCombination(
      'FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot enabled.',
    )
  }
  // Instances still deleting hold the cluster until they are gone.
  const instancesGone = Math.max(now, ...instances.map((instance) => instance.transition?.until ?? now))
  if (finalSnapshotId !== undefined) {
    const snapshotId = checkedIdentifier(finalSnapshotId, 'FinalDBSnapshotIdentifier', RDS_SNAPSHOT_IDENTIFIER)
    requireNewSnapshotId(world, cluster.region, snapshotId)
    const until = Math.max(now + scaled(world, DURATIONS.finalSnapshot), instancesGone)
    world.rds.snapshots.push(newSnapshot(world, cluster, snapshotId, 'manual', now, until))
    cluster.transition = {kind: 'final-snapshot', until, snapshotId}
  } else {
    cluster.status = 'deleting'
    cluster.transition = {kind: 'delete', until: Math.max(now + scaled(world, DURATIONS.clusterDelete), instancesGone)}
  }
  return {DBCluster: renderCluster(context, cluster)}
}

const promoteReadReplicaDbCluster: QueryOperation = (context, params) => {
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  if (!cluster.replicationSourceArn) {
    throw invalidClusterState(`DB cluster ${cluster.id} is not a read replica.`)
  }
  requireAvailable(cluster)
  cluster.status = 'promoting'
  cluster.transition = {kind: 'replica-promote', until: context.now + scaled(context.world, DURATIONS.replicaPromote)}
  return {DBCluster: renderCluster(context, cluster)}
}

const failoverDbCluster: QueryOperation = (context, params) => {
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  requireAvailable(cluster)
  const member = membershipOf(context.world, cluster.arn)?.member
  if (member && !member.isWriter) {
    throw invalidClusterState(`DB cluster ${cluster.id} is a secondary cluster of a global cluster and has no writer`)
  }
  const targetId = params.string('TargetDBInstanceIdentifier')?.toLowerCase()
  const candidates = instancesOf(context.world, cluster).filter(
    (instance) => instance.status === 'available' && !instance.isWriter,
  )
  if (targetId !== undefined && !candidates.some((instance) => instance.id === targetId)) {
    throw invalidValue(`DB instance ${targetId} is not an available reader of cluster ${cluster.id}`)
  }
  if (candidates.length === 0) throw invalidClusterState(`DB cluster ${cluster.id} has no reader to fail over to`)
  cluster.status = 'failing-over'
  cluster.transition = {
    kind: 'failover',
    until: context.now + scaled(context.world, DURATIONS.clusterFailover),
    targetInstanceId: targetId,
  }
  return {DBCluster: renderCluster(context, cluster)}
}

// ---- Instances -------------------------------------------------------------------------------------------------------

const describeDbInstances: QueryOperation = (context, params) => {
  const id = params.string('DBInstanceIdentifier')
  let list = context.world.rds.instances.filter((instance) => instance.region === context.region)
  if (id !== undefined) list = [findInstance(context, id)]
  const byFilter = filters(params, ['db-cluster-id', 'db-instance-id', 'dbi-resource-id', 'engine', 'domain'])
  const clusterIds = byFilter.get('db-cluster-id')
  if (clusterIds) {
    list = list.filter((instance) => ownerMatches(context.world, instance, clusterIds))
  }
  const instanceIds = byFilter.get('db-instance-id')
  if (instanceIds) {
    list = list.filter((instance) =>
      instanceIds.some((value) => value.toLowerCase() === instance.id || value === instance.arn),
    )
  }
  const resourceIds = byFilter.get('dbi-resource-id')
  if (resourceIds) list = list.filter((instance) => resourceIds.includes(instance.resourceId))
  const engines = byFilter.get('engine')
  if (engines) list = list.filter((instance) => engines.includes(instance.engine))
  if (byFilter.has('domain')) list = []
  const {items, marker} = paged(params, list)
  return {
    Marker: marker,
    DBInstances: xmlList(
      'DBInstance',
      items.map((instance) => renderInstance(context, instance)),
    ),
  }
}

/** Whether a new instance of `cluster` becomes its writer: only where the cluster has a writer role at all. */
function takesWriterRole(world: World, cluster: ClusterRecord): boolean {
  const member = membershipOf(world, cluster.arn)?.member
  if (member && !member.isWriter) return false
  if (cluster.status === 'promoting') return false
  return !instancesOf(world, cluster).some((instance) => instance.isWriter)
}

const createDbInstance: QueryOperation = (context, params) => {
  const {world, now} = context
  const id = identifier(params, 'DBInstanceIdentifier')
  if (world.rds.instances.some((instance) => instance.region === context.region && instance.id === id)) {
    throw new ApiError('DBInstanceAlreadyExists', 'DB instance already exists')
  }
  const instanceClass = params.required('DBInstanceClass')
  const engine = params.required('Engine')
  if (params.boolean('DeletionProtection')) {
    throw invalidCombination(
      'Deletion Protection can only be applied on the Cluster level for Aurora instances. Please enable it on the Cluster.',
    )
  }
  const clusterId = params.string('DBClusterIdentifier')
  if (clusterId === undefined) {
    throw invalidValue(`DBClusterIdentifier is required for ${engine} instances`)
  }
  const cluster = findCluster(context, clusterId)
  if (cluster.engine !== engine) {
    throw invalidCombination(
      `The engine name requested for your DB instance (${engine}) doesn't match the engine name of your DB cluster (${cluster.engine}).`,
    )
  }
  if (cluster.status === 'deleting' || cluster.transition?.kind === 'final-snapshot') {
    throw invalidClusterState(`DB cluster ${cluster.id} is being deleted`)
  }
  const siblings = instancesOf(world, cluster)
  const seed = nextSeed(world, `instance:${context.region}:${id}`)
  const record: InstanceRecord = {
    id,
    region: context.region,
    arn: instanceArn(context.region, world.account, id),
    resourceId: `db-${upperId(seed, 26)}`,
    clusterId: cluster.id,
    instanceClass,
    engine,
    engineVersion: cluster.engineVersion,
    status: 'creating',
    transition: {kind: 'create', until: now + scaled(world, DURATIONS.instanceCreate)},
    isWriter: takesWriterRole(world, cluster),
    parameterGroup: params.string('DBParameterGroupName') ?? defaultParameterGroup(engine, cluster.engineVersion),
    availabilityZone: params.string('AvailabilityZone') ?? `${context.region}${'abc'[siblings.length % 3]}`,
    promotionTier: params.integer('PromotionTier') ?? 1,
    createdAt: now,
  }
  world.rds.instances.push(record)
  return {DBInstance: renderInstance(context, record)}
}

const deleteDbInstance: QueryOperation = (context, params) => {
  const {world, now} = context
  const instance = findInstance(context, params.required('DBInstanceIdentifier'))
  if (params.has('FinalDBSnapshotIdentifier')) {
    throw invalidCombination('FinalDBSnapshotIdentifier cannot be specified when deleting a cluster instance')
  }
  if (instance.status === 'deleting') {
    throw new ApiError('InvalidDBInstanceState', `Instance ${instance.id} is already being deleted.`)
  }
  const cluster = clusterOf(world, instance)
  if (cluster?.replicationSourceArn) {
    const remaining = instancesOf(world, cluster).filter((other) => other.status !== 'deleting')
    if (remaining.length === 1) {
      throw invalidClusterState(
        'Cannot delete the last instance of the read replica DB cluster. Promote the DB cluster to a standalone DB cluster in order to delete it.',
      )
    }
  }
  instance.status = 'deleting'
  instance.transition = {kind: 'delete', until: now + scaled(world, DURATIONS.instanceDelete)}
  if (instance.isWriter && cluster) {
    instance.isWriter = false
    promoteAnotherWriter(world, cluster)
  }
  return {DBInstance: renderInstance(context, instance)}
}

// ---- Snapshots -------------------------------------------------------------------------------------------------------

const describeDbClusterSnapshots: QueryOperation = (context, params) => {
  const world = context.world
  let list = snapshotsIn(world, context.region)
  const clusterId = params.string('DBClusterIdentifier')
  if (clusterId !== undefined) {
    list = list.filter((snapshot) => ownerMatches(world, snapshot, [clusterId]))
  }
  const snapshotId = params.string('DBClusterSnapshotIdentifier')
  if (snapshotId !== undefined) {
    list = list.filter((snapshot) => snapshot.id === snapshotId.toLowerCase() || snapshot.arn === snapshotId)
    if (list.length === 0) throw snapshotNotFound(snapshotId)
  }
  const type = params.string('SnapshotType')
  if (type !== undefined) list = list.filter((snapshot) => snapshot.type === type)
  const byFilter = filters(params, ['db-cluster-id', 'db-cluster-snapshot-id', 'snapshot-type', 'engine'])
  const ids = byFilter.get('db-cluster-id')
  if (ids) {
    list = list.filter((snapshot) => ownerMatches(world, snapshot, ids))
  }
  const snapshotIds = byFilter.get('db-cluster-snapshot-id')
  if (snapshotIds) list = list.filter((snapshot) => snapshotIds.some((v) => v === snapshot.id || v === snapshot.arn))
  const types = byFilter.get('snapshot-type')
  if (types) list = list.filter((snapshot) => types.includes(snapshot.type))
  const engines = byFilter.get('engine')
  if (engines) list = list.filter((snapshot) => engines.includes(snapshot.engine))
  const {items, marker} = paged(params, list)
  return {Marker: marker, DBClusterSnapshots: xmlList('DBClusterSnapshot', items.map(renderSnapshot))}
}

const createDbClusterSnapshot: QueryOperation = (context, params) => {
  const {world, now} = context
  const snapshotId = identifier(params, 'DBClusterSnapshotIdentifier', RDS_SNAPSHOT_IDENTIFIER)
  const cluster = findCluster(context, params.required('DBClusterIdentifier'))
  requireNewSnapshotId(world, cluster.region, snapshotId)
  requireAvailable(cluster)
  const snapshot = newSnapshot(world, cluster, snapshotId, 'manual', now, now + scaled(world, DURATIONS.snapshotCreate))
  snapshot.tags = readTags(params)
  world.rds.snapshots.push(snapshot)
  return {DBClusterSnapshot: renderSnapshot(snapshot)}
}

const copyDbClusterSnapshot: QueryOperation = (context, params) => {
  const {world, now} = context
  const sourceId = params.required('SourceDBClusterSnapshotIdentifier')
  const targetId = identifier(params, 'TargetDBClusterSnapshotIdentifier', RDS_SNAPSHOT_IDENTIFIER)
  const source = isArn(sourceId)
    ? world.rds.snapshots.find((snapshot) => snapshot.arn === sourceId)
    : snapshotsIn(world, context.region).find((snapshot) => snapshot.id === sourceId.toLowerCase())
  if (!source) throw snapshotNotFound(sourceId)
  if (source.status !== 'available') {
    throw new ApiError('InvalidDBClusterSnapshotStateFault', `Snapshot ${source.id} is in ${source.status} state`)
  }
  requireNewSnapshotId(world, context.region, targetId)
  const kmsKeyId = params.string('KmsKeyId')
  const crossRegion = source.region !== context.region
  if (crossRegion && source.storageEncrypted && kmsKeyId === undefined) {
    throw invalidValue('KmsKeyId must be specified to copy an encrypted snapshot to another Region')
  }
  const copy: SnapshotRecord = {
    ...source,
    id: targetId,
    region: context.region,
    arn: clusterSnapshotArn(context.region, world.account, targetId),
    type: 'manual',
    status: 'copying',
    availableAt: now + scaled(world, DURATIONS.snapshotCopy),
    createdAt: now,
    kmsKeyId: kmsKeyId ?? source.kmsKeyId,
    sourceArn: source.arn,
    tags: params.boolean('CopyTags') ? [...source.tags, ...readTags(params)] : readTags(params),
  }
  world.rds.snapshots.push(copy)
  return {DBClusterSnapshot: renderSnapshot(copy)}
}

/** Tags a cluster (the only resource drctl tags); a key already present takes the new value. */
const addTagsToResource: QueryOperation = (context, params) => {
  const resource = params.required('ResourceName')
  if (parseClusterArn(resource) === undefined) {
    throw invalidValue(`The sandbox tags DB clusters only, by ARN; got ${resource}`)
  }
  const cluster = findCluster(context, resource)
  for (const tag of readTags(params)) {
    cluster.tags = [...cluster.tags.filter((existing) => existing.Key !== tag.Key), tag]
  }
  return {}
}

export const rdsService: QueryService = {
  protocol: 'query',
  namespace: 'http://rds.amazonaws.com/doc/2014-10-31/',
  operations: {
    DescribeGlobalClusters: describeGlobalClusters,
    SwitchoverGlobalCluster: switchoverGlobalCluster,
    FailoverGlobalCluster: failoverGlobalCluster,
    RemoveFromGlobalCluster: removeFromGlobalCluster,
    ModifyGlobalCluster: modifyGlobalCluster,
    CreateGlobalCluster: createGlobalCluster,
    DeleteGlobalCluster: deleteGlobalCluster,
    DescribeDBClusters: describeDbClusters,
    CreateDBCluster: createDbCluster,
    ModifyDBCluster: modifyDbCluster,
    DeleteDBCluster: deleteDbCluster,
    PromoteReadReplicaDBCluster: promoteReadReplicaDbCluster,
    FailoverDBCluster: failoverDbCluster,
    DescribeDBInstances: describeDbInstances,
    CreateDBInstance: createDbInstance,
    DeleteDBInstance: deleteDbInstance,
    DescribeDBClusterSnapshots: describeDbClusterSnapshots,
    CreateDBClusterSnapshot: createDbClusterSnapshot,
    CopyDBClusterSnapshot: copyDbClusterSnapshot,
    AddTagsToResource: addTagsToResource,
  },
}
