import {AwsCallError} from '../../src/lib/aws/errors.js'
import {CONTROL_PLANE_REGIONS} from '../../src/lib/aws/control-planes.js'
import type {AwsCallObserver} from '../../src/lib/aws/invoke.js'
import {bareId, dnsName} from '../../src/lib/aws/route53.js'
import type {
  Accelerator,
  AlarmState,
  Answered,
  ArcCluster,
  ArcDataPort,
  ArcEndpoint,
  AwsPorts,
  CallerIdentity,
  DataApiTarget,
  ControlPanel,
  DbCluster,
  DbClusterSnapshot,
  DbInstance,
  Distribution,
  EndpointGroup,
  EcsDeployment,
  Experiment,
  ExperimentSummary,
  ExperimentTemplate,
  GlobalCluster,
  LambdaInvocation,
  KeyAttribute,
  MetricPoint,
  RecordSet,
  Mutation,
  RoutingControl,
  ProxyTarget,
  ProxyTargetHealth,
  RoutingControlState,
  SafetyRule,
  SqlParameter,
  SsmParameter,
  Stack,
  StatementResult,
  Table,
} from '../../src/lib/aws/ports.js'
import {FakeItemTables} from './dynamodb-items.js'
import {FakeBuckets} from './s3-buckets.js'
import {ACCOUNT} from './topology.js'

export interface FakeCall {
  service: string
  region: string
  operation: string
  mutating: boolean
  args: unknown[]
}

/** State of the in-memory AWS; tests set it up directly. */
export interface FakeState {
  identity: CallerIdentity
  globals: GlobalCluster[]
  clusters: DbCluster[]
  instances: (DbInstance & {region: string})[]
  snapshots: (DbClusterSnapshot & {region: string})[]
  tables: Table[]
  /** Metric datapoints by region → query key (`metric|dim=value,...`). */
  metrics: Record<string, Record<string, MetricPoint>>
  routing: RoutingControlState[]
  safetyRules: SafetyRule[]
  templates: (ExperimentTemplate & {region: string})[]
  experiments: (Experiment & {region: string})[]
  /** CloudWatch alarms by Region (the stop conditions of FIS templates); absent: none exist. */
  alarms?: Record<string, AlarmState[]>
  stacks: (Stack & {region: string})[]
  arcEndpoints: ArcEndpoint[]
  /** The ARC control plane's clusters, panels and routing controls; absent: one cluster with no panels. */
  arcControlPlane?: {
    clusters: ArcCluster[]
    panels: (ControlPanel & {clusterArn: string})[]
    controls: RoutingControl[]
  }
  /** DynamoDB table tags by table ARN (one ARN per Region's replica). */
  tableTags?: Record<string, Record<string, string>>
  /** SSM parameters by Region → name. */
  parameters?: Record<string, Record<string, SsmParameter>>
  /** Route 53 record sets by hosted zone id (without /hostedzone/); a zone that is not listed does not exist. */
  hostedZones?: Record<string, RecordSet[]>
  distributions?: Distribution[]
  accelerators?: Accelerator[]
  endpointGroups?: EndpointGroup[]
  /** RDS proxies by Region → proxy name. */
  proxies?: Record<string, Record<string, FakeProxy>>
  /** ECS services by Region → `cluster/service`; a cluster without services does not exist. */
  ecsServices?: Record<string, Record<string, FakeEcsService>>
  /** Lambda functions by Region → name. */
  functions?: Record<string, Record<string, FakeFunction>>
}

/** A proxy's target groups; a registered cluster reads REGISTERING once, then `settlesAs` (default AVAILABLE). */
export interface FakeProxy {
  targetGroups: Record<string, (Omit<ProxyTarget, 'role'> & {registering?: boolean})[]>
  settlesAs?: ProxyTargetHealth
}

/**
 * A service; after a change it reads unsettled once, then settles: the PRIMARY deployment completes (or fails with
 * `failRollout`) and the running count reaches the desired count. `stuck` never settles.
 */
export interface FakeEcsService {
  status: string
  desiredCount: number
  runningCount: number
  deployments: EcsDeployment[]
  failRollout?: string
  stuck?: boolean
  unsettledReads?: number
}

/** A function and what it answers; `invocations` collects the payloads it was sent. */
export interface FakeFunction {
  arn: string
  timeoutSeconds?: number
  answer?: {functionError?: string; payload: string}
  invocations: string[]
}

