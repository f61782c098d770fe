import {
  type CloudFormationClient,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation'

import {AwsCallError} from './errors.js'
import type {CloudFormationPort, Mutation, Stack, StackResourceFailure} from './ports.js'
import type {Caller} from './session.js'

export class CloudFormationAdapter implements CloudFormationPort {
  constructor(
    readonly region: string,
    private readonly client: CloudFormationClient,
    private readonly call: Caller,
  ) {}

  async describeStack(name: string): Promise<Stack | undefined> {
    try {
      const output = await this.call('DescribeStacks', false, (abortSignal) =>
        this.client.send(new DescribeStacksCommand({StackName: name}), {abortSignal}),
      )
      const stack = output.Stacks?.[0]
      if (!stack) return undefined
      return {
        name: stack.StackName ?? name,
        id: stack.StackId ?? '',
        status: stack.StackStatus ?? 'unknown',
        statusReason: stack.StackStatusReason,
      }
    } catch (error) {
      // CloudFormation answers a missing stack with ValidationError "Stack with id X does not exist".
      if (error instanceof AwsCallError && /does not exist/i.test(error.awsMessage)) return undefined
      throw error
    }
  }

  async failedResources(name: string): Promise<StackResourceFailure[]> {
    const output = await this.call('DescribeStackResources', false, (abortSignal) =>
      this.client.send(new DescribeStackResourcesCommand({StackName: name}), {abortSignal}),
    )
    return (output.StackResources ?? [])
      .filter((resource) => resource.ResourceStatus?.endsWith('_FAILED'))
      .map((resource) => ({
        logicalId: resource.LogicalResourceId ?? '',
        type: resource.ResourceType ?? '',
        status: resource.ResourceStatus ?? '',
        reason: resource.ResourceStatusReason,
      }))
  }

  async deleteStack(name: string): Promise<Mutation> {
    const output = await this.call('DeleteStack', true, (abortSignal) =>
      this.client.send(new DeleteStackCommand({StackName: name}), {abortSignal}),
    )
    return {requestId: output.$metadata.requestId}
  }
}
