import {resourceIdOfArn} from '../core/arn.js'
import type {DrctlConfig} from '../config/schema.js'
import {formatDuration} from '../core/clock.js'
import type {AuroraGlobalView, AuroraMemberView, TableView, Topology} from '../topology/views.js'
import {appStepChecks} from './app-steps.js'
import {capacityChecks} from './capacity.js'
import {type Check, fail, ok, warn} from './check.js'
import {describeLag, majorMinor} from './aurora-values.js'

const HEALTHY_CLUSTER = new Set(['available'])
const TRANSITIONAL_CLUSTER = new Set([
  'backing-up',
  'modifying',
  'upgrading',
  'creating',
  'promoting',
  'failing-over',
  'renaming',
  'maintenance',
  'configuring-iam-database-auth',
  'update-iam-db-auth',
  'resetting-master-credentials',
  'starting',
])
const TRANSITIONAL_GLOBAL = new Set(['modifying', 'upgrading', 'creating', 'switching-over', 'failing-over'])

/** Every finding `drctl status` reports; pure, so the failover gates and the tests share it. */
export function statusChecks(topology: Topology, config: DrctlConfig): Check[] {
  return [
    ...identityChecks(topology),
    ...regionChecks(topology),
    ...topology.aurora.flatMap((view) => auroraChecks(view, config)),
    ...replicaChecks(topology),
    ...tableChecks(topology, config),
    ...routingChecks(topology),
    ...chaosChecks(topology),
    ...stackChecks(topology),
    ...appStepChecks(topology, config.regions),
    ...capacityChecks(topology),
  ]
}

function identityChecks(topology: Topology): Check[] {
  if (topology.identityError) return [fail('identity', `caller identity unknown: ${topology.identityError.message}`)]
  if (!topology.identity) return []
  const {account, arn} = topology.identity
  if (topology.pinnedAccount && topology.pinnedAccount !== account) {
    return [fail('identity', `credentials are for account ${account}, but drctl.yaml pins ${topology.pinnedAccount}`)]
  }
  return [ok('identity', `acting as ${arn}`)]
}

function regionChecks(topology: Topology): Check[] {
  return topology.regions.map((region) =>
    region.reachable
      ? ok(`region.${region.region}`, `${region.region} answers`)
      : fail(`region.${region.region}`, `${region.region} is unreachable: ${region.error}`),
  )
}

function auroraChecks(view: AuroraGlobalView, config: DrctlConfig): Check[] {
  const id = `aurora.${view.id}`
  if (view.unreadable) return [fail(id, `${view.id}: could not be read: ${view.unreadable.message}`)]
  if (!view.found) return [fail(id, missingGlobalMessage(view))]
  const checks: Check[] = []
  const status = view.status ?? 'unknown'
  const writer = view.members.find((member) => member.role === 'writer')
  const summary = `${view.id} ${status}, writer ${writer ? `${writer.clusterId} in ${writer.region}` : 'none'}`
  checks.push(
    status === 'available' ? ok(id, summary) : TRANSITIONAL_GLOBAL.has(status) ? warn(id, summary) : fail(id, summary),
  )
  if (view.failoverState) {
    const state = view.failoverState
    const kind = state.isDataLossAllowed ? 'failover (data loss allowed)' : 'switchover'
    checks.push(
      warn(
        `${id}.failover`,
        `${kind} in progress (${state.status}) from ${clusterName(state.fromClusterArn)} to ${clusterName(state.toClusterArn)}`,
      ),
    )
  }
  if (!writer) checks.push(fail(`${id}.writer`, `${view.id} has no writer member: nothing can write`))
  if (view.endpoint && writer) {
    checks.push(
      ok(
        `${id}.endpoint`,
        `global writer endpoint ${view.endpoint} follows the writer (${writer.region}); renaming ${view.id} changes this host name`,
      ),
    )
  }
  for (const region of config.regions) {
    const member = view.members.find((candidate) => candidate.region === region)
    if (!member) checks.push(warn(`${id}.${region}`, `${view.id} has no member in ${region}: no failover there`))
  }
  for (const member of view.members) {
    if (!config.regions.includes(member.region)) {
      checks.push(
        warn(`${id}.${member.region}`, `${view.id} has a member in ${member.region}, which drctl.yaml does not list`),
      )
    }
    checks.push(...memberChecks(view, member, config))
  }
  const survivor = view.detachedSurvivor
  if (survivor?.found) {
    checks.push(
      warn(
        `${id}.detached`,
        `${survivor.clusterId} (${survivor.region}) was detached from ${view.id} by run ${survivor.runId} and is a standalone ${survivor.status} cluster; ${view.id} is orphaned around its old primary: run drctl fallback`,
      ),
    )
  }
  const versions = new Set(view.members.map((member) => majorMinor(member.engineVersion)).filter(Boolean))
  if (versions.size > 1) {
    checks.push(
      warn(
        `${id}.engine`,
        `${view.id} members run different engine versions (${[...versions].join(', ')}): switchover needs the same major.minor`,
      ),
    )
  }
  return checks
}

