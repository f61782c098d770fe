import {ApiError} from '../errors.js'
import {actionStatus, experimentStatus, isActiveStatus} from '../experiments.js'
import {alarmName, stopConditionAlarms} from '../faults.js'
import {fisId, fisTemplateArn, nextSeed} from '../ids.js'
import type {JsonInput} from '../protocol/aws-json.js'
import type {RestJsonRoute, RestJsonService} from '../protocol/rest-json.js'
import {DURATIONS, parseIsoDuration, scaled} from '../time.js'
import type {World} from '../world.js'
import type {ExperimentActionRecord, ExperimentRecord, FisAction, FisTarget, TemplateRecord} from './fis-records.js'
import {
  addDue,
  asObject,
  type CallContext,
  type DueEvent,
  epochSeconds,
  optionalString,
  page,
  requiredString,
} from './context.js'

/**
 * AWS FIS (restJson1, aws-reference §4): templates, and experiments whose timeline (initiating, each action in
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
const EXPERIMENT_OPTIONS = {accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail'}

const validation = (message: string) => new ApiError('ValidationException', message)
const templateNotFound = () => new ApiError('ResourceNotFoundException', 'Experiment template not found.', 404)
const experimentNotFound = () => new ApiError('ResourceNotFoundException', 'Experiment not found.', 404)

function templatesIn(context: CallContext): TemplateRecord[] {
  return context.world.fis.templates.filter((template) => template.region === context.region)
}

function experimentsIn(context: CallContext): ExperimentRecord[] {
  return context.world.fis.experiments.filter((experiment) => experiment.region === context.region)
}

function findTemplate(context: CallContext, id: string): TemplateRecord {
  const template = templatesIn(context).find((candidate) => candidate.id === id)
  if (!template) throw templateNotFound()
  return template
}

function findExperiment(context: CallContext, id: string): ExperimentRecord {
  const experiment = experimentsIn(context).find((candidate) => candidate.id === id)
  if (!experiment) throw experimentNotFound()
  return experiment
}

function renderTarget(target: FisTarget): Record<string, unknown> {
  return {
    resourceType: target.resourceType,
    resourceArns: target.resourceArns,
    resourceTags: target.resourceTags,
    selectionMode: target.selectionMode,
    parameters: target.parameters,
  }
}

function renderTemplate(template: TemplateRecord): Record<string, unknown> {
  return {
    id: template.id,
    arn: template.arn,
    description: template.description,
    targets: Object.fromEntries(Object.entries(template.targets).map(([name, target]) => [name, renderTarget(target)])),
    actions: template.actions,
    stopConditions: template.stopConditions,
    creationTime: epochSeconds(template.createdAt),
    lastUpdateTime: epochSeconds(template.updatedAt),
    roleArn: template.roleArn,
    tags: template.tags,
    experimentOptions: EXPERIMENT_OPTIONS,
  }
}

function renderExperiment(context: CallContext, experiment: ExperimentRecord): Record<string, unknown> {
  const state = experimentStatus(experiment, context.now)
  const ended = state.status === 'completed' || state.status === 'stopped'
  return {
    id: experiment.id,
    arn: experiment.arn,
    experimentTemplateId: experiment.templateId,
    roleArn: experiment.roleArn,
    state,
    targets: Object.fromEntries(
      Object.entries(experiment.targets).map(([name, target]) => [name, renderTarget(target)]),
    ),
    actions: Object.fromEntries(
      Object.entries(experiment.actions).map(([name, action]) => [name, renderAction(context, experiment, action)]),
    ),
    stopConditions: experiment.stopConditions,
    creationTime: epochSeconds(experiment.createdAt),
    startTime: context.now >= experiment.runningAt ? epochSeconds(experiment.runningAt) : undefined,
    endTime: ended ? epochSeconds(experiment.stoppedAt ?? experiment.completesAt) : undefined,
    tags: experiment.tags,
    experimentOptions: EXPERIMENT_OPTIONS,
  }
}

function renderAction(
  context: CallContext,
  experiment: ExperimentRecord,
  action: ExperimentActionRecord,
): Record<string, unknown> {
  const state = actionStatus(experiment, action, context.now)
  const started = context.now >= action.startAt && state.status !== 'cancelled'
  const end = Math.min(action.endAt, experiment.stoppedAt ?? Number.POSITIVE_INFINITY)
  return {
    actionId: action.actionId,
    description: action.description,
    parameters: action.parameters,
    targets: action.targets,
    startAfter: action.startAfter,
    state,
    startTime: started ? epochSeconds(action.startAt) : undefined,
    endTime: started && context.now >= end ? epochSeconds(end) : undefined,
  }
}

function summary(context: CallContext, experiment: ExperimentRecord): Record<string, unknown> {
  return {
    id: experiment.id,
    arn: experiment.arn,
    experimentTemplateId: experiment.templateId,
    state: experimentStatus(experiment, context.now),
    creationTime: epochSeconds(experiment.createdAt),
    tags: experiment.tags,
    experimentOptions: EXPERIMENT_OPTIONS,
  }
}

function listPage<T>(query: URLSearchParams, items: T[]) {
  const max = query.get('maxResults')
  const size = max === null ? 100 : Number(max)
  if (!Number.isInteger(size) || size < 1 || size > 100) {
    throw validation(
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
    )
  }
  return page(items, query.get('nextToken') ?? undefined, size, () => validation('The nextToken is invalid.'))
}

/** Lays out the actions: each starts when all of its `startAfter` actions ended, and runs for its `duration`. */
function scheduleActions(
  context: CallContext,
  actions: Record<string, FisAction>,
  runningAt: number,
): Record<string, ExperimentActionRecord> {
  const scheduled: Record<string, ExperimentActionRecord> = {}
  const visiting = new Set<string>()
  const place = (name: string): ExperimentActionRecord => {
    const done = scheduled[name]
    if (done) return done
    const action = actions[name]
    if (!action) throw validation(`Action ${name} referenced in startAfter does not exist.`)
    if (visiting.has(name)) throw validation(`Actions have a circular startAfter dependency at ${name}.`)
    visiting.add(name)
    const startAt = Math.max(runningAt, ...action.startAfter.map((before) => place(before).endAt))
    const duration = action.parameters.duration
    const seconds = duration === undefined ? DURATIONS.fisInstantAction : parseIsoDuration(duration)
    if (seconds === undefined) throw validation(`Invalid duration ${duration} for action ${name}.`)
    const record: ExperimentActionRecord = {...action, startAt, endAt: startAt + scaled(context.world, seconds)}
    scheduled[name] = record
    return record
  }
  for (const name of Object.keys(actions)) place(name)
  return scheduled
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

const routes: RestJsonRoute[] = [
  {
    method: 'GET',
    path: /^\/experimentTemplates$/,
    operation: 'ListExperimentTemplates',
    handle: (context, request) => {
      const result = listPage(request.query, templatesIn(context))
      return {
        body: {
          experimentTemplates: result.items.map((template) => ({
            id: template.id,
            arn: template.arn,
            description: template.description,
            creationTime: epochSeconds(template.createdAt),
            lastUpdateTime: epochSeconds(template.updatedAt),
            tags: template.tags,
          })),
          nextToken: result.next,
        },
      }
    },
  },
  {
    method: 'GET',
    path: /^\/experimentTemplates\/([^/]+)$/,
    operation: 'GetExperimentTemplate',
    handle: (context, request) => ({
      body: {experimentTemplate: renderTemplate(findTemplate(context, request.params[0] as string))},
    }),
  },
  {
    method: 'POST',
    path: /^\/experimentTemplates$/,
    operation: 'CreateExperimentTemplate',
    handle: (context, request) => {
      const template = createTemplate(context, request.body)
      return {body: {experimentTemplate: renderTemplate(template)}}
    },
  },
  {
    method: 'DELETE',
    path: /^\/experimentTemplates\/([^/]+)$/,
    operation: 'DeleteExperimentTemplate',
    handle: (context, request) => {
      const template = findTemplate(context, request.params[0] as string)
      context.world.fis.templates = context.world.fis.templates.filter((candidate) => candidate !== template)
      return {body: {experimentTemplate: renderTemplate(template)}}
    },
  },
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
          experiments: result.items.map((experiment) => summary(context, experiment)),
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

function createTemplate(context: CallContext, body: JsonInput): TemplateRecord {
  const {world, now} = context
  requiredString(body, 'clientToken', validation)
  const description = requiredString(body, 'description', validation)
  const roleArn = requiredString(body, 'roleArn', validation)
  const stopConditions = Array.isArray(body.stopConditions)
    ? body.stopConditions.map((condition) => {
        const value = asObject(condition)
        return {source: requiredString(value, 'source', validation), value: optionalString(value, 'value', validation)}
      })
    : undefined
  if (!stopConditions || stopConditions.length === 0) throw validation('stopConditions is required')
  const rawActions = asObject(body.actions)
  if (Object.keys(rawActions).length === 0) throw validation('actions is required')
  const targets = Object.fromEntries(
    Object.entries(asObject(body.targets)).map(([name, raw]): [string, FisTarget] => {
      const target = asObject(raw)
      return [
        name,
        {
          resourceType: requiredString(target, 'resourceType', validation),
          resourceArns: Array.isArray(target.resourceArns) ? (target.resourceArns as string[]) : undefined,
          resourceTags: target.resourceTags ? (asObject(target.resourceTags) as Record<string, string>) : undefined,
          selectionMode: requiredString(target, 'selectionMode', validation),
          parameters: target.parameters ? (asObject(target.parameters) as Record<string, string>) : undefined,
        },
      ]
    }),
  )
  const actions = Object.fromEntries(
    Object.entries(rawActions).map(([name, raw]): [string, FisAction] => {
      const action = asObject(raw)
      const actionTargets = asObject(action.targets) as Record<string, string>
      for (const targetName of Object.values(actionTargets)) {
        if (!targets[targetName]) throw validation(`Target ${targetName} referenced by action ${name} does not exist.`)
      }
      const parameters = asObject(action.parameters) as Record<string, string>
      if (parameters.duration !== undefined && parseIsoDuration(parameters.duration) === undefined) {
        throw validation(`Invalid duration ${parameters.duration} for action ${name}.`)
      }
      return [
        name,
        {
          actionId: requiredString(action, 'actionId', validation),
          description: optionalString(action, 'description', validation),
          parameters,
          targets: actionTargets,
          startAfter: Array.isArray(action.startAfter) ? (action.startAfter as string[]) : [],
        },
      ]
    }),
  )
  const id = fisId('EXT', nextSeed(world, 'template'))
  const template: TemplateRecord = {
    id,
    arn: fisTemplateArn(context.region, world.account, id),
    region: context.region,
    description,
    roleArn,
    targets,
    actions,
    stopConditions,
    tags: asObject(body.tags) as Record<string, string>,
    createdAt: now,
    updatedAt: now,
  }
  // Validates the startAfter graph the same way a start would.
  scheduleActions(context, actions, now)
  world.fis.templates.push(template)
  return template
}

export const fisService: RestJsonService = {
  protocol: 'restJson1',
  dueEvents: (world, now) => fisDueEvents(world, now),
  routes,
}
