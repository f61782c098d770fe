import {hexId} from '../ids.js'
import {ARC_ENDPOINT_REGIONS, type World} from '../world.js'
import {TOPOLOGY_NAME} from './naming.js'

// The scenarios' ARC: one cluster (its five endpoints at process-independent URLs), a control panel with a routing
// control per Region (on in the first), and the safety rule that keeps at least one on.

/** The process-independent URL the world stores for ARC cluster endpoint `index` (1–5); `.invalid` never resolves. */
export function canonicalArcUrl(index: number, region: string): string {
  return `https://arc${index}.${region}.sandbox.drctl.invalid/v1`
}

export function parseCanonicalArcUrl(url: string): {index: number; region: string; path: string} | undefined {
  const match = /^https:\/\/arc(\d)\.([a-z0-9-]+)\.sandbox\.drctl\.invalid(\/.*)?$/.exec(url)
  return match ? {index: Number(match[1]), region: match[2] as string, path: match[3] ?? ''} : undefined
}
function arcArn(account: string, resource: string): string {
  return `arn:aws:route53-recovery-control::${account}:${resource}`
}

export function addArc(world: World, regions: string[], now: number): void {
  const account = world.account
  const clusterArnValue = arcArn(account, `cluster/${hexId(`${account}:arc:cluster`, 32)}`)
  world.arc.clusters.push({
    arn: clusterArnValue,
    name: `${TOPOLOGY_NAME}-arc`,
    status: 'DEPLOYED',
    endpoints: ARC_ENDPOINT_REGIONS.map((region, index) => ({region, url: canonicalArcUrl(index + 1, region)})),
  })
  const defaultPanel = arcArn(account, `controlpanel/${hexId(`${account}:arc:default-panel`, 32)}`)
  const panel = arcArn(account, `controlpanel/${hexId(`${account}:arc:panel`, 32)}`)
  world.arc.controlPanels.push(
    {arn: defaultPanel, name: 'DefaultControlPanel', clusterArn: clusterArnValue, isDefault: true, status: 'DEPLOYED'},
    {arn: panel, name: `${TOPOLOGY_NAME}-panel`, clusterArn: clusterArnValue, isDefault: false, status: 'DEPLOYED'},
  )
  const controls = regions.map((region) => ({
    arn: `${panel}/routingcontrol/${hexId(`${account}:arc:control:${region}`, 16)}`,
    name: `${TOPOLOGY_NAME}-${region}`,
    controlPanelArn: panel,
    state: region === regions[0] ? ('On' as const) : ('Off' as const),
    status: 'DEPLOYED',
    updatedAt: now,
  }))
  world.arc.routingControls.push(...controls)
  world.arc.safetyRules.push({
    arn: `${panel}/safetyrule/${hexId(`${account}:arc:rule:at-least-one-on`, 16)}`,
    name: 'at-least-one-on',
    controlPanelArn: panel,
    type: 'ASSERTION',
    assertedControls: controls.map((control) => control.arn),
    gatingControls: [],
    targetControls: [],
    ruleConfig: {Type: 'ATLEAST', Threshold: 1, Inverted: false},
    waitPeriodMs: 5000,
    status: 'DEPLOYED',
  })
}
