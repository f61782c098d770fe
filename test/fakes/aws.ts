import {AwsCallError} from '../../src/lib/aws/errors.js'
import type {AwsCallObserver} from '../../src/lib/aws/invoke.js'
import type {
  AlarmState,
  Answered,
  ArcDataPort,
  ArcEndpoint,
  AwsPorts,
  CallerIdentity,
  DbCluster,
  DbClusterSnapshot,
  DbInstance,
  Experiment,
  ExperimentSummary,
  ExperimentTemplate,
  GlobalCluster,
  KeyAttribute,
  MetricPoint,
  Mutation,
  RoutingControlState,
  SafetyRule,
  SsmParameter,
  Stack,
  Table,
} from '../../src/lib/aws/ports.js'
import {FakeItemTables} from './dynamodb-items.js'
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
  /** SSM parameters by Region → name. */
  parameters?: Record<string, Record<string, SsmParameter>>
}

/** A failure for every call to a service in a Region, or only for `operation`. */
type Failure = {kind: 'network' | 'timeout' | 'throttling' | 'access' | 'invalid'; message?: string; operation?: string}

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
  /** Simulates an endpoint that accepts an update and then reads back the old states. */
  routingUpdatesLost = false
  private readonly failures = new Map<string, Failure>()
  private requestCounter = 0

  constructor(readonly state: FakeState) {}

  /** Fail every call to `service` (or `*`) in `region` (or `*`). */
  fail(service: string, region: string, failure: Failure): void {
    this.failures.set(`${service}:${region}`, failure)
  }

  mutatingCalls(): FakeCall[] {
    return this.calls.filter((call) => call.mutating)
  }

  private record(service: string, region: string, operation: string, mutating: boolean, args: unknown[]): Mutation {
    this.calls.push({service, region, operation, mutating, args})
    const failure =
      this.failures.get(`${service}:${region}`) ?? this.failures.get(`${service}:*`) ?? this.failures.get(`*:${region}`)
    if (failure && (!failure.operation || failure.operation === operation)) {
      const cause =
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

  arcControl() {
    return {
      describeCluster: async (arn: string) => {
        this.record('ARC control', 'us-west-2', 'DescribeCluster', false, [arn])
        return {arn, name: 'retail-arc', status: 'DEPLOYED', endpoints: this.state.arcEndpoints}
      },
      listControlPanels: async () => {
        this.record('ARC control', 'us-west-2', 'ListControlPanels', false, [])
        return []
      },
      listRoutingControls: async () => {
        this.record('ARC control', 'us-west-2', 'ListRoutingControls', false, [])
        return []
      },
      listSafetyRules: async () => {
        this.record('ARC control', 'us-west-2', 'ListSafetyRules', false, [])
        return this.state.safetyRules
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