/** A failure for every call to a service in a Region, or only for `operation`. */
type Failure = {
  kind: 'network' | 'timeout' | 'throttling' | 'access' | 'invalid'
  message?: string
  operation?: string
  /** The AWS error name to answer with instead of the kind's usual one (PriorRequestNotComplete, …). */
  code?: string
  /** Fail only this many calls, then answer normally. */
  times?: number
}

export const metricKey = (metric: string, dimensions: Record<string, string>) =>
  `${metric}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`

/**
 * An in-memory fake of every port, for unit tests: state is plain data, changes apply at once, failures can be
 * injected per service and Region, and every call is recorded (so tests can assert that nothing mutated).
 */
export class FakeAws implements AwsPorts {
  readonly calls: FakeCall[] = []
  readonly observers: AwsCallObserver[] = []
  /** Items of DynamoDB tables (the team state table), per Region. */
  readonly items = new FakeItemTables()
  /** S3 buckets (the team's reports bucket). */
  readonly buckets = new FakeBuckets()
  /** Simulates an endpoint that accepts an update and then reads back the old states. */
  routingUpdatesLost = false
  /** How many status reads a change stays in progress for (Route 53 PENDING, CloudFront InProgress, GA IN_PROGRESS). */
  settlesAfterReads = 1
  /** Reads left before a change settles, by Route 53 change id, distribution id or accelerator ARN. */
  private readonly unsettled = new Map<string, number>()
  private changeCounter = 0
  private readonly failures = new Map<string, Failure>()
  private requestCounter = 0
  /** What the RDS Data API answers a statement (no rows unless a test says otherwise). */
  dataApi: (target: DataApiTarget, sql: string, parameters: SqlParameter[]) => StatementResult = () => ({
    columns: [],
    rows: [],
  })

  constructor(readonly state: FakeState) {}

  rdsData(region: string) {
    return {
      region,
      query: async (target: DataApiTarget, sql: string, parameters: SqlParameter[] = []) => {
        this.record('RDS Data', region, 'ExecuteStatement', false, [target.clusterArn, sql])
        return this.dataApi(target, sql, parameters)
      },
    }
  }

  /** Fail every call to `service` (or `*`) in `region` (or `*`). */
  fail(service: string, region: string, failure: Failure): void {
    this.failures.set(`${service}:${region}`, failure)
  }

  mutatingCalls(): FakeCall[] {
    return this.calls.filter((call) => call.mutating)
  }

  private record(service: string, region: string, operation: string, mutating: boolean, args: unknown[]): Mutation {
    this.calls.push({service, region, operation, mutating, args})
    const key = [`${service}:${region}`, `${service}:*`, `*:${region}`].find((candidate) =>
      this.failures.has(candidate),
    )
    const failure = key === undefined ? undefined : this.failures.get(key)
    if (key !== undefined && failure && (!failure.operation || failure.operation === operation)) {
      if (failure.times !== undefined && --failure.times <= 0) this.failures.delete(key)
      const kindCause =
        failure.kind === 'network'
          ? Object.assign(new Error(failure.message ?? 'connect ECONNREFUSED'), {code: 'ECONNREFUSED'})
          : failure.kind === 'timeout'
            ? Object.assign(new Error('late'), {name: 'TimeoutError'})
            : failure.kind === 'throttling'
              ? {name: 'ThrottlingException', message: 'Rate exceeded', $metadata: {httpStatusCode: 429}}
              : failure.kind === 'access'
                ? {
                    name: 'AccessDeniedException',
                    message: failure.message ?? 'denied',
                    $metadata: {httpStatusCode: 403},
                  }
                : {
                    name: 'InvalidGlobalClusterStateFault',
                    message: failure.message ?? 'invalid state',
                    $metadata: {httpStatusCode: 400},
                  }
      const cause = failure.code ? {...kindCause, name: failure.code} : kindCause
      const error = new AwsCallError({service, operation, region}, cause, 1000)
      for (const observer of this.observers) {
        observer({
          service,
          operation,
          region,
          mutating,
          durationMs: 0,
          error: {code: error.awsCode, message: error.awsMessage},
        })
      }
      throw error
    }
    const requestId = `req-${++this.requestCounter}`
    for (const observer of this.observers) observer({service, operation, region, mutating, requestId, durationMs: 0})
    return {requestId}
  }

  s3(region: string) {
    return this.buckets.port(region, (operation, mutating, args) =>
      this.record('S3', region, operation, mutating, args),
    )
  }

