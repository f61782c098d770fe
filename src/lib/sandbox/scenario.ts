import {stringify} from 'yaml'

import {clusterArn, derivedId, hexId, instanceArn, kmsKeyArn, upperId, uuidFrom} from './ids.js'
import {
  type ClusterRecord,
  databaseSecretArn,
  emptyLaterSlices,
  type GlobalClusterRecord,
  type InstanceRecord,
  SANDBOX_ACCOUNT,
  WORLD_VERSION,
  type World,
} from './world.js'
import {APP_SHAPES, appShapeSteps, isAppShape, seedAppShape} from './scenarios/app-shapes.js'
import {addArc} from './scenarios/arc.js'
import {fisTemplates} from './scenarios/fis-templates.js'
import {regionSuffix, TOPOLOGY_NAME} from './scenarios/naming.js'
import {appStack, stackName} from './scenarios/stacks.js'
import {isStatusWorld, seedStatusWorld, STATUS_WORLDS} from './scenarios/status-worlds.js'

/** Every scenario a sandbox world is built from: the base topologies, then the shapes scenarios/ adds to them. */
export const SCENARIOS = ['two-region', 'three-region', 'scale', ...APP_SHAPES, ...STATUS_WORLDS] as const
export type ScenarioName = (typeof SCENARIOS)[number]
export const DEFAULT_SCENARIO: ScenarioName = 'two-region'

/** The size of the `scale` scenario: many PostgreSQL global clusters across the Regions given. */
export interface ScenarioSize {
  globalClusters: number
  regions: string[]
}

const STANDARD_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1']
export const SCALE_LIMITS = {
  globalClusters: {min: 1, max: 500, default: 100},
  regions: {min: 2, max: 5, default: STANDARD_REGIONS},
}

function scenarioRegions(scenario: ScenarioName, size: ScenarioSize): string[] {
  if (scenario === 'scale') return size.regions
  return STANDARD_REGIONS.slice(0, scenario === 'three-region' ? 3 : 2)
}

/** Global clusters orders-001-global, orders-002-global, …: each like orders-global. */
function scaleAurora(count: number): AuroraSpec[] {
  const [orders] = AURORA as [AuroraSpec]
  return Array.from({length: count}, (_, index) => {
    const prefix = `orders-${String(index + 1).padStart(3, '0')}`
    return {...orders, globalId: `${prefix}-global`, prefix}
  })
}
export function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name)
}

interface AuroraSpec {
  globalId: string
  prefix: string
  engine: string
  engineVersion: string
  parameterFamily: string
  port: number
  databaseName: string
}

const AURORA: AuroraSpec[] = [
  {
    globalId: 'orders-global',
    prefix: 'orders',
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    parameterFamily: 'aurora-postgresql15',
    port: 5432,
    databaseName: 'orders',
  },
  {
    globalId: 'catalog-global',
    prefix: 'catalog',
    engine: 'aurora-mysql',
    // Below 3.04: this engine version publishes no AuroraGlobalDBRPOLag (aws-reference §2.12).
    engineVersion: '8.0.mysql_aurora.3.02.0',
    parameterFamily: 'aurora-mysql8.0',
    port: 3306,
    databaseName: 'catalog',
  },
]

