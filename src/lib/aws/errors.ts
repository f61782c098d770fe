import {DrctlError, type ErrorCode, oneLine} from '../core/errors.js'

/** How drctl reads an AWS failure; decides exit codes, ARC endpoint rotation and idempotency shortcuts. */
export type AwsErrorKind =
  | 'access-denied'
  | 'credentials'
  | 'not-found'
  | 'invalid-state'
  | 'validation'
  | 'throttling'
  | 'server'
  | 'network'
  | 'timeout'
  | 'other'

interface SdkLikeError {
  name?: string
  code?: string
  message?: string
  $metadata?: {httpStatusCode?: number; requestId?: string; attempts?: number}
  $fault?: string
}

const accessDeniedNames = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
])
const throttlingNames = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  // Route 53: an earlier change to the same hosted zone is still pending; Global Accelerator: another update is.
  'PriorRequestNotComplete',
  'TransactionInProgressException',
])
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
])

export function classifyAwsError(error: unknown): AwsErrorKind {
  const e = (error ?? {}) as SdkLikeError
  const name = e.name ?? ''
  const status = e.$metadata?.httpStatusCode
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') return 'credentials'
  // The HTTP handler reports a reset connection as a TimeoutError("socket hang up"): it is a network failure.
  if ((e.code && networkCodes.has(e.code)) || /socket hang up|ECONNREFUSED|ECONNRESET/.test(e.message ?? ''))
    return 'network'
  if (name === 'TimeoutError' || name === 'AbortError' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKETTIMEDOUT')
    return 'timeout'
  if (accessDeniedNames.has(name) || status === 403) return 'access-denied'
  if (throttlingNames.has(name) || status === 429) return 'throttling'
  if (/NotFound(Fault|Exception)?$/.test(name) || status === 404) return 'not-found'
  if (/^Invalid.*State/.test(name) || name === 'ResourceInUseException' || name === 'ConflictException')
    return 'invalid-state'
  if (/Validation|InvalidParameter|InvalidAction|MissingParameter|MalformedQueryString/.test(name)) return 'validation'
  if ((status !== undefined && status >= 500) || e.$fault === 'server') return 'server'
  return 'other'
}

/** Transient failures: worth another attempt, or (for ARC) another cluster endpoint. */
export function isTransient(kind: AwsErrorKind): boolean {
  return kind === 'throttling' || kind === 'server' || kind === 'network' || kind === 'timeout'
}

const codeByKind: Record<AwsErrorKind, ErrorCode> = {
  'access-denied': 'DRCTL_AWS_ACCESS_DENIED',
  credentials: 'DRCTL_CREDENTIALS',
  'not-found': 'DRCTL_AWS_NOT_FOUND',
  'invalid-state': 'DRCTL_AWS_INVALID_STATE',
  validation: 'DRCTL_AWS_ERROR',
  throttling: 'DRCTL_AWS_THROTTLED',
  server: 'DRCTL_AWS_ERROR',
  network: 'DRCTL_AWS_UNREACHABLE',
  timeout: 'DRCTL_AWS_UNREACHABLE',
  other: 'DRCTL_AWS_ERROR',
}

export interface AwsCallTarget {
  service: string
  operation: string
  region: string
  endpoint?: string
}

/** An AWS call that failed, with everything an operator (and the journal) needs to know about it. */
export class AwsCallError extends DrctlError {
  readonly kind: AwsErrorKind
  readonly awsCode: string
  readonly awsMessage: string
  readonly httpStatus?: number
  readonly requestId?: string
  readonly target: AwsCallTarget

  constructor(target: AwsCallTarget, cause: unknown, timeoutMs?: number) {
    const e = (cause ?? {}) as SdkLikeError
    const kind = classifyAwsError(cause)
    const awsCode = kind === 'timeout' ? 'TimeoutError' : (e.name ?? e.code ?? 'Error')
    const awsMessage = oneLine(
      (e.name === 'AbortError' && timeoutMs !== undefined ? `no answer within ${timeoutMs}ms` : e.message) || awsCode,
    )
    const where = `${target.service} ${target.operation} in ${target.region}`
    const message =
      kind === 'network' || kind === 'timeout'
        ? `${where} failed: ${target.endpoint ?? target.region} is unreachable (${awsMessage})`
        : permissionNames.has(awsCode)
          ? `${missingPermission(target, awsMessage)} (${where}: ${awsCode})`
          : `${where} failed: ${awsCode}: ${awsMessage}`
    super(codeByKind[kind], message, {cause, hints: hintsFor(kind, target)})
    this.name = 'AwsCallError'
    this.kind = kind
    this.awsCode = awsCode
    this.awsMessage = awsMessage
    this.httpStatus = e.$metadata?.httpStatusCode
    this.requestId = e.$metadata?.requestId
    this.target = target
  }
}

/** What a call answers, or undefined when AWS answers that the resource it names does not exist. */
export async function absentIfNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
    throw error
  }
}

/** Refusals by IAM policy (as opposed to bad or expired credentials, also `access-denied`). */
const permissionNames = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])

/**
 * `missing permission rds:SwitchoverGlobalCluster on arn:aws:rds::…`: the action and resource AWS names in its
 * refusal ("is not authorized to perform: ACTION on resource: ARN"), else the call's own action and Region.
 */
function missingPermission(target: AwsCallTarget, awsMessage: string): string {
  const named = /not authorized to perform:? (\S+?)(?: on resource:? (\S+))?(?:\s|$)/.exec(awsMessage)
  const action = named?.[1] ?? iamActionOf(target)
  return named?.[2] ? `missing permission ${action} on ${named[2]}` : `missing permission ${action} in ${target.region}`
}

function hintsFor(kind: AwsErrorKind, target: AwsCallTarget): string[] {
  const action = iamActionOf(target)
  switch (kind) {
    case 'access-denied':
      return [
        `check that the credentials in use may call ${action} in ${target.region} (and are not expired); drctl iam policy prints the policy each command needs`,
      ]
    case 'credentials':
      return ['configure credentials: --profile NAME, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY']
    case 'throttling':
      return ['AWS is throttling this account; wait a moment and retry']
    case 'network':
    case 'timeout':
      return [`${target.region} may be impaired; check connectivity or retry with a longer --timeout`]
    default:
      return []
  }
}

const iamPrefixes: Record<string, string> = {
  RDS: 'rds',
  'RDS Data': 'rds-data',
  'Secrets Manager': 'secretsmanager',
  DynamoDB: 'dynamodb',
  'ARC cluster': 'route53-recovery-cluster',
  'ARC control': 'route53-recovery-control-config',
  FIS: 'fis',
  CloudWatch: 'cloudwatch',
  CloudFormation: 'cloudformation',
  STS: 'sts',
  'Route 53': 'route53',
  'Global Accelerator': 'globalaccelerator',
}

/** The IAM action a call needs (`rds:DescribeDBClusters`): what an access-denied answer says is missing. */
export function iamActionOf(target: Pick<AwsCallTarget, 'service' | 'operation'>): string {
  const action = `${iamPrefixes[target.service] ?? target.service.toLowerCase()}:${target.operation}`
  return actionsNamedOtherwise[action] ?? action
}

/** IAM actions named otherwise than their operation. */
const actionsNamedOtherwise: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  // S3 has no HEAD actions: a HEAD needs what its GET needs, a bucket's HEAD what listing it needs.
  's3:HeadBucket': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
}