  sts(region: string) {
    return {
      getCallerIdentity: async () => {
        this.record('STS', region, 'GetCallerIdentity', false, [])
        return this.state.identity
      },
    }
  }

  ssm(region: string) {
    const parameters = () => ((this.state.parameters ??= {})[region] ??= {})
    return {
      region,
      listParameters: async (path: string) => {
        this.record('SSM', region, 'GetParametersByPath', false, [path])
        return structuredClone(Object.values(parameters()).filter((parameter) => parameter.name.startsWith(path)))
      },
      getParameter: async (name: string) => {
        this.record('SSM', region, 'GetParameter', false, [name])
        return structuredClone(parameters()[name])
      },
      putParameter: async (input: {name: string; value: string; type: 'String' | 'StringList'}) => {
        const result = this.record('SSM', region, 'PutParameter', true, [input])
        const version = (parameters()[input.name]?.version ?? 0) + 1
        parameters()[input.name] = {name: input.name, value: input.value, type: input.type, version}
        return {...result, version}
      },
    }
  }

  rdsProxy(region: string) {
    const proxy = (name: string) => this.state.proxies?.[region]?.[name]
    const clusterOf = (id: string) => this.state.clusters.find((c) => c.region === region && c.id === id)
    const read = (name: string, group: string): ProxyTarget[] => {
      const found = proxy(name)
      return (found?.targetGroups[group] ?? []).map(({registering, ...target}) => {
        const role =
          target.type === 'RDS_INSTANCE'
            ? clusterOf(target.clusterId ?? '')?.members.find((m) => m.instanceId === target.instanceId)?.isWriter
              ? 'READ_WRITE'
              : 'READ_ONLY'
            : undefined
        const health = registering ? {state: 'REGISTERING'} : target.health
        return structuredClone({...target, role, health})
      })
    }
    return {
      region,
      listProxies: async () => {
        this.record('RDS', region, 'DescribeDBProxies', false, [])
        return Object.keys(this.state.proxies?.[region] ?? {})
      },
      describeTargets: async (name: string, group: string) => {
        this.record('RDS', region, 'DescribeDBProxyTargets', false, [name, group])
        const found = proxy(name)
        if (!found) return {found: false as const, missing: 'proxy' as const}
        const targets = found.targetGroups[group]
        if (!targets) return {found: false as const, missing: 'target group' as const}
        const answer = read(name, group)
        for (const target of targets) {
          if (target.registering) {
            delete target.registering
            target.health = found.settlesAs ?? {state: 'AVAILABLE'}
          }
        }
        return {found: true as const, targets: answer}
      },
      registerCluster: async (name: string, group: string, clusterId: string) => {
        const result = this.record('RDS', region, 'RegisterDBProxyTargets', true, [name, group, clusterId])
        const targets = proxy(name)?.targetGroups[group]
        if (targets && !targets.some((target) => target.clusterId === clusterId)) {
          const instances = clusterOf(clusterId)?.members ?? []
          targets.push(
            {type: 'TRACKED_CLUSTER', clusterId, registering: true},
            ...instances.map((m) => ({type: 'RDS_INSTANCE', clusterId, instanceId: m.instanceId, registering: true})),
          )
        }
        return result
      },
      deregisterClusters: async (name: string, group: string, clusterIds: string[]) => {
        const result = this.record('RDS', region, 'DeregisterDBProxyTargets', true, [name, group, clusterIds])
        const found = proxy(name)
        const targets = found?.targetGroups[group]
        if (found && targets)
          found.targetGroups[group] = targets.filter((target) => !clusterIds.includes(target.clusterId ?? ''))
        return result
      },
    }
  }

