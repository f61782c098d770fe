import type {Experiment} from '../../aws/ports.js'
import type {Clock} from '../../core/clock.js'
import type {StepContext} from '../../runbook/types.js'
import type {Topology} from '../../topology/views.js'

// The game day's timeline: the experiment's and actions' states next to the DR signals drctl watches, sampled at
// every poll of the follow step and kept in the run's evidence.

/** Timeline samples are journaled on every state change and at least this often. */
const SAVE_EVERY_SAMPLES = 10
/** A long experiment (FIS allows 12 h) keeps its timeline, and so the journal, bounded by thinning it. */
const MAX_TIMELINE_SAMPLES = 240

/** One moment of a game day: the experiment's and actions' states, and the DR signals drctl watches. */
export interface ChaosSample {
  at: string
  /** Since the experiment started, in the world's time (the sandbox runs faster). */
  elapsedMs: number
  /** `before` for the planning observation, then the experiment's status. */
  status: string
  actions: Record<string, string>
  /** Replication lag (Aurora secondaries) and latency (DynamoDB), by signal name; null when unknown. */
  lag: Record<string, number | null>
  routing: Record<string, string>
}

function signalsOf(topology: Topology): Pick<ChaosSample, 'lag' | 'routing'> {
  const lag: Record<string, number | null> = {}
  for (const view of topology.aurora) {
    for (const member of view.members.filter((candidate) => candidate.role === 'secondary')) {
      lag[`${member.clusterId} (${member.region})`] = member.lag?.ms ?? null
    }
  }
  for (const table of topology.dynamodb) {
    for (const entry of table.latency) lag[`${table.name} ${entry.from}→${entry.to}`] = entry.reading?.ms ?? null
  }
  const routing: Record<string, string> = {}
  for (const control of topology.routing?.controls ?? []) routing[control.name] = control.state ?? 'unknown'
  return {lag, routing}
}

export function sampleOf(
  topology: Topology,
  experiment: Experiment | undefined,
  elapsedMs: number,
  at: string,
): ChaosSample {
  return {
    at,
    elapsedMs,
    status: experiment?.status ?? 'before',
    actions: Object.fromEntries((experiment?.actions ?? []).map((action) => [action.name, action.status])),
    ...signalsOf(topology),
  }
}

export const lagRecovered = (lag: Record<string, number | null>, belowMs: number) =>
  Object.values(lag).every((value) => value === null || value <= belowMs)

/**
 * The timeline in the run's evidence: journaled on every state change, and otherwise less often as it grows (each
 * record holds the whole timeline); thinned when long.
 */
export class Timeline {
  private samples: ChaosSample[]
  private unsaved = 0
  private lastStates = ''

  constructor(private readonly ctx: StepContext) {
    this.samples = [...(ctx.recorded<ChaosSample[]>('timeline') ?? [])]
  }

  first(): ChaosSample | undefined {
    return this.samples.find((sample) => sample.status !== 'before')
  }

  add(sample: ChaosSample, onStateChange: () => void): void {
    this.samples.push(sample)
    if (this.samples.length > MAX_TIMELINE_SAMPLES) this.samples = thinTimeline(this.samples)
    this.unsaved++
    const states = statesOf(sample)
    if (states !== this.lastStates) {
      this.lastStates = states
      onStateChange()
      this.save()
    } else if (this.unsaved >= Math.max(SAVE_EVERY_SAMPLES, this.samples.length / 2)) {
      this.save()
    }
  }

  save(): void {
    if (this.unsaved === 0) return
    this.ctx.record('timeline', this.samples)
    this.unsaved = 0
  }
}

const statesOf = (sample: ChaosSample) => JSON.stringify([sample.status, sample.actions])

/** Drops every other ordinary sample; keeps the first and last, every change of state and each signal's peak. */
export function thinTimeline(samples: ChaosSample[]): ChaosSample[] {
  const keep = new Set([0, samples.length - 1])
  samples.forEach((sample, index) => {
    if (index > 0 && statesOf(sample) !== statesOf(samples[index - 1] as ChaosSample)) keep.add(index)
  })
  for (const signal of new Set(samples.flatMap((sample) => Object.keys(sample.lag)))) {
    let peak = -1
    samples.forEach((sample, index) => {
      const value = sample.lag[signal]
      if (typeof value === 'number' && (peak < 0 || value > ((samples[peak] as ChaosSample).lag[signal] ?? 0))) {
        peak = index
      }
    })
    if (peak >= 0) keep.add(peak)
  }
  return samples.filter((_, index) => keep.has(index) || index % 2 === 1)
}

/**
 * World time between two AWS timestamps, or from one until now. AWS (and the sandbox) stamp with their clock;
 * drctl's clock runs in real time, so differences are divided by the time scale (the sandbox runs faster).
 */
export function worldSince(from: string | undefined, clock: Clock, to?: string): number | undefined {
  const start = Date.parse(from ?? '')
  if (!Number.isFinite(start)) return undefined
  return Math.max(0, ((to ? Date.parse(to) : clock.now()) - start) / clock.scale)
}

export function elapsedSince(experiment: Experiment, clock: Clock, first: ChaosSample | undefined): number {
  const since = worldSince(experiment.startTime ?? experiment.creationTime, clock)
  if (since !== undefined) return since
  return first ? first.elapsedMs + (clock.now() - Date.parse(first.at)) / clock.scale : 0
}
