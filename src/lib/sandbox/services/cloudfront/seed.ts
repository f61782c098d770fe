import {ApiError, SandboxError} from '../../errors.js'
import {derivedId, upperId} from '../../ids.js'
import {parseXml, xmlDocument, type XmlValue, xmlList} from '../../protocol/xml.js'
import type {World} from '../../world.js'
import {checkDistributionConfig} from './config.js'
import {CLOUDFRONT_NAMESPACE, type DistributionRecord, plainElement} from './records.js'

export interface OriginSeed {
  id: string
  /** The origin's domain, like the API Gateway or load balancer of one Region. */
  domainName: string
  originPath?: string
}

export interface OriginGroupSeed {
  id: string
  /** Two origin ids, the primary first (every request tries it first). */
  members: [string, string]
  /** Status codes that fail a request over to the second member (default 500, 502, 503, 504). */
  failoverStatusCodes?: number[]
}

export interface DistributionSeed {
  /** Default: derived from the comment, `E` and 13 letters or digits. */
  id?: string
  comment: string
  origins: OriginSeed[]
  originGroups?: OriginGroupSeed[]
  /** Where the default cache behavior sends requests: default the first origin group, else the first origin. */
  defaultTargetId?: string
  /** Alternate domain names (CNAMEs). */
  aliases?: string[]
}

/** A list as CloudFront writes it: its Quantity, and its Items only when there are some. */
function cloudfrontList(member: string, values: XmlValue[]): XmlValue {
  return {Quantity: values.length, Items: values.length > 0 ? xmlList(member, values) : undefined}
}

function originConfig(origin: OriginSeed): XmlValue {
  return {
    Id: origin.id,
    DomainName: origin.domainName,
    OriginPath: origin.originPath ?? '',
    CustomHeaders: cloudfrontList('OriginCustomHeader', []),
    CustomOriginConfig: {
      HTTPPort: 80,
      HTTPSPort: 443,
      OriginProtocolPolicy: 'https-only',
      OriginSslProtocols: cloudfrontList('SslProtocol', ['TLSv1.2']),
      OriginReadTimeout: 30,
      OriginKeepaliveTimeout: 5,
    },
    ConnectionAttempts: 3,
    ConnectionTimeout: 10,
    OriginShield: {Enabled: false},
    OriginAccessControlId: '',
  }
}

function originGroupConfig(group: OriginGroupSeed): XmlValue {
  return {
    Id: group.id,
    FailoverCriteria: {
      StatusCodes: cloudfrontList('StatusCode', group.failoverStatusCodes ?? [500, 502, 503, 504]),
    },
    Members: cloudfrontList(
      'OriginGroupMember',
      group.members.map((originId) => ({OriginId: originId})),
    ),
    SelectionCriteria: 'default',
  }
}

/** A whole DistributionConfig, with the members GetDistributionConfig answers for an API behind CloudFront. */
function distributionConfig(seed: DistributionSeed, callerReference: string): XmlValue {
  const groups = seed.originGroups ?? []
  const allMethods = ['HEAD', 'DELETE', 'POST', 'GET', 'OPTIONS', 'PUT', 'PATCH']
  return {
    CallerReference: callerReference,
    Aliases: cloudfrontList('CNAME', seed.aliases ?? []),
    DefaultRootObject: '',
    Origins: cloudfrontList('Origin', seed.origins.map(originConfig)),
    OriginGroups: cloudfrontList('OriginGroup', groups.map(originGroupConfig)),
    DefaultCacheBehavior: {
      TargetOriginId: seed.defaultTargetId ?? groups[0]?.id ?? seed.origins[0]?.id ?? '',
      TrustedSigners: {Enabled: false, Quantity: 0},
      TrustedKeyGroups: {Enabled: false, Quantity: 0},
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: {
        Quantity: allMethods.length,
        Items: xmlList('Method', allMethods),
        CachedMethods: cloudfrontList('Method', ['HEAD', 'GET']),
      },
      SmoothStreaming: false,
      Compress: true,
      LambdaFunctionAssociations: cloudfrontList('LambdaFunctionAssociation', []),
      FunctionAssociations: cloudfrontList('FunctionAssociation', []),
      FieldLevelEncryptionId: '',
      // The managed CachingDisabled policy: an API is not cached.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
    },
    CacheBehaviors: cloudfrontList('CacheBehavior', []),
    CustomErrorResponses: cloudfrontList('CustomErrorResponse', []),
    Comment: seed.comment,
    Logging: {Enabled: false, IncludeCookies: false, Bucket: '', Prefix: ''},
    PriceClass: 'PriceClass_All',
    Enabled: true,
    ViewerCertificate: {
      CloudFrontDefaultCertificate: true,
      SSLSupportMethod: 'vip',
      MinimumProtocolVersion: 'TLSv1',
      CertificateSource: 'cloudfront',
    },
    Restrictions: {GeoRestriction: {RestrictionType: 'none', Quantity: 0}},
    WebACLId: '',
    HttpVersion: 'http2',
    IsIPV6Enabled: true,
    Staging: false,
  }
}

/**
 * Adds a deployed distribution to the world, its configuration checked as UpdateDistribution would check it.
 * Returns the distribution; its `id` is what drctl.yaml names, `domainName` what a Route 53 alias points at.
 */
export function seedDistribution(world: World, seed: DistributionSeed, now: number): DistributionRecord {
  const id = seed.id ?? `E${upperId(`${world.account}:distribution:${seed.comment}`, 13)}`
  if (world.cloudfront.distributions.some((distribution) => distribution.id === id)) {
    throw new SandboxError('bad-argument', `the world already has a distribution ${id}`)
  }
  const callerReference = `sandbox-${derivedId(`${world.account}:distribution-ref:${id}`, 12)}`
  const document = xmlDocument('DistributionConfig', CLOUDFRONT_NAMESPACE, distributionConfig(seed, callerReference))
  const config = plainElement(parseXml(document)).children
  try {
    checkDistributionConfig(config)
  } catch (error) {
    if (error instanceof ApiError) throw new SandboxError('bad-argument', `distribution ${id}: ${error.message}`)
    throw error
  }
  const distribution: DistributionRecord = {
    id,
    domainName: `d${derivedId(`${world.account}:distribution-domain:${id}`, 13)}.cloudfront.net`,
    createdAt: now,
    lastModifiedAt: now,
    deployedAt: now,
    etag: `E${upperId(`${world.account}:distribution-etag:${id}:0`, 13)}`,
    config,
  }
  world.cloudfront.distributions.push(distribution)
  return distribution
}
