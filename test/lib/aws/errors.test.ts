import {describe, expect, it} from 'vitest'

import {AwsCallError, classifyAwsError, iamActionOf, isTransient} from '../../../src/lib/aws/errors.js'

describe('AWS error classification', () => {
  it.each([
    [{name: 'AccessDeniedException', $metadata: {httpStatusCode: 403}}, 'access-denied'],
    [{name: 'ExpiredToken'}, 'access-denied'],
    [{name: 'Throttling', $metadata: {httpStatusCode: 400}}, 'throttling'],
    [{name: 'ThrottlingException', $metadata: {httpStatusCode: 429}}, 'throttling'],
    // Route 53: a prior change to the zone is pending; Global Accelerator: another update is. Both: try again.
    [{name: 'PriorRequestNotComplete', $metadata: {httpStatusCode: 400}}, 'throttling'],
    [{name: 'TransactionInProgressException', $metadata: {httpStatusCode: 400}}, 'throttling'],
    [{name: 'DBClusterNotFoundFault', $metadata: {httpStatusCode: 404}}, 'not-found'],
    [{name: 'GlobalClusterNotFoundFault'}, 'not-found'],
    [{name: 'InvalidGlobalClusterStateFault'}, 'invalid-state'],
    [{name: 'ResourceInUseException'}, 'invalid-state'],
    [{name: 'InvalidParameterValue'}, 'validation'],
    [{name: 'EndpointTemporarilyUnavailableException', $metadata: {httpStatusCode: 503}}, 'server'],
    [Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}), 'network'],
    [Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}), 'network'],
    // How the HTTP handler reports a connection the Region reset: a network failure, not a slow answer.
    [Object.assign(new Error('socket hang up'), {name: 'TimeoutError'}), 'network'],
    [Object.assign(new Error('late'), {name: 'TimeoutError'}), 'timeout'],
    [{name: 'CredentialsProviderError'}, 'credentials'],
  ])('%o is %s', (error, kind) => {
    expect(classifyAwsError(error)).toBe(kind)
  })

  it('only transient failures are worth another endpoint', () => {
    expect(['throttling', 'server', 'network', 'timeout'].every((kind) => isTransient(kind as never))).toBe(true)
    expect(
      ['access-denied', 'not-found', 'invalid-state', 'validation'].some((kind) => isTransient(kind as never)),
    ).toBe(false)
  })

  it('says which call failed, where, and with AWS’s own reason', () => {
    const error = new AwsCallError(
      {service: 'RDS', operation: 'SwitchoverGlobalCluster', region: 'us-east-1'},
      {
        name: 'InvalidGlobalClusterStateFault',
        message: 'Global cluster is\n not available',
        $metadata: {httpStatusCode: 400, requestId: 'r-1'},
      },
    )
    expect(error.message).toBe(
      'RDS SwitchoverGlobalCluster in us-east-1 failed: InvalidGlobalClusterStateFault: Global cluster is not available',
    )
    expect(error).toMatchObject({code: 'DRCTL_AWS_INVALID_STATE', exit: 5, requestId: 'r-1', httpStatus: 400})
  })

  it('reports drctl’s own deadline as one, and keeps the HTTP handler’s timeout message', () => {
    const target = {service: 'RDS', operation: 'DescribeGlobalClusters', region: 'us-east-1'}
    const aborted = new AwsCallError(
      target,
      Object.assign(new Error('This operation was aborted'), {name: 'AbortError'}),
      300,
    )
    expect(aborted).toMatchObject({kind: 'timeout', awsCode: 'TimeoutError', awsMessage: 'no answer within 300ms'})
    expect(aborted.message).toBe(
      'RDS DescribeGlobalClusters in us-east-1 failed: us-east-1 is unreachable (no answer within 300ms)',
    )
    const handler = new AwsCallError(
      target,
      Object.assign(new Error('Request timed out after 2000 ms'), {name: 'TimeoutError'}),
      10_000,
    )
    expect(handler).toMatchObject({kind: 'timeout', awsMessage: 'Request timed out after 2000 ms'})
  })

  it('hints at the IAM action when access is denied', () => {
    const error = new AwsCallError(
      {service: 'ARC cluster', operation: 'UpdateRoutingControlStates', region: 'eu-west-1'},
      {name: 'AccessDeniedException', message: 'no'},
    )
    expect(error.hints[0]).toContain('route53-recovery-cluster:UpdateRoutingControlStates')
  })

  it('names the IAM action of an S3 HEAD, which is refused without a body: what its GET or listing needs', () => {
    const refused = (operation: string) =>
      new AwsCallError(
        {service: 'S3', operation, region: 'us-east-1'},
        {name: 'Forbidden', message: '', $metadata: {httpStatusCode: 403}},
      )
    expect(refused('HeadBucket')).toMatchObject({kind: 'access-denied'})
    expect(refused('HeadBucket').hints[0]).toContain('may call s3:ListBucket in us-east-1')
    expect(refused('HeadObject').hints[0]).toContain('may call s3:GetObject in us-east-1')
    expect(iamActionOf({service: 'S3', operation: 'PutObject'})).toBe('s3:PutObject')
  })

  it('names the missing permission and its resource in one line', () => {
    const target = {service: 'RDS', operation: 'SwitchoverGlobalCluster', region: 'us-east-1'}
    const named = new AwsCallError(target, {
      name: 'AccessDenied',
      message:
        'User: arn:aws:sts::111122223333:assumed-role/ops/me is not authorized to perform: rds:SwitchoverGlobalCluster on resource: arn:aws:rds::111122223333:global-cluster:orders because no identity-based policy allows the rds:SwitchoverGlobalCluster action',
      $metadata: {httpStatusCode: 403},
    })
    expect(named.message).toBe(
      'missing permission rds:SwitchoverGlobalCluster on arn:aws:rds::111122223333:global-cluster:orders (RDS SwitchoverGlobalCluster in us-east-1: AccessDenied)',
    )
    const bare = new AwsCallError(target, {name: 'AccessDeniedException', message: 'no'})
    expect(bare.message).toBe(
      'missing permission rds:SwitchoverGlobalCluster in us-east-1 (RDS SwitchoverGlobalCluster in us-east-1: AccessDeniedException)',
    )
    // Expired credentials are not a missing permission.
    expect(new AwsCallError(target, {name: 'ExpiredToken', message: 'expired'}).message).toContain('ExpiredToken')
  })
})