  ecs(region: string) {
    const services = () => this.state.ecsServices?.[region] ?? {}
    const settle = (service: FakeEcsService) => {
      if (service.stuck) return
      if ((service.unsettledReads ?? 0) > 0) {
        service.unsettledReads = (service.unsettledReads ?? 0) - 1
        return
      }
      const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY')
      if (primary?.rolloutState === 'IN_PROGRESS' && service.failRollout) {
        primary.rolloutState = 'FAILED'
        primary.rolloutStateReason = service.failRollout
        return
      }
      if (primary && primary.rolloutState !== 'FAILED') {
        primary.rolloutState = 'COMPLETED'
        primary.desiredCount = service.desiredCount
        primary.runningCount = service.desiredCount
        service.deployments = [primary]
        service.runningCount = service.desiredCount
      }
    }
    const change = (cluster: string, name: string, apply: (service: FakeEcsService) => void) => {
      const service = services()[`${cluster}/${name}`]
      if (!service) {
        throw new AwsCallError(
          {service: 'ECS', operation: 'UpdateService', region},
          {name: 'ServiceNotFoundException', message: 'Service not found.', $metadata: {httpStatusCode: 400}},
        )
      }
      apply(service)
      service.unsettledReads = 1
      return service
    }
    return {
      region,
      listServices: async () => {
        this.record('ECS', region, 'ListServices', false, [])
        return Object.keys(services()).map((key) => {
          const [cluster = '', service = ''] = key.split('/')
          return {cluster, service}
        })
      },
      describeServices: async (cluster: string, names: string[]) => {
        this.record('ECS', region, 'DescribeServices', false, [cluster, names])
        if (!Object.keys(services()).some((key) => key.startsWith(`${cluster}/`))) {
          throw new AwsCallError(
            {service: 'ECS', operation: 'DescribeServices', region},
            {name: 'ClusterNotFoundException', message: 'Cluster not found.', $metadata: {httpStatusCode: 400}},
          )
        }
        const found = names.flatMap((name) => {
          const service = services()[`${cluster}/${name}`]
          if (!service) return []
          const answer = structuredClone({
            name,
            arn: `arn:aws:ecs:${region}:${ACCOUNT}:service/${cluster}/${name}`,
            ...service,
          })
          settle(service)
          return [answer]
        })
        return {
          services: found.map(({name, arn, status, desiredCount, runningCount, deployments}) => ({
            name,
            arn,
            status,
            desiredCount,
            runningCount,
            deployments,
          })),
          missing: names.filter((name) => !services()[`${cluster}/${name}`]),
        }
      },
      forceNewDeployment: async (cluster: string, name: string) => {
        const result = this.record('ECS', region, 'UpdateService', true, [cluster, name, {forceNewDeployment: true}])
        const deploymentId = `ecs-svc/${this.calls.length}`
        change(cluster, name, (service) => {
          for (const deployment of service.deployments) deployment.status = 'ACTIVE'
          service.deployments.unshift({
            id: deploymentId,
            status: 'PRIMARY',
            rolloutState: 'IN_PROGRESS',
            desiredCount: service.desiredCount,
            runningCount: 0,
            failedTasks: 0,
          })
        })
        return {...result, deploymentId}
      },
      setDesiredCount: async (cluster: string, name: string, desiredCount: number) => {
        const result = this.record('ECS', region, 'UpdateService', true, [cluster, name, {desiredCount}])
        change(cluster, name, (service) => {
          service.desiredCount = desiredCount
        })
        return result
      },
    }
  }

  lambda(region: string) {
    const fn = (name: string) => this.state.functions?.[region]?.[name]
    return {
      region,
      getFunction: async (name: string) => {
        this.record('Lambda', region, 'GetFunction', false, [name])
        const found = fn(name)
        return found && {name, arn: found.arn, state: 'Active', timeoutSeconds: found.timeoutSeconds}
      },
      invoke: async (name: string, payload: string, timeoutMs: number): Promise<LambdaInvocation> => {
        const result = this.record('Lambda', region, 'Invoke', true, [name, payload, timeoutMs])
        const found = fn(name)
        if (!found) {
          throw new AwsCallError(
            {service: 'Lambda', operation: 'Invoke', region},
            {
              name: 'ResourceNotFoundException',
              message: `Function not found: ${name}`,
              $metadata: {httpStatusCode: 404},
            },
          )
        }
        found.invocations.push(payload)
        const answer = found.answer ?? {payload: 'null'}
        return {...result, statusCode: 200, functionError: answer.functionError, payload: answer.payload}
      },
    }
  }