function missingGlobalMessage(view: AuroraGlobalView): string {
  if (!view.renamedTo) return `global cluster ${view.id} does not exist`
  return `global cluster ${view.id} not found: renamed to ${view.renamedTo.join(' or ')}? Update aurora.globalClusters in drctl.yaml (\`drctl aurora rename-global\` keeps it in step)`
}

function memberChecks(view: AuroraGlobalView, member: AuroraMemberView, config: DrctlConfig): Check[] {
  const id = `aurora.${view.id}.${member.region}`
  if (member.unreadable) {
    if (member.unreadable.kind === 'excluded') return []
    return [
      fail(`${id}.cluster`, `${member.clusterId} (${member.role}) could not be read: ${member.unreadable.message}`),
    ]
  }
  const checks: Check[] = []
  const status = member.clusterStatus ?? 'unknown'
  const available = member.instances.filter((instance) => instance.status === 'available')
  const summary = `${member.clusterId} ${member.role} ${status}, ${available.length}/${member.instances.length} instances available`
  if (
    member.role === 'writer' &&
    !member.instances.some((instance) => instance.isWriter && instance.status === 'available')
  ) {
    checks.push(fail(`${id}.cluster`, `${summary}: no available writer instance`))
  } else if (!HEALTHY_CLUSTER.has(status)) {
    checks.push(TRANSITIONAL_CLUSTER.has(status) ? warn(`${id}.cluster`, summary) : fail(`${id}.cluster`, summary))
  } else if (available.length === 0) {
    checks.push(warn(`${id}.cluster`, `${summary}: headless, cannot be promoted by a switchover`))
  } else {
    checks.push(ok(`${id}.cluster`, summary))
  }
  if (member.role === 'secondary') {
    const sync = member.synchronizationStatus ?? 'unknown'
    checks.push(
      sync === 'connected'
        ? ok(`${id}.sync`, `${member.clusterId} replication ${sync}`)
        : warn(`${id}.sync`, `${member.clusterId} replication ${sync}`),
    )
    const max = config.gates.maxReplicationLagMs
    if (!member.lag) {
      checks.push(warn(`${id}.lag`, `${member.clusterId} replication lag unknown (no recent CloudWatch datapoint)`))
    } else if (member.lag.ms > max) {
      checks.push(
        warn(
          `${id}.lag`,
          `${member.clusterId} replication lag ${describeLag(member.lag)} is above the ${formatDuration(max)} gate`,
        ),
      )
    } else {
      checks.push(ok(`${id}.lag`, `${member.clusterId} replication lag ${describeLag(member.lag)}`))
    }
  }
  return checks
}

function clusterName(arn: string | undefined): string {
  return arn === undefined ? 'unknown' : resourceIdOfArn(arn)
}

function replicaChecks(topology: Topology): Check[] {
  return topology.replicas.map((replica) => {
    const id = `aurora.replica.${replica.clusterId}`
    if (replica.unreadable)
      return fail(id, `binlog replica ${replica.clusterId} could not be read: ${replica.unreadable.message}`)
    if (!replica.found) return fail(id, `binlog replica ${replica.clusterId} does not exist in ${replica.region}`)
    const source = replica.replicationSourceArn
      ? `replicating from ${clusterName(replica.replicationSourceArn)}`
      : 'not replicating (promoted)'
    const message = `binlog replica ${replica.clusterId} in ${replica.region} ${replica.status}, ${source}`
    if (replica.status !== 'available') return warn(id, message)
    return replica.replicationSourceArn ? ok(id, message) : warn(id, message)
  })
}

function tableChecks(topology: Topology, config: DrctlConfig): Check[] {
  return topology.dynamodb.flatMap((table) => {
    const id = `dynamodb.${table.name}`
    if (table.unreadable && table.replicas.length === 0) {
      return [fail(id, `table ${table.name} could not be read: ${table.unreadable.message}`)]
    }
    if (!table.found) return [fail(id, `table ${table.name} does not exist in any Region of the topology`)]
    const checks: Check[] = config.regions.map((region) => {
      const replica = table.replicas.find((candidate) => candidate.region === region)
      if (!replica) return fail(`${id}.${region}`, `${table.name} has no replica in ${region}`)
      const message = `${table.name} in ${region} ${replica.status}`
      if (replica.status === 'ACTIVE') return ok(`${id}.${region}`, message)
      return ['CREATING', 'UPDATING', 'DELETING'].includes(replica.status)
        ? warn(`${id}.${region}`, message)
        : fail(`${id}.${region}`, message)
    })
    checks.push(consistencyCheck(table))
    const readings = table.latency.filter((entry) => entry.reading)
    const slowest = readings.sort((a, b) => (b.reading?.ms ?? 0) - (a.reading?.ms ?? 0))[0]
    if (!slowest?.reading) {
      checks.push(
        ok(
          `${id}.latency`,
          `${table.name} replication latency unknown (no recent datapoint; an idle table emits none)`,
        ),
      )
    } else {
      const message = `${table.name} replication latency up to ${formatDuration(slowest.reading.ms)} (${slowest.from} → ${slowest.to})`
      checks.push(
        slowest.reading.ms > config.gates.maxReplicationLagMs
          ? warn(`${id}.latency`, message)
          : ok(`${id}.latency`, message),
      )
    }
    return checks
  })
}

