import {describe, expect, it} from 'vitest'

import {renderAftermath} from '../../../src/lib/cli/chaos-stop.js'
import {createStyle} from '../../../src/lib/cli/style.js'
import {DrctlError} from '../../../src/lib/core/errors.js'
import type {Aftermath} from '../../../src/lib/runbooks/chaos/after-failure.js'
import {experimentRecord} from '../runbooks/chaos-world.js'

describe('what drctl chaos start says of the experiment a failed run left', () => {
  const experiment = experimentRecord()
  const left = {experiment, current: {...experiment, tags: {}}, runId: 'r1'}
  const interrupted = new DrctlError('DRCTL_INTERRUPTED', 'interrupted', {hints: ['drctl runs resume r1']})
  const flags = {sandbox: true, config: 'dr.yaml'}
  const said = (aftermath: Aftermath, error = interrupted) =>
    renderAftermath(error, {left, aftermath}, flags, createStyle(false))

  it('keeps the code, exit and hints of the error, and names the experiment in its details', () => {
    const {error} = said({kind: 'had-ended'})
    expect(error).toMatchObject({code: 'DRCTL_INTERRUPTED', exit: 130, cause: interrupted})
    expect(error.message).toBe('interrupted; FIS experiment EXP5 had already ended (running)')
    expect(error.hints).toEqual([
      'record the end and close the run: drctl runs resume r1 --yes --sandbox -c dr.yaml',
      'drctl runs resume r1',
    ])
    expect(error.details).toEqual({experiment: {id: 'EXP5', region: 'us-east-1', status: 'running'}})
  })

  it('warns loudly of an experiment left running, with the command that stops it', () => {
    const timeout = new DrctlError('DRCTL_TIMEOUT', 'timed out waiting for FIS experiment EXP5 to end')
    const failed = said({kind: 'still-active', status: 'running'}, timeout)
    expect(failed.warning).toBe('FIS experiment EXP5 is STILL RUNNING in us-east-1')
    expect(failed.error).toMatchObject({code: 'DRCTL_TIMEOUT', exit: 7, message: timeout.message})
    expect(failed.error.hints[0]).toBe(
      'it keeps running until it ends; to end it now: drctl chaos stop EXP5 --sandbox -c dr.yaml',
    )
    const leftRunning = said({kind: 'left-running', status: 'running'})
    expect(leftRunning.warning).toBe(
      'FIS experiment EXP5 is STILL RUNNING in us-east-1: stop it with drctl chaos stop EXP5 --sandbox -c dr.yaml',
    )
    expect(leftRunning.error.message).toBe('interrupted; FIS experiment EXP5 is still running (not stopped)')
  })

  it('says how a stop went: stopped, ended meanwhile, still stopping, or not stopped', () => {
    const stopped = said({kind: 'stopped', status: 'stopped'})
    expect(stopped.line).toBe('✔ FIS experiment EXP5 stopped')
    expect(stopped.error.message).toBe('interrupted; FIS experiment EXP5 was stopped')
    expect(said({kind: 'stopped', status: 'completed'}).error.message).toBe(
      'interrupted; FIS experiment EXP5 ended (completed)',
    )
    const stopping = said({kind: 'stopping'})
    expect(stopping.warning).toBe('StopExperiment was sent for EXP5; stopped waiting for it to reach stopped')
    expect(stopping.error.hints[0]).toBe('check: drctl chaos status EXP5 --sandbox -c dr.yaml')
    const refused = said({kind: 'not-stopped', message: 'AccessDeniedException'})
    expect(refused.warning).toBe(
      'could not stop FIS experiment EXP5: AccessDeniedException; it may STILL BE RUNNING: drctl chaos stop EXP5 --sandbox -c dr.yaml',
    )
    expect(refused.error.message).toBe('interrupted; FIS experiment EXP5 could not be stopped and may still be running')
  })
})
