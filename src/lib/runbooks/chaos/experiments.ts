import type {AwsPorts, Experiment, ExperimentSummary} from '../../aws/ports.js'
import type {DrctlConfig} from '../../config/schema.js'
import type {Clock} from '../../core/clock.js'
import {DrctlError, errorMessage} from '../../core/errors.js'
import type {ProgressListener} from '../../core/events.js'
import {waitFor} from '../../runbook/wait.js'
import {ACTIVE_EXPERIMENT as ACTIVE} from '../../topology/readers/chaos.js'
import type {ExperimentView} from '../../topology/views.js'
import {declared, readsOnly} from '../../aws/iam-calls.js'
import {templateName} from './templates.js'

/** What listing, finding and reading experiments calls (`chaos status`, and `chaos stop` before it stops one). */
export const EXPERIMENT_READS = {
  calls: readsOnly([
    declared('FIS', 'ListExperiments'),
    declared('FIS', 'ListExperimentTemplates'),
    declared('FIS', 'GetExperiment', 'fis-experiments'),
  ]),
}
/** `chaos stop`'s change (requestStop, stopExperiment). */
export const EXPERIMENT_STOP = {
  calls: {reads: [], writes: [declared('FIS', 'StopExperiment', 'fis-experiments')]},
}

// Experiments for `drctl chaos status` and `stop`, and for dealing with one after Ctrl-C: found in the topology's
// Regions, stopped, and waited for.

const TERMINAL = new Set(['completed', 'stopped', 'failed', 'cancelled'])
const STOP_TIMEOUT_MS = 10 * 60_000

export const isActive = (status: string) => ACTIVE.has(status)
export const isTerminal = (status: string) => TERMINAL.has(status)

export interface ExperimentDetail extends Experiment {
  region: string
  templateName?: string
}

export interface ExperimentListing {
  experiments: (ExperimentView & {templateName?: string})[]
  unreadable: {region: string; message: string}[]
}

/** Every experiment in the topology's Regions, newest first; Regions that do not answer are listed as such. */
export async function listExperiments(config: DrctlConfig, aws: AwsPorts): Promise<ExperimentListing> {
  const reads = await Promise.all(
    config.regions.map(async (region) => {
      try {
        const [experiments, names] = await Promise.all([aws.fis(region).listExperiments(), templateNames(aws, region)])
        return {region, experiments: experiments.map((experiment) => withRegion(experiment, region, names))}
      } catch (error) {
        return {region, error: errorMessage(error)}
      }
    }),
  )
  return {
    experiments: reads
      .flatMap((read) => read.experiments ?? [])
      .sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? '')),
    unreadable: reads.flatMap((read) => (read.error ? [{region: read.region, message: read.error}] : [])),
  }
}

const withRegion = (experiment: ExperimentSummary, region: string, names: Map<string, string>) => ({
  ...experiment,
  region,
  templateName: names.get(experiment.templateId),
})

async function templateNames(aws: AwsPorts, region: string): Promise<Map<string, string>> {
  const summaries = await aws.fis(region).listExperimentTemplates()
  return new Map(summaries.map((summary) => [summary.id, templateName(summary)]))
}

/** An experiment by id: in fis.region first, then in the topology's other Regions. */
export async function findExperiment(config: DrctlConfig, aws: AwsPorts, id: string): Promise<ExperimentDetail> {
  const first = config.fis?.region
  const regions = [...(first ? [first] : []), ...config.regions.filter((region) => region !== first)]
  for (const region of regions) {
    const experiment = await aws.fis(region).getExperiment(id)
    if (!experiment) continue
    const names = await templateNames(aws, region)
    return {...experiment, region, templateName: names.get(experiment.templateId)}
  }
  throw new DrctlError('DRCTL_USAGE', `no FIS experiment ${id} in ${regions.join(', ')}`, {
    hints: ['drctl chaos status lists the active and recent experiments'],
  })
}

/** GetExperiment, for an experiment that must exist. */
export async function readExperiment(aws: AwsPorts, region: string, id: string): Promise<Experiment> {
  const experiment = await aws.fis(region).getExperiment(id)
  if (!experiment) throw new DrctlError('DRCTL_AWS_NOT_FOUND', `FIS experiment ${id} not found in ${region}`)
  return experiment
}

export interface StopOptions {
  clock: Clock
  signal: AbortSignal
  /** The stop as one task: its start, each state seen while waiting, its end. */
  emit?: ProgressListener
}

/**
 * StopExperiment, forgiving a refusal when the experiment ended or began stopping meanwhile: the state is re-read
 * rather than the error trusted.
 */
export async function requestStop(aws: AwsPorts, region: string, id: string): Promise<void> {
  try {
    await aws.fis(region).stopExperiment(id)
  } catch (error) {
    const again = await readExperiment(aws, region, id)
    if (!isTerminal(again.status) && again.status !== 'stopping') throw error
  }
}

/** StopExperiment, then follow the experiment until FIS says it ended; one that already ended is left alone. */
export async function stopExperiment(
  aws: AwsPorts,
  region: string,
  id: string,
  options: StopOptions,
): Promise<Experiment> {
  const emit = options.emit ?? (() => {})
  const read = () => readExperiment(aws, region, id)
  emit({type: 'task-start', id: 'stop', title: `Stop FIS experiment ${id}`})
  try {
    let ended = await read()
    if (!isTerminal(ended.status)) {
      if (ended.status !== 'stopping') await requestStop(aws, region, id)
      ended = (await waitFor({
        what: `FIS experiment ${id} to stop`,
        clock: options.clock,
        signal: options.signal,
        timeoutMs: STOP_TIMEOUT_MS,
        firstDelayMs: 1000,
        maxDelayMs: 5000,
        poll: async () => {
          const experiment = await read()
          return {done: isTerminal(experiment.status), value: experiment, progress: `${id} ${experiment.status}`}
        },
        progress: (message) => emit({type: 'task-update', id: 'stop', message}),
      })) as Experiment
    }
    emit({type: 'task-end', id: 'stop', status: 'done', message: ended.status})
    return ended
  } catch (error) {
    emit({type: 'task-end', id: 'stop', status: 'failed'})
    throw error
  }
}
