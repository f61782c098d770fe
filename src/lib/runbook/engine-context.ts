import type {AwsCallObserver} from '../aws/invoke.js'
import type {AwsPorts, CallerIdentity} from '../aws/ports.js'
import type {Clock} from '../core/clock.js'
import type {ProgressListener} from '../core/events.js'
import type {Topology} from '../topology/views.js'
import type {RunOutcome} from './journal.js'
import type {LockStore} from './lock.js'
import type {StepSummary} from './runs.js'
import type {JournalMirror} from './team-journal.js'

/** What the engine needs from the outside world; commands assemble it. */
export interface EngineContext {
  home: string
  aws: AwsPorts & {observers: AwsCallObserver[]}
  clock: Clock
  emit: ProgressListener
  /** Aborted on Ctrl-C. */
  signal: AbortSignal
  /** A fresh observation for the final verification and the report (never of excluded Regions). */
  observe: () => Promise<Topology>
  /** Where the topology lock is kept: files under `home` unless given. */
  locks?: LockStore
  /** The team state table the journal is copied to, when drctl.yaml names one. */
  mirror?: JournalMirror
}

export interface RunIdentity {
  topology: string
  topologyKey: string
  configPath: string
  sandbox: boolean
  flags: Record<string, unknown>
  caller?: CallerIdentity
  before?: Topology
}

export interface RunResult {
  runId: string
  kind: string
  outcome: RunOutcome
  exit: number
  steps: StepSummary[]
  rtoSeconds: number | null
  evidence: Record<string, unknown>
  reportPath: string
  error?: {code: string; message: string}
}
