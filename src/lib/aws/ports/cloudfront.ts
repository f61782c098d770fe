import type {Mutation} from './mutation.js'

export interface CloudFrontOrigin {
  id: string
  domainName: string
  /** `''` when the origin has none. */
  originPath: string
}

export interface CloudFrontOriginGroup {
  id: string
  /** Origin ids, primary first. */
  members: string[]
}

export interface Distribution {
  id: string
  /** `InProgress` while a change reaches the edge locations, then `Deployed`. */
  status: string
  origins: CloudFrontOrigin[]
  originGroups: CloudFrontOriginGroup[]
}

/** A distribution as ListDistributions summarises it. */
export interface DistributionSummary extends Distribution {
  comment: string
  /** The origin (or origin group) the default cache behaviour sends requests to. */
  defaultOriginId: string
}

/** CloudFront, a global service: every call goes to its control plane in us-east-1. */
export interface CloudFrontPort {
  /** Every distribution of the account, all pages. */
  listDistributions(): Promise<DistributionSummary[]>
  /** `undefined` when the distribution does not exist. */
  getDistribution(id: string): Promise<Distribution | undefined>
  /**
   * Points one origin at another domain (and path, when given): GetDistributionConfig, then UpdateDistribution of that
   * whole configuration with only the origin changed, If-Match its ETag. A concurrent change (PreconditionFailed) is
   * re-read and tried again a few times.
   */
  updateOrigin(input: {
    distributionId: string
    originId: string
    domainName: string
    originPath?: string
  }): Promise<Mutation & {status: string}>
}
