import {AwsCallError} from '../aws/errors.js'
import type {AwsPorts, Table} from '../aws/ports.js'
import {type Check, fail, ok, warn} from '../checks/check.js'
import type {TeamState} from '../config/schema.js'
import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {ProgressListener} from '../core/events.js'
import {keySchemaProblem} from '../runbook/team-state.js'
import {isGroup, type RunPlan, type Step, type StepContext} from '../runbook/types.js'
import {AddStateReplicas, type Consistency, CreateStateTable, isActive, KEY_SCHEMA} from './state-table-steps.js'

// `drctl state init|show|unlock`: the team state table's set-up (here; its steps in state-table-steps.ts) and upkeep
// (state-show.ts, state-unlock.ts). Set-up is not a journaled run (the table it would journal to may not exist yet);
// every step reads before it writes, so running it again carries on where it stopped.

/** A table as one Region sees it: there, absent, or that Region did not answer. */
export type Seen = {region: string; table?: Table; error?: string}

export async function look(aws: AwsPorts, table: string, region: string): Promise<Seen> {
  try {
    return {region, table: await aws.dynamodb(region).describeTable(table)}
  } catch (error) {
    if (error instanceof AwsCallError) return {region, error: error.message}
    throw error
  }
}

/** Whether a replica of `table` is in `region` (the table's own Region, or one of its replicas). */
const replicaIn = (table: Table, region: string) =>
  table.region === region ? table : table.replicas.find((replica) => replica.region === region)

const witnessOf = (table: Table | undefined) => table?.witnesses?.[0]?.region

export interface StateInitOptions {
  /** As asked (`--consistency`); undefined: an existing global table's mode, else EVENTUAL. */
  consistency?: Consistency
  witness?: string
}

/** Refuses what no table could satisfy, before reading anything: MRSC is exactly three Regions. */
function checkRequest(state: TeamState, options: StateInitOptions): void {
  if (options.witness !== undefined && options.consistency !== 'STRONG') {
    throw new DrctlError('DRCTL_USAGE', '--witness is for a strongly consistent table: add --consistency strong')
  }
  if (options.witness !== undefined && state.regions.includes(options.witness)) {
    throw new DrctlError('DRCTL_USAGE', `--witness ${options.witness} is a replica Region already (state.regions)`)
  }
  const count = state.regions.length + (options.witness ? 1 : 0)
  if (options.consistency === 'STRONG' && (count !== 3 || state.regions.length < 2)) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `a multi-Region strongly consistent (MRSC) table spans exactly three Regions (three replicas, or two and a ` +
        `witness); state.regions lists ${state.regions.length}${options.witness ? ' and --witness one more' : ''}`,
      {
        hints: [
          state.regions.length === 2
            ? 'add --witness REGION (a third Region of the same Region set that holds no replica)'
            : 'list three Regions in state.regions, or two and pass --witness REGION',
        ],
      },
    )
  }
}

/**
 * The set-up of the team state table: created on demand in the first state Region (its home), then a replica in
 * each other one (MREC, one at a time), or every replica (and the witness) at once as an MRSC table. What exists
 * already is kept: a table of the right key schema with every replica is "already there"; one keyed otherwise is
 * refused, as is a change of consistency (a table's mode is set once, when it becomes global).
 */
