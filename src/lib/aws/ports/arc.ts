import type {Mutation} from './mutation.js'

export type RoutingControlStateValue = 'On' | 'Off'

export interface ArcEndpoint {
  region: string
  url: string
}

export interface ArcCluster {
  arn: string
  name: string
  status: string
  endpoints: ArcEndpoint[]
}

export interface ControlPanel {
  arn: string
  name: string
  status: string
  isDefault: boolean
  routingControlCount: number
}

export interface RoutingControl {
  arn: string
  name: string
  controlPanelArn: string
  status: string
}

export interface SafetyRule {
  arn: string
  name: string
  type: 'ASSERTION' | 'GATING'
  controlPanelArn?: string
  assertedControls?: string[]
  gatingControls?: string[]
  targetControls?: string[]
  ruleConfig: {type: 'ATLEAST' | 'AND' | 'OR'; threshold: number; inverted: boolean}
  waitPeriodMs?: number
}

/** The ARC control plane: only in us-west-2, so never on the DR path. */
export interface ArcControlPort {
  describeCluster(clusterArn: string): Promise<ArcCluster>
  /** Every cluster of the account, with its endpoints; paged, one call per page. */
  listClusters(): Promise<ArcCluster[]>
  listControlPanels(clusterArn: string): Promise<ControlPanel[]>
  listRoutingControls(controlPanelArn: string): Promise<RoutingControl[]>
  listSafetyRules(controlPanelArn: string): Promise<SafetyRule[]>
}

export interface RoutingControlState {
  arn: string
  name: string
  state: RoutingControlStateValue
  controlPanelArn?: string
  controlPanelName?: string
}

export interface EndpointAttempt {
  endpoint: ArcEndpoint
  ok: boolean
  error?: string
}

/** A data-plane answer and the cluster endpoint that gave it. */
export interface Answered<T> {
  value: T
  endpoint: ArcEndpoint
  attempts: EndpointAttempt[]
}

export interface ArcDataPort {
  readonly endpoints: ArcEndpoint[]
  listRoutingControls(controlPanelArn?: string): Promise<Answered<RoutingControlState[]>>
  updateRoutingControlStates(
    entries: {arn: string; state: RoutingControlStateValue}[],
    safetyRulesToOverride: string[],
  ): Promise<Answered<Mutation>>
}

export interface ArcDataOptions {
  /** Endpoints in these Regions are tried last (the impaired Region during an unplanned failover). */
  avoidRegions?: string[]
}
