// Route 53 ARC in the sandbox world: clusters, control panels, routing controls and safety rules.

export interface ArcClusterRecord {
  arn: string
  name: string
  status: string
  /** Canonical, process-independent URLs (`https://arcN.<region>.sandbox.drctl.invalid/v1`). */
  endpoints: {region: string; url: string}[]
}

export interface ControlPanelRecord {
  arn: string
  name: string
  clusterArn: string
  isDefault: boolean
  status: string
}

export interface RoutingControlRecord {
  arn: string
  name: string
  controlPanelArn: string
  state: 'On' | 'Off'
  status: string
  updatedAt: number
}

export interface RuleConfig {
  Type: 'ATLEAST' | 'AND' | 'OR'
  Threshold: number
  Inverted: boolean
}

export interface SafetyRuleRecord {
  arn: string
  name: string
  controlPanelArn: string
  type: 'ASSERTION' | 'GATING'
  assertedControls: string[]
  gatingControls: string[]
  targetControls: string[]
  ruleConfig: RuleConfig
  waitPeriodMs: number
  status: string
}

export interface ArcState {
  clusters: ArcClusterRecord[]
  controlPanels: ControlPanelRecord[]
  routingControls: RoutingControlRecord[]
  safetyRules: SafetyRuleRecord[]
}
