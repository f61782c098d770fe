import {AwsCallError} from '../aws/errors.js'
import type {AwsPorts, Table} from '../aws/ports.js'
import {type Check, fail, ok, warn} from '../checks/check.js'
import type {TeamState} from '../config/schema.js'
import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {ProgressListener} from '../core/events.js'
import {dynamoLockStore} from '../runbook/dynamodb-lock.js'
import type {LockHolder} from '../runbook/lock.js'
import {type IndexedRun, indexedRuns} from '../runbook/team-journal.js'
import {keySchemaProblem, STATE_KEYS, stateRegion} from '../runbook/team-state.js'
import {isGroup, type PlannedCall, type RunPlan, type Step, type StepCheck, type StepContext} from '../runbook/types.js'
import {CheckedStep} from './checked-step.js'

// `drctl state init|show|unlock`: the team state table's set-up and upkeep. Set-up is not a journaled run (the
// table it would journal to may not exist yet); every step reads before it writes, so running it again carries on
// where it stopped.

export type Consistency = 'EVENTUAL' | 'STRONG'

/** How long DynamoDB may take to create a table, and to add replicas to it (an empty one: minutes). */
const CREATE_TIMEOUT_MS = 10 * 60_000
const REPLICA_TIMEOUT_MS = 60 * 60_000

const KEY_SCHEMA = `${STATE_KEYS.partition.name} (S, HASH), ${STATE_KEYS.sort.name} (S, RANGE)`

/** A table as one Region sees it: there, absent, or that Region did not answer. */
type Seen = {region: string; table?: Table; error?: string}

