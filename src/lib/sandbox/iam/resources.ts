import type {World} from '../world.js'

type Params = Record<string, unknown>

/** What IAM judges a call on: its operation, Region, parameters and path, and the world that names live ARNs. */
export interface ResourceQuery {
  prefix: string
  operation: string
  region: string
  params: Params
  /** The URL path, decoded segment by segment (REST services name their resource there). */
  path: string[]
  world: World
}

const isArn = (value: string) => value.startsWith('arn:')
const text = (params: Params, key: string): string | undefined =>
  typeof params[key] === 'string' && params[key] !== '' ? (params[key] as string) : undefined
const texts = (params: Params, key: string): string[] => {
  const value = params[key]
  if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === 'string')
  // Query protocols list members as `Key.member.1`, `Key.member.2` …
  return Object.entries(params)
    .filter(([name, entry]) => name.startsWith(`${key}.member.`) && typeof entry === 'string')
    .map(([, entry]) => entry as string)
}
const named = (value: string | undefined, build: (id: string) => string) =>
  value === undefined ? [] : [isArn(value) ? value : build(value)]
/** The path segment after `segment` (`/experiments/{id}`). */
const after = (path: string[], segment: string) => {
  const index = path.indexOf(segment)
  return index >= 0 ? path[index + 1] : undefined
}

/**
 * The ARNs a call acts on, as AWS would evaluate them; a call that names none (a List or Describe of everything) acts
 * on no resource of its own (IAM's `*`).
 */
export function resourcesOf(query: ResourceQuery): string[] {
  const {prefix, operation, region, params, path, world} = query
  const arn = (service: string, where: string, resource: string) =>
    `arn:aws:${service}:${where}:${world.account}:${resource}`
  switch (prefix) {
    case 'rds':
      return rdsResources(query, arn)
    case 'rds-data':
      return named(text(params, 'resourceArn'), (id) => id)
    case 'dynamodb':
      return named(text(params, 'TableName'), (name) => arn('dynamodb', region, `table/${name}`))
    case 's3':
      // Path-style, as the SDK addresses the sandbox: `/bucket/key`. S3 ARNs name no Region and no account.
      return [`arn:aws:s3:::${path.join('/')}`]
    case 'cloudformation':
      return named(text(params, 'StackName'), (name) => {
        const stack = world.cloudformation.stacks.find((each) => each.name === name && each.region === region)
        return stack?.id ?? arn('cloudformation', region, `stack/${name}/*`)
      })
    case 'route53-recovery-cluster': {
      const entries = Array.isArray(params.UpdateRoutingControlStateEntries)
        ? (params.UpdateRoutingControlStateEntries as Params[])
        : []
      return [
        ...named(text(params, 'RoutingControlArn'), (id) => id),
        ...entries.flatMap((entry) => named(text(entry, 'RoutingControlArn'), (id) => id)),
      ]
    }
    case 'route53-recovery-control-config':
      return operation === 'DescribeCluster' ? named(after(path, 'cluster'), (id) => id) : []
    case 'fis':
      return fisResources(query, arn)
    case 'route53': {
      const zone = after(path, 'hostedzone')
      const change = after(path, 'change')
      if (zone && operation !== 'ListHostedZones') return [`arn:aws:route53:::hostedzone/${zone}`]
      return change ? [`arn:aws:route53:::change/${change}`] : []
    }
    case 'cloudfront':
      return named(after(path, 'distribution'), (id) => `arn:aws:cloudfront::${world.account}:distribution/${id}`)
    case 'globalaccelerator':
      return [
        ...named(text(params, 'AcceleratorArn'), (id) => id),
        ...named(text(params, 'EndpointGroupArn'), (id) => id),
      ]
    case 'ecs': {
      const cluster = text(params, 'cluster') ?? 'default'
      const clusterName = isArn(cluster) ? (cluster.split('/').pop() ?? cluster) : cluster
      const services = [...texts(params, 'services'), ...named(text(params, 'service'), (id) => id)]
      return services.map((service) =>
        isArn(service) ? service : arn('ecs', region, `service/${clusterName}/${service}`),
      )
    }
    case 'lambda': {
      const qualifier = text(params, 'Qualifier')
      return named(after(path, 'functions'), (name) =>
        arn('lambda', region, `function:${name}${qualifier ? `:${qualifier}` : ''}`),
      )
    }
    case 'ssm':
      return named(text(params, 'Name'), (name) => arn('ssm', region, `parameter/${name.replace(/^\//, '')}`))
    default:
      return []
  }
}

type ArnOf = (service: string, where: string, resource: string) => string

function rdsResources({operation, region, params, world}: ResourceQuery, arn: ArnOf): string[] {
  // Describe calls list what the caller may see; drctl grants them on `*`.
  if (operation.startsWith('Describe') && operation !== 'DescribeDBProxyTargets') return []
  const proxy = world.rds.proxies.find(
    (candidate) => candidate.name === text(params, 'DBProxyName') && candidate.region === region,
  )
  const groupName = text(params, 'TargetGroupName') ?? 'default'
  const group = proxy?.targetGroups.find((candidate) => candidate.name === groupName)
  return [
    ...named(text(params, 'GlobalClusterIdentifier'), (id) => arn('rds', '', `global-cluster:${id}`)),
    ...['DBClusterIdentifier', 'DbClusterIdentifier', 'TargetDbClusterIdentifier'].flatMap((key) =>
      named(text(params, key), (id) => arn('rds', region, `cluster:${id}`)),
    ),
    ...texts(params, 'DBClusterIdentifiers').map((id) => (isArn(id) ? id : arn('rds', region, `cluster:${id}`))),
    ...named(text(params, 'DBInstanceIdentifier'), (id) => arn('rds', region, `db:${id}`)),
    ...[
      'DBClusterSnapshotIdentifier',
      'SourceDBClusterSnapshotIdentifier',
      'TargetDBClusterSnapshotIdentifier',
      'SnapshotIdentifier',
    ].flatMap((key) => named(text(params, key), (id) => arn('rds', region, `cluster-snapshot:${id}`))),
    ...['ResourceName', 'ResourceArn'].flatMap((key) => named(text(params, key), (id) => id)),
    ...(proxy ? [proxy.arn] : []),
    ...(group ? [group.arn] : []),
  ]
}

function fisResources({operation, region, params, path}: ResourceQuery, arn: ArnOf): string[] {
  if (operation === 'StartExperiment')
    return named(text(params, 'experimentTemplateId'), (id) => arn('fis', region, `experiment-template/${id}`))
  if (operation === 'TagResource' || operation === 'UntagResource') return named(after(path, 'tags'), (id) => id)
  const template = after(path, 'experimentTemplates')
  if (template) return [arn('fis', region, `experiment-template/${template}`)]
  const experiment = after(path, 'experiments')
  return experiment ? [arn('fis', region, `experiment/${experiment}`)] : []
}
