import {describe, expect, it} from 'vitest'

import {refusal} from '../../src/lib/sandbox/iam/enforce.js'
import {s3Errors} from '../../src/lib/sandbox/protocol/s3.js'
import {evaluate, type PolicyDocument, policyDocuments} from '../../src/lib/sandbox/iam/policy.js'
import {queryErrors} from '../../src/lib/sandbox/protocol/query.js'
import {jsonErrors} from '../../src/lib/sandbox/protocol/aws-json.js'
import type {Routed} from '../../src/lib/sandbox/protocol/answers.js'
import {iamRequestOf} from '../../src/lib/sandbox/iam/request.js'
import {buildWorld} from '../../src/lib/sandbox/scenario.js'

const WORLD = buildWorld('api-cloudfront', 1, Date.now())

const GLOBAL = 'arn:aws:rds::111122223333:global-cluster:orders-global'
const policy = (...Statement: PolicyDocument['Statement'][]): PolicyDocument[] => [
  {Version: '2012-10-17', Statement: Statement.flat()},
]
const call = (action: string, resources: string[] = [], region = 'us-east-1') => ({
  action,
  resources,
  context: {'aws:RequestedRegion': region},
})

describe('the sandbox IAM evaluator', () => {
  it('needs an Allow, and an explicit Deny wins over it', () => {
    const allow = {Effect: 'Allow' as const, Action: 'rds:SwitchoverGlobalCluster', Resource: GLOBAL}
    expect(evaluate(policy(allow), call('rds:SwitchoverGlobalCluster', [GLOBAL]))).toEqual({allowed: true})
    expect(evaluate(policy(allow), call('rds:FailoverGlobalCluster', [GLOBAL]))).toEqual({
      allowed: false,
      resource: GLOBAL,
      explicitDeny: false,
    })
    const deny = {Effect: 'Deny' as const, Action: 'rds:*', Resource: '*'}
    expect(evaluate(policy([allow, deny]), call('rds:SwitchoverGlobalCluster', [GLOBAL]))).toMatchObject({
      allowed: false,
      explicitDeny: true,
    })
  })

  it('matches actions with wildcards and any case, resources with * and ? and their case', () => {
    const statement = {
      Effect: 'Allow' as const,
      Action: ['RDS:Describe*'],
      Resource: ['arn:aws:rds:us-east-1:111122223333:cluster:orders-use?'],
    }
    const cluster = 'arn:aws:rds:us-east-1:111122223333:cluster:orders-use1'
    expect(evaluate(policy(statement), call('rds:DescribeDBClusters', [cluster])).allowed).toBe(true)
    expect(evaluate(policy(statement), call('rds:ModifyDBCluster', [cluster])).allowed).toBe(false)
    expect(evaluate(policy(statement), call('rds:DescribeDBClusters', [`${cluster}x`])).allowed).toBe(false)
    expect(evaluate(policy(statement), call('rds:DescribeDBClusters', [cluster.toUpperCase()])).allowed).toBe(false)
    // A call on no resource of its own is judged as `*`, which a scoped statement does not cover.
    expect(evaluate(policy(statement), call('rds:DescribeDBClusters')).allowed).toBe(false)
  })

  it('needs every resource of a call allowed, and names the first that is not', () => {
    const controls = ['arn:aws:x::1:routingcontrol/a', 'arn:aws:x::1:routingcontrol/b']
    const onlyA = {Effect: 'Allow' as const, Action: '*', Resource: controls[0] as string}
    expect(evaluate(policy(onlyA), call('route53-recovery-cluster:UpdateRoutingControlStates', controls))).toEqual({
      allowed: false,
      resource: controls[1],
      explicitDeny: false,
    })
  })

  it('applies String conditions on aws:RequestedRegion', () => {
    const inRegions = (operator: string, regions: string[]) =>
      policy({Effect: 'Allow', Action: '*', Resource: '*', Condition: {[operator]: {'aws:requestedregion': regions}}})
    expect(evaluate(inRegions('StringEquals', ['us-east-1']), call('rds:X', [], 'us-east-1')).allowed).toBe(true)
    expect(evaluate(inRegions('StringEquals', ['us-east-1']), call('rds:X', [], 'us-west-2')).allowed).toBe(false)
    expect(evaluate(inRegions('StringLike', ['us-*']), call('rds:X', [], 'us-west-2')).allowed).toBe(true)
    expect(evaluate(inRegions('StringLike', ['us-*']), call('rds:X', [], 'eu-west-1')).allowed).toBe(false)
    expect(evaluate(inRegions('StringNotEquals', ['us-east-1']), call('rds:X', [], 'eu-west-1')).allowed).toBe(true)
    expect(evaluate(inRegions('NumericLessThan', ['1']), call('rds:X', [], 'us-east-1')).allowed).toBe(false)
  })

  it('reads one document, a list, or the output of drctl iam policy --json', () => {
    const document = {Version: '2012-10-17', Statement: []}
    expect(policyDocuments(document)).toEqual([document])
    expect(policyDocuments([document, document])).toHaveLength(2)
    expect(policyDocuments({ok: true, result: {policies: [{role: 'operator', document}]}})).toEqual([document])
    expect(() => policyDocuments({Version: '2012-10-17'})).toThrow('has no Statement')
  })
})

