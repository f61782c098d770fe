import {ApiError} from '../errors.js'
import type {JsonOperation, JsonService} from '../protocol/aws-json.js'
import type {RestJsonRoute, RestJsonService} from '../protocol/rest-json.js'
import {ARC_CONTROL_PLANE_REGION, type World} from '../world.js'
import type {ArcClusterRecord, ControlPanelRecord, RoutingControlRecord, SafetyRuleRecord} from './arc-records.js'
import {
  asObject,
  type CallContext,
  optionalArray,
  optionalNumber,
  optionalString,
  page,
  requiredString,
} from './context.js'

/**
 * Route 53 ARC routing control (aws-reference §3): the control plane (restJson1, us-west-2 only) describes the
 * cluster, panels, controls and safety rules; the data plane (awsJson1_0 on the cluster's five endpoints) reads
 * and flips routing control states, enforcing safety rules on the resulting state of each request as a whole.
 */

const ARN_PATTERN = /^[A-Za-z0-9:./_-]{1,255}$/

const validation = (message: string) =>
  new ApiError('ValidationException', message, 400, {fields: {reason: 'FIELD_VALIDATION_FAILED'}})
const notFound = (resourceId: string, resourceType: string, message: string) =>
  new ApiError('ResourceNotFoundException', message, 404, {fields: {resourceId, resourceType}})

