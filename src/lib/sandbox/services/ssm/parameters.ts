import {ApiError} from '../../errors.js'
import {derivedId} from '../../ids.js'
import type {JsonInput, JsonOperation} from '../../protocol/aws-json.js'
import type {ParameterRecord, ParameterType} from './records.js'
import {
  type CallContext,
  epochSeconds,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalString,
  page,
  requiredString,
} from '../context.js'

/**
 * SSM Parameter Store (aws-reference-steps §7): parameters per Region, versions counted by PutParameter, the
 * Overwrite rule, and hierarchies read by path.
 */

const TYPES: ParameterType[] = ['String', 'StringList', 'SecureString']
const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration']
const DEFAULT_KEY = 'alias/aws/ssm'
const MAX_VALUE_LENGTH = 4096
const MAX_NAME_LENGTH = 1011
const MAX_HIERARCHY_LEVELS = 15

const validation = (message: string) => new ApiError('ValidationException', message)
const notFound = (name: string) => new ApiError('ParameterNotFound', `Parameter ${name} not found.`)

/** A parameter name as PutParameter accepts it: letters, digits, `_.-`, and `/` for a fully qualified path. */
function checkedName(name: string): string {
  if (name.length > MAX_NAME_LENGTH || !/^[a-zA-Z0-9_.\-/]+$/.test(name) || /^\/?(aws|ssm)/i.test(name)) {
    throw validation(
      `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`,
    )
  }
  if (name.includes('/') && !name.startsWith('/')) throw validation('Parameter name must be a fully qualified name.')
  if (name.split('/').length - 1 > MAX_HIERARCHY_LEVELS) {
    throw new ApiError(
      'HierarchyLevelLimitExceededException',
      `A hierarchy can have a maximum of ${MAX_HIERARCHY_LEVELS} levels.`,
    )
  }
  return name
}

function parametersIn(context: CallContext): ParameterRecord[] {
  return context.world.ssm.parameters.filter((parameter) => parameter.region === context.region)
}

function findParameter(context: CallContext, name: string): ParameterRecord | undefined {
  return parametersIn(context).find((parameter) => parameter.name === name)
}

const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):parameter\/([^:]+)(?::(.*))?$/

/**
 * The parameter a GetParameter `Name` selects: a name or an ARN, optionally with a `:version` selector (labels are
 * not simulated: a label selector finds no version).
 */
function selected(context: CallContext, raw: string): {parameter: ParameterRecord; selector?: string} {
  const arn = PARAMETER_ARN.exec(raw)
  const [name = '', selector] = arn ? [arn[3], arn[4]] : raw.split(':')
  const parameter =
    arn && (arn[1] !== context.region || arn[2] !== context.world.account)
      ? undefined
      : arn
        ? (findParameter(context, `/${name}`) ?? findParameter(context, name))
        : findParameter(context, name)
  if (!parameter) throw notFound(raw)
  if (selector !== undefined && selector !== String(parameter.version)) {
    throw new ApiError(
      'ParameterVersionNotFound',
      `Systems Manager could not find version ${selector} of ${parameter.name}. Verify the version and try again.`,
    )
  }
  return {parameter, selector: selector === undefined ? undefined : `:${selector}`}
}

function arnOf(context: CallContext, name: string): string {
  return `arn:aws:ssm:${context.region}:${context.world.account}:parameter/${name.replace(/^\//, '')}`
}

/** A SecureString read without decryption: a stand-in for the KMS ciphertext, never the value itself. */
function ciphertext(parameter: ParameterRecord): string {
  const seed = `${parameter.region}:${parameter.name}:${parameter.version}:${parameter.keyId ?? DEFAULT_KEY}`
  return `AQICAHh${Buffer.from(derivedId(seed, 48)).toString('base64')}`
}

function render(context: CallContext, parameter: ParameterRecord, decrypt: boolean, selector?: string) {
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: parameter.type === 'SecureString' && !decrypt ? ciphertext(parameter) : parameter.value,
    Version: parameter.version,
    Selector: selector,
    LastModifiedDate: epochSeconds(parameter.lastModified),
    ARN: arnOf(context, parameter.name),
    DataType: parameter.dataType,
  }
}

export const getParameter: JsonOperation = (context, input) => {
  const {parameter, selector} = selected(context, requiredString(input, 'Name', validation))
  return {
    Parameter: render(context, parameter, optionalBoolean(input, 'WithDecryption', validation) ?? false, selector),
  }
}