/** Builds the world of a scenario at time `now` (resources were created a month earlier). */
export function buildWorld(
  scenario: ScenarioName,
  timeScale: number,
  now: number,
  size: ScenarioSize = {globalClusters: SCALE_LIMITS.globalClusters.default, regions: SCALE_LIMITS.regions.default},
): World {
  const account = SANDBOX_ACCOUNT
  const regions = scenarioRegions(scenario, size)
  const primary = regions[0] as string
  const createdAt = now - 30 * 24 * 3600 * 1000
  const world: World = {
    version: WORLD_VERSION,
    scenario,
    account,
    timeScale,
    createdAt: now,
    regions,
    sequence: 0,
    rds: {globalClusters: [], clusters: [], instances: [], snapshots: [], proxies: []},
    dynamodb: {tables: []},
    arc: {clusters: [], controlPanels: [], routingControls: [], safetyRules: []},
    fis: {templates: [], experiments: []},
    cloudformation: {stacks: []},
    ...emptyLaterSlices(),
    faults: [],
    history: [{at: now, event: 'reset', summary: `world created from scenario ${scenario}`}],
  }

  const cluster = (spec: AuroraSpec, region: string, id: string): ClusterRecord => ({
    id,
    region,
    arn: clusterArn(region, account, id),
    resourceId: `cluster-${upperId(`${account}:${region}:${id}`, 26)}`,
    engine: spec.engine,
    engineVersion: spec.engineVersion,
    status: 'available',
    deletionProtection: false,
    storageEncrypted: true,
    kmsKeyId: kmsKeyArn(region, account),
    subnetGroup: `${TOPOLOGY_NAME}-db-subnets`,
    securityGroupIds: [`sg-${hexId(`${account}:${region}:${spec.prefix}:sg`, 17)}`],
    parameterGroup: `default.${spec.parameterFamily}`,
    port: spec.port,
    databaseName: region === primary ? spec.databaseName : undefined,
    masterUsername: region === primary ? 'dbadmin' : undefined,
    createdAt,
    // CloudFormation tags what it creates with its stack's name: how `config init --discover` finds the stacks.
    tags: [
      {Key: 'Topology', Value: TOPOLOGY_NAME},
      {Key: 'aws:cloudformation:stack-name', Value: stackName(region)},
    ],
  })
  const instance = (
    spec: AuroraSpec,
    owner: ClusterRecord,
    id: string,
    isWriter: boolean,
    zone: string,
  ): InstanceRecord => ({
    id,
    region: owner.region,
    arn: instanceArn(owner.region, account, id),
    resourceId: `db-${upperId(`${account}:${owner.region}:${id}`, 26)}`,
    clusterId: owner.id,
    instanceClass: 'db.r6g.large',
    engine: spec.engine,
    engineVersion: spec.engineVersion,
    status: 'available',
    isWriter,
    parameterGroup: `default.${spec.parameterFamily}`,
    availabilityZone: `${owner.region}${zone}`,
    promotionTier: 1,
    createdAt,
  })

  for (const spec of scenario === 'scale' ? scaleAurora(size.globalClusters) : AURORA) {
    const global: GlobalClusterRecord = {
      id: spec.globalId,
      resourceId: `cluster-${upperId(`${account}:global:${spec.globalId}`, 26).toLowerCase()}`,
      engine: spec.engine,
      engineVersion: spec.engineVersion,
      status: 'available',
      deletionProtection: false,
      storageEncrypted: true,
      databaseName: spec.databaseName,
      endpointHash: derivedId(`${account}:global:${spec.globalId}`, 12),
      createdAt,
      members: [],
      pendingRejoins: [],
      tags: [{Key: 'Topology', Value: TOPOLOGY_NAME}],
    }
    for (const region of regions) {
      const member = cluster(spec, region, `${spec.prefix}-${regionSuffix(region)}`)
      world.rds.clusters.push(member)
      const isPrimary = region === primary
      world.rds.instances.push(instance(spec, member, `${member.id}-a`, isPrimary, 'a'))
      if (isPrimary) world.rds.instances.push(instance(spec, member, `${member.id}-b`, false, 'b'))
      global.members.push({
        clusterArn: member.arn,
        isWriter: isPrimary,
        roleSince: createdAt,
        writeForwarding: 'disabled',
      })
    }
    world.rds.globalClusters.push(global)
  }
  if (scenario === 'three-region') {
    const spec = AURORA[1] as AuroraSpec
    const replica = cluster(spec, 'eu-west-1', 'reports-euw1')
    replica.replicationSourceArn = clusterArn(primary, account, `${spec.prefix}-${regionSuffix(primary)}`)
    world.rds.clusters.push(replica)
    world.rds.instances.push(instance(spec, replica, 'reports-euw1-a', true, 'a'))
  }

  world.dynamodb.tables.push({
    name: 'carts',
    tableId: uuidFrom(`${account}:table:carts`),
    createdAt,
    hashKey: 'cartId',
    replicas: regions.map((region) => ({region, status: 'ACTIVE', deletionProtection: false, createdAt})),
  })

  addArc(world, regions, now)
  world.fis.templates.push(...fisTemplates(account, primary, regions, createdAt))
  for (const region of regions) world.cloudformation.stacks.push(appStack(account, region, createdAt))
  if (isAppShape(scenario)) seedAppShape(world, scenario, createdAt)
  if (isStatusWorld(scenario)) seedStatusWorld(world, scenario)
  return world
}

