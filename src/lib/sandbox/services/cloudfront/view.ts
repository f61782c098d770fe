import type {World} from '../../world.js'
import {distributionStatus, originsOf} from './records.js'

/** CloudFront as `drctl sandbox show` prints it: each distribution's status and where its origins point. */
export interface CloudFrontView {
  distributions: {
    id: string
    domainName: string
    status: string
    /** The `distribution-stuck` fault holds it InProgress. */
    stuck: boolean
    origins: {id: string; domainName: string; originPath: string}[]
    originGroups: {id: string; members: string[]}[]
  }[]
}

export function cloudfrontView(world: World, now: number): CloudFrontView {
  return {
    distributions: world.cloudfront.distributions.map((distribution) => ({
      id: distribution.id,
      domainName: distribution.domainName,
      status: distributionStatus(world, distribution, now),
      stuck: world.faults.some(
        (fault) => fault.kind === 'distribution-stuck' && fault.distributionId === distribution.id,
      ),
      ...originsOf(distribution.config),
    })),
  }
}
