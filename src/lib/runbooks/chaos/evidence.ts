import type {ChaosSample} from './timeline.js'

// What a chaos run keeps in its evidence (the experiment, the timeline, the recovery), and what that says about the
// game day.

/** What the report keeps about the experiment (evidence `experiment`). */
export interface ExperimentRecord {
  id: string
  region: string
  templateId: string
  templateName: string
  status: string
  reason?: string
  actions: {name: string; actionId: string; status: string; reason?: string}[]
  startTime?: string
  endTime?: string
}

/** How replication lag came back after the experiment ended (evidence `recovery`). */
export interface Recovery {
  recovered: boolean
  /** World time from the end of the experiment to the sample that found lag under the gate (or the last one). */
  afterMs: number
  belowMs: number
  lag: Record<string, number | null>
}

export interface SignalPeak {
  signal: string
  peakMs: number
  /** When the peak was seen, since the experiment started. */
  peakElapsedMs: number
  beforeMs: number | null
  lastMs: number | null
}

export interface ChaosOutcome {
  experiment?: ExperimentRecord
  peaks: SignalPeak[]
  recovery?: Recovery
}

/** What a run's evidence says about the game day: the end state, the lag peaks, the recovery. */
export function chaosOutcome(evidence: Record<string, unknown>): ChaosOutcome {
  return {
    experiment: evidence.experiment as ExperimentRecord | undefined,
    peaks: signalPeaks((evidence.timeline as ChaosSample[] | undefined) ?? []),
    recovery: evidence.recovery as Recovery | undefined,
  }
}

/** Per lag signal: before, peak, last: what a game day is for. */
function signalPeaks(timeline: ChaosSample[]): SignalPeak[] {
  const names = [...new Set(timeline.flatMap((sample) => Object.keys(sample.lag)))]
  return names.flatMap((signal) => {
    const known = timeline.filter((sample) => typeof sample.lag[signal] === 'number')
    if (known.length === 0) return []
    const peak = known.reduce((best, sample) =>
      (sample.lag[signal] as number) > (best.lag[signal] as number) ? sample : best,
    )
    const before = timeline.find((sample) => sample.status === 'before')?.lag[signal]
    return [
      {
        signal,
        peakMs: peak.lag[signal] as number,
        peakElapsedMs: peak.elapsedMs,
        beforeMs: before ?? null,
        lastMs: (known.at(-1) as ChaosSample).lag[signal] as number,
      },
    ]
  })
}
