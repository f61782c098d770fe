import {ApiError} from '../errors.js'
import type {QueryOperation, QueryService} from '../protocol/query.js'
import {type XmlValue, xmlList} from '../protocol/xml.js'
import {DURATIONS, scaled} from '../time.js'
import type {World} from '../world.js'
import type {StackRecord} from './cloudformation-records.js'
import {addDue, type CallContext, type DueEvent, page} from './context.js'

/** CloudFormation (awsQuery, 2010-05-15): the per-Region application stacks and their deletion. */

const validationError = (message: string) => new ApiError('ValidationError', message)
const doesNotExist = (name: string) => validationError(`Stack with id ${name} does not exist`)

/** By name only live stacks count; by stack id deleted stacks are still found (as DELETE_COMPLETE). */
function findStack(context: CallContext, nameOrId: string): StackRecord {
  const stacks = context.world.cloudformation.stacks.filter((stack) => stack.region === context.region)
  const found = nameOrId.startsWith('arn:')
    ? stacks.find((stack) => stack.id === nameOrId)
    : stacks.find((stack) => stack.name === nameOrId && stack.deletedAt === undefined)
  if (!found) throw doesNotExist(nameOrId)
  return found
}

function renderStack(stack: StackRecord): XmlValue {
  return {
    StackId: stack.id,
    StackName: stack.name,
    Description: stack.description,
    Parameters: xmlList('member', []),
    CreationTime: new Date(stack.createdAt),
    DeletionTime: stack.deletedAt === undefined ? undefined : new Date(stack.deletedAt),
    LastUpdatedTime: stack.updatedAt === undefined ? undefined : new Date(stack.updatedAt),
    RollbackConfiguration: {},
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DisableRollback: false,
    NotificationARNs: xmlList('member', []),
    Capabilities: xmlList('member', ['CAPABILITY_IAM']),
    Outputs: xmlList('member', []),
    Tags: xmlList(
      'member',
      stack.tags.map((tag) => ({Key: tag.Key, Value: tag.Value})),
    ),
    EnableTerminationProtection: false,
    DriftInformation: {StackDriftStatus: 'NOT_CHECKED'},
  }
}

const describeStacks: QueryOperation = (context, params) => {
  const name = params.string('StackName')
  const stacks =
    name !== undefined
      ? [findStack(context, name)]
      : context.world.cloudformation.stacks.filter(
          (stack) => stack.region === context.region && stack.deletedAt === undefined,
        )
  const result = page(stacks, params.string('NextToken'), 100, () => validationError('Invalid NextToken'))
  return {Stacks: xmlList('member', result.items.map(renderStack)), NextToken: result.next}
}

const listStacks: QueryOperation = (context, params) => {
  const filter = params.list('StackStatusFilter')
  const stacks = context.world.cloudformation.stacks.filter(
    (stack) => stack.region === context.region && (filter.length === 0 || filter.includes(stack.status)),
  )
  return {
    StackSummaries: xmlList(
      'member',
      stacks.map((stack) => ({
        StackId: stack.id,
        StackName: stack.name,
        TemplateDescription: stack.description,
        CreationTime: new Date(stack.createdAt),
        LastUpdatedTime: stack.updatedAt === undefined ? undefined : new Date(stack.updatedAt),
        DeletionTime: stack.deletedAt === undefined ? undefined : new Date(stack.deletedAt),
        StackStatus: stack.status,
        StackStatusReason: stack.statusReason,
        DriftInformation: {StackDriftStatus: 'NOT_CHECKED'},
      })),
    ),
  }
}

