import {regionOfArn, resourceIdOfArn} from '../core/arn.js'
import {formatDuration} from '../core/clock.js'
import {ARC_CONTROL_PLANE_REGION, type DescribedFault, type WorldView} from '../sandbox/index.js'
import {trafficSections} from './render-sandbox-traffic.js'
import {type Style, symbols} from './style.js'
import {renderTable} from './table.js'

const HISTORY_SHOWN = 8

export function activeFaultsText(faults: DescribedFault[]): string {
  if (faults.length === 0) return 'No faults are active.'
  return `Active faults:\n${faults.map((fault) => `  ${symbols.bullet} ${fault.description}`).join('\n')}`
}

/** `drctl sandbox show`: the world per service and Region, its faults and recent events. */
export function renderSandbox(view: WorldView, style: Style, path: string): string {
  const lines: string[] = []
  const section = (title: string) => lines.push('', style.bold(title))
  const scale = view.timeScale === 1 ? 'realistic' : `1 s of AWS time takes ${formatDuration(1000 * view.timeScale)}`
  lines.push(
    `${style.bold('Sandbox world')} ${view.scenario}, account ${view.account}, Regions ${view.regions.join(', ')}`,
    `  time scale ${view.timeScale} (${scale}); ${style.dim(path)}`,
    `  ${view.faults.length === 0 ? 'No faults are active.' : style.yellow(activeFaultsText(view.faults))}`,
  )

  section('Aurora global clusters')
  if (view.rds.globalClusters.length === 0) lines.push('  none')
  for (const global of view.rds.globalClusters) {
    const writer = global.writerRegion ? `writer in ${global.writerRegion}` : style.yellow('no writer')
    lines.push(
      `  ${style.bold(global.id)}  ${statusText(style, global.status)}  ${global.engine} ${global.engineVersion}  ${writer}`,
    )
    const rows = global.members.map((member) => [
      member.role === 'writer' ? style.green('★ writer') : '  secondary',
      `${member.clusterId} (${member.region})`,
      member.role === 'writer' ? '' : member.synchronization,
      member.lagMs === undefined ? '' : `lag ${formatDuration(member.lagMs)}`,
      member.leaving ? style.yellow('leaving') : '',
    ])
    if (rows.length > 0) lines.push(renderTable(undefined, rows, {indent: 4}))
    if (global.failoverState) {
      const state = global.failoverState
      lines.push(
        `    ${style.yellow(`${state.dataLossAllowed ? 'failover' : 'switchover'} ${state.status}`)}: ${resourceIdOfArn(state.from)} ${symbols.arrow} ${resourceIdOfArn(state.to)}`,
      )
    }
    for (const arn of global.awaitingRejoin) {
      lines.push(`    ${style.yellow(`${resourceIdOfArn(arn)} (${regionOfArn(arn)}) waits for its Region to rejoin`)}`)
    }
  }

  section('Aurora clusters and instances')
  for (const [region, content] of Object.entries(view.rds.regions)) {
    if (content.clusters.length === 0) continue
    lines.push(`  ${region}`)
    const rows = content.clusters.map((cluster) => {
      const instances = cluster.instances
        .map((instance) => {
          const status = content.instances.find((candidate) => candidate.id === instance.id)?.status ?? ''
          return `${instance.id}${instance.writer ? '*' : ''}${status === 'available' ? '' : ` (${status})`}`
        })
        .join(', ')
      const role =
        cluster.role === 'replica'
          ? `replica of ${resourceIdOfArn(cluster.replicationSource ?? '')}`
          : cluster.globalCluster
            ? `${cluster.role} of ${cluster.globalCluster}`
            : cluster.role
      return [
        cluster.id,
        statusText(style, cluster.status),
        role,
        instances || style.dim('no instances'),
        cluster.deletionProtection ? 'protected' : '',
      ]
    })
    lines.push(renderTable(undefined, rows, {indent: 4}))
    const snapshots = content.snapshots.filter(
      (snapshot) => snapshot.type === 'manual' || snapshot.id.startsWith('rds:'),
    )
    for (const snapshot of snapshots) {
      lines.push(`    ${style.dim(`snapshot ${snapshot.id} (${snapshot.type}, ${snapshot.status})`)}`)
    }
  }

  section('DynamoDB tables')
  const tables = new Map<string, string[]>()
  for (const [region, content] of Object.entries(view.dynamodb.regions)) {
    for (const table of content.tables) {
      const parts = tables.get(table.name) ?? []
      parts.push(`${region} ${statusText(style, table.status)}${table.deletionProtection ? ' (protected)' : ''}`)
      tables.set(table.name, parts)
    }
  }
  if (tables.size === 0) lines.push('  none')
  for (const [name, parts] of tables) lines.push(`  ${style.bold(name)}  ${parts.join(', ')}`)

  section('ARC routing')
  for (const cluster of view.arc.clusters) {
    const up = cluster.endpoints.filter((endpoint) => endpoint.state === 'up').length
    const down = cluster.endpoints.filter((endpoint) => endpoint.state !== 'up')
    lines.push(
      `  ${style.bold(cluster.name)}  endpoints ${up}/${cluster.endpoints.length} up${down.length ? style.yellow(` (down: ${down.map((e) => `${e.region} ${e.state}`).join(', ')})`) : ''}`,
    )
  }
  lines.push(
    renderTable(
      undefined,
      view.arc.routingControls.map((control) => [
        control.name,
        control.state === 'On' ? style.green('On') : style.dim('Off'),
      ]),
      {indent: 4},
    ),
  )
  for (const rule of view.arc.safetyRules) lines.push(`    rule ${rule.name}: ${rule.type} ${rule.rule}`)

  section('FIS')
  for (const [region, content] of Object.entries(view.fis.regions)) {
    if (content.templates.length === 0 && content.experiments.length === 0) continue
    lines.push(`  ${region}`)
    for (const template of content.templates) {
      lines.push(
        `    template ${template.name ?? template.id} (${template.id})  stop: ${template.stopConditions.join(', ')}`,
      )
    }
    for (const experiment of content.experiments.slice(-5)) {
      lines.push(
        `    experiment ${experiment.id}  ${statusText(style, experiment.status)}  started ${experiment.createdAt}`,
      )
    }
  }

  section('CloudFormation stacks')
  for (const [region, content] of Object.entries(view.cloudformation.regions)) {
    for (const stack of content.stacks) {
      lines.push(`  ${region}  ${stack.name}  ${statusText(style, stack.status)}`)
      for (const failed of stack.failedResources) {
        lines.push(`    ${style.red(`${failed.logicalId} (${failed.type}): ${failed.reason ?? 'failed'}`)}`)
      }
    }
  }

  lines.push(...applicationText(view, style))
  lines.push(...trafficSections(view, style))

  section('Recent events')
  for (const entry of view.history.slice(-HISTORY_SHOWN)) {
    const loss = entry.dataLossMs === undefined ? '' : style.yellow(` [data loss ~${formatDuration(entry.dataLossMs)}]`)
    lines.push(`  ${style.dim(entry.at)}  ${entry.summary}${loss}`)
  }
  return lines.join('\n')
}

