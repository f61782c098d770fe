import type {AwsPorts, Experiment} from '../aws/ports.js'
import type {Clock} from '../core/clock.js'
import {DrctlError, isDrctlError} from '../core/errors.js'
import {type Aftermath, type LeftExperiment, settleLeftExperiment} from '../runbooks/chaos/after-failure.js'
import {stopExperiment} from '../runbooks/chaos/experiments.js'
import type {ProgressRenderer} from './progress.js'
import type {Prompter} from './prompter.js'
import {type CommandLineFlags, drctlCommand} from './render-chaos.js'
import {type Style, symbols} from './style.js'

/**
 * Stops an experiment with its progress shown. A Ctrl-C meanwhile ends only the waiting (the stop was already
 * sent): DRCTL_INTERRUPTED says so, and how to check on it.
 */
export async function stopFromTerminal(
  aws: AwsPorts,
  experiment: {id: string; region: string},
  options: {clock: Clock; progress: ProgressRenderer; flags: CommandLineFlags},
): Promise<Experiment> {
  const controller = new AbortController()
  const onSignal = () => controller.abort()
  process.on('SIGINT', onSignal)
  try {
    return await stopExperiment(aws, experiment.region, experiment.id, {
      clock: options.clock,
      signal: controller.signal,
      emit: options.progress.listener,
    })
  } catch (error) {
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

/** What a command lends to deal with an experiment a failed run left: its flags, its terminal, its output. */
export interface OperatorConsole {
  flags: CommandLineFlags & {yes: boolean}
  /** A terminal to ask on. */
  interactive: boolean
  prompter: Prompter
  style: Style
  clock(): Promise<Clock>
  progress: ProgressRenderer
  out(text: string): void
  note(message: string): void
}

/**
 * A chaos run that stopped while its experiment may still run: deals with the experiment (after Ctrl-C, stops it
 * if the operator says so), says what became of it, and returns the error to end with.
 */
export async function afterChaosFailure(aws: AwsPorts, error: unknown, operator: OperatorConsole): Promise<unknown> {
  if (!isDrctlError(error)) return error
  const settled = await settleLeftExperiment(aws, error, {
    shouldStop: (id) => shouldStop(id, operator),
    stop: async (experiment) =>
      stopFromTerminal(aws, experiment, {
        clock: await operator.clock(),
        progress: operator.progress,
        flags: operator.flags,
      }),
  })
  if (!settled) return error
  const said = renderAftermath(error, settled, operator.flags, operator.style)
  if (said.warning) operator.note(said.warning)
  if (said.line) operator.out(said.line)
  return said.error
}

/** --yes stops it; a terminal asks (stopping is the default); without a terminal it is stopped, never left. */
async function shouldStop(id: string, operator: OperatorConsole): Promise<boolean> {
  if (operator.flags.yes) return true
  if (!operator.interactive) {
    operator.out(`no terminal to ask on: stopping FIS experiment ${id} rather than leaving it running`)
    return true
  }
  try {
    const answer = await operator.prompter.select(`Stop FIS experiment ${id} now?`, [
      {name: 'Yes, stop it now', value: 'stop'},
      {name: 'No, leave it running', value: 'leave'},
    ])
    return answer === 'stop'
  } catch (error) {
    if (isDrctlError(error) && error.code === 'DRCTL_INTERRUPTED') return false
    throw error
  }
}

/** What to tell the operator of the experiment a failed chaos run left behind: a warning or a line, then the error. */
export function renderAftermath(
  error: DrctlError,
  {left, aftermath}: {left: LeftExperiment; aftermath: Aftermath},
  flags: CommandLineFlags,
  style: Style,
): {warning?: string; line?: string; error: DrctlError} {
  const {experiment, current, runId} = left
  const fis = `FIS experiment ${experiment.id}`
  const stop = drctlCommand(`chaos stop ${experiment.id}`, flags)
  const rethrow = (message: string, hints: string[] = []) =>
    new DrctlError(error.code, message, {
      exit: error.exit,
      hints: [...hints, ...error.hints],
      result: error.result,
      details: {experiment: {id: experiment.id, region: experiment.region, status: current?.status ?? 'unknown'}},
      cause: error,
    })
  // The run stays interrupted (resumable); resuming it records how the experiment ended and closes it.
  const closeRun = runId
    ? [`record the end and close the run: ${drctlCommand(`runs resume ${runId} --yes`, flags)}`]
    : []
  switch (aftermath.kind) {
    case 'had-ended': {
      return {error: rethrow(`interrupted; ${fis} had already ended (${current?.status ?? 'not found'})`, closeRun)}
    }
    case 'still-active': {
      return {
        warning: `${fis} is STILL ${aftermath.status.toUpperCase()} in ${experiment.region}`,
        error: rethrow(error.message, [`it keeps running until it ends; to end it now: ${stop}`]),
      }
    }
    case 'left-running': {
      return {
        warning: `${fis} is STILL ${aftermath.status.toUpperCase()} in ${experiment.region}: stop it with ${stop}`,
        error: rethrow(`interrupted; ${fis} is still ${aftermath.status} (not stopped)`, [`stop it: ${stop}`]),
      }
    }
    case 'stopped': {
      const ended = aftermath.status === 'stopped' ? 'was stopped' : `ended (${aftermath.status})`
      return {
        line: `${style.green(symbols.ok)} ${fis} ${aftermath.status}`,
        error: rethrow(`interrupted; ${fis} ${ended}`, closeRun),
      }
    }
    case 'stopping': {
      return {
        warning: `StopExperiment was sent for ${experiment.id}; stopped waiting for it to reach stopped`,
        error: rethrow(`interrupted; ${fis} is stopping (StopExperiment sent)`, [
          `check: ${drctlCommand(`chaos status ${experiment.id}`, flags)}`,
        ]),
      }
    }
    case 'not-stopped': {
      return {
        warning: `could not stop ${fis}: ${aftermath.message}; it may STILL BE RUNNING: ${stop}`,
        error: rethrow(`interrupted; ${fis} could not be stopped and may still be running`, [`stop it: ${stop}`]),
      }
    }
  }
}