const describeStackResources: QueryOperation = (context, params) => {
  const name = params.string('StackName')
  if (name === undefined) {
    throw validationError('Either StackName or PhysicalResourceId must be specified.')
  }
  const stack = findStack(context, name)
  const logicalId = params.string('LogicalResourceId')
  return {
    StackResources: xmlList(
      'member',
      stack.resources
        .filter((resource) => logicalId === undefined || resource.logicalId === logicalId)
        .map((resource) => ({
          StackName: stack.name,
          StackId: stack.id,
          LogicalResourceId: resource.logicalId,
          PhysicalResourceId: resource.physicalId,
          ResourceType: resource.type,
          Timestamp: new Date(resource.updatedAt),
          ResourceStatus: resource.status,
          ResourceStatusReason: resource.reason,
          DriftInformation: {StackResourceDriftStatus: 'NOT_CHECKED'},
        })),
    ),
  }
}

const IN_PROGRESS_REFUSED = /^(CREATE|UPDATE|ROLLBACK|UPDATE_ROLLBACK|IMPORT|REVIEW)_IN_PROGRESS$|_CLEANUP_IN_PROGRESS$/

const deleteStack: QueryOperation = (context, params) => {
  const {world, now} = context
  const name = params.required('StackName')
  const retain = params.list('RetainResources')
  let stack: StackRecord
  try {
    stack = findStack(context, name)
  } catch {
    // Deleting a stack that does not exist succeeds: DeleteStack is idempotent.
    return undefined
  }
  if (stack.deletedAt !== undefined || stack.status === 'DELETE_IN_PROGRESS') return undefined
  if (retain.length > 0 && stack.status !== 'DELETE_FAILED') {
    throw validationError(
      `Invalid operation on stack [${stack.id}]: RetainResources can only be specified when a stack is in the DELETE_FAILED state`,
    )
  }
  if (IN_PROGRESS_REFUSED.test(stack.status)) {
    throw validationError(`Stack [${stack.name}] cannot be deleted while in status ${stack.status}`)
  }
  const fails =
    retain.length === 0 &&
    world.faults.some(
      (fault) => fault.kind === 'stack-delete-fails' && fault.stack === stack.name && fault.region === stack.region,
    )
  stack.status = 'DELETE_IN_PROGRESS'
  stack.statusReason = 'User Initiated'
  stack.deletion = {until: now + scaled(world, DURATIONS.stackDelete), fails, retain}
  for (const resource of stack.resources) {
    if (!retain.includes(resource.logicalId)) {
      resource.status = 'DELETE_IN_PROGRESS'
      resource.reason = undefined
      resource.updatedAt = now
    }
  }
  return undefined
}

export const cloudformationService: QueryService = {
  protocol: 'query',
  dueEvents: (world, now) => cloudformationDueEvents(world, now),
  namespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  operations: {
    DescribeStacks: describeStacks,
    ListStacks: listStacks,
    DescribeStackResources: describeStackResources,
    DeleteStack: deleteStack,
  },
}

/** The resource that makes a failing delete fail: a bucket that still holds objects, as happens in real life. */
const FAILING_RESOURCE_REASON =
  'The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Request ID: SANDBOX)'

export function cloudformationDueEvents(world: World, now: number): DueEvent[] {
  const events: DueEvent[] = []
  for (const stack of world.cloudformation.stacks) {
    const deletion = stack.deletion
    if (!deletion) continue
    addDue(events, deletion.until, now, () => {
      stack.deletion = undefined
      stack.updatedAt = deletion.until
      const victim = stack.resources.find((resource) => resource.type === 'AWS::S3::Bucket') ?? stack.resources[0]
      if (deletion.fails && victim) {
        stack.status = 'DELETE_FAILED'
        stack.statusReason = `The following resource(s) failed to delete: [${victim.logicalId}].`
        for (const resource of stack.resources) {
          resource.updatedAt = deletion.until
          if (resource === victim) {
            resource.status = 'DELETE_FAILED'
            resource.reason = FAILING_RESOURCE_REASON
          } else {
            resource.status = 'DELETE_COMPLETE'
          }
        }
        return
      }
      stack.status = 'DELETE_COMPLETE'
      stack.statusReason = undefined
      stack.deletedAt = deletion.until
      for (const resource of stack.resources) {
        resource.status = deletion.retain.includes(resource.logicalId) ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE'
        resource.updatedAt = deletion.until
      }
    })
  }
  return events
}
