import {ApiError} from '../../errors.js'
import type {XmlElement} from '../../protocol/xml.js'
import {child, items, text} from './records.js'

/**
 * What CloudFront checks of a DistributionConfig before it takes it (aws-reference-steps §2): the required members,
 * lists whose Quantity agrees with their Items, origins and origin groups that exist where they are named, and a
 * CallerReference that never changes.
 */

const REQUIRED = ['CallerReference', 'Origins', 'DefaultCacheBehavior', 'Comment', 'Enabled']
/** The status codes an origin group may fail over on. */
const FAILOVER_STATUS_CODES = ['400', '403', '404', '416', '500', '502', '503', '504']

const malformed = (message: string) => new ApiError('MalformedInput', message)
const invalidArgument = (message: string) => new ApiError('InvalidArgument', message)
const noSuchOrigin = () =>
  new ApiError('NoSuchOrigin', 'One or more of your origins or origin groups do not exist.', 404)

/** Every `{Quantity, Items}` list, wherever it sits, must have as many items as it says. */
function checkQuantities(elements: XmlElement[], path: string): void {
  for (const element of elements) {
    const where = `${path}.${element.name}`
    const quantity = child(element.children, 'Quantity')
    if (quantity) {
      if (!/^\d+$/.test(quantity.text.trim())) malformedQuantity(where, quantity.text)
      const listed = child(element.children, 'Items')?.children.length ?? 0
      if (Number(quantity.text.trim()) !== listed) {
        throw new ApiError(
          'InconsistentQuantities',
          `The value of Quantity and the size of Items don't match (${where}: Quantity ${quantity.text.trim()}, ${listed} items).`,
        )
      }
    }
    checkQuantities(element.children, where)
  }
}

function malformedQuantity(where: string, value: string): never {
  throw malformed(`${where}.Quantity must be a whole number, not "${value}"`)
}

function ids(elements: XmlElement[], what: string): string[] {
  const found = elements.map((element) => text(element.children, 'Id') ?? '')
  if (found.some((id) => id.trim() === '')) throw invalidArgument(`Every ${what} needs an Id.`)
  const repeated = found.find((id, index) => found.indexOf(id) !== index)
  if (repeated !== undefined) throw invalidArgument(`The ${what} Id ${repeated} is used more than once.`)
  return found
}

/** Checks `config` (the members of a DistributionConfig); `previous` is the configuration it replaces. */
export function checkDistributionConfig(config: XmlElement[], previous?: XmlElement[]): void {
  for (const name of REQUIRED) {
    if (!child(config, name)) throw malformed(`DistributionConfig is missing the required element ${name}.`)
  }
  const enabled = text(config, 'Enabled')?.trim()
  if (enabled !== 'true' && enabled !== 'false') throw malformed(`Enabled must be true or false, not "${enabled}"`)
  checkQuantities(config, 'DistributionConfig')
  if (previous && text(previous, 'CallerReference') !== text(config, 'CallerReference')) {
    throw new ApiError('IllegalUpdate', 'Origin and CallerReference cannot be updated.')
  }

  const origins = items(child(config, 'Origins'))
  if (origins.length === 0) throw invalidArgument('The distribution must have at least one origin.')
  const originIds = ids(origins, 'origin')
  for (const origin of origins) {
    if ((text(origin.children, 'DomainName') ?? '').trim() === '') {
      throw invalidArgument(`The origin ${text(origin.children, 'Id')} needs a DomainName.`)
    }
  }
  const groups = items(child(config, 'OriginGroups'))
  const groupIds = ids(groups, 'origin group')
  const clash = groupIds.find((id) => originIds.includes(id))
  if (clash !== undefined) throw invalidArgument(`The origin group Id ${clash} is also the Id of an origin.`)
  for (const group of groups) {
    const members = items(child(group.children, 'Members')).map((member) => text(member.children, 'OriginId') ?? '')
    if (members.length !== 2) {
      throw invalidArgument(`The origin group ${text(group.children, 'Id')} must have exactly 2 members.`)
    }
    if (members.some((member) => !originIds.includes(member))) throw noSuchOrigin()
    const criteria = child(group.children, 'FailoverCriteria')
    const codes = items(criteria && child(criteria.children, 'StatusCodes')).map((code) => code.text.trim())
    if (codes.length === 0) throw invalidArgument(`The origin group ${text(group.children, 'Id')} needs StatusCodes.`)
    const wrong = codes.find((code) => !FAILOVER_STATUS_CODES.includes(code))
    if (wrong !== undefined) {
      throw invalidArgument(
        `The origin group ${text(group.children, 'Id')} cannot fail over on ${wrong}: only on ${FAILOVER_STATUS_CODES.join(', ')}.`,
      )
    }
  }

  const targets = [child(config, 'DefaultCacheBehavior') as XmlElement, ...items(child(config, 'CacheBehaviors'))].map(
    (behavior) => text(behavior.children, 'TargetOriginId') ?? '',
  )
  if (targets.some((target) => !originIds.includes(target) && !groupIds.includes(target))) throw noSuchOrigin()
}
