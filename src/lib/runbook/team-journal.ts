import {existsSync, mkdirSync, renameSync} from 'node:fs'

import type {DynamoDbPort, Item} from '../aws/ports.js'
import {Journal, type JournalEvent, readJournal} from './journal.js'
import {isFinished, journalPath, runDirectory, summarize} from './runs.js'
import type {Approval} from './types.js'

// The team copy of every run's journal, in the team state table. The local journal stays the write-ahead copy:
// each event is fsynced there first, then put in the table as item (pk `run#<id>`, sk its sequence number in the
// local journal, zero-padded). A put only lands where no item is (`attribute_not_exists`), so pushing the same
// events again (a retry, a resume that replays) never duplicates or reorders them. Every run also has an index item
// (pk `runs`, sk its id), which `runs list` reads. Approvals given on another machine are items of their own (pk
// `approvals#<id>`, sk the step): only the run's own process journals events, so sequence numbers never collide.

export const RUNS_PARTITION = 'runs'
export const runPartition = (runId: string) => `run#${runId}`
export const approvalsPartition = (runId: string) => `approvals#${runId}`
const sequenceKey = (sequence: number) => String(sequence).padStart(9, '0')

/** A run as the table's index lists it. */
export interface IndexedRun {
  runId: string
  topologyKey: string
  kind: string
  startedAt: string
}

type ItemPort = Pick<DynamoDbPort, 'region' | 'putItem' | 'query'>

export interface MirrorFailure {
  runId: string
  error: unknown
}

/** The runs the index of `table` lists, newest first (run ids begin with their start time). */
export async function indexedRuns(port: Pick<DynamoDbPort, 'query'>, table: string): Promise<IndexedRun[]> {
  const index = await port.query(
    table,
    {expression: '#pk = :pk', names: {'#pk': 'pk'}, values: {':pk': RUNS_PARTITION}},
    {consistent: true},
  )
  return index
    .map((item) => ({
      runId: String(item.sk),
      topologyKey: String(item.topologyKey ?? ''),
      kind: String(item.kind ?? ''),
      startedAt: String(item.startedAt ?? ''),
    }))
    .reverse()
}

/**
 * Copies local journals to the table and back. Pushes run in the background, one at a time per mirror, so that the
 * run never waits on the table; `flush()` waits for them (before a lease is released), and failures are kept for the
 * run to report (the next push, or `runs resume`, sends what is missing).
 */
export class JournalMirror {
  private readonly pushed = new Map<string, number>()
  private queue: Promise<void> = Promise.resolve()
  readonly failures: MirrorFailure[] = []

  constructor(
    private readonly port: ItemPort,
    readonly table: string,
    private readonly home: string,
  ) {}

  get region(): string {
    return this.port.region
  }

  /** Schedules a push of `runId`'s local journal; returns at once. */
  notify(runId: string): void {
    this.queue = this.queue
      .then(() => this.push(runId))
      .then(
        () => undefined,
        (error: unknown) => {
          this.failures.push({runId, error})
        },
      )
  }

  /** Waits for every scheduled push. */
  async flush(): Promise<void> {
    await this.queue
  }

  /** Puts the local events the table does not have yet; how many it put. */
  async push(runId: string): Promise<number> {
    const {events} = readJournal(journalPath(this.home, runId))
    const start = this.pushed.get(runId) ?? (await this.remoteEvents(runId)).length
    if (start === 0 && events[0]?.type === 'run-start') await this.indexRun(runId, events[0])
    let sent = 0
    for (let sequence = start; sequence < events.length; sequence++) {
      await this.port.putItem(
        this.table,
        {pk: runPartition(runId), sk: sequenceKey(sequence), event: JSON.stringify(events[sequence])},
        {expression: 'attribute_not_exists(#pk)', names: {'#pk': 'pk'}},
      )
      this.pushed.set(runId, sequence + 1)
      sent++
    }
    return sent
  }

  /**
   * Brings the table's events of `runId` that this machine lacks into its local journal (created if need be): a run
   * started elsewhere can then be shown, resumed and abandoned here. Local events the table lacks stay (the next push
   * sends them), unless the table has other events in their place: the run was resumed elsewhere after this machine
   * lost them, so the table's copy is the run's record and the local file is kept aside as
   * `journal.jsonl.superseded-<time>`. Returns whether the table knows the run.
   */
  async pull(runId: string): Promise<boolean> {
    const remote = await this.remoteEvents(runId)
    if (remote.length === 0) return false
    const path = journalPath(this.home, runId)
    let local = existsSync(path) ? readJournal(path).events : []
    const diverged = local.findIndex(
      (event, index) => index < remote.length && JSON.stringify(event) !== JSON.stringify(remote[index]),
    )
    if (diverged >= 0) {
      renameSync(path, `${path}.superseded-${new Date().toISOString().replace(/[:.]/g, '')}`)
      local = []
    }
    if (remote.length > local.length) {
      mkdirSync(runDirectory(this.home, runId), {recursive: true})
      const journal = new Journal(path)
      try {
        for (const event of remote.slice(local.length)) journal.append(event)
      } finally {
        journal.close()
      }
    }
    this.pushed.set(runId, remote.length)
    return true
  }

  /** Pulls every run the table knows (but those this home has finished: they change no more); their ids, newest first. */
  async pullAll(): Promise<string[]> {
    const ids = (await this.runs()).map((run) => run.runId)
    for (const id of ids) if (!this.finishedHere(id)) await this.pull(id)
    return ids
  }

  private finishedHere(runId: string): boolean {
    const path = journalPath(this.home, runId)
    return existsSync(path) && isFinished(summarize(runId, runDirectory(this.home, runId), readJournal(path)))
  }

  /** The runs the table's index lists, newest first. */
  runs(): Promise<IndexedRun[]> {
    return indexedRuns(this.port, this.table)
  }

  /**
   * Records an approval of `runId`'s step for the run's process to find, wherever it runs; false if that step was
   * approved already (by whom: `current`).
   */
  async pushApproval(runId: string, approval: Approval): Promise<{given: true} | {given: false; by?: string}> {
    const result = await this.port.putItem(
      this.table,
      {pk: approvalsPartition(runId), sk: approval.step, by: approval.by, at: approval.at},
      {expression: 'attribute_not_exists(#pk)', names: {'#pk': 'pk'}},
    )
    if (result.written) return {given: true}
    return {given: false, ...(result.current ? {by: String(result.current.by)} : {})}
  }

  /** The approvals of `runId` given through the table. */
  async approvals(runId: string): Promise<Approval[]> {
    const items = await this.port.query(
      this.table,
      {expression: '#pk = :pk', names: {'#pk': 'pk'}, values: {':pk': approvalsPartition(runId)}},
      {consistent: true},
    )
    return items.map((item) => ({step: String(item.sk), by: String(item.by), at: String(item.at)}))
  }

  private async remoteEvents(runId: string): Promise<JournalEvent[]> {
    const items = await this.port.query(
      this.table,
      {expression: '#pk = :pk', names: {'#pk': 'pk'}, values: {':pk': runPartition(runId)}},
      {consistent: true},
    )
    return items.map((item: Item) => JSON.parse(String(item.event)) as JournalEvent)
  }

  private async indexRun(runId: string, start: Extract<JournalEvent, {type: 'run-start'}>): Promise<void> {
    await this.port.putItem(
      this.table,
      {pk: RUNS_PARTITION, sk: runId, topologyKey: start.topologyKey, kind: start.kind, startedAt: start.at},
      {expression: 'attribute_not_exists(#pk)', names: {'#pk': 'pk'}},
    )
  }
}