describe('refusing a call as AWS does', () => {
  const routed = (service: string, operation: string, style: Routed['style']): Routed => ({
    service,
    operation,
    region: 'us-east-1',
    requestId: 'r',
    style,
    action: {kind: 'reject', error: new Error('unused') as never},
  })
  const nothing = policy({Effect: 'Allow', Action: 'rds:Describe*', Resource: '*'})

  it('answers a query call AccessDenied naming the action and the global cluster of its form', () => {
    const body = Buffer.from(
      'Action=SwitchoverGlobalCluster&GlobalClusterIdentifier=orders-global&TargetDbClusterIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A111122223333%3Acluster%3Aorders-usw2',
    )
    const error = refusal(
      nothing,
      routed('rds', 'SwitchoverGlobalCluster', queryErrors('ns')),
      {url: new URL('http://sandbox/'), body},
      WORLD,
    )
    expect(error).toMatchObject({code: 'AccessDenied', status: 403})
    expect(error?.message).toBe(
      `User: arn:aws:sts::111122223333:assumed-role/drctl-sandbox/operator is not authorized to perform: rds:SwitchoverGlobalCluster on resource: ${GLOBAL} because no identity-based policy allows the rds:SwitchoverGlobalCluster action`,
    )
    expect(
      refusal(
        policy({
          Effect: 'Allow',
          Action: 'rds:SwitchoverGlobalCluster',
          Resource: [GLOBAL, 'arn:aws:rds:*:*:cluster:*'],
        }),
        routed('rds', 'SwitchoverGlobalCluster', queryErrors('ns')),
        {url: new URL('http://sandbox/'), body},
        WORLD,
      ),
    ).toBeUndefined()
  })

  it('answers a JSON call AccessDeniedException on its table, and lets GetCallerIdentity through', () => {
    const error = refusal(
      nothing,
      routed('dynamodb', 'DeleteTable', jsonErrors({})),
      {url: new URL('http://sandbox/'), body: Buffer.from('{"TableName":"carts"}')},
      WORLD,
    )
    expect(error).toMatchObject({code: 'AccessDeniedException', status: 403})
    expect(error?.message).toContain(
      'dynamodb:DeleteTable on resource: arn:aws:dynamodb:us-east-1:111122223333:table/carts',
    )
    expect(
      refusal(
        nothing,
        routed('sts', 'GetCallerIdentity', queryErrors('ns')),
        {url: new URL('http://s/'), body: Buffer.from('')},
        WORLD,
      ),
    ).toBeUndefined()
    expect(
      refusal(
        nothing,
        routed('monitoring', 'GetMetricData', jsonErrors({})),
        {url: new URL('http://s/'), body: Buffer.from('{}')},
        WORLD,
      )?.message,
    ).toContain('cloudwatch:GetMetricData on resource: *')
  })

  it('answers an S3 call AccessDenied on its object, a HEAD needing what its GET needs', () => {
    const wire = {url: new URL('http://s/team-reports/drctl/retail/run%201/report.md'), body: Buffer.from('# x')}
    const error = refusal(nothing, routed('s3', 'PutObject', s3Errors('PUT')), wire, WORLD)
    expect(error).toMatchObject({code: 'AccessDenied', status: 403})
    expect(error?.message).toContain('s3:PutObject on resource: arn:aws:s3:::team-reports/drctl/retail/run 1/report.md')
    const reads = policy({Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team-reports/drctl/*'})
    expect(refusal(reads, routed('s3', 'HeadObject', s3Errors('HEAD')), wire, WORLD)).toBeUndefined()
    const bucket = {url: new URL('http://s/team-reports/'), body: Buffer.from('')}
    expect(refusal(reads, routed('s3', 'HeadBucket', s3Errors('HEAD')), bucket, WORLD)?.message).toContain(
      's3:ListBucket on resource: arn:aws:s3:::team-reports ',
    )
  })
})

describe('the resource a call is judged on', () => {
  const judged = (service: string, operation: string, path: string, body = '', region = 'us-east-1') =>
    iamRequestOf(
      {service, operation, region, requestId: 'r', style: jsonErrors({}), action: {kind: 'drop'}},
      {url: new URL(`http://sandbox${path}`), body: Buffer.from(body)},
      WORLD,
    )

  it('names the ARN of the resource in the path or the parameters, as AWS does', () => {
    const account = WORLD.account
    expect(judged('route53', 'ChangeResourceRecordSets', '/2013-04-01/hostedzone/Z123/rrset/').resources).toEqual([
      'arn:aws:route53:::hostedzone/Z123',
    ])
    expect(judged('route53', 'GetChange', '/2013-04-01/change/C9').resources).toEqual(['arn:aws:route53:::change/C9'])
    expect(judged('cloudfront', 'UpdateDistribution', '/2020-05-31/distribution/E1/config').resources).toEqual([
      `arn:aws:cloudfront::${account}:distribution/E1`,
    ])
    expect(judged('ssm', 'PutParameter', '/', '{"Name":"/app/flag"}').resources).toEqual([
      `arn:aws:ssm:us-east-1:${account}:parameter/app/flag`,
    ])
    expect(judged('ecs', 'UpdateService', '/', '{"cluster":"app","service":"api"}').resources).toEqual([
      `arn:aws:ecs:us-east-1:${account}:service/app/api`,
    ])
    expect(judged('fis', 'StopExperiment', '/experiments/EXP1').resources).toEqual([
      `arn:aws:fis:us-east-1:${account}:experiment/EXP1`,
    ])
    const invoke = judged('lambda', 'Invoke', '/2015-03-31/functions/dr-hook/invocations', '{"runId":"x"}', 'us-west-2')
    expect(invoke).toMatchObject({
      action: 'lambda:InvokeFunction',
      resources: [`arn:aws:lambda:us-west-2:${account}:function:dr-hook`],
    })
    // A proxy is named by its name; IAM judges its ARN (with its resource id) and its target group's.
    const proxy = WORLD.rds.proxies.find((candidate) => candidate.region === 'us-west-2')
    const body = `Action=RegisterDBProxyTargets&DBProxyName=${proxy?.name}&DBClusterIdentifiers.member.1=orders-usw2`
    expect(judged('rds', 'RegisterDBProxyTargets', '/', body, 'us-west-2').resources).toEqual([
      `arn:aws:rds:us-west-2:${account}:cluster:orders-usw2`,
      proxy?.arn,
      proxy?.targetGroups[0]?.arn,
    ])
    expect(judged('rds', 'DescribeDBClusters', '/', 'Action=DescribeDBClusters').resources).toEqual([])
  })
})
