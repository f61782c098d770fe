import type {Experiment} from '../../aws/ports.js'
import {type Clock, formatDuration} from '../../core/clock.js'
import {type ChaosSample, worldSince} from './timeline.js'

// The text of the follow step's progress events. The engine journals a step's progress as text (and a timeout
// quotes the last line), so the line is made here rather than by a renderer.

/** Elapsed time to the 10 s, then to the minute: the progress line changes when something does, not every poll. */
function coarse(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  return seconds < 60 ? `${Math.floor(seconds / 10) * 10}s` : formatDuration(Math.floor(seconds / 60) * 60_000)
}

export function describeLag(lag: Record<string, number | null>): string {
  const known = Object.entries(lag).filter((entry): entry is [string, number] => entry[1] !== null)
  return known.length > 0 ? known.map(([name, ms]) => `${name} ${formatDuration(ms)}`).join(', ') : 'unknown'
}

/** One progress line: the experiment and each action with state and elapsed time, then lag and traffic. */
export function describeProgress(experiment: Experiment, sample: ChaosSample, clock: Clock): string {
  const actions = experiment.actions
    .map((action) => {
      const elapsed = worldSince(action.startTime, clock, action.endTime)
      return `${action.name} ${action.status}${elapsed === undefined ? '' : ` ${coarse(elapsed)}`}`
    })
    .join(', ')
  const on = Object.entries(sample.routing)
    .filter(([, state]) => state === 'On')
    .map(([name]) => name)
  return [
    `${experiment.id} ${experiment.status} ${coarse(sample.elapsedMs)}`,
    actions || 'no actions yet',
    `lag ${describeLag(sample.lag)}`,
    ...(Object.keys(sample.routing).length > 0 ? [`traffic On: ${on.join(', ') || 'none'}`] : []),
  ].join(' · ')
}
