import {ARC_CONTROL_PLANE_REGION} from '../../aws/control-planes.js'
import type {ArcCache} from '../../config/update.js'
import {type ArcDiscovery, arcCacheOf, arcDiscoveryOf, readArcCluster, topologyPanel} from '../arc-discovery.js'
import {type DiscoverContext, type Finding, type SectionResult, unreadableFinding} from './findings.js'

export interface ArcSectionDiscovery extends SectionResult {
  arc?: {clusterArn: string} & ArcCache
}

const SERVICE = 'arc-control'

/**
 * The ARC cluster and control panel whose routing controls are named after the most of the Regions (as `routing
 * endpoints --save` recognises them), with what that command caches: endpoints, panel, controls, safety rules.
 */
export async function discoverArcSection({aws, reader, regions}: DiscoverContext): Promise<ArcSectionDiscovery> {
  const result: ArcSectionDiscovery = {found: [], skipped: [], notes: []}
  const control = aws.arcControl()
  const listed = await reader.readControlPlane(SERVICE, ARC_CONTROL_PLANE_REGION, () => control.listClusters())
  if (!listed.ok) {
    result.skipped.push(unreadableFinding('arc', 'ARC clusters', [], listed.error))
    return result
  }
  const reads = await Promise.all(
    listed.value.map(async (cluster) => ({
      cluster,
      read: await reader.readControlPlane(SERVICE, ARC_CONTROL_PLANE_REGION, () =>
        readArcCluster(control, cluster.arn, cluster),
      ),
    })),
  )
  const candidates: {discovery: ArcDiscovery; covered: number}[] = []
  for (const {cluster, read} of reads) {
    if (!read.ok) {
      result.skipped.push({...unreadableFinding('arc', 'ARC cluster', [], read.error), name: cluster.name})
      continue
    }
    for (const panel of read.value.panels) {
      const discovery = arcDiscoveryOf(read.value.cluster, read.value.panels, {
        regions,
        configured: {},
        controlPanelArn: panel.arn,
      })
      candidates.push({discovery, covered: Object.keys(discovery.routingControls).length})
    }
  }
  const best = Math.max(0, ...candidates.map((candidate) => candidate.covered))
  const leaders = candidates.filter((candidate) => candidate.covered === best)
  const panelName = (discovery: ArcDiscovery) =>
    `${discovery.cluster.name}/${topologyPanel(discovery)?.name ?? discovery.controlPanelArn}`
  if (best === 0) {
    for (const {cluster} of reads) {
      result.skipped.push({
        section: 'arc',
        kind: 'ARC cluster',
        name: cluster.name,
        regions: [],
        detail: 'no routing control is named after these Regions',
      })
    }
    return result
  }
  if (leaders.length > 1) {
    result.skipped.push({
      section: 'arc',
      kind: 'ARC control panel',
      name: leaders.map((leader) => panelName(leader.discovery)).join(', '),
      regions: [],
      detail: `each names ${best} of the Regions: set arc.clusterArn and arc.controlPanelArn by hand, then run drctl routing endpoints --save`,
    })
    return result
  }
  const chosen = leaders[0]!.discovery
  const panel = topologyPanel(chosen)
  const cache = arcCacheOf(chosen)
  result.arc = {clusterArn: chosen.cluster.arn, ...cache}
  result.found.push(arcClusterFinding(chosen))
  if (panel) {
    result.found.push({
      section: 'arc',
      kind: 'ARC control panel',
      name: panel.name,
      regions: [],
      detail: `${panel.routingControls.length} routing control(s), ${panel.safetyRules.length} safety rule(s) cached`,
    })
  }
  const names = new Map((panel?.routingControls ?? []).map((routing) => [routing.arn, routing.name]))
  for (const [region, arns] of Object.entries(chosen.routingControls)) {
    for (const arn of arns) {
      result.found.push({
        section: 'arc',
        kind: 'ARC routing control',
        name: names.get(arn) ?? arn,
        regions: [region],
        detail: 'named after its Region',
      })
    }
  }
  result.notes.push(
    `cluster ${chosen.cluster.name}, panel ${panel?.name ?? '?'}: routing controls ${chosen.inferred.join(', ')}`,
  )
  for (const other of candidates) {
    if (other.covered === 0 || other.discovery === chosen) continue
    result.skipped.push({
      section: 'arc',
      kind: 'ARC control panel',
      name: panelName(other.discovery),
      regions: [],
      detail: `names ${other.covered} of the Regions; ${panelName(chosen)} names ${best}`,
    })
  }
  return result
}

function arcClusterFinding(discovery: ArcDiscovery): Finding {
  const endpoints = discovery.cluster.endpoints
  return {
    section: 'arc',
    kind: 'ARC cluster',
    name: discovery.cluster.name,
    regions: [],
    detail: `${endpoints.length} endpoint(s) cached (${endpoints.map((endpoint) => endpoint.region).join(', ')})`,
  }
}
