import {actionStatus, experimentStatus} from './experiments.js'
import {arcEndpointMode, type DescribedFault, describedFault} from './faults.js'
import {globalClusterArn, regionOfArn} from './ids.js'
import {writerRegion} from './replication-lag.js'
import {type EcsClusterView, viewEcs} from './services/ecs.js'
import {type LambdaFunctionView, viewLambda} from './services/lambda.js'
import {type ProxyView, viewProxies} from './services/rds/proxies.js'
import {cloudfrontView, type CloudFrontView} from './services/cloudfront/view.js'
import {tableStatus} from './services/dynamodb/index.js'
import {globalAcceleratorView, type GlobalAcceleratorView} from './services/globalaccelerator/view.js'
import {
  failoverStateOf,
  globalStatus,
  instancesOf,
  secondaryLagMs,
  snapshotsIn,
  synchronizationStatus,
} from './services/rds/records.js'
import {membershipOf, type World} from './world.js'
import {route53View, type Route53View} from './services/route53/view.js'

/** The whole world as `drctl sandbox show --json` prints it: every resource by service and Region. */
export interface WorldView {
  scenario: string
  timeScale: number
  account: string
  regions: string[]
  now: string
  faults: DescribedFault[]
  history: {at: string; event: string; summary: string; dataLossMs?: number}[]
  rds: {
    globalClusters: GlobalClusterView[]
    regions: Record<
      string,
      {clusters: ClusterView[]; instances: InstanceView[]; snapshots: SnapshotView[]; proxies: ProxyView[]}
    >
  }
  dynamodb: {regions: Record<string, {tables: TableView[]}>}
  arc: {
    clusters: {arn: string; name: string; status: string; endpoints: {region: string; url: string; state: string}[]}[]
    controlPanels: {arn: string; name: string; default: boolean}[]
    routingControls: {arn: string; name: string; controlPanelArn: string; state: string}[]
    safetyRules: {
      arn: string
      name: string
      type: string
      controls: string[]
      gatingControls?: string[]
      rule: string
    }[]
  }
  fis: {regions: Record<string, {templates: TemplateView[]; experiments: ExperimentView[]}>}
  cloudformation: {regions: Record<string, {stacks: StackView[]}>}
  ssm: {regions: Record<string, {parameters: ParameterView[]}>}
  ecs: {regions: Record<string, {clusters: EcsClusterView[]}>}
  lambda: {regions: Record<string, {functions: LambdaFunctionView[]}>}
  route53: Route53View
  cloudfront: CloudFrontView
  globalaccelerator: GlobalAcceleratorView
}

export interface GlobalClusterView {
  id: string
  arn: string
  status: string
  engine: string
  engineVersion: string
  deletionProtection: boolean
  writerRegion?: string
  members: {
    clusterId: string
    clusterArn: string
    region: string
    role: 'writer' | 'secondary'
    synchronization: string
    leaving: boolean
    lagMs?: number
  }[]
  failoverState?: {status: string; from: string; to: string; dataLossAllowed: boolean}
  awaitingRejoin: string[]
}

export interface ClusterView {
  id: string
  arn: string
  status: string
  engine: string
  engineVersion: string
  deletionProtection: boolean
  globalCluster?: string
  role: 'writer' | 'secondary' | 'standalone' | 'replica'
  replicationSource?: string
  instances: {id: string; writer: boolean}[]
}

export interface InstanceView {
  id: string
  cluster: string
  instanceClass: string
  status: string
  writer: boolean
}

export interface SnapshotView {
  id: string
  cluster: string
  type: string
  status: string
  createdAt: string
}

export interface TableView {
  name: string
  status: string
  deletionProtection: boolean
  replicas: {region: string; status: string}[]
}

export interface TemplateView {
  id: string
  name?: string
  description: string
  tags: Record<string, string>
  stopConditions: string[]
  actions: string[]
}

export interface ExperimentView {
  id: string
  templateId: string
  status: string
  createdAt: string
  actions: {name: string; actionId: string; status: string}[]
}

