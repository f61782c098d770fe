import type {ArcCluster, ArcControlPort, AwsPorts, ControlPanel, RoutingControl, SafetyRule} from '../aws/ports.js'
import {type DrctlConfig, routingControlsByRegion} from '../config/schema.js'
import type {ArcCache} from '../config/update.js'
import {declaredEach, readsOnly} from '../aws/iam-calls.js'

/** What reading the ARC control plane calls (`routing endpoints`, `config init --discover`). */
export const ARC_DISCOVERY_READS = {
  calls: readsOnly(
    declaredEach('ARC control', ['DescribeCluster', 'ListControlPanels', 'ListRoutingControls', 'ListSafetyRules']),
  ),
}

export type DiscoveredPanel = ControlPanel & {routingControls: RoutingControl[]; safetyRules: SafetyRule[]}

export interface ArcDiscovery {
  cluster: ArcCluster
  panels: DiscoveredPanel[]
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
  const {cluster, panels} = await readArcCluster(aws.arcControl(), arc.clusterArn)
  return arcDiscoveryOf(cluster, panels, {
    regions: config.regions,
    configured: routingControlsByRegion(config),
    controlPanelArn: arc.controlPanelArn,
  })
}

/** A cluster (described, unless already `listed`) and every one of its panels with their controls and rules. */
export async function readArcCluster(
  control: ArcControlPort,
  clusterArn: string,
  listed?: ArcCluster,
): Promise<{cluster: ArcCluster; panels: DiscoveredPanel[]}> {
  const [cluster, panelList] = await Promise.all([
    listed ?? control.describeCluster(clusterArn),
    control.listControlPanels(clusterArn),
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
  return {cluster, panels}
}

/**
 * The topology's panel and routing controls among a cluster's panels: the panel holding the configured controls,
 * else the one named by `controlPanelArn`, else the only panel that is not the default. A Region without a
 * configured control gets the one control of that panel whose name names the Region, if exactly one does.
 */
export function arcDiscoveryOf(
  cluster: ArcCluster,
  panels: DiscoveredPanel[],
  topology: {regions: string[]; configured: Record<string, string[]>; controlPanelArn?: string},
): ArcDiscovery {
  const configuredArns = new Set(Object.values(topology.configured).flat())
  const custom = panels.filter((candidate) => !candidate.isDefault)
  const panel =
    panels.find((candidate) => candidate.routingControls.some((routing) => configuredArns.has(routing.arn))) ??
    panels.find((candidate) => candidate.arn === topology.controlPanelArn) ??
    (custom.length === 1 ? custom[0] : undefined)
  const routingControls: Record<string, string[]> = {...topology.configured}
  const inferred: string[] = []
  for (const region of topology.regions) {
    if (routingControls[region]?.length) continue
    const named = (panel?.routingControls ?? []).filter((routing) => namesRegion(routing.name, region))
    if (named.length === 1 && named[0]) {
      routingControls[region] = [named[0].arn]
      inferred.push(`${region}: ${named[0].name}`)
    }
  }
  return {cluster, panels, controlPanelArn: panel?.arn, routingControls, inferred}
}

/**
 * Whether a routing control's name names `region`: the Region itself (`retail-us-east-1`), or its short code as
 * AWS writes it in Availability Zone ids (`retail-use1`, `apse2-cell`) as a word of the name.
 */
export function namesRegion(name: string, region: string): boolean {
  const lower = name.toLowerCase()
  return lower.includes(region) || lower.split(/[^a-z0-9]+/).includes(shortRegionCode(region))
}

const DIRECTION_CODES: Record<string, string> = {northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw'}

/** us-east-1 → use1, ap-southeast-2 → apse2, eu-central-1 → euc1, us-gov-west-1 → usgw1. */
export function shortRegionCode(region: string): string {
  const [area = '', ...rest] = region.split('-')
  const number = rest.pop() ?? ''
  return `${area}${rest.map((part) => DIRECTION_CODES[part] ?? part.charAt(0)).join('')}${number}`
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
