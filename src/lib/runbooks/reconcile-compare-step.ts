import {DrctlError, type ErrorCode} from '../core/errors.js'
import {compareTable, type ReconcileTable, type TableProgress} from '../reconcile/compare.js'
import {type DataApiCluster, DataApiRowSource, dataApiTarget} from '../reconcile/data-api-source.js'
import {type FileSizes, FindingsFiles} from '../reconcile/findings-files.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../aws/iam-calls.js'

export interface CompareSpec {
  tables: ReconcileTable[]
  /** The secret of drctl.yaml; a cluster in another Region uses the replica of the same name there. */
  secretArn: string
  database?: string
  old: DataApiCluster
  current: DataApiCluster
  /** The window's lower bound on each table's `updatedAt`; none: whole tables. */
  since?: string
  /** Where the findings files go (beside the reconciled run's report). */
  dir: string
  pageSize: number
}

/** What the comparison of one table left, journaled after every page: a resume continues from it. */
export interface TableRecord {
  progress: TableProgress
  sizes: FileSizes
}

export const tableKey = (table: string) => `reconcile.table.${table}`
export const COMPARE_FAILED = 'reconcile.failed'

/**
 * Compares each table of the old primary's restored copy with the new primary, page by page. A failure (a table or
 * column that does not exist, a secret that cannot be read) is recorded, not thrown: the temporary cluster must
 * still be deleted, and the report step fails the run after that. Ctrl-C stops the run, resumable from the last
 * completed page.
 */
const EXECUTE = declared('RDS Data', 'ExecuteStatement', 'clusters')

export class CompareStep implements Step {
  /** Reads only; the Data API reads the secret with the caller's permissions. */
  static readonly calls: CallDeclaration = {
    reads: [EXECUTE, {...declared('Secrets Manager', 'GetSecretValue', 'reconcile-secrets'), onBehalf: true}],
    writes: [],
  }
  readonly id = 'reconcile.compare'
  readonly title: string

  constructor(private readonly spec: CompareSpec) {
    this.title = `Compare ${spec.tables.map((table) => table.name).join(', ')}: ${spec.old.clusterId} (old primary's copy) with ${spec.current.clusterId} (new primary)`
  }

  describe(): PlannedCall[] {
    const {old, current} = this.spec
    return [
      planned(EXECUTE, old.region, `pages of rows of ${old.clusterId}`),
      planned(EXECUTE, current.region, `the same keys in ${current.clusterId} (read only)`),
    ]
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    if (ctx.recorded(COMPARE_FAILED)) return {state: 'done', note: 'comparison failed: see the report'}
    const done = this.spec.tables.every((table) => ctx.recorded<TableRecord>(tableKey(table.name))?.progress.done)
    return done ? {state: 'done', note: 'every table compared'} : {state: 'pending'}
  }

  async run(ctx: StepContext): Promise<void> {
    const {spec} = this
    const names = spec.tables.map((table) => table.name)
    const files = new FindingsFiles(spec.dir)
    // The sizes of the last completed page of the last table worked on cover every earlier table's files too.
    const last = names
      .map((name) => ctx.recorded<TableRecord>(tableKey(name)))
      .filter(Boolean)
      .at(-1)
    files.restore(last?.sizes, names)
    const source = (cluster: DataApiCluster) =>
      new DataApiRowSource(ctx.aws.rdsData(cluster.region), dataApiTarget(cluster, spec.secretArn, spec.database))
    let current = ''
    try {
      for (const table of spec.tables) {
        current = table.name
        await compareTable({
          table,
          old: source(spec.old),
          current: source(spec.current),
          pageSize: spec.pageSize,
          since: spec.since,
          from: ctx.recorded<TableRecord>(tableKey(table.name))?.progress,
          signal: ctx.signal,
          onPage: async (findings, progress) => {
            files.append(table.name, findings)
            ctx.record(tableKey(table.name), {progress, sizes: files.sizes(names)} satisfies TableRecord)
            ctx.progress(
              `${table.name}: ${progress.scanned} rows compared, ${progress.missing} missing, ${progress.differing} differ`,
            )
          },
        })
      }
    } catch (error) {
      if (ctx.signal.aborted) throw error
      const code: ErrorCode = error instanceof DrctlError ? error.code : 'DRCTL_AWS_ERROR'
      ctx.record(COMPARE_FAILED, {code, message: `table ${current}: ${(error as Error).message}`})
    }
  }

  async verify(): Promise<void> {}
}
