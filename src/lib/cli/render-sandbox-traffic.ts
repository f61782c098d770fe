import type {WorldView} from '../sandbox/index.js'
import {type Style, symbols} from './style.js'
import {renderTable} from './table.js'

/**
 * The Route 53, CloudFront and Global Accelerator sections of `drctl sandbox show`: where DNS records, origins and
 * traffic dials point. A service the world does not use gets no section.
 */
export function trafficSections(view: WorldView, style: Style): string[] {
  const lines: string[] = []
  const section = (title: string) => lines.push('', style.bold(title))
  const deployStatus = (status: string, done: string) => (status === done ? style.green(status) : style.yellow(status))

  if (view.route53.hostedZones.length > 0) section('Route 53 (control plane us-east-1)')
  for (const zone of view.route53.hostedZones) {
    const pending = zone.pendingChanges.length
    lines.push(
      `  ${style.bold(zone.name)} ${zone.id}${zone.private ? ' (private)' : ''}${pending ? `  ${style.yellow(`${pending} change(s) PENDING`)}` : ''}`,
    )
    const rows = zone.records
      .filter((record) => record.type !== 'NS' && record.type !== 'SOA')
      .map((record) => [
        record.name,
        record.type,
        record.setIdentifier === undefined
          ? ''
          : `${record.setIdentifier}${record.weight === undefined ? ` ${record.failover ?? ''}` : ` weight ${record.weight}`}`,
        record.alias ? `alias ${record.alias}` : record.values.join(', '),
      ])
    if (rows.length > 0) lines.push(renderTable(undefined, rows, {indent: 4}))
  }

  if (view.cloudfront.distributions.length > 0) section('CloudFront (control plane us-east-1)')
  for (const distribution of view.cloudfront.distributions) {
    // The fault holds an update in progress, or the next one.
    const stuck = !distribution.stuck
      ? ''
      : style.yellow(distribution.status === 'Deployed' ? ' (its next update will stay InProgress)' : ' (stuck)')
    lines.push(
      `  ${style.bold(distribution.id)}  ${distribution.domainName}  ${deployStatus(distribution.status, 'Deployed')}${stuck}`,
    )
    for (const origin of distribution.origins) {
      lines.push(`    origin ${origin.id} ${symbols.arrow} ${origin.domainName}${origin.originPath}`)
    }
    for (const group of distribution.originGroups) lines.push(`    group ${group.id}: ${group.members.join(', ')}`)
  }

  if (view.globalaccelerator.accelerators.length > 0) section('Global Accelerator (control plane us-west-2)')
  for (const accelerator of view.globalaccelerator.accelerators) {
    lines.push(
      `  ${style.bold(accelerator.name)}  ${accelerator.dnsName}  ${deployStatus(accelerator.status, 'DEPLOYED')}`,
    )
    const rows = accelerator.endpointGroups.map((group) => {
      const healthy = group.endpoints.filter((endpoint) => endpoint.health === 'HEALTHY').length
      const health = `${healthy}/${group.endpoints.length} endpoints healthy`
      return [
        group.region,
        `dial ${group.trafficDialPercentage}%`,
        healthy === group.endpoints.length ? health : style.yellow(health),
      ]
    })
    lines.push(renderTable(undefined, rows, {indent: 4}))
  }
  return lines
}
