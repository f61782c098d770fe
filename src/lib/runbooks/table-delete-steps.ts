import {AwsCallError} from '../aws/errors.js'
import {waitFor} from '../runbook/wait.js'
import type {PlannedCall, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'
import {CheckedStep, DELETE_TIMEOUT_MS, isNotFound, recordDeleted, SHORT_TIMEOUT_MS} from './checked-step.js'

const DESCRIBE_TABLE = declared('DynamoDB', 'DescribeTable', 'tables')
// Removing a replica is an UpdateTable that deletes the replica's table in its Region.
const REMOVE_REPLICA = declared('DynamoDB', 'UpdateTable', 'tables')
const DELETE_REPLICA = {...declared('DynamoDB', 'DeleteTableReplica', 'tables'), onBehalf: true}
const DELETE_TABLE = declared('DynamoDB', 'DeleteTable', 'tables')

/** Removes one replica of a global table (UpdateTable ReplicaUpdates Delete, called in another replica's Region). */
export class RemoveTableReplicaStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_TABLE], writes: [REMOVE_REPLICA, DELETE_REPLICA]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly table: string,
    private readonly replicaRegion: string,
    private readonly viaRegion: string,
  ) {
    super()
    this.id = `replica.${table}.${replicaRegion}`
    this.title = `Remove the ${replicaRegion} replica of ${table}`
  }

  describe(): PlannedCall[] {
    return [planned(REMOVE_REPLICA, this.viaRegion, `${this.table}: ReplicaUpdates Delete ${this.replicaRegion}`)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const table = await ctx.aws.dynamodb(this.viaRegion).describeTable(this.table)
    const replica = table?.replicas.find((candidate) => candidate.region === this.replicaRegion)
    if (!table || !replica) return {state: 'done', note: 'replica gone'}
    if (replica.status === 'DELETING') return {state: 'in-progress', note: 'replica DELETING'}
    return {state: 'pending', note: `table ${table.status}, replica ${replica.status}`}
  }

  async run(ctx: StepContext): Promise<void> {
    // One replica change at a time: while the table is UPDATING, DynamoDB answers ResourceInUseException.
    await waitFor({
      what: `${this.table} to accept a replica change`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: SHORT_TIMEOUT_MS,
      poll: async () => {
        try {
          await ctx.aws.dynamodb(this.viaRegion).removeReplica(this.table, this.replicaRegion)
          return {done: true}
        } catch (error) {
          if (error instanceof AwsCallError && error.awsCode === 'ResourceInUseException')
            return {done: false, progress: 'table busy (UPDATING)'}
          throw error
        }
      },
      progress: (message) => ctx.progress(message),
    })
    recordDeleted(ctx, `table replica ${this.table} (${this.replicaRegion})`)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `the ${this.replicaRegion} replica of ${this.table} to be removed`, DELETE_TIMEOUT_MS)
  }
}

export class DeleteTableStep extends CheckedStep {
  static readonly calls: CallDeclaration = {reads: [DESCRIBE_TABLE], writes: [DELETE_TABLE]}
  readonly id: string
  readonly title: string

  constructor(
    private readonly table: string,
    private readonly region: string,
  ) {
    super()
    this.id = `table.${table}.${region}`
    this.title = `Delete table ${table} (${region}), the last replica`
  }

  describe(): PlannedCall[] {
    return [planned(DELETE_TABLE, this.region, this.table)]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const table = await ctx.aws.dynamodb(this.region).describeTable(this.table)
    if (!table) return {state: 'done', note: 'table gone'}
    if (table.status === 'DELETING') return {state: 'in-progress', note: 'DELETING'}
    return {state: 'pending', note: table.status}
  }

  async run(ctx: StepContext): Promise<void> {
    try {
      await ctx.aws.dynamodb(this.region).deleteTable(this.table)
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    recordDeleted(ctx, `table ${this.table} (${this.region})`)
  }

  override wait(ctx: StepContext): Promise<void> {
    return this.untilDone(ctx, `table ${this.table} to be deleted`, SHORT_TIMEOUT_MS)
  }
}
