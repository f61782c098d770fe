import {originToRepoint} from '../../../aws/cloudfront.js'
import {CONTROL_PLANE_REGIONS} from '../../../aws/control-planes.js'
import {dnsName} from '../../../aws/route53.js'
import type {StepOfKind} from '../../../config/steps.js'
import type {StepReading} from '../app-steps.js'
import type {ReadContext} from '../service-reader.js'

/**
 * The origin a CloudFront step repoints, read from CloudFront's control plane (us-east-1): it points at the Region
 * whose domain it has; the distribution's status says whether the edge locations have it yet.
 */
export async function readCloudFrontOrigin(
  step: StepOfKind<'cloudfront-origin'>,
  {aws, reader}: ReadContext,
): Promise<StepReading> {
  const region = CONTROL_PLANE_REGIONS.cloudfront
  const base = {callRegions: [region], controlPlane: region}
  const label = `distribution ${step.distributionId}`
  const read = await reader.readControlPlane('cloudfront', region, () =>
    aws.cloudfront().getDistribution(step.distributionId),
  )
  if (!read.ok) return {...base, state: `${label}: not read`, unreadable: read.error}
  const distribution = read.value
  if (!distribution) {
    return {
      ...base,
      state: `${label}: not found`,
      missing: `CloudFront distribution ${step.distributionId} does not exist`,
    }
  }
  const found = originToRepoint(distribution, step)
  if ('missing' in found) return {...base, state: `${label} (${distribution.status})`, missing: found.missing}
  const {origin} = found
  const pointsAt = Object.entries(step.regions).find(
    ([, target]) => dnsName(target.domain) === dnsName(origin.domainName),
  )?.[0]
  return {
    ...base,
    state: `origin ${origin.id} → ${origin.domainName}${origin.originPath} (${distribution.status})`,
    ...(pointsAt ? {pointsAt} : {}),
  }
}
