import {
  type Cluster,
  DescribeClusterCommand,
  ListClustersCommand,
  ListControlPanelsCommand,
  ListRoutingControlsCommand,
  ListSafetyRulesCommand,
  type Route53RecoveryControlConfigClient,
} from '@aws-sdk/client-route53-recovery-control-config'

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

  async listClusters(): Promise<ArcCluster[]> {
    const result: ArcCluster[] = []
    let nextToken: string | undefined
    do {
      const page = await this.call('ListClusters', false, (abortSignal) =>
        this.client.send(new ListClustersCommand({NextToken: nextToken}), {abortSignal}),
      )
      result.push(...(page.Clusters ?? []).map((cluster) => toArcCluster(cluster, '')))
      nextToken = page.NextToken
    } while (nextToken)
    return result
  }

  async listControlPanels(clusterArn: string): Promise<ControlPanel[]> {
    const result: ControlPanel[] = []
    let nextToken: string | undefined
    do {
      const page = await this.call('ListControlPanels', false, (abortSignal) =>
        this.client.send(new ListControlPanelsCommand({ClusterArn: clusterArn, NextToken: nextToken}), {abortSignal}),
      )
      for (const panel of page.ControlPanels ?? []) {
        result.push({
          arn: panel.ControlPanelArn ?? '',
          name: panel.Name ?? '',
          status: panel.Status ?? 'unknown',
          isDefault: panel.DefaultControlPanel ?? false,
          routingControlCount: panel.RoutingControlCount ?? 0,
        })
      }
      nextToken = page.NextToken
    } while (nextToken)
    return result
  }

  async listRoutingControls(controlPanelArn: string): Promise<RoutingControl[]> {
    const result: RoutingControl[] = []
    let nextToken: string | undefined
    do {
      const page = await this.call('ListRoutingControls', false, (abortSignal) =>
        this.client.send(new ListRoutingControlsCommand({ControlPanelArn: controlPanelArn, NextToken: nextToken}), {
          abortSignal,
        }),
      )
      for (const control of page.RoutingControls ?? []) {
        result.push({
          arn: control.RoutingControlArn ?? '',
          name: control.Name ?? '',
          controlPanelArn: control.ControlPanelArn ?? controlPanelArn,
          status: control.Status ?? 'unknown',
        })
      }
      nextToken = page.NextToken
    } while (nextToken)
    return result
  }

  async listSafetyRules(controlPanelArn: string): Promise<SafetyRule[]> {
    const result: SafetyRule[] = []
    let nextToken: string | undefined
    do {
      const page = await this.call('ListSafetyRules', false, (abortSignal) =>
        this.client.send(new ListSafetyRulesCommand({ControlPanelArn: controlPanelArn, NextToken: nextToken}), {
          abortSignal,
        }),
      )
      for (const rule of page.SafetyRules ?? []) {
        if (rule.ASSERTION) {
          const assertion = rule.ASSERTION
          result.push({
            arn: assertion.SafetyRuleArn ?? '',
            name: assertion.Name ?? '',
            type: 'ASSERTION',
            controlPanelArn: assertion.ControlPanelArn,
            assertedControls: assertion.AssertedControls ?? [],
            ruleConfig: ruleConfigOf(assertion.RuleConfig),
            waitPeriodMs: assertion.WaitPeriodMs,
          })
        } else if (rule.GATING) {
          const gating = rule.GATING
          result.push({
            arn: gating.SafetyRuleArn ?? '',
            name: gating.Name ?? '',
            type: 'GATING',
            controlPanelArn: gating.ControlPanelArn,
            gatingControls: gating.GatingControls ?? [],
            targetControls: gating.TargetControls ?? [],
            ruleConfig: ruleConfigOf(gating.RuleConfig),
            waitPeriodMs: gating.WaitPeriodMs,
          })
        }
      }
      nextToken = page.NextToken
    } while (nextToken)
    return result
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

function ruleConfigOf(
  config: {Type?: string; Threshold?: number; Inverted?: boolean} | undefined,
): SafetyRule['ruleConfig'] {
  const type = config?.Type === 'AND' || config?.Type === 'OR' ? config.Type : 'ATLEAST'
  return {type, threshold: config?.Threshold ?? 1, inverted: config?.Inverted ?? false}
}
