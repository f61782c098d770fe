import {type ArcDiscovery, topologyPanel} from '../topology/arc-discovery.js'
import {describeSafetyRule} from './render-status.js'
import {type Style, symbols} from './style.js'
import {renderTable} from './table.js'

/** The JSON result of `drctl routing endpoints`. */
export function arcDiscoveryResult(discovery: ArcDiscovery, path: string, saved: boolean) {
  return {
    cluster: discovery.cluster,
    controlPanelArn: discovery.controlPanelArn,
    routingControls: discovery.routingControls,
    safetyRules: topologyPanel(discovery)?.safetyRules ?? [],
    saved,
    path,
  }
}

/** The ARC cluster and its endpoints, then every control panel with its routing controls and safety rules. */
export function renderArcDiscovery(discovery: ArcDiscovery, style: Style): string {
  const lines = [
    style.bold(`ARC cluster ${discovery.cluster.name} (${discovery.cluster.status})`),
    renderTable(
      ['REGION', 'ENDPOINT'],
      discovery.cluster.endpoints.map((endpoint) => [endpoint.region, endpoint.url]),
      {indent: 2},
    ),
  ]
  for (const panel of discovery.panels) {
    const ours = panel.arn === discovery.controlPanelArn ? ' (this topology)' : ''
    lines.push(`\n${style.bold(`control panel ${panel.name}`)}${ours}${panel.isDefault ? style.dim(' default') : ''}`)
    lines.push(
      panel.routingControls.length > 0
        ? renderTable(
            undefined,
            panel.routingControls.map((routing) => ['control', routing.name, routing.arn]),
            {indent: 2},
          )
        : style.dim('  no routing controls'),
    )
    if (panel.safetyRules.length > 0) {
      lines.push(
        renderTable(
          undefined,
          panel.safetyRules.map((rule) => ['rule', describeSafetyRule(rule), rule.arn]),
          {indent: 2},
        ),
      )
    }
  }
  return lines.join('\n')
}

/** What `--save` wrote into drctl.yaml, or that nothing was written without it. */
export function renderArcCached(discovery: ArcDiscovery, path: string, saved: boolean, style: Style): string {
  const panel = topologyPanel(discovery)
  if (!saved) {
    return style.dim(
      `\nnothing written: --save caches the endpoints${panel ? ', panel and safety rules' : ''} in ${path}`,
    )
  }
  return [
    `\n${style.green(symbols.ok)} cached ${discovery.cluster.endpoints.length} endpoints${panel ? `, control panel ${panel.name} and ${panel.safetyRules.length} safety rule(s)` : ''} in ${path}`,
    ...discovery.inferred.map((line) => `  routing control for ${line} (inferred from its name)`),
  ].join('\n')
}
