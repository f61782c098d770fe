import {ApiError} from '../../errors.js'
import {nextSeed, upperId} from '../../ids.js'
import type {RestXmlRoute, RestXmlService} from '../../protocol/rest-xml.js'
import {type XmlElement, XmlElements, type XmlValue, xmlList} from '../../protocol/xml.js'
import {DURATIONS, scaled} from '../../time.js'
import type {World} from '../../world.js'
import {checkDistributionConfig} from './config.js'
import {
  child,
  CLOUDFRONT_NAMESPACE,
  distributionArn,
  type DistributionRecord,
  distributionStatus,
  findDistribution,
  plainElement,
} from './records.js'

export {type DistributionSeed, type OriginGroupSeed, type OriginSeed, seedDistribution} from './seed.js'
export {type CloudFrontState, distributionStatus, originsOf} from './records.js'

/**
 * Amazon CloudFront (restXml, 2020-05-31; aws-reference-steps §2): distributions read and updated through the ETag
 * rule (UpdateDistribution names the current ETag in If-Match, and replaces the whole configuration), InProgress
 * after each update until deployed to every edge location. Its control plane is in us-east-1.
 */

const DEFAULT_PAGE_SIZE = 100
/** The members of a DistributionConfig that ListDistributions repeats in each summary, in the model's order. */
const SUMMARY_MEMBERS = [
  'Aliases',
  'Origins',
  'OriginGroups',
  'DefaultCacheBehavior',
  'CacheBehaviors',
  'CustomErrorResponses',
  'Comment',
  'PriceClass',
  'Enabled',
  'ViewerCertificate',
  'Restrictions',
  'WebACLId',
  'HttpVersion',
  'IsIPV6Enabled',
  'Staging',
]

const leaf = (name: string, value: string): XmlElement => ({name, attributes: {}, children: [], text: value})

function renderDistribution(world: World, distribution: DistributionRecord, now: number): XmlValue {
  return {
    Id: distribution.id,
    ARN: distributionArn(world, distribution.id),
    Status: distributionStatus(world, distribution, now),
    LastModifiedTime: new Date(distribution.lastModifiedAt),
    InProgressInvalidationBatches: 0,
    DomainName: distribution.domainName,
    ActiveTrustedSigners: {Enabled: false, Quantity: 0},
    ActiveTrustedKeyGroups: {Enabled: false, Quantity: 0},
    DistributionConfig: new XmlElements(distribution.config),
  }
}

function summaryOf(world: World, distribution: DistributionRecord, now: number): XmlElements {
  return new XmlElements([
    leaf('Id', distribution.id),
    leaf('ARN', distributionArn(world, distribution.id)),
    leaf('ETag', distribution.etag),
    leaf('Status', distributionStatus(world, distribution, now)),
    leaf('LastModifiedTime', new Date(distribution.lastModifiedAt).toISOString()),
    leaf('DomainName', distribution.domainName),
    ...SUMMARY_MEMBERS.flatMap((name) => child(distribution.config, name) ?? []),
  ])
}

const listDistributions: RestXmlRoute['handle'] = ({world, now}, {query}) => {
  const marker = query.get('Marker') ?? ''
  const sizeText = query.get('MaxItems')
  if (sizeText !== null && !/^\d+$/.test(sizeText)) {
    throw new ApiError('InvalidArgument', `MaxItems must be a whole number, not ${sizeText}`)
  }
  const size = Math.min(sizeText === null ? DEFAULT_PAGE_SIZE : Math.max(1, Number(sizeText)), DEFAULT_PAGE_SIZE)
  const distributions = [...world.cloudfront.distributions].sort((a, b) => (a.id < b.id ? -1 : 1))
  const start = marker === '' ? 0 : distributions.findIndex((distribution) => distribution.id > marker)
  const from = start < 0 ? distributions.length : start
  const shown = distributions.slice(from, from + size)
  const truncated = from + size < distributions.length
  return {
    root: 'DistributionList',
    body: {
      Marker: marker,
      NextMarker: truncated ? shown.at(-1)?.id : undefined,
      MaxItems: size,
      IsTruncated: truncated,
      Quantity: shown.length,
      Items:
        shown.length > 0
          ? xmlList(
              'DistributionSummary',
              shown.map((d) => summaryOf(world, d, now)),
            )
          : undefined,
    },
  }
}

const getDistribution: RestXmlRoute['handle'] = ({world, now}, {params}) => {
  const distribution = findDistribution(world, params[0] as string)
  return {
    headers: {ETag: distribution.etag},
    root: 'Distribution',
    body: renderDistribution(world, distribution, now),
  }
}

const getDistributionConfig: RestXmlRoute['handle'] = ({world}, {params}) => {
  const distribution = findDistribution(world, params[0] as string)
  return {headers: {ETag: distribution.etag}, root: 'DistributionConfig', body: new XmlElements(distribution.config)}
}

/** The ETag rule: If-Match must name the configuration the caller read, else nothing changes. */
function checkIfMatch(distribution: DistributionRecord, ifMatch: string | string[] | undefined): void {
  const given = Array.isArray(ifMatch) ? ifMatch[0] : ifMatch
  if (given === undefined || given.trim() === '') {
    throw new ApiError('InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.')
  }
  if (given.trim() !== distribution.etag) {
    throw new ApiError(
      'PreconditionFailed',
      'The precondition given in one or more of the request header fields evaluated to false.',
      412,
    )
  }
}

const updateDistribution: RestXmlRoute['handle'] = ({world, now}, {params, headers, body}) => {
  const distribution = findDistribution(world, params[0] as string)
  checkIfMatch(distribution, headers['if-match'])
  if (body?.name !== 'DistributionConfig') {
    throw new ApiError('MalformedInput', 'The request body must be a DistributionConfig document.')
  }
  const config = plainElement(body.element).children
  checkDistributionConfig(config, distribution.config)
  distribution.config = config
  distribution.etag = `E${upperId(nextSeed(world, 'cloudfront-etag'), 13)}`
  distribution.lastModifiedAt = now
  distribution.deployedAt = now + scaled(world, DURATIONS.distributionDeploy)
  return {
    headers: {ETag: distribution.etag},
    root: 'Distribution',
    body: renderDistribution(world, distribution, now),
  }
}

export const cloudfrontService: RestXmlService = {
  protocol: 'restXml',
  namespace: CLOUDFRONT_NAMESPACE,
  controlPlaneRegion: 'us-east-1',
  routes: [
    {method: 'GET', path: /^\/2020-05-31\/distribution$/, operation: 'ListDistributions', handle: listDistributions},
    {
      method: 'GET',
      path: /^\/2020-05-31\/distribution\/([^/]+)$/,
      operation: 'GetDistribution',
      handle: getDistribution,
    },
    {
      method: 'GET',
      path: /^\/2020-05-31\/distribution\/([^/]+)\/config$/,
      operation: 'GetDistributionConfig',
      handle: getDistributionConfig,
    },
    {
      method: 'PUT',
      path: /^\/2020-05-31\/distribution\/([^/]+)\/config$/,
      operation: 'UpdateDistribution',
      handle: updateDistribution,
    },
  ],
}
