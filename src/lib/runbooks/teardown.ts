import {type Check, fail, warn} from '../checks/check.js'
import {accountGate} from '../checks/gates.js'
import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import {quote} from '../core/quote.js'
import type {RunPlan} from '../runbook/types.js'
import type {TopologyPart} from '../topology/observe.js'
import type {Topology} from '../topology/views.js'
import type {ProtectedResource} from './protection-step.js'
import type {ReconcileLeftover} from './reconcile-facts.js'
import {type ItemSpec, itemsFromSpecs, type StepSpec} from './step-specs.js'

export const TEARDOWN = 'teardown'

/** What a teardown observes: what it deletes and the experiments it stops (not traffic, which it leaves). */
export const TEARDOWN_OBSERVED: TopologyPart[] = ['identity', 'aurora', 'dynamodb', 'chaos', 'stacks']
export const TEARDOWN_PARTS = ['fis', 'aurora', 'dynamodb', 'stacks'] as const
export type TeardownPart = (typeof TEARDOWN_PARTS)[number]

export interface TeardownRequest {
  finalSnapshot: boolean
  disableDeletionProtection: boolean
  only: TeardownPart[]
  /** Stamp for predictable final snapshot names, fixed at planning so a resume uses the same names. */
  stamp: string
  /** Temporary clusters an interrupted `drctl reconcile` left (no final snapshot: they hold a copy of a snapshot). */
  reconcileLeftovers?: ReconcileLeftover[]
}

/** Predictable, unique per teardown: `drctl-final-<cluster>-<stamp>`. */
const finalSnapshotName = (clusterId: string, stamp: string) => `drctl-final-${clusterId}-${stamp}`.slice(0, 255)

/**
 * The only deletion order AWS accepts, computed from live roles (never from stack names or the config's Region
 * order): experiments stopped; per global cluster, secondaries removed, their instances then clusters deleted;
 * binlog replicas promoted then deleted; then writers (final snapshot by default) and the global clusters;
 * DynamoDB replicas one at a time, then the last table; stacks, secondary Regions first.
 */
