import {AwsCallError} from '../../src/lib/aws/errors.js'
import type {
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
  MetricPoint,
  Mutation,
  RoutingControlState,
  SafetyRule,
  Stack,
  Table,
} from '../../src/lib/aws/ports.js'
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
  stacks: (Stack & {region: string})[]
  arcEndpoints: ArcEndpoint[]
}

type Failure = {kind: 'network' | 'timeout' | 'throttling' | 'access' | 'invalid'; message?: string}

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
    if (failure) {
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
      throw new AwsCallError({service, operation, region}, cause, 1000)
    }
    return {requestId: `req-${++this.requestCounter}`}
  }

  sts(region: string) {
    return {
      getCallerIdentity: async () => {
        this.record('STS', region, 'GetCallerIdentity', false, [])
        return this.state.identity
      },
    }
  }

  rds(region: string) {
    const state = this.state
    const self = this
    const mutate = (operation: string, args: unknown[], apply: () => void = () => {}) => {
      const result = self.record('RDS', region, operation, true, args)
      apply()
      return Promise.resolve(result)
    }
    return {
      region,
      async describeGlobalClusters() {
        self.record('RDS', region, 'DescribeGlobalClusters', false, [])
        return structuredClone(state.globals)
      },
      async describeGlobalCluster(id: string) {
        self.record('RDS', region, 'DescribeGlobalClusters', false, [id])
        return structuredClone(state.globals.find((g) => g.id === id.toLowerCase()))
      },
      async describeDbCluster(idOrArn: string) {
        self.record('RDS', region, 'DescribeDBClusters', false, [idOrArn])
        return structuredClone(
          state.clusters.find((c) => c.region === region && (c.id === idOrArn || c.arn === idOrArn)),
        )
      },
      async describeDbClusters() {
        self.record('RDS', region, 'DescribeDBClusters', false, [])
        return structuredClone(state.clusters.filter((c) => c.region === region))
      },
      async describeDbInstances(clusterId: string) {
        self.record('RDS', region, 'DescribeDBInstances', false, [clusterId])
        return structuredClone(state.instances.filter((i) => i.region === region && i.clusterId === clusterId))
      },
      async describeDbClusterSnapshots(filter: {clusterId?: string; snapshotId?: string}) {
        self.record('RDS', region, 'DescribeDBClusterSnapshots', false, [filter])
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
      promoteReadReplicaDbCluster: (id: string) => mutate('PromoteReadReplicaDBCluster', [id]),
      createDbClusterSnapshot: (clusterId: string, snapshotId: string) =>
        mutate('CreateDBClusterSnapshot', [clusterId, snapshotId]),
      copyDbClusterSnapshot: (source: string, target: string) => mutate('CopyDBClusterSnapshot', [source, target]),
    }
  }

  dynamodb(region: string) {
    const self = this
    return {
      region,
      async describeTable(name: string) {
        self.record('DynamoDB', region, 'DescribeTable', false, [name])
        const table = self.state.tables.find((t) => t.name === name && t.region === region)
        return structuredClone(table)
      },
      addReplica: async (table: string, target: string) =>
        self.record('DynamoDB', region, 'UpdateTable', true, [table, {create: target}]),
      removeReplica: async (table: string, target: string) =>
        self.record('DynamoDB', region, 'UpdateTable', true, [table, {delete: target}]),
      setDeletionProtection: async (table: string, enabled: boolean) =>
        self.record('DynamoDB', region, 'UpdateTable', true, [table, {enabled}]),
      deleteTable: async (table: string) => self.record('DynamoDB', region, 'DeleteTable', true, [table]),
    }
  }

  cloudwatch(region: string) {
    const self = this
    return {
      region,
      async latest(queries: {id: string; metric: string; dimensions: Record<string, string>}[]) {
        self.record('CloudWatch', region, 'GetMetricData', false, [queries])
        const points: Record<string, MetricPoint> = {}
        for (const query of queries) {
          const point = self.state.metrics[region]?.[metricKey(query.metric, query.dimensions)]
          if (point) points[query.id] = point
        }
        return points
      },
    }
  }

  cloudformation(region: string) {
    const self = this
    return {
      region,
      async describeStack(name: string) {
        self.record('CloudFormation', region, 'DescribeStacks', false, [name])
        return structuredClone(self.state.stacks.find((s) => s.region === region && s.name === name))
      },
      async failedResources(name: string) {
        self.record('CloudFormation', region, 'DescribeStackResources', false, [name])
        return []
      },
      deleteStack: async (name: string) => self.record('CloudFormation', region, 'DeleteStack', true, [name]),
    }
  }

  fis(region: string) {
    const self = this
    return {
      region,
      async listExperimentTemplates() {
        self.record('FIS', region, 'ListExperimentTemplates', false, [])
        return self.state.templates
          .filter((t) => t.region === region)
          .map(({id, description, tags}) => ({id, description, tags}))
      },
      async getExperimentTemplate(id: string) {
        self.record('FIS', region, 'GetExperimentTemplate', false, [id])
        return structuredClone(self.state.templates.find((t) => t.region === region && t.id === id))
      },
      async startExperiment(input: {templateId: string; clientToken: string; tags: Record<string, string>}) {
        const result = self.record('FIS', region, 'StartExperiment', true, [input])
        const experiment: Experiment & {region: string} = {
          id: `EXP${self.calls.length}`,
          templateId: input.templateId,
          status: 'initiating',
          actions: [],
          tags: input.tags,
          region,
        }
        self.state.experiments.push(experiment)
        return {...result, experiment}
      },
      async getExperiment(id: string) {
        self.record('FIS', region, 'GetExperiment', false, [id])
        return structuredClone(self.state.experiments.find((e) => e.region === region && e.id === id))
      },
      async listExperiments(): Promise<ExperimentSummary[]> {
        self.record('FIS', region, 'ListExperiments', false, [])
        return self.state.experiments
          .filter((e) => e.region === region)
          .map(({id, templateId, status, tags, creationTime}) => ({id, templateId, status, tags, creationTime}))
      },
      stopExperiment: async (id: string) => self.record('FIS', region, 'StopExperiment', true, [id]),
    }
  }

  arcControl() {
    const self = this
    return {
      async describeCluster(arn: string) {
        self.record('ARC control', 'us-west-2', 'DescribeCluster', false, [arn])
        return {arn, name: 'retail-arc', status: 'DEPLOYED', endpoints: self.state.arcEndpoints}
      },
      async listControlPanels() {
        self.record('ARC control', 'us-west-2', 'ListControlPanels', false, [])
        return []
      },
      async listRoutingControls() {
        self.record('ARC control', 'us-west-2', 'ListRoutingControls', false, [])
        return []
      },
      async listSafetyRules() {
        self.record('ARC control', 'us-west-2', 'ListSafetyRules', false, [])
        return self.state.safetyRules
      },
    }
  }

  /** Like the real rotation in effect: the first endpoint outside avoided or failing Regions answers. */
  arcData(endpoints: ArcEndpoint[], options: {avoidRegions?: string[]} = {}): ArcDataPort {
    const self = this
    const healthy = (candidate: ArcEndpoint) =>
      !self.failures.has(`ARC cluster:${candidate.region}`) && !self.failures.has(`*:${candidate.region}`)
    const avoided = new Set(options.avoidRegions ?? [])
    const endpoint = (endpoints.find((e) => healthy(e) && !avoided.has(e.region)) ?? endpoints.find(healthy) ?? endpoints[0]) as ArcEndpoint
    const answered = <T>(value: T): Answered<T> => ({value, endpoint, attempts: [{endpoint, ok: true}]})
    return {
      endpoints,
      async listRoutingControls() {
        self.record('ARC cluster', endpoint.region, 'ListRoutingControls', false, [])
        return answered(structuredClone(self.state.routing))
      },
      async getRoutingControlState(arn: string) {
        self.record('ARC cluster', endpoint.region, 'GetRoutingControlState', false, [arn])
        const control = self.state.routing.find((c) => c.arn === arn)
        if (!control)
          throw new AwsCallError(
            {service: 'ARC cluster', operation: 'GetRoutingControlState', region: endpoint.region},
            {name: 'ResourceNotFoundException', message: 'no such control', $metadata: {httpStatusCode: 404}},
          )
        return answered(structuredClone(control))
      },
      async updateRoutingControlStates(entries, overrides) {
        const result = self.record('ARC cluster', endpoint.region, 'UpdateRoutingControlStates', true, [
          entries,
          overrides,
        ])
        for (const entry of entries) {
          const control = self.state.routing.find((c) => c.arn === entry.arn)
          if (control) control.state = entry.state
        }
        return answered(result)
      },
    }
  }
}

export const clusterArnOf = (region: string, id: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:${id}`
