import {describe, expect, it} from 'vitest'

import {AwsCallError} from '../../../src/lib/aws/errors.js'
import {DrctlError} from '../../../src/lib/core/errors.js'
import type {ProgressEvent} from '../../../src/lib/core/events.js'
import {experimentLeftBy, settleLeftExperiment} from '../../../src/lib/runbooks/chaos/after-failure.js'
import {findExperiment, listExperiments, stopExperiment} from '../../../src/lib/runbooks/chaos/experiments.js'
import {FakeAws, type FakeState} from '../../fakes/aws.js'
import {ChaosFakeAws, config, experimentRecord, failure, fakeClock, world} from './chaos-world.js'

describe('stopping an experiment', () => {
  const running = (): FakeState => {
    const state = world()
    state.experiments.push({
      id: 'EXP5',
      templateId: 'EXT1',
      status: 'running',
      actions: [],
      tags: {},
      region: 'us-east-1',
    })
    return state
  }

  it('sends StopExperiment and waits until stopped', async () => {
    const aws = new ChaosFakeAws(running())
    const seen: ProgressEvent[] = []
    const final = await stopExperiment(aws, 'us-east-1', 'EXP5', {
      clock: fakeClock(() => (aws.state.experiments[0]!.status = 'stopped')),
      signal: new AbortController().signal,
      emit: (event) => seen.push(event),
    })
    expect(final.status).toBe('stopped')
    expect(seen).toEqual([
      {type: 'task-start', id: 'stop', title: 'Stop FIS experiment EXP5'},
      {type: 'task-update', id: 'stop', message: 'EXP5 stopping'},
      {type: 'task-end', id: 'stop', status: 'done', message: 'stopped'},
    ])
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual(['StopExperiment'])
  })

  it('leaves an ended experiment alone, and trusts the state over a refusal for one that just ended', async () => {
    const state = running()
    state.experiments[0]!.status = 'completed'
    const ended = new ChaosFakeAws(state)
    const signal = new AbortController().signal
    expect((await stopExperiment(ended, 'us-east-1', 'EXP5', {clock: fakeClock(), signal})).status).toBe('completed')
    expect(ended.mutatingCalls()).toEqual([])

    const racing = new FakeAws(running())
    const fis = racing.fis('us-east-1')
    let reads = 0
    const endsFirst = Object.assign(racing, {
      fis: () => ({
        ...fis,
        getExperiment: async () => ({...racing.state.experiments[0]!, status: reads++ === 0 ? 'running' : 'completed'}),
        stopExperiment: async () => {
          throw new AwsCallError(
            {service: 'FIS', operation: 'StopExperiment', region: 'us-east-1'},
            {name: 'ValidationException', message: 'experiment already completed', $metadata: {httpStatusCode: 400}},
          )
        },
      }),
    })
    expect((await stopExperiment(endsFirst, 'us-east-1', 'EXP5', {clock: fakeClock(), signal})).status).toBe(
      'completed',
    )
  })
})