export function planTeardown(config: DrctlConfig, topology: Topology, request: TeardownRequest): RunPlan {
  const gates: Check[] = []
  const notes: string[] = []
  const only = partsTornDown(request.only)
  gates.push(accountGate(config.account, topology))
  for (const region of topology.regions.filter((candidate) => !candidate.reachable)) {
    gates.push(
      fail(
        `gate.region.${region.region}`,
        `${region.region} is unreachable: a teardown needs every Region (${region.error})`,
      ),
    )
  }

  // Where writes go now: after a detach that is the promoted survivor, not the orphaned global cluster's old primary.
  const writerRegions = new Set(
    topology.aurora
      .map((view) => (view.detachedSurvivor?.found ? view.detachedSurvivor.region : view.writerRegion))
      .filter(Boolean) as string[],
  )
  const primary = (writerRegions.size === 1 ? [...writerRegions][0] : config.regions[0]) as string
  const protectedResources: ProtectedResource[] = []
  const specs: ItemSpec[] = []
  const group = (id: string, title: string, steps: StepSpec[]) => {
    if (steps.length > 0) specs.push({kind: 'group', id, title, steps})
  }

  group(
    'fis',
    'Stop running FIS experiments',
    (topology.chaos?.running ?? []).map((experiment) => ({
      kind: 'stop-experiment',
      experimentId: experiment.id,
      region: experiment.region,
    })),
  )

  const aurora: {
    secondaries: StepSpec[]
    replicas: StepSpec[]
    secondaryInstances: StepSpec[]
    secondaryClusters: StepSpec[]
    writerInstances: StepSpec[]
    writerClusters: StepSpec[]
    globals: StepSpec[]
  } = {
    secondaries: [],
    replicas: [],
    secondaryInstances: [],
    secondaryClusters: [],
    writerInstances: [],
    writerClusters: [],
    globals: [],
  }
  const snapshotFor = (clusterId: string) =>
    request.finalSnapshot ? finalSnapshotName(clusterId, request.stamp) : undefined
  if (only.has('aurora')) {
    for (const view of topology.aurora) {
      if (view.unreadable) {
        gates.push(fail(`gate.aurora.${view.id}`, `${view.id} could not be read: ${view.unreadable.message}`))
        continue
      }
      if (!view.found) {
        notes.push(`global cluster ${view.id} does not exist: skipped`)
        continue
      }
      if (view.failoverState) {
        gates.push(
          fail(
            `gate.aurora.${view.id}`,
            `${view.id} has a ${view.failoverState.status} switchover/failover in progress: let it finish first`,
          ),
        )
      }
      if (view.deletionProtection)
        protectedResources.push({kind: 'global-cluster', id: view.id, region: view.writerRegion ?? primary})
      for (const member of view.members) {
        if (!config.regions.includes(member.region)) {
          gates.push(
            fail(
              `gate.aurora.${view.id}.${member.region}`,
              `${view.id} has a member (${member.clusterId}) in ${member.region}, which drctl.yaml does not list: add it to regions or remove that member first`,
            ),
          )
          continue
        }
        if (member.deletionProtection)
          protectedResources.push({kind: 'cluster', id: member.clusterId, region: member.region})
        const instances = {
          kind: 'delete-instances' as const,
          clusterId: member.clusterId,
          region: member.region,
          instanceIds: member.instances.map((instance) => instance.id),
        }
        if (member.role === 'secondary') {
          aurora.secondaries.push({
            kind: 'remove-member',
            globalClusterId: view.id,
            clusterArn: member.clusterArn,
            region: member.region,
          })
          aurora.secondaryInstances.push(instances)
          aurora.secondaryClusters.push({kind: 'delete-cluster', clusterId: member.clusterId, region: member.region})
        } else {
          aurora.writerInstances.push(instances)
          aurora.writerClusters.push({
            kind: 'delete-cluster',
            clusterId: member.clusterId,
            region: member.region,
            finalSnapshotId: snapshotFor(member.clusterId),
          })
        }
      }
      const survivor = view.detachedSurvivor
      if (survivor?.found) {
        notes.push(
          `${survivor.clusterId} (${survivor.region}) was detached from ${view.id} by run ${survivor.runId}: deleted as a writer`,
        )
        if (survivor.deletionProtection)
          protectedResources.push({kind: 'cluster', id: survivor.clusterId, region: survivor.region})
        aurora.writerInstances.push({
          kind: 'delete-instances',
          clusterId: survivor.clusterId,
          region: survivor.region,
          instanceIds: survivor.instances.map((instance) => instance.id),
        })
        aurora.writerClusters.push({
          kind: 'delete-cluster',
          clusterId: survivor.clusterId,
          region: survivor.region,
          finalSnapshotId: snapshotFor(survivor.clusterId),
        })
      }
      aurora.globals.push({
        kind: 'delete-global',
        globalClusterId: view.id,
        region: view.writerRegion ?? view.members[0]?.region ?? primary,
      })
    }
    for (const leftover of request.reconcileLeftovers ?? []) {
      notes.push(`${leftover.clusterId} (${leftover.region}) is a temporary cluster drctl reconcile left: deleted too`)
      aurora.secondaryInstances.push({kind: 'delete-instances', ...leftover})
      aurora.secondaryClusters.push({kind: 'delete-cluster', clusterId: leftover.clusterId, region: leftover.region})
    }
    for (const replica of topology.replicas) {
      if (replica.unreadable) {
        gates.push(
          fail(
            `gate.aurora.replica.${replica.clusterId}`,
            `binlog replica ${replica.clusterId} could not be read: ${replica.unreadable.message}`,
          ),
        )
        continue
      }
      if (!replica.found) {
        notes.push(`binlog replica ${replica.clusterId} (${replica.region}) does not exist: skipped`)
        continue
      }
      if (replica.deletionProtection)
        protectedResources.push({kind: 'cluster', id: replica.clusterId, region: replica.region})
      if (replica.replicationSourceArn)
        aurora.replicas.push({kind: 'promote-replica', clusterId: replica.clusterId, region: replica.region})
      aurora.secondaryInstances.push({
        kind: 'delete-instances',
        clusterId: replica.clusterId,
        region: replica.region,
        instanceIds: replica.instances.map((instance) => instance.id),
      })
      aurora.secondaryClusters.push({kind: 'delete-cluster', clusterId: replica.clusterId, region: replica.region})
    }
  }

  const dynamo: StepSpec[] = []
  if (only.has('dynamodb')) {
    for (const table of topology.dynamodb) {
      if (!table.found) {
        notes.push(
          table.unreadable
            ? `table ${table.name} could not be read: ${table.unreadable.message}`
            : `table ${table.name} does not exist: skipped`,
        )
        if (table.unreadable)
          gates.push(
            fail(`gate.dynamodb.${table.name}`, `table ${table.name} could not be read: ${table.unreadable.message}`),
          )
        continue
      }
      const regions = table.replicas.map((replica) => replica.region)
      const home = regions.includes(primary) ? primary : (regions[0] as string)
      for (const replica of table.replicas) {
        if (replica.deletionProtection) protectedResources.push({kind: 'table', id: table.name, region: replica.region})
      }
      for (const replica of table.replicas.filter((candidate) => candidate.region !== home)) {
        dynamo.push({kind: 'remove-replica', table: table.name, replicaRegion: replica.region, viaRegion: home})
      }
      dynamo.push({kind: 'delete-table', table: table.name, region: home})
    }
  }

  const stacks: StepSpec[] = []
  if (only.has('stacks')) {
    const order = [...config.regions].sort((a, b) => Number(writerRegions.has(a)) - Number(writerRegions.has(b)))
    for (const region of order) {
      for (const stack of topology.stacks.filter((candidate) => candidate.region === region)) {
        if (stack.unreadable)
          gates.push(
            fail(
              `gate.stack.${region}.${stack.name}`,
              `stack ${stack.name} could not be read: ${stack.unreadable.message}`,
            ),
          )
        else if (!stack.found) notes.push(`stack ${stack.name} (${region}) does not exist: skipped`)
        else stacks.push({kind: 'delete-stack', stack: stack.name, region})
      }
    }
  }

  if (protectedResources.length > 0) {
    const names = protectedResources
      .map((resource) => `${resource.kind} ${resource.id} (${resource.region})`)
      .join(', ')
    gates.push(
      request.disableDeletionProtection
        ? warn('gate.deletion-protection', `deletion protection will be turned off on: ${names}`)
        : fail(
            'gate.deletion-protection',
            `deletion protection is on for: ${names}; pass --disable-deletion-protection to turn it off`,
          ),
    )
    if (request.disableDeletionProtection) {
      group(
        'protection',
        'Turn off deletion protection',
        protectedResources.map((resource) => ({kind: 'protection', resource})),
      )
    }
  }
  group('secondaries', 'Remove secondary clusters from their global clusters', aurora.secondaries)
  group('replicas', 'Promote binlog replicas', aurora.replicas)
  group('secondary-instances', 'Delete the instances of secondaries and replicas', aurora.secondaryInstances)
  group('secondary-clusters', 'Delete secondary and replica clusters', aurora.secondaryClusters)
  group('writer-instances', 'Delete the writers’ instances', aurora.writerInstances)
  group(
    'writer-clusters',
    `Delete the writer clusters${request.finalSnapshot ? ' (final snapshots)' : ''}`,
    aurora.writerClusters,
  )
  group('globals', 'Delete the global clusters', aurora.globals)
  specs.push(...dynamo, ...stacks)
  const finalSnapshots = aurora.writerClusters.flatMap((spec) =>
    spec.kind === 'delete-cluster' && spec.finalSnapshotId ? [spec.finalSnapshotId] : [],
  )
  if (!request.finalSnapshot)
    notes.push('no final snapshot will be taken (--skip-final-snapshot): the data is gone for good')
  else if (finalSnapshots.length > 0) notes.push(`final snapshots are kept: ${finalSnapshots.join(', ')}`)

  return {
    kind: TEARDOWN,
    title: `Teardown of ${config.name}${only.size < TEARDOWN_PARTS.length ? ` (${[...only].join(', ')})` : ''}`,
    params: {specs},
    items: itemsFromSpecs(specs, config),
    gates,
    confirmation: {
      kind: 'typed',
      message: `This deletes every resource listed above, in ${config.regions.join(', ')}.`,
      expected: config.name,
      yesSuffices: true,
      yesFlagHint: '--yes',
    },
    notes,
    followUps: ['remove the topology from monitoring and drctl.yaml once the report shows nothing left behind'],
    evidence: {},
    excludedRegions: [],
  }
}

/** The parts a teardown deletes: those `--only` named, else all. */
export const partsTornDown = (only: TeardownPart[]) => new Set<TeardownPart>(only.length > 0 ? only : TEARDOWN_PARTS)

export function parseParts(values: string[] | undefined): TeardownPart[] {
  const parts = (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean)
  for (const part of parts) {
    if (!(TEARDOWN_PARTS as readonly string[]).includes(part)) {
      throw new DrctlError('DRCTL_USAGE', `--only ${quote(part)}: expected one of ${TEARDOWN_PARTS.join(', ')}`)
    }
  }
  return parts as TeardownPart[]
}
