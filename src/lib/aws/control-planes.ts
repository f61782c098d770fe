/**
 * Global services whose control plane (every mutating API) lives in one Region, whatever Region a client names
 * (aws-reference-steps §1–3): a DR move must know when it depends on one of them.
 */
export const CONTROL_PLANE_REGIONS = {
  route53: 'us-east-1',
  cloudfront: 'us-east-1',
  globalaccelerator: 'us-west-2',
} as const

/** The ARC control plane (clusters, panels, routing controls, safety rules) exists only here (aws-reference §3.1). */
export const ARC_CONTROL_PLANE_REGION = 'us-west-2'