  rds(region: string) {
    const state = this.state
    const mutate = (operation: string, args: unknown[], apply: () => void = () => {}) => {
      const result = this.record('RDS', region, operation, true, args)
      apply()
      return Promise.resolve(result)
    }
    return {
      region,
      describeGlobalClusters: async () => {
        this.record('RDS', region, 'DescribeGlobalClusters', false, [])
        return structuredClone(state.globals)
      },
      describeGlobalCluster: async (id: string) => {
        this.record('RDS', region, 'DescribeGlobalClusters', false, [id])
        return structuredClone(state.globals.find((g) => g.id === id.toLowerCase()))
      },
      describeDbCluster: async (idOrArn: string) => {
        this.record('RDS', region, 'DescribeDBClusters', false, [idOrArn])
        return structuredClone(
          state.clusters.find((c) => c.region === region && (c.id === idOrArn || c.arn === idOrArn)),
        )
      },
      describeDbClusters: async (clusterIds?: string[]) => {
        this.record('RDS', region, 'DescribeDBClusters', false, clusterIds ? [clusterIds] : [])
        return structuredClone(
          state.clusters.filter(
            (c) => c.region === region && (!clusterIds || clusterIds.some((id) => c.id === id || c.arn === id)),
          ),
        )
      },
      describeDbInstances: async (clusterIds: string[]) => {
        this.record('RDS', region, 'DescribeDBInstances', false, [clusterIds])
        const clusters = state.clusters.filter((c) => clusterIds.some((id) => c.id === id || c.arn === id))
        return structuredClone(
          state.instances.filter(
            (i) =>
              i.region === region &&
              (clusterIds.includes(i.clusterId ?? '') ||
                clusters.some((c) => c.region === region && c.id === i.clusterId)),
          ),
        )
      },
      describeDbClusterSnapshots: async (filter: {clusterId?: string; snapshotId?: string}) => {
        this.record('RDS', region, 'DescribeDBClusterSnapshots', false, [filter])
        return structuredClone(
          state.snapshots.filter(
            (s) =>
              s.region === region &&
              (!filter.clusterId || s.clusterId === filter.clusterId) &&
              (!filter.snapshotId || s.id === filter.snapshotId),
          ),
        )
      },
      switchoverGlobalCluster: (id: string, target: string) => mutate('SwitchoverGlobalCluster', [id, target]),
      failoverGlobalCluster: (id: string, target: string, allowDataLoss: boolean) =>
        mutate('FailoverGlobalCluster', [id, target, allowDataLoss]),
      removeFromGlobalCluster: (id: string, arn: string) => mutate('RemoveFromGlobalCluster', [id, arn]),
      modifyGlobalCluster: (id: string, change: unknown) => mutate('ModifyGlobalCluster', [id, change]),
      createGlobalCluster: (input: unknown) => mutate('CreateGlobalCluster', [input]),
      deleteGlobalCluster: (id: string) => mutate('DeleteGlobalCluster', [id]),
      createDbCluster: (input: unknown) => mutate('CreateDBCluster', [input]),
      createDbInstance: (input: unknown) => mutate('CreateDBInstance', [input]),
      deleteDbInstance: (id: string) => mutate('DeleteDBInstance', [id]),
      deleteDbCluster: (id: string, snapshot?: string) => mutate('DeleteDBCluster', [id, snapshot]),
      modifyDbCluster: (id: string, change: unknown) => mutate('ModifyDBCluster', [id, change]),
      tagCluster: (arn: string, tags: Record<string, string>) =>
        mutate('AddTagsToResource', [arn, tags], () => {
          const cluster = state.clusters.find((candidate) => candidate.arn === arn)
          if (cluster) cluster.tags = {...cluster.tags, ...tags}
        }),
      promoteReadReplicaDbCluster: (id: string) => mutate('PromoteReadReplicaDBCluster', [id]),
      createDbClusterSnapshot: (clusterId: string, snapshotId: string) =>
        mutate('CreateDBClusterSnapshot', [clusterId, snapshotId]),
      copyDbClusterSnapshot: (source: string, target: string) => mutate('CopyDBClusterSnapshot', [source, target]),
      restoreDbClusterFromSnapshot: (input: unknown) => mutate('RestoreDBClusterFromSnapshot', [input]),
      enableHttpEndpoint: (arn: string) => mutate('EnableHttpEndpoint', [arn]),
    }
  }

