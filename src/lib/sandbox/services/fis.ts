import {ApiError} from '../errors.js'
import {experimentStatus, isActiveStatus} from '../experiments.js'
import {alarmName, stopConditionAlarms} from '../faults.js'
import {fisId, nextSeed} from '../ids.js'
import type {RestJsonRoute, RestJsonService} from '../protocol/rest-json.js'
import {DURATIONS, scaled} from '../time.js'
import type {World} from '../world.js'
import {addDue, asObject, type CallContext, type DueEvent, requiredString} from './context.js'
import type {ExperimentRecord} from './fis-records.js'
import {experimentSummary, renderExperiment} from './fis-render.js'
import {findTemplate, listPage, scheduleActions, templateRoutes, validation} from './fis-templates.js'

/**
 * AWS FIS (restJson1, aws-reference §4): templates (fis-templates.ts), and experiments whose timeline (initiating, each action in
 * `startAfter` order for its `duration`) is fixed when they start; stopping cuts it short.
 */

/**
 * An experiment stops when an alarm among its stop conditions is in ALARM (the `alarm` fault) while it runs, as FIS
 * does (aws-reference §4.3); an alarm already in ALARM stops it as it starts.
 */
export function fisDueEvents(world: World, now: number): DueEvent[] {
  const events: DueEvent[] = []
  for (const experiment of world.fis.experiments) {
    if (experiment.stopRequestedAt !== undefined) continue
    for (const fault of world.faults) {
      if (fault.kind !== 'alarm') continue
      const alarm = stopConditionAlarms(experiment.stopConditions).find((arn) => alarmName(arn) === fault.alarm)
      const at = Math.max(fault.since, experiment.createdAt)
      if (!alarm || at >= experiment.completesAt) continue
      addDue(events, at, now, (when) => {
        experiment.stopRequestedAt = when
        experiment.stoppedAt = when + scaled(world, DURATIONS.fisStopping)
        experiment.stoppedBy = alarm
      })
    }
  }
  return events
}

const MAX_ACTIVE_EXPERIMENTS = 5

const experimentNotFound = () => new ApiError('ResourceNotFoundException', 'Experiment not found.', 404)

function experimentsIn(context: CallContext): ExperimentRecord[] {
  return context.world.fis.experiments.filter((experiment) => experiment.region === context.region)
}

function findExperiment(context: CallContext, id: string): ExperimentRecord {
  const experiment = experimentsIn(context).find((candidate) => candidate.id === id)
  if (!experiment) throw experimentNotFound()
  return experiment
}

const startExperiment: RestJsonRoute = {
  method: 'POST',
  path: /^\/experiments$/,
  operation: 'StartExperiment',
  handle: (context, request) => {
    const {world, now} = context
    const clientToken = requiredString(request.body, 'clientToken', validation)
    const templateId = requiredString(request.body, 'experimentTemplateId', validation)
    const previous = experimentsIn(context).find((experiment) => experiment.clientToken === clientToken)
    if (previous) {
      if (previous.templateId !== templateId) {
        throw new ApiError(
          'ConflictException',
          'The clientToken was already used with another experiment template.',
          409,
        )
      }
      return {body: {experiment: renderExperiment(context, previous)}}
    }
    const template = findTemplate(context, templateId)
    const active = experimentsIn(context).filter((experiment) =>
      isActiveStatus(experimentStatus(experiment, now).status),
    )
    if (active.length >= MAX_ACTIVE_EXPERIMENTS) {
      throw new ApiError(
        'ServiceQuotaExceededException',
        `You have reached the maximum number of active experiments (${MAX_ACTIVE_EXPERIMENTS}) in ${context.region}.`,
        402,
      )
    }
    const runningAt = now + scaled(world, DURATIONS.fisInitiating)
    const actions = scheduleActions(context, template.actions, runningAt)
    const completesAt = Math.max(runningAt, ...Object.values(actions).map((action) => action.endAt))
    const id = fisId('EXP', nextSeed(world, 'experiment'))
    const tags = asObject(request.body.tags) as Record<string, string>
    const experiment: ExperimentRecord = {
      id,
      arn: `arn:aws:fis:${context.region}:${world.account}:experiment/${id}`,
      region: context.region,
      templateId,
      roleArn: template.roleArn,
      clientToken,
      tags,
      targets: template.targets,
      stopConditions: template.stopConditions,
      createdAt: now,
      runningAt,
      completesAt,
      actions,
    }
    world.fis.experiments.push(experiment)
    return {body: {experiment: renderExperiment(context, experiment)}}
  },
}

const experimentRoutes: RestJsonRoute[] = [
  startExperiment,
  {
    method: 'GET',
    path: /^\/experiments$/,
    operation: 'ListExperiments',
    handle: (context, request) => {
      const templateId = request.query.get('experimentTemplateId')
      const experiments = experimentsIn(context)
        .filter((experiment) => templateId === null || experiment.templateId === templateId)
        .sort((a, b) => b.createdAt - a.createdAt)
      const result = listPage(request.query, experiments)
      return {
        body: {
          experiments: result.items.map((experiment) => experimentSummary(context, experiment)),
          nextToken: result.next,
        },
      }
    },
  },
  {
    method: 'GET',
    path: /^\/experiments\/([^/]+)$/,
    operation: 'GetExperiment',
    handle: (context, request) => ({
      body: {experiment: renderExperiment(context, findExperiment(context, request.params[0] as string))},
    }),
  },
  {
    method: 'DELETE',
    path: /^\/experiments\/([^/]+)$/,
    operation: 'StopExperiment',
    handle: (context, request) => {
      const experiment = findExperiment(context, request.params[0] as string)
      const status = experimentStatus(experiment, context.now).status
      if (status === 'completed' || status === 'stopped' || status === 'stopping') {
        throw validation(`Experiment ${experiment.id} is ${status} and cannot be stopped.`)
      }
      experiment.stopRequestedAt = context.now
      experiment.stoppedAt = context.now + scaled(context.world, DURATIONS.fisStopping)
      return {body: {experiment: renderExperiment(context, experiment)}}
    },
  },
]

export const fisService: RestJsonService = {
  protocol: 'restJson1',
  dueEvents: (world, now) => fisDueEvents(world, now),
  routes: [...templateRoutes, ...experimentRoutes],
}
