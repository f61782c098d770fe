import type {AwsPorts, Experiment} from '../aws/ports.js'
import type {Clock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import {stopExperiment} from '../runbooks/chaos/experiments.js'
import type {ProgressRenderer} from './progress.js'
import {drctlCommand} from './render-chaos.js'

/**
 * StopExperiment, then wait for `stopped` with progress. A Ctrl-C meanwhile stops only the waiting (the stop was
 * already sent): DRCTL_INTERRUPTED says so.
 */
export async function stopAndFollow(
  aws: AwsPorts,
  experiment: {id: string; region: string},
  options: {clock: Clock; progress: ProgressRenderer; flags: {sandbox: boolean; config?: string}},
): Promise<Experiment> {
  const controller = new AbortController()
  const onSignal = () => controller.abort()
  process.on('SIGINT', onSignal)
  const emit = options.progress.listener
  emit({type: 'task-start', id: 'stop', title: `Stop FIS experiment ${experiment.id}`})
  try {
    const final = await stopExperiment(aws, experiment.region, experiment.id, {
      clock: options.clock,
      signal: controller.signal,
      progress: (message) => emit({type: 'task-update', id: 'stop', message}),
    })
    emit({type: 'task-end', id: 'stop', status: 'done', message: final.status})
    return final
  } catch (error) {
    emit({type: 'task-end', id: 'stop', status: 'failed'})
    if (!controller.signal.aborted) throw error
    throw new DrctlError(
      'DRCTL_INTERRUPTED',
      `interrupted while waiting; StopExperiment was sent, FIS experiment ${experiment.id} is stopping`,
      {hints: [`check: ${drctlCommand(`chaos status ${experiment.id}`, options.flags)}`]},
    )
  } finally {
    process.off('SIGINT', onSignal)
    options.progress.stop()
  }
}