/** The scenario's drctl.yaml: a complete topology file for this world (validated by drctl's own schema in tests). */
export function scenarioConfig(world: World): string {
  const arc = world.arc.clusters[0]
  const panel = world.arc.controlPanels.find((candidate) => !candidate.isDefault)
  const controls = world.arc.routingControls.filter((control) => control.controlPanelArn === panel?.arn)
  const regionOfControl = (name: string) => name.replace(`${TOPOLOGY_NAME}-`, '')
  const config = {
    version: 1,
    name: TOPOLOGY_NAME,
    account: world.account,
    regions: world.regions,
    aurora: {
      globalClusters: world.rds.globalClusters.map((global) => global.id),
      replicas: world.rds.clusters
        .filter((cluster) => cluster.replicationSourceArn)
        .map((cluster) => ({cluster: cluster.id, region: cluster.region})),
    },
    dynamodb: {tables: world.dynamodb.tables.map((table) => table.name)},
    arc: arc && {
      clusterArn: arc.arn,
      controlPanelArn: panel?.arn,
      endpoints: arc.endpoints,
      routingControls: Object.fromEntries(controls.map((control) => [regionOfControl(control.name), control.arn])),
      safetyRules: world.arc.safetyRules
        .filter((rule) => rule.controlPanelArn === panel?.arn)
        .map((rule) => ({
          arn: rule.arn,
          name: rule.name,
          type: rule.type,
          ...(rule.type === 'ASSERTION'
            ? {assertedControls: rule.assertedControls}
            : {gatingControls: rule.gatingControls, targetControls: rule.targetControls}),
          ruleConfig: {
            type: rule.ruleConfig.Type,
            threshold: rule.ruleConfig.Threshold,
            inverted: rule.ruleConfig.Inverted,
          },
          waitPeriodMs: rule.waitPeriodMs,
        })),
    },
    fis: {region: world.regions[0], templateTags: {Env: 'sandbox'}},
    stacks: Object.fromEntries(
      world.regions.map((region) => [
        region,
        world.cloudformation.stacks.filter((stack) => stack.region === region).map((stack) => stack.name),
      ]),
    ),
    gates: {maxReplicationLagMs: 5000},
    failover: {order: 'db-first'},
    // A local simulator answers in milliseconds: short timeouts make outage rehearsals quick. An ARC endpoint still
    // gets 3 s: a status run queues its ~20 reads on the one world file, which a loaded machine makes slow.
    aws: {callTimeoutMs: 10000, connectTimeoutMs: 1000, arcEndpointTimeoutMs: 3000, maxAttempts: 3},
    ...(isAppShape(world.scenario) ? {steps: appShapeSteps(world, world.scenario)} : {}),
    // The table `drctl sandbox workload` writes: what `drctl reconcile` compares after an unplanned failover.
    ...(world.rds.globalClusters.length > 0
      ? {
          reconcile: {
            secretArn: databaseSecretArn(world.regions[0] as string),
            tables: [{name: 'orders', key: ['id'], updatedAt: 'updated_at'}],
          },
        }
      : {}),
  }
  const header = [
    `# Generated by \`drctl sandbox reset\` (scenario ${world.scenario}): the topology of the sandbox world.`,
    '# drctl uses it with --sandbox when no --config is given. Regenerated by every reset; edits are lost.',
  ]
  return `${header.join('\n')}\n${stringify(config, {lineWidth: 0})}`
}