export interface StackView {
  name: string
  id: string
  status: string
  statusReason?: string
  failedResources: {logicalId: string; type: string; reason?: string}[]
}

/** A Parameter Store parameter, without its value (it may be a secret). */
export interface ParameterView {
  name: string
  type: string
  version: number
  lastModified: string
}

const iso = (ms: number) => new Date(ms).toISOString()

function regionsOf(world: World): string[] {
  const seen = new Set(world.regions)
  for (const cluster of world.rds.clusters) seen.add(cluster.region)
  for (const table of world.dynamodb.tables) for (const replica of table.replicas) seen.add(replica.region)
  for (const template of world.fis.templates) seen.add(template.region)
  for (const stack of world.cloudformation.stacks) seen.add(stack.region)
  for (const parameter of world.ssm.parameters) seen.add(parameter.region)
  for (const cluster of world.ecs.clusters) seen.add(cluster.region)
  for (const fn of world.lambda.functions) seen.add(fn.region)
  for (const proxy of world.rds.proxies) seen.add(proxy.region)
  return [...seen]
}

export function viewWorld(world: World, now: number): WorldView {
  const regions = regionsOf(world)
  const byRegion = <T>(make: (region: string) => T): Record<string, T> =>
    Object.fromEntries(regions.map((region) => [region, make(region)]))
  return {
    scenario: world.scenario,
    timeScale: world.timeScale,
    account: world.account,
    regions: world.regions,
    now: iso(now),
    faults: world.faults.map(describedFault),
    history: world.history.map((entry) => ({...entry, at: iso(entry.at)})),
    rds: {
      globalClusters: world.rds.globalClusters.map((global) => {
        const state = failoverStateOf(global, now)
        return {
          id: global.id,
          arn: globalClusterArn(world.account, global.id),
          status: globalStatus(global),
          engine: global.engine,
          engineVersion: global.engineVersion,
          deletionProtection: global.deletionProtection,
          writerRegion: writerRegion(global),
          members: global.members.map((member) => ({
            clusterId: member.clusterArn.split(':').pop() ?? '',
            clusterArn: member.clusterArn,
            region: regionOfArn(member.clusterArn),
            role: member.isWriter ? ('writer' as const) : ('secondary' as const),
            synchronization: synchronizationStatus(member, now),
            leaving: member.leavingAt !== undefined,
            lagMs: secondaryLagMs(world, global, member.clusterArn, now),
          })),
          failoverState: state && {
            status: state.Status,
            from: state.FromDbClusterArn,
            to: state.ToDbClusterArn,
            dataLossAllowed: state.IsDataLossAllowed,
          },
          awaitingRejoin: global.pendingRejoins.map((pending) => pending.clusterArn),
        }
      }),
      regions: byRegion((region) => ({
        clusters: world.rds.clusters
          .filter((cluster) => cluster.region === region)
          .map((cluster) => {
            const membership = membershipOf(world, cluster.arn)
            const role: ClusterView['role'] = membership?.member
              ? membership.member.isWriter
                ? 'writer'
                : 'secondary'
              : cluster.replicationSourceArn
                ? 'replica'
                : 'standalone'
            return {
              id: cluster.id,
              arn: cluster.arn,
              status: cluster.status,
              engine: cluster.engine,
              engineVersion: cluster.engineVersion,
              deletionProtection: cluster.deletionProtection,
              globalCluster: membership?.global.id,
              role,
              replicationSource: cluster.replicationSourceArn,
              instances: instancesOf(world, cluster).map((instance) => ({id: instance.id, writer: instance.isWriter})),
            }
          }),
        instances: world.rds.instances
          .filter((instance) => instance.region === region)
          .map((instance) => ({
            id: instance.id,
            cluster: instance.clusterId,
            instanceClass: instance.instanceClass,
            status: instance.status,
            writer: instance.isWriter,
          })),
        snapshots: snapshotsIn(world, region).map((snapshot) => ({
          id: snapshot.id,
          cluster: snapshot.clusterId,
          type: snapshot.type,
          status: snapshot.status,
          createdAt: iso(snapshot.createdAt),
        })),
        proxies: viewProxies(world, region, now),
      })),
    },
    dynamodb: {
      regions: byRegion((region) => ({
        tables: world.dynamodb.tables.flatMap((table) => {
          const local = table.replicas.find((replica) => replica.region === region)
          if (!local) return []
          return [
            {
              name: table.name,
              status: tableStatus(table, local),
              deletionProtection: local.deletionProtection,
              replicas: table.replicas.map((replica) => ({region: replica.region, status: replica.status})),
            },
          ]
        }),
      })),
    },
    arc: {
      clusters: world.arc.clusters.map((cluster) => ({
        arn: cluster.arn,
        name: cluster.name,
        status: cluster.status,
        endpoints: cluster.endpoints.map((endpoint, index) => ({
          region: endpoint.region,
          url: endpoint.url,
          state: arcEndpointMode(world, index + 1) ?? 'up',
        })),
      })),
      controlPanels: world.arc.controlPanels.map((panel) => ({
        arn: panel.arn,
        name: panel.name,
        default: panel.isDefault,
      })),
      routingControls: world.arc.routingControls.map((control) => ({
        arn: control.arn,
        name: control.name,
        controlPanelArn: control.controlPanelArn,
        state: control.state,
      })),
      safetyRules: world.arc.safetyRules.map((rule) => ({
        arn: rule.arn,
        name: rule.name,
        type: rule.type,
        controls: rule.type === 'ASSERTION' ? rule.assertedControls : rule.targetControls,
        ...(rule.type === 'GATING' ? {gatingControls: rule.gatingControls} : {}),
        rule: `${rule.ruleConfig.Inverted ? 'NOT ' : ''}${rule.ruleConfig.Type}${rule.ruleConfig.Type === 'ATLEAST' ? ` ${rule.ruleConfig.Threshold}` : ''}`,
      })),
    },
    fis: {
      regions: byRegion((region) => ({
        templates: world.fis.templates
          .filter((template) => template.region === region)
          .map((template) => ({
            id: template.id,
            name: template.tags.Name,
            description: template.description,
            tags: template.tags,
            stopConditions: template.stopConditions.map((condition) =>
              condition.value ? `${condition.source} ${condition.value}` : condition.source,
            ),
            actions: Object.values(template.actions).map((action) => action.actionId),
          })),
        experiments: world.fis.experiments
          .filter((experiment) => experiment.region === region)
          .map((experiment) => ({
            id: experiment.id,
            templateId: experiment.templateId,
            status: experimentStatus(experiment, now).status,
            createdAt: iso(experiment.createdAt),
            actions: Object.entries(experiment.actions).map(([name, action]) => ({
              name,
              actionId: action.actionId,
              status: actionStatus(experiment, action, now).status,
            })),
          })),
      })),
    },
    cloudformation: {
      regions: byRegion((region) => ({
        stacks: world.cloudformation.stacks
          .filter((stack) => stack.region === region && stack.deletedAt === undefined)
          .map((stack) => ({
            name: stack.name,
            id: stack.id,
            status: stack.status,
            statusReason: stack.statusReason,
            failedResources: stack.resources
              .filter((resource) => resource.status.endsWith('_FAILED'))
              .map((resource) => ({logicalId: resource.logicalId, type: resource.type, reason: resource.reason})),
          })),
      })),
    },
    ssm: {
      regions: byRegion((region) => ({
        parameters: world.ssm.parameters
          .filter((parameter) => parameter.region === region)
          .map((parameter) => ({
            name: parameter.name,
            type: parameter.type,
            version: parameter.version,
            lastModified: iso(parameter.lastModified),
          })),
      })),
    },
    ecs: {regions: byRegion((region) => ({clusters: viewEcs(world, region)}))},
    lambda: {regions: byRegion((region) => ({functions: viewLambda(world, region)}))},
    route53: route53View(world, now),
    cloudfront: cloudfrontView(world, now),
    globalaccelerator: globalAcceleratorView(world, now),
  }
}
