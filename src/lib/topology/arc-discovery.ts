import type {ArcCluster, AwsPorts, ControlPanel, RoutingControl, SafetyRule} from '../aws/ports.js'
import {type DrctlConfig, routingControlsByRegion} from '../config/schema.js'
import type {ArcCache} from '../config/update.js'

export interface ArcDiscovery {
  cluster: ArcCluster
  panels: (ControlPanel & {routingControls: RoutingControl[]; safetyRules: SafetyRule[]})[]
  /** The panel holding this topology's routing controls. */
  controlPanelArn?: string
  /** Routing controls per Region: the configured ones, plus those whose name names a Region that has none yet. */
  routingControls: Record<string, string[]>
  inferred: string[]
}

/**
 * Reads from the ARC control plane (us-west-2 only) what a DR run must not depend on it for: the cluster
 * endpoints, the control panel, routing controls and safety rules.
 */
export async function discoverArc(config: DrctlConfig, aws: AwsPorts): Promise<ArcDiscovery | undefined> {
  const arc = config.arc
  if (!arc) return undefined
  const control = aws.arcControl()
  const [cluster, panelList] = await Promise.all([
    control.describeCluster(arc.clusterArn),
    control.listControlPanels(arc.clusterArn),
  ])
  const panels = await Promise.all(
    panelList.map(async (panel) => {
      const [routingControls, safetyRules] = await Promise.all([
        control.listRoutingControls(panel.arn),
        control.listSafetyRules(panel.arn),
      ])
      return {...panel, routingControls, safetyRules}
    }),
  )
  const configured = routingControlsByRegion(config)
  const configuredArns = new Set(Object.values(configured).flat())
  const custom = panels.filter((candidate) => !candidate.isDefault)
  const panel =
    panels.find((candidate) => candidate.routingControls.some((routing) => configuredArns.has(routing.arn))) ??
    panels.find((candidate) => candidate.arn === arc.controlPanelArn) ??
    (custom.length === 1 ? custom[0] : undefined)
  const routingControls: Record<string, string[]> = {...configured}
  const inferred: string[] = []
  for (const region of config.regions) {
    if (routingControls[region]?.length) continue
    const named = (panel?.routingControls ?? []).filter((routing) => routing.name.includes(region))
    if (named.length === 1 && named[0]) {
      routingControls[region] = [named[0].arn]
      inferred.push(`${region}: ${named[0].name}`)
    }
  }
  return {cluster, panels, controlPanelArn: panel?.arn, routingControls, inferred}
}

/** The topology's control panel, when the discovery found one. */
export function topologyPanel(discovery: ArcDiscovery): ArcDiscovery['panels'][number] | undefined {
  return discovery.panels.find((candidate) => candidate.arn === discovery.controlPanelArn)
}

/**
 * What drctl.yaml caches of a discovery: the endpoints, the topology's control panel, routing controls per Region
 * and that panel's safety rules.
 */
export function arcCacheOf(discovery: ArcDiscovery): ArcCache {
  return {
    endpoints: discovery.cluster.endpoints,
    controlPanelArn: discovery.controlPanelArn,
    routingControls: discovery.routingControls,
    safetyRules: topologyPanel(discovery)?.safetyRules.map(({controlPanelArn: _panel, ...rule}) => rule),
  }
}
