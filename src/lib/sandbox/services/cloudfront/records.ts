import {ApiError} from '../../errors.js'
import type {XmlElement} from '../../protocol/xml.js'
import type {World} from '../../world.js'

/** CloudFront in the world: its distributions. */
export interface CloudFrontState {
  distributions: DistributionRecord[]
}

export interface DistributionRecord {
  /** `E` and 13 letters or digits. */
  id: string
  /** Like `d111111abcdef8.cloudfront.net`. */
  domainName: string
  createdAt: number
  lastModifiedAt: number
  /** InProgress until then (unless the `distribution-stuck` fault holds it), Deployed from then on. */
  deployedAt: number
  /** Changes with every configuration: UpdateDistribution must name the current one in If-Match. */
  etag: string
  /**
   * The members of its DistributionConfig as the last update sent them (UpdateDistribution replaces the whole
   * configuration), kept as XML elements so that every member, known to the sandbox or not, is answered back.
   */
  config: XmlElement[]
}

export const CLOUDFRONT_NAMESPACE = 'http://cloudfront.amazonaws.com/doc/2020-05-31/'

const noSuchDistribution = () => new ApiError('NoSuchDistribution', 'The specified distribution does not exist.', 404)

export function distributionArn(world: World, id: string): string {
  return `arn:aws:cloudfront::${world.account}:distribution/${id}`
}

export function findDistribution(world: World, id: string): DistributionRecord {
  const found = world.cloudfront.distributions.find((distribution) => distribution.id === id)
  if (!found) throw noSuchDistribution()
  return found
}

/** Status read off the clock: a deployment in progress, or one the `distribution-stuck` fault holds. */
export function distributionStatus(world: World, distribution: DistributionRecord, now: number): string {
  if (now < distribution.deployedAt) return 'InProgress'
  const stuck = world.faults.some(
    (fault) =>
      fault.kind === 'distribution-stuck' &&
      fault.distributionId === distribution.id &&
      distribution.deployedAt > fault.since,
  )
  return stuck ? 'InProgress' : 'Deployed'
}

// ---- Reading a configuration -------------------------------------------------------------------------------------

export function child(elements: XmlElement[], name: string): XmlElement | undefined {
  return elements.find((element) => element.name === name)
}

export function text(elements: XmlElement[], name: string): string | undefined {
  return child(elements, name)?.text
}

/** The items of a CloudFront list (`<Origins><Quantity/><Items><Origin/>…</Items></Origins>`). */
export function items(list: XmlElement | undefined): XmlElement[] {
  return (list && child(list.children, 'Items')?.children) ?? []
}

/** The origins and origin groups of a configuration, as `sandbox show` and the checks need them. */
export function originsOf(config: XmlElement[]): {
  origins: {id: string; domainName: string; originPath: string}[]
  originGroups: {id: string; members: string[]}[]
} {
  return {
    origins: items(child(config, 'Origins')).map((origin) => ({
      id: text(origin.children, 'Id') ?? '',
      domainName: text(origin.children, 'DomainName') ?? '',
      originPath: text(origin.children, 'OriginPath') ?? '',
    })),
    originGroups: items(child(config, 'OriginGroups')).map((group) => ({
      id: text(group.children, 'Id') ?? '',
      members: items(child(group.children, 'Members')).map((member) => text(member.children, 'OriginId') ?? ''),
    })),
  }
}

/** An element as the world keeps it: no attributes, no blanks between child elements. */
export function plainElement(element: XmlElement): XmlElement {
  const children = element.children.map(plainElement)
  return {name: element.name, attributes: {}, children, text: children.length > 0 ? '' : element.text}
}
