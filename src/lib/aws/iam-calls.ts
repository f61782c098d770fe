/**
 * The calls a step or reader can make, declared once beside it: its describe() names its changes from this
 * declaration, and `drctl iam policy` grants each command the declared calls of the steps and readers it runs.
 */

/** What a call acts on, by kind; iam/policy.ts turns kinds into ARNs from drctl.yaml. Every kind listed is granted. */
export type ResourceKind =
  | 'any'
  | 'global-clusters'
  | 'clusters'
  | 'instances'
  | 'cluster-snapshots'
  | 'tables'
  | 'state-table'
  /** The bucket of `state.reports`, and its report objects under the prefix. */
  | 'reports-bucket'
  | 'reports'
  | 'routing-controls'
  | 'fis-templates'
  | 'fis-experiments'
  | 'stacks'
  | 'kms-keys'
  /** The clusters and secret the Data API reads drctl.yaml's heartbeat table with (`rpo`): none without one. */
  | 'heartbeat-clusters'
  | 'heartbeat-secrets'
  /** The secret of drctl.yaml `reconcile`, in each Region (a multi-Region secret's replicas keep its name). */
  | 'reconcile-secrets'
  /** The ARC cluster, read only when drctl.yaml has no cached endpoints (`routing endpoints --save`). */
  | 'arc-cluster-uncached'
  // Application steps' resources, from their drctl.yaml entries.
  | 'hosted-zones'
  | 'route53-changes'
  | 'distributions'
  | 'accelerators'
  | 'endpoint-groups'
  | 'db-proxies'
  | 'proxy-target-groups'
  | 'ecs-services'
  | 'lambda-functions'
  | 'ssm-parameters'

/** One AWS call, as a plan names it (`RDS SwitchoverGlobalCluster`), and the resources IAM judges it on. */
export interface DeclaredCall {
  /** As a PlannedCall names it: `RDS`, `ARC cluster`, `DynamoDB` … */
  service: string
  operation: string
  resources: ResourceKind[]
  /**
   * AWS checks it with the caller's permissions while serving another call (RDS asks KMS for an encrypted cluster's
   * key; a replica removal deletes that replica's table): granted, but the sandbox does not call it.
   */
  onBehalf?: boolean
}

/** What a step class or reader calls: reads (check, wait, verify, observe) and changes (what describe() lists). */
export interface CallDeclaration {
  reads: DeclaredCall[]
  writes: DeclaredCall[]
}

/** A step class or reader with its declaration. */
export interface DeclaresCalls {
  readonly calls: CallDeclaration
}

/** A call on the resources of these kinds (none: a call IAM only grants on `*`). */
export function declared(service: string, operation: string, ...resources: ResourceKind[]): DeclaredCall {
  return {service, operation, resources: resources.length > 0 ? resources : ['any']}
}

/** The same call for several operations. */
export function declaredEach(service: string, operations: string[], ...resources: ResourceKind[]): DeclaredCall[] {
  return operations.map((operation) => declared(service, operation, ...resources))
}

/** A call of a plan (runbook/types.ts PlannedCall), from its declaration: describe() names what its class declares. */
export function planned(
  call: DeclaredCall,
  region: string,
  detail: string,
): {service: string; operation: string; region: string; detail: string} {
  return {service: call.service, operation: call.operation, region, detail}
}

/** The declarations of several steps or readers, as one. */
export function callsOfAll(...declaring: DeclaresCalls[]): CallDeclaration {
  return {
    reads: declaring.flatMap((each) => each.calls.reads),
    writes: declaring.flatMap((each) => each.calls.writes),
  }
}

/** A declaration of reads only (a reader). */
export const readsOnly = (...reads: DeclaredCall[][]): CallDeclaration => ({reads: reads.flat(), writes: []})