function checkArn(value: string, field: string): string {
  if (!ARN_PATTERN.test(value)) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9:.\\/_-]*$`,
    )
  }
  return value
}

// ---- Control plane ------------------------------------------------------------------------------------------------

function owner(world: World): string {
  return world.account
}

function findCluster(world: World, arn: string): ArcClusterRecord {
  const cluster = world.arc.clusters.find((candidate) => candidate.arn === arn)
  if (!cluster) throw notFound(arn, 'Cluster', `Cluster ${arn} not found.`)
  return cluster
}

function findPanel(world: World, arn: string): ControlPanelRecord {
  const panel = world.arc.controlPanels.find((candidate) => candidate.arn === arn)
  if (!panel) throw notFound(arn, 'ControlPanel', `ControlPanel ${arn} not found.`)
  return panel
}

function renderCluster(context: CallContext, cluster: ArcClusterRecord): Record<string, unknown> {
  return {
    ClusterArn: cluster.arn,
    ClusterEndpoints: cluster.endpoints.map((endpoint) => ({
      Endpoint: context.arcEndpointUrl(endpoint.url),
      Region: endpoint.region,
    })),
    Name: cluster.name,
    Status: cluster.status,
    Owner: owner(context.world),
    NetworkType: 'IPV4',
  }
}

function renderPanel(world: World, panel: ControlPanelRecord): Record<string, unknown> {
  return {
    ClusterArn: panel.clusterArn,
    ControlPanelArn: panel.arn,
    DefaultControlPanel: panel.isDefault,
    Name: panel.name,
    RoutingControlCount: world.arc.routingControls.filter((control) => control.controlPanelArn === panel.arn).length,
    Status: panel.status,
    Owner: owner(world),
  }
}

function renderControl(world: World, control: RoutingControlRecord): Record<string, unknown> {
  return {
    ControlPanelArn: control.controlPanelArn,
    Name: control.name,
    RoutingControlArn: control.arn,
    Status: control.status,
    Owner: owner(world),
  }
}

function renderRule(world: World, rule: SafetyRuleRecord): Record<string, unknown> {
  const common = {
    ControlPanelArn: rule.controlPanelArn,
    Name: rule.name,
    RuleConfig: rule.ruleConfig,
    SafetyRuleArn: rule.arn,
    Status: rule.status,
    WaitPeriodMs: rule.waitPeriodMs,
    Owner: owner(world),
  }
  return rule.type === 'ASSERTION'
    ? {ASSERTION: {...common, AssertedControls: rule.assertedControls}}
    : {GATING: {...common, GatingControls: rule.gatingControls, TargetControls: rule.targetControls}}
}

/** ARC's paging, on both planes: MaxResults from 1 to 1000 (default 500), an opaque NextToken. */
function arcPage<T>(items: T[], maxResults: number | undefined, token: string | undefined) {
  const size = maxResults ?? 500
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw validation('MaxResults must be between 1 and 1000')
  return page(items, token, size, () => validation('NextToken is invalid'))
}

/** A control-plane List answer: the page of `items` the query asks for, rendered, under `key`. */
function listed<T>(query: URLSearchParams, key: string, items: T[], render: (item: T) => Record<string, unknown>) {
  const max = query.get('MaxResults')
  const result = arcPage(items, max === null ? undefined : Number(max), query.get('NextToken') ?? undefined)
  return {body: {[key]: result.items.map(render), NextToken: result.next}}
}

const controlRoutes: RestJsonRoute[] = [
  {
    method: 'GET',
    path: /^\/cluster$/,
    operation: 'ListClusters',
    handle: (context, request) =>
      listed(request.query, 'Clusters', context.world.arc.clusters, (cluster) => renderCluster(context, cluster)),
  },
  {
    method: 'GET',
    path: /^\/cluster\/([^/]+)$/,
    operation: 'DescribeCluster',
    handle: (context, request) => ({
      body: {Cluster: renderCluster(context, findCluster(context.world, request.params[0] as string))},
    }),
  },
  {
    method: 'GET',
    path: /^\/controlpanels$/,
    operation: 'ListControlPanels',
    handle: (context, request) => {
      const {world} = context
      const clusterArn = request.query.get('ClusterArn')
      if (clusterArn !== null) findCluster(world, clusterArn)
      const panels = world.arc.controlPanels.filter((panel) => clusterArn === null || panel.clusterArn === clusterArn)
      return listed(request.query, 'ControlPanels', panels, (panel) => renderPanel(world, panel))
    },
  },
  {
    method: 'GET',
    path: /^\/controlpanel\/([^/]+)$/,
    operation: 'DescribeControlPanel',
    handle: (context, request) => ({
      body: {ControlPanel: renderPanel(context.world, findPanel(context.world, request.params[0] as string))},
    }),
  },
  {
    method: 'GET',
    path: /^\/controlpanel\/([^/]+)\/routingcontrols$/,
    operation: 'ListRoutingControls',
    handle: (context, request) => {
      const {world} = context
      const panel = findPanel(world, request.params[0] as string)
      const controls = world.arc.routingControls.filter((control) => control.controlPanelArn === panel.arn)
      return listed(request.query, 'RoutingControls', controls, (control) => renderControl(world, control))
    },
  },
  {
    method: 'GET',
    path: /^\/controlpanel\/([^/]+)\/safetyrules$/,
    operation: 'ListSafetyRules',
    handle: (context, request) => {
      const {world} = context
      const panel = findPanel(world, request.params[0] as string)
      const rules = world.arc.safetyRules.filter((rule) => rule.controlPanelArn === panel.arn)
      return listed(request.query, 'SafetyRules', rules, (rule) => renderRule(world, rule))
    },
  },
  {
    method: 'GET',
    path: /^\/routingcontrol\/([^/]+)$/,
    operation: 'DescribeRoutingControl',
    handle: (context, request) => {
      const arn = request.params[0] as string
      const control = context.world.arc.routingControls.find((candidate) => candidate.arn === arn)
      if (!control) throw notFound(arn, 'RoutingControl', `RoutingControl ${arn} not found.`)
      return {body: {RoutingControl: renderControl(context.world, control)}}
    },
  },
]

export const arcControlService: RestJsonService = {
  protocol: 'restJson1',
  // The control plane has its one endpoint in us-west-2 (aws-reference §3).
  regions: [ARC_CONTROL_PLANE_REGION],
  routes: controlRoutes,
}

// ---- Data plane ---------------------------------------------------------------------------------------------------

function findControl(world: World, arn: string): RoutingControlRecord {
  checkArn(arn, 'routingControlArn')
  const control = world.arc.routingControls.find((candidate) => candidate.arn === arn)
  if (!control) throw notFound(arn, 'RoutingControl', `Routing control ${arn} not found`)
  return control
}

function checkState(value: string): 'On' | 'Off' {
  if (value === 'On' || value === 'Off') return value
  throw validation(
    `1 validation error detected: Value '${value}' at 'routingControlState' failed to satisfy constraint: Member must satisfy enum value set: [On, Off]`,
  )
}

/** Whether the rule's condition holds for the given states (ATLEAST n / AND / OR, optionally inverted). */
function ruleHolds(rule: SafetyRuleRecord, controls: string[], states: Map<string, 'On' | 'Off'>): boolean {
  const on = controls.filter((arn) => states.get(arn) === 'On').length
  const {Type, Threshold, Inverted} = rule.ruleConfig
  const result = Type === 'AND' ? on === controls.length : Type === 'OR' ? on >= 1 : on >= Threshold
  return Inverted ? !result : result
}

/**
 * Applies the changes as one transaction: every safety rule not overridden is evaluated on the state the whole
 * batch would produce; the first rule that blocks fails the request and names its ARN.
 */
function applyStates(world: World, entries: {arn: string; state: 'On' | 'Off'}[], overrides: string[], now: number) {
  const controls = entries.map((entry) => findControl(world, entry.arn))
  for (const arn of overrides) checkArn(arn, 'safetyRulesToOverride')
  const current = new Map(world.arc.routingControls.map((control) => [control.arn, control.state]))
  const resulting = new Map(current)
  for (const entry of entries) resulting.set(entry.arn, entry.state)
  const changed = new Set(entries.filter((entry) => current.get(entry.arn) !== entry.state).map((entry) => entry.arn))
  const panels = new Set(controls.map((control) => control.controlPanelArn))
  for (const rule of world.arc.safetyRules) {
    if (!panels.has(rule.controlPanelArn) || overrides.includes(rule.arn)) continue
    if (rule.type === 'ASSERTION') {
      if (!rule.assertedControls.some((arn) => changed.has(arn))) continue
      if (!ruleHolds(rule, rule.assertedControls, resulting)) throw blocked(rule)
    } else {
      if (!rule.targetControls.some((arn) => changed.has(arn))) continue
      if (!ruleHolds(rule, rule.gatingControls, resulting)) throw blocked(rule)
    }
  }
  for (const control of controls) {
    const state = resulting.get(control.arn) as 'On' | 'Off'
    if (control.state !== state) {
      control.state = state
      control.updatedAt = now
    }
  }
}

function blocked(rule: SafetyRuleRecord): ApiError {
  const what =
    rule.type === 'ASSERTION'
      ? 'the resulting routing control states would violate it'
      : 'its gating controls do not allow changing these routing controls'
  return new ApiError(
    'ConflictException',
    `Cannot update routing control states: blocked by safety rule ${rule.arn} (${rule.name}): ${what}`,
    409,
    {fields: {resourceId: rule.arn, resourceType: 'SafetyRule'}},
  )
}

function overridesOf(input: Record<string, unknown>): string[] {
  return (optionalArray(input, 'SafetyRulesToOverride', validation) ?? []).map((value) => {
    if (typeof value !== 'string') throw validation('SafetyRulesToOverride must be a list of ARNs')
    return value
  })
}

const getRoutingControlState: JsonOperation = (context, input) => {
  const control = findControl(context.world, requiredString(input, 'RoutingControlArn', validation))
  return {RoutingControlArn: control.arn, RoutingControlState: control.state, RoutingControlName: control.name}
}

const listRoutingControls: JsonOperation = (context, input) => {
  const world = context.world
  const panelArn = optionalString(input, 'ControlPanelArn', validation)
  if (panelArn !== undefined) {
    checkArn(panelArn, 'controlPanelArn')
    if (!world.arc.controlPanels.some((panel) => panel.arn === panelArn)) {
      throw notFound(panelArn, 'ControlPanel', `Control panel ${panelArn} not found`)
    }
  }
  const maxResults = optionalNumber(input, 'MaxResults', validation)
  const controls = world.arc.routingControls.filter(
    (control) => panelArn === undefined || control.controlPanelArn === panelArn,
  )
  const result = arcPage(controls, maxResults, optionalString(input, 'NextToken', validation))
  return {
    RoutingControls: result.items.map((control) => ({
      ControlPanelArn: control.controlPanelArn,
      ControlPanelName: world.arc.controlPanels.find((panel) => panel.arn === control.controlPanelArn)?.name,
      RoutingControlArn: control.arn,
      RoutingControlName: control.name,
      RoutingControlState: control.state,
      Owner: owner(world),
    })),
    NextToken: result.next,
  }
}

const updateRoutingControlState: JsonOperation = (context, input) => {
  const arn = requiredString(input, 'RoutingControlArn', validation)
  const state = checkState(requiredString(input, 'RoutingControlState', validation))
  applyStates(context.world, [{arn, state}], overridesOf(input), context.now)
  return {}
}

const MAX_BATCH = 100

const updateRoutingControlStates: JsonOperation = (context, input) => {
  const raw = optionalArray(input, 'UpdateRoutingControlStateEntries', validation)
  if (raw === undefined) throw validation('UpdateRoutingControlStateEntries is required')
  if (raw.length > MAX_BATCH) {
    throw new ApiError('ServiceLimitExceededException', `At most ${MAX_BATCH} entries can be updated at once`, 402, {
      fields: {limitCode: 'UpdateRoutingControlStateEntries', serviceCode: 'route53-recovery-cluster'},
    })
  }
  const entries = raw.map((value) => {
    const entry = asObject(value)
    return {
      arn: requiredString(entry, 'RoutingControlArn', validation),
      state: checkState(requiredString(entry, 'RoutingControlState', validation)),
    }
  })
  applyStates(context.world, entries, overridesOf(input), context.now)
  return {}
}

export const arcDataService: JsonService = {
  protocol: 'awsJson1_0',
  targetPrefix: 'ToggleCustomerAPI',
  operations: {
    GetRoutingControlState: getRoutingControlState,
    ListRoutingControls: listRoutingControls,
    UpdateRoutingControlState: updateRoutingControlState,
    UpdateRoutingControlStates: updateRoutingControlStates,
  },
}
