import type * as CloudFrontSdk from '@aws-sdk/client-cloudfront'

import {DrctlError} from '../core/errors.js'
import {AwsCallError} from './errors.js'
import {allPages} from './pages.js'
import type {CloudFrontOrigin, CloudFrontPort, Distribution, DistributionSummary} from './ports.js'
import type {Caller} from './session.js'

type Sdk = typeof CloudFrontSdk

/** How often an update is tried again after another change to the distribution won the ETag race. */
const UPDATE_ATTEMPTS = 3

/**
 * The origin a move repoints: the one named, or an origin group's primary (the first member: every request tries it
 * first). Otherwise why there is none, in words.
 */
export function originToRepoint(
  distribution: Distribution,
  target: {originId?: string; originGroupId?: string},
): {origin: CloudFrontOrigin} | {missing: string} {
  let originId = target.originId
  if (target.originGroupId !== undefined) {
    const group = distribution.originGroups.find((candidate) => candidate.id === target.originGroupId)
    if (!group) return {missing: `distribution ${distribution.id} has no origin group ${target.originGroupId}`}
    originId = group.members[0]
    if (originId === undefined) return {missing: `origin group ${group.id} of ${distribution.id} has no members`}
  }
  const origin = distribution.origins.find((candidate) => candidate.id === originId)
  return origin ? {origin} : {missing: `distribution ${distribution.id} has no origin ${originId}`}
}

/**
 * CloudFront through its control plane (us-east-1). The SDK is loaded on the first call, so commands that never
 * touch CloudFront do not pay for it at start-up.
 */
export class CloudFrontAdapter implements CloudFrontPort {
  private loaded?: Promise<{sdk: Sdk; client: CloudFrontSdk.CloudFrontClient}>

  constructor(
    private readonly createClient: (sdk: Sdk) => CloudFrontSdk.CloudFrontClient,
    private readonly call: Caller,
  ) {}

  private load() {
    this.loaded ??= import('@aws-sdk/client-cloudfront').then((sdk) => ({sdk, client: this.createClient(sdk)}))
    return this.loaded
  }

  async listDistributions(): Promise<DistributionSummary[]> {
    const {sdk, client} = await this.load()
    return allPages(async (marker) => {
      const page = await this.call('ListDistributions', false, (abortSignal) =>
        client.send(new sdk.ListDistributionsCommand({Marker: marker}), {abortSignal}),
      )
      const list = page.DistributionList
      const distributions = (list?.Items ?? []).map((summary) => ({
        ...distributionOf(summary.Id ?? '', summary.Status, summary),
        comment: summary.Comment ?? '',
        defaultOriginId: summary.DefaultCacheBehavior?.TargetOriginId ?? '',
      }))
      return {items: distributions, next: list?.IsTruncated ? list.NextMarker : undefined}
    })
  }

  async getDistribution(id: string): Promise<Distribution | undefined> {
    const {sdk, client} = await this.load()
    try {
      const output = await this.call('GetDistribution', false, (abortSignal) =>
        client.send(new sdk.GetDistributionCommand({Id: id}), {abortSignal}),
      )
      const distribution = output.Distribution
      if (!distribution) return undefined
      return distributionOf(distribution.Id ?? id, distribution.Status, distribution.DistributionConfig)
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async updateOrigin(input: {distributionId: string; originId: string; domainName: string; originPath?: string}) {
    const {sdk, client} = await this.load()
    for (let attempt = 1; ; attempt++) {
      const read = await this.call('GetDistributionConfig', false, (abortSignal) =>
        client.send(new sdk.GetDistributionConfigCommand({Id: input.distributionId}), {abortSignal}),
      )
      const config = read.DistributionConfig
      const origin = config?.Origins?.Items?.find((candidate) => candidate.Id === input.originId)
      if (!config || !origin) {
        throw new DrctlError(
          'DRCTL_AWS_NOT_FOUND',
          `CloudFront distribution ${input.distributionId} has no origin ${input.originId}`,
        )
      }
      // UpdateDistribution replaces the whole configuration: send back everything read, with only this origin changed.
      origin.DomainName = input.domainName
      if (input.originPath !== undefined) origin.OriginPath = input.originPath
      try {
        const output = await this.call('UpdateDistribution', true, (abortSignal) =>
          client.send(
            new sdk.UpdateDistributionCommand({
              Id: input.distributionId,
              IfMatch: read.ETag,
              DistributionConfig: config,
            }),
            {abortSignal},
          ),
        )
        return {requestId: output.$metadata.requestId, status: output.Distribution?.Status ?? 'InProgress'}
      } catch (error) {
        // Someone changed the distribution since it was read: its ETag is stale, so read it again (never resend it).
        const raced = error instanceof AwsCallError && error.awsCode === 'PreconditionFailed'
        if (!raced || attempt >= UPDATE_ATTEMPTS) throw error
      }
    }
  }
}

/** The origins and origin groups of a distribution's configuration, or of its summary (which carries the same). */
function distributionOf(
  id: string,
  status: string | undefined,
  config: Pick<CloudFrontSdk.DistributionConfig, 'Origins' | 'OriginGroups'> | undefined,
): Distribution {
  return {
    id,
    status: status ?? '',
    origins: (config?.Origins?.Items ?? []).map((origin) => ({
      id: origin.Id ?? '',
      domainName: origin.DomainName ?? '',
      originPath: origin.OriginPath ?? '',
    })),
    originGroups: (config?.OriginGroups?.Items ?? []).map((group) => ({
      id: group.Id ?? '',
      members: (group.Members?.Items ?? []).map((member) => member.OriginId ?? ''),
    })),
  }
}
