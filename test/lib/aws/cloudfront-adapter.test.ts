import {
  CloudFrontClient,
  type DistributionConfig,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {CloudFrontAdapter} from '../../../src/lib/aws/cloudfront.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const cloudfrontMock = mockClient(CloudFrontClient)
afterEach(() => cloudfrontMock.reset())

const cloudfront = (options: CallerOptions = {}) =>
  new CloudFrontAdapter(
    (sdk) => new sdk.CloudFrontClient({region: 'us-east-1'}),
    callerFor('CloudFront', 'us-east-1', options),
  )

/** A whole configuration, as UpdateDistribution must get it back (it replaces, never merges). */
function config(domain: string): DistributionConfig {
  return {
    CallerReference: 'cdk-1',
    Comment: 'api',
    Enabled: true,
    Origins: {
      Quantity: 2,
      Items: [
        {
          Id: 'origin1',
          DomainName: domain,
          OriginPath: '/prod',
          CustomOriginConfig: {HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only'},
        },
        {Id: 'static', DomainName: 'assets.s3.amazonaws.com', OriginPath: ''},
      ],
    },
    OriginGroups: {
      Quantity: 1,
      Items: [
        {
          Id: 'api-group',
          FailoverCriteria: {StatusCodes: {Quantity: 1, Items: [503]}},
          Members: {Quantity: 2, Items: [{OriginId: 'origin1'}, {OriginId: 'static'}]},
        },
      ],
    },
    DefaultCacheBehavior: {TargetOriginId: 'origin1', ViewerProtocolPolicy: 'https-only'},
  }
}

const useast = 'a1b2c3.execute-api.us-east-1.amazonaws.com'
const uswest = 'd4e5f6.execute-api.us-west-2.amazonaws.com'

describe('CloudFront adapter', () => {
  it('reads a distribution: status, origins and origin groups (primary first)', async () => {
    cloudfrontMock.on(GetDistributionCommand).resolves({
      Distribution: {
        Id: 'E1',
        ARN: 'arn:aws:cloudfront::111122223333:distribution/E1',
        Status: 'InProgress',
        LastModifiedTime: new Date(),
        DomainName: 'd1.cloudfront.net',
        InProgressInvalidationBatches: 0,
        ActiveTrustedSigners: {Enabled: false, Quantity: 0},
        DistributionConfig: config(useast),
      },
      ETag: 'E-1',
    })
    expect(await cloudfront().getDistribution('E1')).toEqual({
      id: 'E1',
      status: 'InProgress',
      origins: [
        {id: 'origin1', domainName: useast, originPath: '/prod'},
        {id: 'static', domainName: 'assets.s3.amazonaws.com', originPath: ''},
      ],
      originGroups: [{id: 'api-group', members: ['origin1', 'static']}],
    })
  })

  it('reads a distribution that does not exist as absent', async () => {
    cloudfrontMock
      .on(GetDistributionCommand)
      .rejects(awsError('NoSuchDistribution', 'The specified distribution does not exist.', 404))
    expect(await cloudfront().getDistribution('E1')).toBeUndefined()
  })

  it('sends the whole configuration back with only the origin changed, If-Match the ETag it read', async () => {
    cloudfrontMock.on(GetDistributionConfigCommand).resolves({DistributionConfig: config(useast), ETag: 'E-1'})
    cloudfrontMock
      .on(UpdateDistributionCommand)
      .resolves({Distribution: {Status: 'InProgress'} as never, ETag: 'E-2', $metadata: {requestId: 'req-u'}})
    const result = await cloudfront().updateOrigin({distributionId: 'E1', originId: 'origin1', domainName: uswest})
    expect(result).toEqual({requestId: 'req-u', status: 'InProgress'})
    const expected = config(uswest)
    expect(cloudfrontMock).toHaveReceivedCommandWith(UpdateDistributionCommand, {
      Id: 'E1',
      IfMatch: 'E-1',
      DistributionConfig: expected,
    })
  })

  it('sets the origin path too when given one', async () => {
    cloudfrontMock.on(GetDistributionConfigCommand).resolves({DistributionConfig: config(useast), ETag: 'E-1'})
    cloudfrontMock.on(UpdateDistributionCommand).resolves({$metadata: {}})
    await cloudfront().updateOrigin({distributionId: 'E1', originId: 'origin1', domainName: uswest, originPath: '/v2'})
    const sent = cloudfrontMock.commandCalls(UpdateDistributionCommand)[0]?.args[0].input
    expect(sent?.DistributionConfig?.Origins?.Items?.[0]).toMatchObject({DomainName: uswest, OriginPath: '/v2'})
  })

  it('on PreconditionFailed reads the configuration again and sends it with the new ETag', async () => {
    cloudfrontMock
      .on(GetDistributionConfigCommand)
      .resolvesOnce({DistributionConfig: config(useast), ETag: 'E-1'})
      .resolvesOnce({DistributionConfig: {...config(useast), Comment: 'changed meanwhile'}, ETag: 'E-2'})
    cloudfrontMock
      .on(UpdateDistributionCommand)
      .rejectsOnce(
        awsError(
          'PreconditionFailed',
          'The precondition given in one or more of the request header fields evaluated to false.',
          412,
        ),
      )
      .resolves({Distribution: {Status: 'InProgress'} as never, $metadata: {}})
    await cloudfront().updateOrigin({distributionId: 'E1', originId: 'origin1', domainName: uswest})
    expect(cloudfrontMock).toHaveReceivedCommandTimes(GetDistributionConfigCommand, 2)
    expect(cloudfrontMock).toHaveReceivedNthCommandWith(UpdateDistributionCommand, 2, {
      IfMatch: 'E-2',
      DistributionConfig: expect.objectContaining({Comment: 'changed meanwhile'}),
    })
  })

  it('gives up after a few lost races, with AWS’s error', async () => {
    cloudfrontMock.on(GetDistributionConfigCommand).resolves({DistributionConfig: config(useast), ETag: 'E-1'})
    cloudfrontMock.on(UpdateDistributionCommand).rejects(awsError('PreconditionFailed', 'stale', 412))
    await expect(
      cloudfront().updateOrigin({distributionId: 'E1', originId: 'origin1', domainName: uswest}),
    ).rejects.toMatchObject({awsCode: 'PreconditionFailed', code: 'DRCTL_AWS_ERROR'})
    expect(cloudfrontMock).toHaveReceivedCommandTimes(UpdateDistributionCommand, 3)
  })

  it('refuses to update an origin the distribution does not have, sending nothing', async () => {
    cloudfrontMock.on(GetDistributionConfigCommand).resolves({DistributionConfig: config(useast), ETag: 'E-1'})
    await expect(
      cloudfront().updateOrigin({distributionId: 'E1', originId: 'origin9', domainName: uswest}),
    ).rejects.toMatchObject({code: 'DRCTL_AWS_NOT_FOUND', message: expect.stringContaining('no origin origin9')})
    expect(cloudfrontMock).not.toHaveReceivedCommand(UpdateDistributionCommand)
  })
})