export async function planStateInit(state: TeamState, aws: AwsPorts, options: StateInitOptions): Promise<RunPlan> {
  checkRequest(state, options)
  const [home, ...others] = state.regions as [string, ...string[]]
  const seen = await Promise.all(state.regions.map((region) => look(aws, state.table, region)))
  const atHome = seen[0] as Seen
  const existing = atHome.table
  const consistency: Consistency =
    options.consistency ??
    (existing && existing.replicas.length > 0 ? (existing.consistency ?? 'EVENTUAL') : 'EVENTUAL')
  const gates: Check[] = []
  const notes: string[] = []
  for (const {region, error} of seen) {
    if (error) gates.push(fail(`state.${region}.reachable`, `${state.table} in ${region} cannot be read: ${error}`))
  }
  if (!existing) {
    gates.push(ok('state.table', `${state.table} does not exist in ${home} (the home Region): it will be created`))
    const elsewhere = seen.find((other) => other.table)
    if (elsewhere) {
      gates.push(
        fail(
          'state.home',
          `${state.table} exists in ${elsewhere.region} but not in ${home}, the first of state.regions (its home): ` +
            `list ${elsewhere.region} first, or remove that table`,
        ),
      )
    }
  } else {
    const problem = keySchemaProblem(existing)
    gates.push(
      problem
        ? fail(
            'state.key-schema',
            `${state.table} in ${home} is keyed ${problem}, not as a drctl state table (${KEY_SCHEMA}): name another table in state.table`,
          )
        : ok('state.key-schema', `${state.table} exists in ${home} with the key schema drctl writes`),
    )
    const global = existing.replicas.length > 0 || (existing.witnesses ?? []).length > 0
    if (global && (existing.consistency ?? 'EVENTUAL') !== consistency) {
      gates.push(
        fail(
          'state.consistency',
          `${state.table} is a ${existing.consistency === 'STRONG' ? 'strongly' : 'eventually'} consistent global table ` +
            'already; a global table keeps the mode it was made with',
        ),
      )
    }
    const strange = existing.replicas.filter((replica) => !state.regions.includes(replica.region))
    for (const replica of strange) {
      gates.push(
        warn(
          `state.${replica.region}.extra`,
          `${state.table} has a replica in ${replica.region}, which state.regions does not list (left as it is)`,
        ),
      )
    }
  }
  for (const other of seen.slice(1)) {
    if (other.table && !(existing && replicaIn(existing, other.region))) {
      gates.push(
        fail(
          `state.${other.region}.foreign`,
          `a table ${state.table} exists in ${other.region} and is not a replica of the one in ${home}: remove it, or name another table`,
        ),
      )
    }
  }
  const missing = others.filter((region) => !(existing && replicaIn(existing, region)))
  const witnessMissing =
    options.witness !== undefined && !(existing?.witnesses ?? []).some((witness) => witness.region === options.witness)
  const items: Step[] = []
  if (!existing || !isActive(existing.status)) items.push(new CreateStateTable(state.table, home))
  // Replicas an earlier attempt asked for are waited for (a table takes one replica change at a time), not asked again.
  const creating = (existing?.replicas ?? []).filter(
    (replica) => replica.status === 'CREATING' && state.regions.includes(replica.region),
  )
  if (creating.length > 0) {
    const regions = creating.map((replica) => replica.region)
    items.push(new AddStateReplicas(state.table, home, regions, consistency, witnessOf(existing)))
  }
  if (consistency === 'STRONG' && (missing.length > 0 || witnessMissing)) {
    items.push(new AddStateReplicas(state.table, home, missing, 'STRONG', witnessMissing ? options.witness : undefined))
  } else {
    for (const region of missing) items.push(new AddStateReplicas(state.table, home, [region], consistency))
  }
  if (consistency === 'EVENTUAL' && state.regions.length > 1) {
    notes.push(
      `An eventually consistent (MREC) table: every lock write of a run goes to one Region (${home}, or an unplanned ` +
        "failover's target), where conditions are checked; two operators writing in two Regions at once could both " +
        'win. A strongly consistent table (--consistency strong) has no such window.',
    )
  }
  return {
    kind: 'state-init',
    title: `Team state table ${state.table} in ${state.regions.join(', ')} (${consistency === 'STRONG' ? 'MRSC' : 'MREC'})`,
    params: {
      table: state.table,
      regions: state.regions,
      consistency,
      ...(options.witness ? {witness: options.witness} : {}),
    },
    items,
    gates,
    confirmation: {kind: 'confirm', message: `Create the team state table ${state.table}?`},
    notes,
    followUps: [],
    evidence: {},
    excludedRegions: [],
  }
}

/** Carries out a set-up plan step by step (check → run → wait → verify), with progress. */
export async function applyStatePlan(
  plan: RunPlan,
  context: {aws: AwsPorts; clock: Clock; signal: AbortSignal; emit: ProgressListener},
): Promise<void> {
  for (const item of plan.items) {
    for (const step of isGroup(item) ? item.parallel : [item]) {
      context.emit({type: 'task-start', id: step.id, title: step.title})
      const ctx: StepContext = {
        runId: plan.kind,
        aws: context.aws,
        clock: context.clock,
        signal: context.signal,
        progress: (message) => context.emit({type: 'task-update', id: step.id, message}),
        record: () => undefined,
        recorded: () => undefined,
        followUp: (message) => context.emit({type: 'warning', message}),
        approvals: async () => [],
      }
      try {
        const state = await step.check(ctx)
        if (state.state === 'pending') await step.run(ctx)
        if (state.state !== 'done') await step.wait?.(ctx)
        await step.verify(ctx)
        context.emit({type: 'task-end', id: step.id, status: state.state === 'done' ? 'skipped' : 'done'})
      } catch (error) {
        context.emit({type: 'task-end', id: step.id, status: 'failed'})
        throw error
      }
    }
  }
}