/** What a failover does to a table's writes depends on its consistency mode (aws-reference-steps, MRSC). */
function consistencyCheck(table: TableView): Check {
  const id = `dynamodb.${table.name}.consistency`
  if (table.consistency === 'eventual')
    return ok(
      id,
      `${table.name} is eventually consistent across Regions: an unplanned failover loses the writes not yet replicated`,
    )
  const witness = table.witness ? ` (witness ${table.witness.region} ${table.witness.status})` : ''
  return ok(
    id,
    `${table.name} is strongly consistent across Regions${witness}: a failover moves traffic only and loses no write; FIS cannot pause its replication`,
  )
}

function routingChecks(topology: Topology): Check[] {
  const routing = topology.routing
  if (!routing) return []
  const checks: Check[] = []
  if (!routing.endpointsCached) {
    checks.push(
      warn(
        'routing.endpoints',
        'ARC cluster endpoints are not cached in drctl.yaml: run `drctl routing endpoints --save`',
      ),
    )
  }
  if (routing.unreadable) {
    checks.push(fail('routing.readable', `routing controls could not be read: ${routing.unreadable.message}`))
    return checks
  }
  const failed = routing.attempts.filter((attempt) => !attempt.ok).length
  const answered = routing.endpoint ? `${routing.endpoint.region} endpoint` : 'an endpoint'
  checks.push(
    failed > 0
      ? warn('routing.readable', `routing controls read through the ${answered} after ${failed} endpoint failure(s)`)
      : ok('routing.readable', `routing controls read through the ${answered}`),
  )
  const known = routing.controls.filter((control) => control.state)
  for (const control of routing.controls.filter((candidate) => !candidate.state)) {
    checks.push(
      warn(
        `routing.${control.region}`,
        `routing control ${control.name} (${control.region}) was not found on the cluster`,
      ),
    )
  }
  if (known.length > 0 && known.every((control) => control.state === 'Off')) {
    checks.push(fail('routing.all-off', 'every routing control is Off: Route 53 fails open and traffic is not steered'))
  }
  const onRegions = new Set(known.filter((control) => control.state === 'On').map((control) => control.region))
  for (const region of onRegions) {
    for (const view of topology.aurora.filter((candidate) => candidate.found && candidate.writerRegion)) {
      if (view.writerRegion === region) continue
      const member = view.members.find((candidate) => candidate.region === region)
      const message = `traffic is On in ${region}, but ${view.id}'s writer is in ${view.writerRegion}`
      checks.push(
        member?.writeForwarding === 'enabled'
          ? warn(`routing.${region}.writer`, `${message} (write forwarding is enabled)`)
          : fail(`routing.${region}.writer`, `${message}: writes there fail`),
      )
    }
  }
  if (checks.every((check) => check.status === 'ok')) {
    checks.push(ok('routing.states', `traffic On in ${[...onRegions].join(', ') || 'no Region'}`))
  }
  return checks
}

function chaosChecks(topology: Topology): Check[] {
  const chaos = topology.chaos
  if (!chaos) return []
  const checks = chaos.running.map((experiment) =>
    warn(
      `chaos.${experiment.id}`,
      `FIS experiment ${experiment.id} (template ${experiment.templateId}) is ${experiment.status} in ${experiment.region}`,
    ),
  )
  for (const {region, reason} of chaos.unreadable) {
    if (reason.kind !== 'network' && reason.kind !== 'timeout')
      checks.push(warn(`chaos.${region}`, `FIS experiments in ${region} could not be listed: ${reason.message}`))
  }
  return checks.length > 0 ? checks : [ok('chaos', 'no FIS experiment running')]
}

function stackChecks(topology: Topology): Check[] {
  return topology.stacks.map((stack) => {
    const id = `stack.${stack.region}.${stack.name}`
    if (stack.unreadable?.kind === 'excluded') return ok(id, `stack ${stack.name} in ${stack.region} not read`)
    if (stack.unreadable)
      return fail(id, `stack ${stack.name} in ${stack.region} could not be read: ${stack.unreadable.message}`)
    if (!stack.found) return fail(id, `stack ${stack.name} does not exist in ${stack.region}`)
    const message = `stack ${stack.name} in ${stack.region} ${stack.status}${stack.statusReason ? ` (${stack.statusReason})` : ''}`
    if (stack.status?.endsWith('_FAILED') || stack.status === 'ROLLBACK_COMPLETE') return fail(id, message)
    if (stack.status === 'UPDATE_ROLLBACK_COMPLETE') return warn(id, message)
    if (stack.status?.endsWith('_IN_PROGRESS')) return warn(id, message)
    return ok(id, message)
  })
}
