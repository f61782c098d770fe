import {DrctlError} from '../core/errors.js'
import {STATE_KEYS} from '../runbook/team-state.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {CheckedStep} from './checked-step.js'

// The steps that set up the team state table: create it in its home Region, then add its replicas (and witness).

export type Consistency = 'EVENTUAL' | 'STRONG'

/** How long DynamoDB may take to create a table, and to add replicas to it (an empty one: minutes). */
const CREATE_TIMEOUT_MS = 10 * 60_000
const REPLICA_TIMEOUT_MS = 60 * 60_000

export const KEY_SCHEMA = `${STATE_KEYS.partition.name} (S, HASH), ${STATE_KEYS.sort.name} (S, RANGE)`

export const isActive = (status: string | undefined) => status === 'ACTIVE' || status === 'UPDATING'

const DESCRIBE = declared('DynamoDB', 'DescribeTable', 'state-table')
const CREATE = declared('DynamoDB', 'CreateTable', 'state-table')
const UPDATE = declared('DynamoDB', 'UpdateTable', 'state-table')
/** IAM also judges each replica an UpdateTable adds as CreateTableReplica on the table, on drctl's behalf. */
const CREATE_REPLICA = {...declared('DynamoDB', 'CreateTableReplica', 'state-table'), onBehalf: true}

export class CreateStateTable extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE], writes: [CREATE]}
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
    return [planned(CREATE, this.region, `${this.table}: ${KEY_SCHEMA}, PAY_PER_REQUEST, streams on`)]
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
export class AddStateReplicas extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE], writes: [UPDATE, CREATE_REPLICA]}
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
    return [planned(UPDATE, this.home, `${this.table} ${parts.join(', ')}`)]
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