  dynamodb(region: string) {
    return {
      region,
      describeTable: async (name: string) => {
        this.record('DynamoDB', region, 'DescribeTable', false, [name])
        const table = this.state.tables.find((t) => t.name === name && t.region === region)
        return structuredClone(table)
      },
      listTables: async () => {
        this.record('DynamoDB', region, 'ListTables', false, [])
        return this.state.tables.filter((t) => t.region === region).map((t) => t.name)
      },
      listTags: async (arn: string) => {
        this.record('DynamoDB', region, 'ListTagsOfResource', false, [arn])
        return structuredClone(this.state.tableTags?.[arn] ?? {})
      },
      removeReplica: async (table: string, target: string) =>
        this.record('DynamoDB', region, 'UpdateTable', true, [table, {delete: target}]),
      setDeletionProtection: async (table: string, enabled: boolean) =>
        this.record('DynamoDB', region, 'UpdateTable', true, [table, {enabled}]),
      deleteTable: async (table: string) => this.record('DynamoDB', region, 'DeleteTable', true, [table]),
      ...this.items.port(region),
      createTable: async (table: string, partitionKey: KeyAttribute, sortKey?: KeyAttribute) => {
        this.items.create(region, table, partitionKey, sortKey)
        return this.record('DynamoDB', region, 'CreateTable', true, [table])
      },
      addReplicas: async (table: string, regions: string[], consistency?: string) => {
        const created = this.items.tables.get(`${region}/${table}`)
        for (const replica of regions)
          if (created) this.items.create(replica, table, created.partitionKey, created.sortKey)
        return this.record('DynamoDB', region, 'UpdateTable', true, [table, {create: regions, consistency}])
      },
    }
  }

  cloudwatch(region: string) {
    return {
      region,
      latest: async (queries: {id: string; metric: string; dimensions: Record<string, string>}[]) => {
        this.record('CloudWatch', region, 'GetMetricData', false, [queries])
        const points: Record<string, MetricPoint> = {}
        for (const query of queries) {
          const point = this.state.metrics[region]?.[metricKey(query.metric, query.dimensions)]
          if (point) points[query.id] = point
        }
        return points
      },
      describeAlarms: async (names: string[]) => {
        this.record('CloudWatch', region, 'DescribeAlarms', false, [names])
        return structuredClone((this.state.alarms?.[region] ?? []).filter((alarm) => names.includes(alarm.name)))
      },
    }
  }

  cloudformation(region: string) {
    return {
      region,
      describeStack: async (name: string) => {
        this.record('CloudFormation', region, 'DescribeStacks', false, [name])
        return structuredClone(this.state.stacks.find((s) => s.region === region && s.name === name))
      },
      failedResources: async (name: string) => {
        this.record('CloudFormation', region, 'DescribeStackResources', false, [name])
        return []
      },
      deleteStack: async (name: string) => this.record('CloudFormation', region, 'DeleteStack', true, [name]),
    }
  }

  fis(region: string) {
    return {
      region,
      listExperimentTemplates: async () => {
        this.record('FIS', region, 'ListExperimentTemplates', false, [])
        return this.state.templates
          .filter((t) => t.region === region)
          .map(({id, description, tags}) => ({id, description, tags}))
      },
      getExperimentTemplate: async (id: string) => {
        this.record('FIS', region, 'GetExperimentTemplate', false, [id])
        return structuredClone(this.state.templates.find((t) => t.region === region && t.id === id))
      },
      startExperiment: async (input: {templateId: string; clientToken: string; tags: Record<string, string>}) => {
        const result = this.record('FIS', region, 'StartExperiment', true, [input])
        const experiment: Experiment & {region: string} = {
          id: `EXP${this.calls.length}`,
          templateId: input.templateId,
          status: 'initiating',
          actions: [],
          tags: input.tags,
          region,
        }
        this.state.experiments.push(experiment)
        return {...result, experiment}
      },
      getExperiment: async (id: string) => {
        this.record('FIS', region, 'GetExperiment', false, [id])
        return structuredClone(this.state.experiments.find((e) => e.region === region && e.id === id))
      },
      listExperiments: async (): Promise<ExperimentSummary[]> => {
        this.record('FIS', region, 'ListExperiments', false, [])
        return this.state.experiments
          .filter((e) => e.region === region)
          .map(({id, templateId, status, tags, creationTime}) => ({id, templateId, status, tags, creationTime}))
      },
      stopExperiment: async (id: string) => this.record('FIS', region, 'StopExperiment', true, [id]),
    }
  }

  /** Whether the change `key` is still in progress; each call is one status read. */
  private stillInProgress(key: string): boolean {
    const left = this.unsettled.get(key) ?? 0
    if (left <= 0) return false
    this.unsettled.set(key, left - 1)
    return true
  }