async function look(aws: AwsPorts, table: string, region: string): Promise<Seen> {
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

const isActive = (status: string | undefined) => status === 'ACTIVE' || status === 'UPDATING'

class CreateStateTable extends CheckedStep {
  readonly id = 'state.create-table'
  readonly title: string
  protected override timeoutMs = CREATE_TIMEOUT_MS

  constructor(
    private readonly table: string,
    private readonly region: string,
  ) {
    super()
    this.title = `Create the table ${table} in ${region} (on demand)`
  }

  describe(): PlannedCall[] {
    return [
      {
        service: 'DynamoDB',
        operation: 'CreateTable',
        region: this.region,
        detail: `${this.table}: ${KEY_SCHEMA}, PAY_PER_REQUEST, streams on`,
      },
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const found = await ctx.aws.dynamodb(this.region).describeTable(this.table)
    if (!found) return {state: 'pending', note: 'no table yet'}
    return isActive(found.status)
      ? {state: 'done', note: `${this.table} is ${found.status}`}
      : {state: 'in-progress', note: `${this.table} is ${found.status}`}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws.dynamodb(this.region).createTable(this.table, STATE_KEYS.partition, STATE_KEYS.sort)
  }
}

/** Replicas added in one UpdateTable (one Region at a time for MREC; every Region and the witness at once for MRSC). */
class AddStateReplicas extends CheckedStep {
  readonly id: string
  readonly title: string
  protected override timeoutMs = REPLICA_TIMEOUT_MS

  constructor(
    private readonly table: string,
    private readonly home: string,
    private readonly regions: string[],
    private readonly consistency: Consistency,
    private readonly witness?: string,
  ) {
    super()
    this.id = `state.replicas.${regions.join('.')}`
    this.title =
      consistency === 'STRONG'
        ? `Make ${table} a strongly consistent (MRSC) global table: replicas in ${regions.join(', ')}${witness ? `, witness in ${witness}` : ''}`
        : `Add a replica of ${table} in ${regions.join(', ')}`
  }

  describe(): PlannedCall[] {
    const parts = [
      ...this.regions.map((region) => `+ replica ${region}`),
      ...(this.witness ? [`+ witness ${this.witness}`] : []),
      ...(this.consistency === 'STRONG' ? ['MultiRegionConsistency STRONG'] : []),
    ]
    return [
      {service: 'DynamoDB', operation: 'UpdateTable', region: this.home, detail: `${this.table} ${parts.join(', ')}`},
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const found = await ctx.aws.dynamodb(this.home).describeTable(this.table)
    if (!found) throw new DrctlError('DRCTL_AWS_NOT_FOUND', `the table ${this.table} is gone from ${this.home}`)
    const replicas = this.regions.map((region) => ({region, replica: found.replicas.find((r) => r.region === region)}))
    const witness = this.witness ? found.witnesses?.find((w) => w.region === this.witness) : undefined
    if (replicas.every(({replica}) => !replica) && !witness) return {state: 'pending', note: 'no replica yet'}
    const progress = replicas
      .map(({region, replica}) =>
        replica ? `${region} ${replica.status}${replica.percentProgress ? ` ${replica.percentProgress}%` : ''}` : '',
      )
      .filter(Boolean)
    if (this.witness) progress.push(`witness ${this.witness} ${witness?.status ?? 'absent'}`)
    const done =
      replicas.every(({replica}) => replica?.status === 'ACTIVE') &&
      (!this.witness || witness?.status === 'ACTIVE') &&
      found.status === 'ACTIVE'
    return {state: done ? 'done' : 'in-progress', note: progress.join(', ')}
  }

  async run(ctx: StepContext): Promise<void> {
    await ctx.aws
      .dynamodb(this.home)
      .addReplicas(this.table, this.regions, this.consistency === 'STRONG' ? 'STRONG' : undefined, this.witness)
  }
}

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

// ---- show ----------------------------------------------------------------------------------------------------------

export interface StateRegionView {
  region: string
  /** The table's status there; `missing` when it has no replica there, `unreachable` when the Region did not answer. */
  status: string
  error?: string
}

export interface StateView {
  table: string
  /** The Region the lock and runs were read from: the first state Region that answered with the table. */
  readFrom?: string
  regions: StateRegionView[]
  consistency?: 'eventual' | 'strong'
  witness?: {region: string; status: string}
  keySchemaProblem?: string
  lock: {key: string; holder?: LockHolder}
  runs: IndexedRun[]
}

/** What the team state table holds: where it is, its mode, who holds the topology's lock, the latest runs. */
export async function showState(
  state: TeamState,
  aws: AwsPorts,
  options: {topologyKey: string; clock: Clock; limit?: number},
): Promise<StateView> {
  const seen = await Promise.all(state.regions.map((region) => look(aws, state.table, region)))
  const regions = seen.map(({region, table, error}): StateRegionView => {
    if (error) return {region, status: 'unreachable', error}
    return {region, status: table?.status ?? 'missing'}
  })
  const source = seen.find((candidate) => candidate.table && isActive(candidate.table.status))
  const view: StateView = {table: state.table, regions, lock: {key: options.topologyKey}, runs: []}
  if (!source?.table) return view
  const table = source.table
  const witness = table.witnesses?.[0]
  Object.assign(view, {
    readFrom: source.region,
    consistency: table.consistency === 'STRONG' ? 'strong' : 'eventual',
    ...(witness ? {witness} : {}),
    ...(keySchemaProblem(table) ? {keySchemaProblem: keySchemaProblem(table)} : {}),
  })
  if (view.keySchemaProblem) return view
  const port = aws.dynamodb(source.region)
  const holder = await dynamoLockStore(port, state.table, {clock: options.clock}).inspect(options.topologyKey)
  view.lock = {key: options.topologyKey, ...(holder ? {holder} : {})}
  view.runs = (await indexedRuns(port, state.table)).slice(0, options.limit ?? 10)
  return view
}

// ---- unlock --------------------------------------------------------------------------------------------------------

/**
 * Breaks the lock `runId` holds (break-glass): its process, if alive, loses the lease at its next heartbeat and
 * stops. The lock key is the run's topology as the table's index has it, else `topologyKey`. Written in `region`
 * (default: the home Region).
 */
export async function unlockRun(
  state: TeamState,
  aws: AwsPorts,
  options: {runId: string; topologyKey: string; clock: Clock; region?: string},
): Promise<{key: string; region: string; holder: LockHolder}> {
  const region = options.region ?? stateRegion(state)
  if (!state.regions.includes(region)) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `--region ${region} is not a Region of the state table (${state.regions.join(', ')})`,
    )
  }
  const port = aws.dynamodb(region)
  const indexed = (await indexedRuns(port, state.table)).find((run) => run.runId === options.runId)
  const key = indexed?.topologyKey || options.topologyKey
  const locks = dynamoLockStore(port, state.table, {clock: options.clock})
  const holder = await locks.breakGlass(key, {runId: options.runId})
  if (!holder) {
    const current = await locks.inspect(key)
    throw new DrctlError('DRCTL_USAGE', `run ${options.runId} holds no lock on ${key}; nothing was changed`, {
      hints: [current?.runId ? `the lock is held by run ${current.runId}` : `the lock on ${key} is free`],
    })
  }
  return {key, region, holder}
}
