import {
  type Cluster,
  DescribeClusterCommand,
  ListClustersCommand,
  ListControlPanelsCommand,
  ListRoutingControlsCommand,
  ListSafetyRulesCommand,
  type Route53RecoveryControlConfigClient,
  type Rule,
} from '@aws-sdk/client-route53-recovery-control-config'

import {allPages} from './pages.js'
import type {ArcCluster, ArcControlPort, ControlPanel, RoutingControl, SafetyRule} from './ports.js'
import type {Caller} from './session.js'

// The control plane exists only in us-west-2; drctl reads it to cache what DR needs.
export {ARC_CONTROL_PLANE_REGION} from './control-planes.js'

export class ArcControlAdapter implements ArcControlPort {
  constructor(
    private readonly client: Route53RecoveryControlConfigClient,
    private readonly call: Caller,
  ) {}

  async describeCluster(clusterArn: string): Promise<ArcCluster> {
    const output = await this.call('DescribeCluster', false, (abortSignal) =>
      this.client.send(new DescribeClusterCommand({ClusterArn: clusterArn}), {abortSignal}),
    )
    return toArcCluster(output.Cluster ?? {}, clusterArn)
  }

  listClusters(): Promise<ArcCluster[]> {
    return allPages(async (nextToken) => {
      const page = await this.call('ListClusters', false, (abortSignal) =>
        this.client.send(new ListClustersCommand({NextToken: nextToken}), {abortSignal}),
      )
      return {items: (page.Clusters ?? []).map((cluster) => toArcCluster(cluster, '')), next: page.NextToken}
    })
  }

  listControlPanels(clusterArn: string): Promise<ControlPanel[]> {
    return allPages(async (nextToken) => {
      const page = await this.call('ListControlPanels', false, (abortSignal) =>
        this.client.send(new ListControlPanelsCommand({ClusterArn: clusterArn, NextToken: nextToken}), {abortSignal}),
      )
      const panels = (page.ControlPanels ?? []).map((panel) => ({
        arn: panel.ControlPanelArn ?? '',
        name: panel.Name ?? '',
        status: panel.Status ?? 'unknown',
        isDefault: panel.DefaultControlPanel ?? false,
        routingControlCount: panel.RoutingControlCount ?? 0,
      }))
      return {items: panels, next: page.NextToken}
    })
  }

  listRoutingControls(controlPanelArn: string): Promise<RoutingControl[]> {
    return allPages(async (nextToken) => {
      const page = await this.call('ListRoutingControls', false, (abortSignal) =>
        this.client.send(new ListRoutingControlsCommand({ControlPanelArn: controlPanelArn, NextToken: nextToken}), {
          abortSignal,
        }),
      )
      const controls = (page.RoutingControls ?? []).map((control) => ({
        arn: control.RoutingControlArn ?? '',
        name: control.Name ?? '',
        controlPanelArn: control.ControlPanelArn ?? controlPanelArn,
        status: control.Status ?? 'unknown',
      }))
      return {items: controls, next: page.NextToken}
    })
  }

  listSafetyRules(controlPanelArn: string): Promise<SafetyRule[]> {
    return allPages(async (nextToken) => {
      const page = await this.call('ListSafetyRules', false, (abortSignal) =>
        this.client.send(new ListSafetyRulesCommand({ControlPanelArn: controlPanelArn, NextToken: nextToken}), {
          abortSignal,
        }),
      )
      return {items: (page.SafetyRules ?? []).flatMap(safetyRuleOf), next: page.NextToken}
    })
  }
}

function toArcCluster(cluster: Cluster, clusterArn: string): ArcCluster {
  return {
    arn: cluster.ClusterArn ?? clusterArn,
    name: cluster.Name ?? '',
    status: cluster.Status ?? 'unknown',
    endpoints: (cluster.ClusterEndpoints ?? []).map((endpoint) => ({
      region: endpoint.Region ?? '',
      url: endpoint.Endpoint ?? '',
    })),
  }
}

/** A rule of neither known type is left out. */
function safetyRuleOf(rule: Rule): SafetyRule[] {
  if (rule.ASSERTION) {
    const assertion = rule.ASSERTION
    return [
      {
        arn: assertion.SafetyRuleArn ?? '',
        name: assertion.Name ?? '',
        type: 'ASSERTION',
        controlPanelArn: assertion.ControlPanelArn,
        assertedControls: assertion.AssertedControls ?? [],
        ruleConfig: ruleConfigOf(assertion.RuleConfig),
        waitPeriodMs: assertion.WaitPeriodMs,
      },
    ]
  }
  if (rule.GATING) {
    const gating = rule.GATING
    return [
      {
        arn: gating.SafetyRuleArn ?? '',
        name: gating.Name ?? '',
        type: 'GATING',
        controlPanelArn: gating.ControlPanelArn,
        gatingControls: gating.GatingControls ?? [],
        targetControls: gating.TargetControls ?? [],
        ruleConfig: ruleConfigOf(gating.RuleConfig),
        waitPeriodMs: gating.WaitPeriodMs,
      },
    ]
  }
  return []
}

function ruleConfigOf(
  config: {Type?: string; Threshold?: number; Inverted?: boolean} | undefined,
): SafetyRule['ruleConfig'] {
  const type = config?.Type === 'AND' || config?.Type === 'OR' ? config.Type : 'ATLEAST'
  return {type, threshold: config?.Threshold ?? 1, inverted: config?.Inverted ?? false}
}
