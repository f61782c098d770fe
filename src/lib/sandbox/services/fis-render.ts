import {actionStatus, experimentStatus} from '../experiments.js'
import {type CallContext, epochSeconds} from './context.js'
import type {ExperimentActionRecord, ExperimentRecord, FisTarget, TemplateRecord} from './fis-records.js'

// FIS's answers: templates and experiments as its API renders them, experiments' states as of the call.

const EXPERIMENT_OPTIONS = {accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail'}

function renderTarget(target: FisTarget): Record<string, unknown> {
  return {
    resourceType: target.resourceType,
    resourceArns: target.resourceArns,
    resourceTags: target.resourceTags,
    selectionMode: target.selectionMode,
    parameters: target.parameters,
  }
}

export function renderTemplate(template: TemplateRecord): Record<string, unknown> {
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

export function renderExperiment(context: CallContext, experiment: ExperimentRecord): Record<string, unknown> {
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

export function experimentSummary(context: CallContext, experiment: ExperimentRecord): Record<string, unknown> {
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