  route53() {
    const region = CONTROL_PLANE_REGIONS.route53
    const zones = () => (this.state.hostedZones ??= {})
    return {
      listHostedZones: async () => {
        this.record('Route 53', region, 'ListHostedZones', false, [])
        return Object.keys(zones()).map((id) => ({id, name: id.toLowerCase(), private: false}))
      },
      listZoneRecordSets: async (hostedZoneId: string) => {
        this.record('Route 53', region, 'ListResourceRecordSets', false, [hostedZoneId])
        return structuredClone(zones()[bareId(hostedZoneId)] ?? [])
      },
      listRecordSets: async (hostedZoneId: string, name: string, type: string) => {
        this.record('Route 53', region, 'ListResourceRecordSets', false, [hostedZoneId, name, type])
        const zone = zones()[bareId(hostedZoneId)]
        if (!zone) return undefined
        return structuredClone(zone.filter((set) => dnsName(set.name) === dnsName(name) && set.type === type))
      },
      upsertRecordSets: async (hostedZoneId: string, records: RecordSet[], comment: string) => {
        const result = this.record('Route 53', region, 'ChangeResourceRecordSets', true, [
          hostedZoneId,
          records,
          comment,
        ])
        const zone = zones()[bareId(hostedZoneId)]
        if (!zone)
          throw new AwsCallError(
            {service: 'Route 53', operation: 'ChangeResourceRecordSets', region},
            {
              name: 'NoSuchHostedZone',
              message: `No hosted zone found with ID: ${hostedZoneId}`,
              $metadata: {httpStatusCode: 404},
            },
          )
        for (const record of records) {
          const same = (set: RecordSet) =>
            dnsName(set.name) === dnsName(record.name) &&
            set.type === record.type &&
            set.setIdentifier === record.setIdentifier
          const at = zone.findIndex(same)
          if (at >= 0) zone[at] = structuredClone(record)
          else zone.push(structuredClone(record))
        }
        const changeId = `C${++this.changeCounter}`
        this.unsettled.set(changeId, this.settlesAfterReads)
        return {...result, changeId, status: 'PENDING' as const}
      },
      getChange: async (changeId: string) => {
        this.record('Route 53', region, 'GetChange', false, [changeId])
        if (!this.unsettled.has(changeId)) return undefined
        return this.stillInProgress(changeId) ? ('PENDING' as const) : ('INSYNC' as const)
      },
    }
  }

  cloudfront() {
    const region = CONTROL_PLANE_REGIONS.cloudfront
    const find = (id: string) => (this.state.distributions ?? []).find((distribution) => distribution.id === id)
    return {
      listDistributions: async () => {
        this.record('CloudFront', region, 'ListDistributions', false, [])
        return structuredClone(
          (this.state.distributions ?? []).map((distribution) => ({
            ...distribution,
            comment: '',
            defaultOriginId: distribution.origins[0]?.id ?? '',
          })),
        )
      },
      getDistribution: async (id: string) => {
        this.record('CloudFront', region, 'GetDistribution', false, [id])
        const distribution = find(id)
        if (!distribution) return undefined
        distribution.status = this.stillInProgress(id) ? 'InProgress' : 'Deployed'
        return structuredClone(distribution)
      },
      updateOrigin: async (input: {
        distributionId: string
        originId: string
        domainName: string
        originPath?: string
      }) => {
        this.record('CloudFront', region, 'GetDistributionConfig', false, [input.distributionId])
        const origin = find(input.distributionId)?.origins.find((candidate) => candidate.id === input.originId)
        if (!origin) throw new Error(`fake: no origin ${input.originId} in ${input.distributionId}`)
        const result = this.record('CloudFront', region, 'UpdateDistribution', true, [input])
        origin.domainName = input.domainName
        if (input.originPath !== undefined) origin.originPath = input.originPath
        this.unsettled.set(input.distributionId, this.settlesAfterReads)
        return {...result, status: 'InProgress'}
      },
    }
  }

