import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {CloudFormationAdapter} from '../../../src/lib/aws/cloudformation.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const cfnMock = mockClient(CloudFormationClient)
afterEach(() => cfnMock.reset())

const cloudformation = (options: CallerOptions = {}) =>
  new CloudFormationAdapter(
    'us-west-2',
    new CloudFormationClient({region: 'us-west-2'}),
    callerFor('CloudFormation', 'us-west-2', options),
  )

const stackId = 'arn:aws:cloudformation:us-west-2:111122223333:stack/app-sec/0a1b'

describe('CloudFormation adapter', () => {
  it('describes one stack by name', async () => {
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'app-sec',
          StackId: stackId,
          StackStatus: 'DELETE_FAILED',
          StackStatusReason: 'The following resource(s) failed to delete: [Bucket]',
          CreationTime: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    })
    await expect(cloudformation().describeStack('app-sec')).resolves.toEqual({
      name: 'app-sec',
      id: stackId,
      status: 'DELETE_FAILED',
      statusReason: 'The following resource(s) failed to delete: [Bucket]',
    })
    expect(cfnMock).toHaveReceivedCommandExactlyOnceWith(DescribeStacksCommand, {StackName: 'app-sec'})
  })

  it('returns undefined for a stack that does not exist (CloudFormation answers ValidationError)', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id app-sec does not exist', 400))
    await expect(cloudformation().describeStack('app-sec')).resolves.toBeUndefined()
  })

  it('passes on any other ValidationError, and access denied', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .rejectsOnce(awsError('ValidationError', '1 validation error detected: Value at stackName failed', 400))
      .rejects(awsError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStacks', 403))
    await expect(cloudformation().describeStack('app sec')).rejects.toMatchObject({
      kind: 'validation',
      awsCode: 'ValidationError',
    })
    await expect(cloudformation().describeStack('app-sec')).rejects.toMatchObject({
      kind: 'access-denied',
      code: 'DRCTL_AWS_ACCESS_DENIED',
      hints: [expect.stringContaining('cloudformation:DescribeStacks in us-west-2')],
    })
  })

  it('lists only the resources that failed, with their reasons', async () => {
    cfnMock.on(DescribeStackResourcesCommand).resolves({
      StackResources: [
        {
          LogicalResourceId: 'Bucket',
          ResourceType: 'AWS::S3::Bucket',
          ResourceStatus: 'DELETE_FAILED',
          ResourceStatusReason: 'The bucket you tried to delete is not empty',
          StackName: 'app-sec',
          Timestamp: new Date(),
        },
        {
          LogicalResourceId: 'Queue',
          ResourceType: 'AWS::SQS::Queue',
          ResourceStatus: 'DELETE_COMPLETE',
          Timestamp: new Date(),
        },
        {
          LogicalResourceId: 'Role',
          ResourceType: 'AWS::IAM::Role',
          ResourceStatus: 'CREATE_FAILED',
          Timestamp: new Date(),
        },
      ],
    })
    await expect(cloudformation().failedResources('app-sec')).resolves.toEqual([
      {
        logicalId: 'Bucket',
        type: 'AWS::S3::Bucket',
        status: 'DELETE_FAILED',
        reason: 'The bucket you tried to delete is not empty',
      },
      {logicalId: 'Role', type: 'AWS::IAM::Role', status: 'CREATE_FAILED', reason: undefined},
    ])
    expect(cfnMock).toHaveReceivedCommandWith(DescribeStackResourcesCommand, {StackName: 'app-sec'})
  })

  it('deletes a stack by name and returns the request id; throttling reads as throttling', async () => {
    cfnMock
      .on(DeleteStackCommand)
      .resolvesOnce({$metadata: {requestId: 'req-del'}})
      .rejects(awsError('Throttling', 'Rate exceeded', 400))
    await expect(cloudformation().deleteStack('app-sec')).resolves.toEqual({requestId: 'req-del'})
    expect(cfnMock.commandCalls(DeleteStackCommand)[0]?.args[0].input).toEqual({StackName: 'app-sec'})
    await expect(cloudformation().deleteStack('app-sec')).rejects.toMatchObject({
      kind: 'throttling',
      code: 'DRCTL_AWS_THROTTLED',
    })
  })

  it('refuses DeleteStack in a read-only run without sending it', async () => {
    await expect(cloudformation({readOnly: true}).deleteStack('app-sec')).rejects.toThrow(/read-only/)
    expect(cfnMock).not.toHaveReceivedCommand(DeleteStackCommand)
  })
})
