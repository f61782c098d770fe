import type {Routed} from '../protocol/answers.js'

/** IAM's service prefix where it differs from the SigV4 signing name. */
const iamPrefixBySigningName: Record<string, string> = {monitoring: 'cloudwatch'}

/** S3's IAM actions where they differ from the operation: a HEAD needs what its GET needs, a listing ListBucket. */
const s3Actions: Record<string, string> = {
  HeadObject: 'GetObject',
  HeadBucket: 'ListBucket',
  ListObjectsV2: 'ListBucket',
}

/** What a call looked like on the wire: enough to find the resources it names. */
export interface WireRequest {
  url: URL
  body: Buffer
}

/** The IAM action (`rds:SwitchoverGlobalCluster`), resources and condition keys of a routed call. */
export function iamRequestOf(routed: Routed, wire: WireRequest, account: string) {
  const prefix = iamPrefixBySigningName[routed.service] ?? routed.service
  if (prefix === 's3') {
    // Path-style, as the SDK addresses the sandbox: `/bucket/key`. S3 ARNs name no Region and no account.
    return {
      action: `s3:${s3Actions[routed.operation] ?? routed.operation}`,
      resources: [`arn:aws:s3:::${decodeURIComponent(wire.url.pathname.replace(/^\/|\/$/g, ''))}`],
      context: {'aws:RequestedRegion': routed.region},
    }
  }
  return {
    action: `${prefix}:${routed.operation}`,
    resources: resourcesOf(prefix, routed.operation, routed.region, account, paramsOf(wire)),
    context: {'aws:RequestedRegion': routed.region},
  }
}

type Params = Record<string, unknown>

function paramsOf(wire: WireRequest): Params {
  const text = wire.body.toString('utf8')
  // JSON protocols send an object; query protocols a form (CBOR bodies are judged without their resources).
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text || '{}')
      return typeof parsed === 'object' && parsed !== null ? (parsed as Params) : {}
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(`${wire.url.searchParams.toString()}&${text}`))
}

const isArn = (value: string) => value.startsWith('arn:')
const text = (params: Params, key: string): string | undefined =>
  typeof params[key] === 'string' && params[key] !== '' ? (params[key] as string) : undefined

/**
 * The ARNs a call acts on, for the operations drctl's mutating commands make; any other call acts on no resource of
 * its own (IAM's `*`).
 */
function resourcesOf(prefix: string, operation: string, region: string, account: string, params: Params): string[] {
  const arn = (service: string, where: string, resource: string) => `arn:aws:${service}:${where}:${account}:${resource}`
  const named = (value: string | undefined, build: (id: string) => string) =>
    value === undefined ? [] : [isArn(value) ? value : build(value)]
  switch (prefix) {
    case 'rds':
      if (operation.startsWith('Describe')) return []
      return [
        ...named(text(params, 'GlobalClusterIdentifier'), (id) => arn('rds', '', `global-cluster:${id}`)),
        ...['DBClusterIdentifier', 'DbClusterIdentifier', 'TargetDbClusterIdentifier'].flatMap((key) =>
          named(text(params, key), (id) => arn('rds', region, `cluster:${id}`)),
        ),
        ...named(text(params, 'DBInstanceIdentifier'), (id) => arn('rds', region, `db:${id}`)),
        ...[
          'DBClusterSnapshotIdentifier',
          'SourceDBClusterSnapshotIdentifier',
          'TargetDBClusterSnapshotIdentifier',
          'SnapshotIdentifier',
        ].flatMap((key) => named(text(params, key), (id) => arn('rds', region, `cluster-snapshot:${id}`))),
        ...['ResourceName', 'ResourceArn'].flatMap((key) => named(text(params, key), (id) => id)),
      ]
    case 'rds-data':
      return named(text(params, 'resourceArn'), (id) => id)
    case 'dynamodb':
      return operation.startsWith('Describe') || operation.startsWith('List')
        ? []
        : named(text(params, 'TableName'), (name) => arn('dynamodb', region, `table/${name}`))
    case 'cloudformation':
      return operation === 'DeleteStack'
        ? named(text(params, 'StackName'), (name) => arn('cloudformation', region, `stack/${name}/*`))
        : []
    case 'route53-recovery-cluster': {
      const entries = Array.isArray(params.UpdateRoutingControlStateEntries)
        ? (params.UpdateRoutingControlStateEntries as Params[])
        : []
      return operation.startsWith('Update')
        ? [
            ...named(text(params, 'RoutingControlArn'), (id) => id),
            ...entries.flatMap((entry) => named(text(entry, 'RoutingControlArn'), (id) => id)),
          ]
        : []
    }
    case 'fis':
      return operation === 'StartExperiment'
        ? named(text(params, 'experimentTemplateId'), (id) => arn('fis', region, `experiment-template/${id}`))
        : []
    default:
      return []
  }
}