describe('finding experiments', () => {
  const state = (): FakeState => {
    const fake = world()
    fake.experiments.push(
      {
        id: 'EXPA',
        templateId: 'EXT1',
        status: 'completed',
        actions: [],
        tags: {},
        region: 'us-east-1',
        creationTime: '2026-11-22T01:00:00.000Z',
      },
      {
        id: 'EXPB',
        templateId: 'EXT9',
        status: 'running',
        actions: [],
        tags: {},
        region: 'us-west-2',
        creationTime: '2026-11-22T02:00:00.000Z',
      },
    )
    return fake
  }

  it('looks in fis.region first, then the topology’s other Regions, and names the template', async () => {
    const aws = new FakeAws(state())
    expect(await findExperiment(config(), aws, 'EXPB')).toMatchObject({region: 'us-west-2', templateName: 'west-side'})
    const error = await failure(findExperiment(config(), aws, 'EXPZ'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toBe('no FIS experiment EXPZ in us-east-1, us-west-2')
  })

  it('lists every Region’s experiments newest first, and the Regions that did not answer', async () => {
    const aws = new FakeAws(state())
    expect((await listExperiments(config(), aws)).experiments.map((experiment) => experiment.id)).toEqual([
      'EXPB',
      'EXPA',
    ])
    aws.fail('FIS', 'us-west-2', {kind: 'access'})
    const partial = await listExperiments(config(), aws)
    expect(partial.experiments.map((experiment) => experiment.id)).toEqual(['EXPA'])
    expect(partial.unreadable).toEqual([{region: 'us-west-2', message: expect.stringContaining('AccessDenied')}])
  })
})

describe('after a failed chaos run', () => {
  it('finds the experiment the run started (from its evidence) and reads how FIS sees it now', async () => {
    const aws = new FakeAws(world())
    const failure = (result?: unknown) => new DrctlError('DRCTL_INTERRUPTED', 'interrupted', {result})
    expect(await experimentLeftBy(aws, failure())).toBeUndefined()
    expect(await experimentLeftBy(aws, failure({runId: 'r1', evidence: {}}))).toBeUndefined()
    const experiment = {id: 'EXPgone', region: 'us-east-1', templateId: 'EXT1', templateName: 'x', status: 'running'}
    const left = await experimentLeftBy(aws, failure({runId: 'r1', evidence: {experiment}}))
    expect(left).toEqual({experiment, current: undefined, runId: 'r1'})
    expect(aws.calls.map((call) => `${call.operation} ${call.region}`)).toEqual(['GetExperiment us-east-1'])
  })

  describe('settles the experiment it left', () => {
    const record = experimentRecord()
    const stoppedRun = (code: 'DRCTL_INTERRUPTED' | 'DRCTL_TIMEOUT') =>
      new DrctlError(code, 'the run stopped', {result: {runId: 'r1', evidence: {experiment: record}}})
    const withExperiment = (status: string) => {
      const state = world()
      state.experiments.push({id: 'EXP5', templateId: 'EXT1', status, actions: [], tags: {}, region: 'us-east-1'})
      return new FakeAws(state)
    }
    /** Choices that record what was asked and done; `answer` says whether the operator wants it stopped. */
    const choices = (answer: boolean, stop: () => Promise<{status: string}> = async () => ({status: 'stopped'})) => {
      const done: string[] = []
      return {
        done,
        shouldStop: async (id: string) => (done.push(`asked ${id}`), answer),
        stop: async (experiment: {id: string}) => (done.push(`stop ${experiment.id}`), stop() as never),
      }
    }

    it('adds nothing to an error that was not an interrupt when the experiment already ended', async () => {
      const chosen = choices(true)
      expect(
        await settleLeftExperiment(withExperiment('completed'), stoppedRun('DRCTL_TIMEOUT'), chosen),
      ).toBeUndefined()
      expect(chosen.done).toEqual([])
    })

    it('after Ctrl-C, says the experiment had already ended, asking nothing', async () => {
      const chosen = choices(true)
      const settled = await settleLeftExperiment(withExperiment('completed'), stoppedRun('DRCTL_INTERRUPTED'), chosen)
      expect(settled).toMatchObject({
        left: {experiment: record, current: {status: 'completed'}, runId: 'r1'},
        aftermath: {kind: 'had-ended'},
      })
      expect(chosen.done).toEqual([])
    })

    it('after any other failure, leaves an active experiment running without asking', async () => {
      const chosen = choices(true)
      const settled = await settleLeftExperiment(withExperiment('running'), stoppedRun('DRCTL_TIMEOUT'), chosen)
      expect(settled?.aftermath).toEqual({kind: 'still-active', status: 'running'})
      expect(chosen.done).toEqual([])
    })

    it('after Ctrl-C, asks; a no leaves it running', async () => {
      const chosen = choices(false)
      const settled = await settleLeftExperiment(withExperiment('running'), stoppedRun('DRCTL_INTERRUPTED'), chosen)
      expect(settled?.aftermath).toEqual({kind: 'left-running', status: 'running'})
      expect(chosen.done).toEqual(['asked EXP5'])
    })

    it('after Ctrl-C, asks; a yes stops it and reports how it ended', async () => {
      const chosen = choices(true, async () => ({status: 'completed'}))
      const settled = await settleLeftExperiment(withExperiment('running'), stoppedRun('DRCTL_INTERRUPTED'), chosen)
      expect(settled?.aftermath).toEqual({kind: 'stopped', status: 'completed'})
      expect(chosen.done).toEqual(['asked EXP5', 'stop EXP5'])
    })

    it('a stop whose wait is cut short is stopping; a stop that fails says why', async () => {
      const interrupted = choices(true, async () => {
        throw new DrctlError('DRCTL_INTERRUPTED', 'interrupted while waiting')
      })
      const aws = withExperiment('running')
      expect((await settleLeftExperiment(aws, stoppedRun('DRCTL_INTERRUPTED'), interrupted))?.aftermath).toEqual({
        kind: 'stopping',
      })
      const refused = choices(true, async () => {
        throw new Error('AccessDeniedException: not authorized to perform: fis:StopExperiment')
      })
      expect((await settleLeftExperiment(aws, stoppedRun('DRCTL_INTERRUPTED'), refused))?.aftermath).toEqual({
        kind: 'not-stopped',
        message: 'AccessDeniedException: not authorized to perform: fis:StopExperiment',
      })
    })
  })
})
