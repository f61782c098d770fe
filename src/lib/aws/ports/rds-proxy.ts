import type {Mutation} from './mutation.js'

/** `TargetHealth` of a proxy target: REGISTERING, AVAILABLE, UNAVAILABLE or UNUSED, with AWS's reason when not available. */
export interface ProxyTargetHealth {
  state: string
  reason?: string
  description?: string
}

/** One entry of DescribeDBProxyTargets: an Aurora cluster shows as a TRACKED_CLUSTER entry plus one per instance. */
export interface ProxyTarget {
  /** `TRACKED_CLUSTER`, `RDS_INSTANCE` or `RDS_SERVERLESS_ENDPOINT`. */
  type: string
  /** The cluster the entry belongs to (the cluster itself for TRACKED_CLUSTER). */
  clusterId?: string
  /** The instance, for RDS_INSTANCE entries. */
  instanceId?: string
  /** `READ_WRITE`, `READ_ONLY` or `UNKNOWN`. */
  role?: string
  health?: ProxyTargetHealth
}

/** A proxy's target group as read, or why it could not be: the proxy, or its target group, does not exist. */
export type ProxyTargets = {found: true; targets: ProxyTarget[]} | {found: false; missing: 'proxy' | 'target group'}

/** RDS Proxy, in one Region: which cluster a proxy's target group points at, and moving it to another. */
export interface RdsProxyPort {
  readonly region: string
  /** The names of every proxy in the Region, all pages. */
  listProxies(): Promise<string[]>
  describeTargets(proxy: string, targetGroup: string): Promise<ProxyTargets>
  /** Already registered counts as done: a resumed run may have registered it before it stopped. */
  registerCluster(proxy: string, targetGroup: string, clusterId: string): Promise<Mutation>
  /** Already gone counts as done. */
  deregisterClusters(proxy: string, targetGroup: string, clusterIds: string[]): Promise<Mutation>
}
