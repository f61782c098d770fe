import {ApiError} from '../errors.js'
import {fisId, fisTemplateArn, nextSeed} from '../ids.js'
import type {JsonInput} from '../protocol/aws-json.js'
import type {RestJsonRoute} from '../protocol/rest-json.js'
import {DURATIONS, parseIsoDuration, scaled} from '../time.js'
import {asObject, type CallContext, epochSeconds, optionalString, page, requiredString} from './context.js'
import type {ExperimentActionRecord, FisAction, FisTarget, TemplateRecord} from './fis-records.js'
import {renderTemplate} from './fis-render.js'

// FIS experiment templates: created (validated as FIS does, startAfter graph included), listed, read, deleted.

export const validation = (message: string) => new ApiError('ValidationException', message)
const templateNotFound = () => new ApiError('ResourceNotFoundException', 'Experiment template not found.', 404)

function templatesIn(context: CallContext): TemplateRecord[] {
  return context.world.fis.templates.filter((template) => template.region === context.region)
}

export function findTemplate(context: CallContext, id: string): TemplateRecord {
  const template = templatesIn(context).find((candidate) => candidate.id === id)
  if (!template) throw templateNotFound()
  return template
}

export function listPage<T>(query: URLSearchParams, items: T[]) {
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
export function scheduleActions(
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

export const templateRoutes: RestJsonRoute[] = [
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
]
