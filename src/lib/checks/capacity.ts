import type {AuroraGlobalView, AuroraMemberView, TableView, Topology} from '../topology/views.js'
import {type Check, ok, warn} from './check.js'

// A Region that takes the writes must carry the load: a 1-instance secondary behind a 4-instance writer, or a replica
// with a fraction of the provisioned capacity, turns a failover into an outage of another kind. Warnings, in status
// and in the gates of a failover to that Region, never refusals: capacity can be added after the move.

function instancesOf(member: AuroraMemberView): string {
  const byClass = new Map<string, number>()
  for (const instance of member.instances)
    byClass.set(instance.instanceClass ?? 'unknown', (byClass.get(instance.instanceClass ?? 'unknown') ?? 0) + 1)
  const classes = [...byClass.entries()].sort(([a], [b]) => a.localeCompare(b))
  return classes.map(([name, count]) => `${count}× ${name}`).join(' + ') || 'no instances'
}

/**
 * A secondary falls short when it has under half its writer's instances, or no instance of the writer instance's
 * class (the promoted writer would be smaller). Fewer readers than the writer's cluster is common and fine.
 */
function memberParity(view: AuroraGlobalView, member: AuroraMemberView, id: string): Check | undefined {
  const writer = view.members.find((candidate) => candidate.role === 'writer')
  if (!writer || member === writer || member.unreadable || writer.unreadable) return undefined
  const secondary = instancesOf(member)
  const primary = instancesOf(writer)
  const writerClass = writer.instances.find((instance) => instance.isWriter)?.instanceClass
  const tooFew = member.instances.length < Math.ceil(writer.instances.length / 2)
  const smaller =
    writerClass !== undefined && !member.instances.some((instance) => instance.instanceClass === writerClass)
  if (!tooFew && !smaller) return ok(id, `${member.clusterId} (${secondary}) can carry its writer's load (${primary})`)
  return warn(
    id,
    `${member.clusterId} (${member.region}) has ${secondary} behind a writer with ${primary}${smaller ? ` (no ${writerClass} to promote)` : ''}: after a failover there it may not carry the load`,
  )
}

function capacityOf(table: TableView, region: string): string {
  const capacity = table.replicas.find((replica) => replica.region === region)?.capacity
  if (!capacity) return 'unknown'
  return capacity.mode === 'on-demand' ? 'on-demand' : `${capacity.readUnits} RCU/${capacity.writeUnits} WCU`
}

function tableParity(table: TableView, id: string): Check | undefined {
  const known = table.replicas.filter((replica) => replica.capacity)
  if (known.length < 2) return undefined
  const described = known.map((replica) => `${replica.region} ${capacityOf(table, replica.region)}`)
  return new Set(known.map((replica) => capacityOf(table, replica.region))).size === 1
    ? ok(id, `${table.name} has the same capacity in every Region (${capacityOf(table, known[0]!.region)})`)
    : warn(id, `${table.name} capacity differs between Regions: ${described.join(', ')}`)
}

/** Capacity parity of every secondary with its writer, and of every table's replicas. */
export function capacityChecks(topology: Topology): Check[] {
  return [
    ...topology.aurora.flatMap((view) =>
      view.members.flatMap((member) => memberParity(view, member, `aurora.${view.id}.${member.region}.capacity`) ?? []),
    ),
    ...topology.dynamodb.flatMap((table) => tableParity(table, `dynamodb.${table.name}.capacity`) ?? []),
  ]
}

/** The capacity gap a failover to `target` would leave, shown with its gates. */
export function capacityGates(topology: Topology, target: string): Check[] {
  return [
    ...topology.aurora.flatMap((view) => {
      const member = view.members.find((candidate) => candidate.region === target)
      return (member && memberParity(view, member, `gate.aurora.${view.id}.capacity`)) ?? []
    }),
    ...topology.dynamodb.flatMap((table) => tableParity(table, `gate.dynamodb.${table.name}.capacity`) ?? []),
  ]
}