function statusText(style: Style, status: string): string {
  if (/^(available|ACTIVE|CREATE_COMPLETE|UPDATE_COMPLETE|completed|On)$/.test(status)) return style.green(status)
  if (/FAILED|failed|stopped|inaccessible/.test(status)) return style.red(status)
  return style.yellow(status)
}

/** RDS Proxies, ECS services and Lambda functions, each section only when the world has some. */
function applicationText(view: WorldView, style: Style): string[] {
  const lines: string[] = []
  const section = (title: string, rows: string[]) => {
    if (rows.length > 0) lines.push('', style.bold(title), ...rows)
  }
  const perRegion = <T>(byRegion: Record<string, T>, rows: (region: string, content: T) => string[]) =>
    Object.entries(byRegion).flatMap(([region, content]) => rows(region, content))

  section(
    'RDS Proxies',
    perRegion(view.rds.regions, (region, content) =>
      content.proxies.flatMap((proxy) =>
        proxy.targetGroups.map((group) => {
          const targets = group.clusters.map((cluster) =>
            cluster.state === 'AVAILABLE' ? cluster.id : `${cluster.id} ${style.yellow(`(${cluster.state})`)}`,
          )
          return `  ${region}  ${proxy.name} (${group.name}) ${symbols.arrow} ${targets.join(', ') || style.dim('no target')}`
        }),
      ),
    ),
  )
  section(
    'ECS services',
    perRegion(view.ecs.regions, (region, content) =>
      content.clusters.flatMap((cluster) =>
        cluster.services.map((service) => {
          const counts = `${service.runningCount} running, ${service.desiredCount} desired`
          const rollout =
            service.deployments.length > 1 || service.deployments[0]?.rolloutState !== 'COMPLETED'
              ? style.yellow(
                  `; rolling out: ${service.deployments.map((d) => `${d.status} ${d.rolloutState} ${d.runningCount}/${d.desiredCount}`).join(', ')}`,
                )
              : ''
          return `  ${region}  ${cluster.name}/${service.name}  ${counts}${rollout}`
        }),
      ),
    ),
  )
  section(
    'Lambda functions',
    perRegion(view.lambda.regions, (region, content) =>
      content.functions.map((fn) => {
        const last =
          fn.lastOutcome === undefined ? '' : `, last ${fn.lastOutcome === 'ok' ? 'ok' : style.red(fn.lastOutcome)}`
        return `  ${region}  ${fn.name}  ${fn.invocations} invocation${fn.invocations === 1 ? '' : 's'}${last}`
      }),
    ),
  )
  return lines
}

/** What `drctl sandbox serve` prints once it listens: shell exports, the ARC endpoints and what clients must know. */
export function serveBanner(
  served: {endpoint: string; env: Record<string, string>; world: string; arcEndpoints: {region: string; url: string}[]},
  world: {scenario: string; timeScale: number},
  policyPath: string | undefined,
): string {
  return [
    `# drctl sandbox: scenario ${world.scenario}, time scale ${world.timeScale}, world ${served.world}`,
    ...Object.entries(served.env).map(([name, value]) => `export ${name}=${value}`),
    '# ARC cluster endpoints (route53-recovery-cluster; sign each call for its Region):',
    ...served.arcEndpoints.map((endpoint) => `#   ${endpoint.region.padEnd(15)} ${endpoint.url}`),
    `# The ARC control-plane client ignores AWS_ENDPOINT_URL: pass endpoint ${served.endpoint} and Region ${ARC_CONTROL_PLANE_REGION}.`,
    '# AWS CLI v1 overrides AWS_ENDPOINT_URL for rds in us-east-1: pass --endpoint-url there.',
    '# Route 53 and CloudFront answer a call signed for any Region (their control plane is us-east-1); Global Accelerator only us-west-2.',
    ...(policyPath ? [`# Every call is judged against the IAM policy in ${policyPath}.`] : []),
  ].join('\n')
}