export const getParameters: JsonOperation = (context, input) => {
  const names = (optionalArray(input, 'Names', validation) ?? []).map(String)
  if (names.length === 0 || names.length > 10) throw validation('Names must hold from 1 to 10 parameter names.')
  const decrypt = optionalBoolean(input, 'WithDecryption', validation) ?? false
  const found: Record<string, unknown>[] = []
  const invalid: string[] = []
  for (const name of names) {
    try {
      const {parameter, selector} = selected(context, name)
      found.push(render(context, parameter, decrypt, selector))
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      invalid.push(name)
    }
  }
  return {Parameters: found, InvalidParameters: invalid}
}

function typeOf(input: JsonInput): ParameterType | undefined {
  const type = optionalString(input, 'Type', validation)
  if (type === undefined) return undefined
  if (!(TYPES as string[]).includes(type)) {
    throw validation(
      `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
    )
  }
  return type as ParameterType
}

/** Creates a parameter (Type required), or with Overwrite gives an existing one a new value and version. */
export const putParameter: JsonOperation = (context, input) => {
  const name = checkedName(requiredString(input, 'Name', validation))
  const value = optionalString(input, 'Value', validation)
  if (value === undefined || value === '') throw validation('Value is required and must not be empty.')
  if (value.length > MAX_VALUE_LENGTH) {
    throw validation(`Standard tier parameters support a maximum parameter value of ${MAX_VALUE_LENGTH} characters.`)
  }
  const type = typeOf(input)
  const overwrite = optionalBoolean(input, 'Overwrite', validation) ?? false
  const dataType = optionalString(input, 'DataType', validation)
  if (dataType !== undefined && !DATA_TYPES.includes(dataType)) {
    throw validation(`The following data type is not supported: ${dataType} (supported: ${DATA_TYPES.join(', ')})`)
  }
  if (overwrite && (optionalArray(input, 'Tags', validation)?.length ?? 0) > 0) {
    throw validation(
      "Tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    )
  }
  const keyId = optionalString(input, 'KeyId', validation)
  const description = optionalString(input, 'Description', validation)
  const existing = findParameter(context, name)
  if (existing && !overwrite) {
    throw new ApiError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    )
  }
  if (!existing && type === undefined) throw validation('A parameter type is required when you create a parameter.')
  const resultingType = type ?? (existing as ParameterRecord).type
  if (keyId !== undefined && resultingType !== 'SecureString') {
    throw validation('KeyId is required for SecureString type parameter only.')
  }
  const record: ParameterRecord = {
    name,
    region: context.region,
    type: resultingType,
    value,
    version: (existing?.version ?? 0) + 1,
    lastModified: context.now,
    dataType: dataType ?? existing?.dataType ?? 'text',
    description: description ?? existing?.description,
    keyId: resultingType === 'SecureString' ? (keyId ?? existing?.keyId ?? DEFAULT_KEY) : undefined,
  }
  context.world.ssm.parameters = [...context.world.ssm.parameters.filter((other) => other !== existing), record]
  return {Version: record.version, Tier: 'Standard'}
}

export const deleteParameter: JsonOperation = (context, input) => {
  const name = requiredString(input, 'Name', validation)
  const existing = findParameter(context, name)
  if (!existing) throw notFound(name)
  context.world.ssm.parameters = context.world.ssm.parameters.filter((other) => other !== existing)
  return {}
}

/** The parameters under a path: one level down, or every level with Recursive; pages of up to 10. */
export const getParametersByPath: JsonOperation = (context, input) => {
  const path = requiredString(input, 'Path', validation)
  if (!path.startsWith('/'))
    throw validation(
      'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".',
    )
  const prefix = path.endsWith('/') ? path : `${path}/`
  const recursive = optionalBoolean(input, 'Recursive', validation) ?? false
  const maxResults = optionalNumber(input, 'MaxResults', validation) ?? 10
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
    throw validation('MaxResults must be from 1 to 10.')
  }
  const decrypt = optionalBoolean(input, 'WithDecryption', validation) ?? false
  const under = parametersIn(context)
    .filter((parameter) => parameter.name.startsWith(prefix))
    .filter((parameter) => recursive || !parameter.name.slice(prefix.length).includes('/'))
    .sort((a, b) => a.name.localeCompare(b.name))
  const result = page(under, optionalString(input, 'NextToken', validation), maxResults, () =>
    validation('The specified NextToken is not valid.'),
  )
  return {
    Parameters: result.items.map((parameter) => render(context, parameter, decrypt)),
    NextToken: result.next,
  }
}