  globalAccelerator() {
    const region = CONTROL_PLANE_REGIONS.globalaccelerator
    const group = (arn: string) => (this.state.endpointGroups ?? []).find((candidate) => candidate.arn === arn)
    return {
      listAccelerators: async () => {
        this.record('Global Accelerator', region, 'ListAccelerators', false, [])
        return structuredClone(this.state.accelerators ?? [])
      },
      listEndpointGroups: async (acceleratorArn: string) => {
        this.record('Global Accelerator', region, 'ListEndpointGroups', false, [acceleratorArn])
        const groups = (this.state.endpointGroups ?? []).filter((candidate) => candidate.arn.startsWith(acceleratorArn))
        const listeners = [...new Set(groups.map((candidate) => candidate.arn.replace(/\/endpoint-group\/.*$/, '')))]
        return listeners.map((listenerArn) => ({
          listenerArn,
          groups: structuredClone(groups.filter((candidate) => candidate.arn.startsWith(`${listenerArn}/`))),
        }))
      },
      describeAccelerator: async (arn: string) => {
        this.record('Global Accelerator', region, 'DescribeAccelerator', false, [arn])
        const accelerator = (this.state.accelerators ?? []).find((candidate) => candidate.arn === arn)
        if (!accelerator) return undefined
        accelerator.status = this.stillInProgress(arn) ? 'IN_PROGRESS' : 'DEPLOYED'
        return structuredClone(accelerator)
      },
      describeEndpointGroup: async (arn: string) => {
        this.record('Global Accelerator', region, 'DescribeEndpointGroup', false, [arn])
        return structuredClone(group(arn))
      },
      setTrafficDial: async (endpointGroupArn: string, percentage: number) => {
        const result = this.record('Global Accelerator', region, 'UpdateEndpointGroup', true, [
          endpointGroupArn,
          percentage,
        ])
        const found = group(endpointGroupArn)
        if (!found) throw new Error(`fake: no endpoint group ${endpointGroupArn}`)
        found.trafficDialPercentage = percentage
        this.unsettled.set(endpointGroupArn.replace(/\/listener\/.*$/, ''), this.settlesAfterReads)
        return {...result, group: structuredClone(found)}
      },
    }
  }

  arcControl() {
    const plane = this.state.arcControlPlane
    return {
      describeCluster: async (arn: string) => {
        this.record('ARC control', 'us-west-2', 'DescribeCluster', false, [arn])
        const listed = plane?.clusters.find((cluster) => cluster.arn === arn)
        return structuredClone(
          listed ?? {arn, name: 'retail-arc', status: 'DEPLOYED', endpoints: this.state.arcEndpoints},
        )
      },
      listClusters: async () => {
        this.record('ARC control', 'us-west-2', 'ListClusters', false, [])
        return structuredClone(plane?.clusters ?? [])
      },
      listControlPanels: async (clusterArn: string) => {
        this.record('ARC control', 'us-west-2', 'ListControlPanels', false, [clusterArn])
        return (plane?.panels ?? [])
          .filter((panel) => panel.clusterArn === clusterArn)
          .map(({clusterArn: _cluster, ...panel}) => panel)
      },
      listRoutingControls: async (panelArn: string) => {
        this.record('ARC control', 'us-west-2', 'ListRoutingControls', false, [panelArn])
        return structuredClone((plane?.controls ?? []).filter((control) => control.controlPanelArn === panelArn))
      },
      listSafetyRules: async (panelArn: string) => {
        this.record('ARC control', 'us-west-2', 'ListSafetyRules', false, [panelArn])
        return plane
          ? this.state.safetyRules.filter((rule) => rule.controlPanelArn === panelArn)
          : this.state.safetyRules
      },
    }
  }

  /** Like the real rotation in effect: the first endpoint outside avoided or failing Regions answers. */
  arcData(endpoints: ArcEndpoint[], options: {avoidRegions?: string[]} = {}): ArcDataPort {
    const healthy = (candidate: ArcEndpoint) =>
      !this.failures.has(`ARC cluster:${candidate.region}`) && !this.failures.has(`*:${candidate.region}`)
    const avoided = new Set(options.avoidRegions ?? [])
    const endpoint = (endpoints.find((e) => healthy(e) && !avoided.has(e.region)) ??
      endpoints.find(healthy) ??
      endpoints[0]) as ArcEndpoint
    const answered = <T>(value: T): Answered<T> => ({value, endpoint, attempts: [{endpoint, ok: true}]})
    return {
      endpoints,
      listRoutingControls: async () => {
        this.record('ARC cluster', endpoint.region, 'ListRoutingControls', false, [])
        return answered(structuredClone(this.state.routing))
      },
      updateRoutingControlStates: async (entries, overrides) => {
        const result = this.record('ARC cluster', endpoint.region, 'UpdateRoutingControlStates', true, [
          entries,
          overrides,
        ])
        for (const entry of this.routingUpdatesLost ? [] : entries) {
          const control = this.state.routing.find((c) => c.arn === entry.arn)
          if (control) control.state = entry.state
        }
        return answered(result)
      },
    }
  }
}

export const clusterArnOf = (region: string, id: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:${id}`
