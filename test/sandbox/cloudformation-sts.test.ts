import {DeleteStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {afterEach, describe, expect, it} from 'vitest'

import {mutateWorld, setFault} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

describe('CloudFormation', () => {
  it('describes each Region’s stacks; another Region’s stack does not exist', async () => {
    sandbox = await startTestSandbox()
    const east = sandbox.cloudformation('us-east-1')
    const all = await east.send(new DescribeStacksCommand({}))
    expect(all.Stacks?.map((s) => [s.StackName, s.StackStatus])).toEqual([['retail-app-use1', 'CREATE_COMPLETE']])
    expect(all.Stacks?.[0]?.CreationTime).toBeInstanceOf(Date)
    expect(all.Stacks?.[0]?.StackId).toMatch(/^arn:aws:cloudformation:us-east-1:111122223333:stack\/retail-app-use1\//)
    await expect(east.send(new DescribeStacksCommand({StackName: 'retail-app-usw2'}))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id retail-app-usw2 does not exist',
      $metadata: {httpStatusCode: 400},
    })
    const resources = await east.send(new DescribeStackResourcesCommand({StackName: 'retail-app-use1'}))
    expect(resources.StackResources?.map((r) => r.ResourceType)).toContain('AWS::S3::Bucket')
  })

  it('deletes a stack: DELETE_IN_PROGRESS, then gone by name and DELETE_COMPLETE by id', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.cloudformation('us-west-2')
    const id = (await west.send(new DescribeStacksCommand({StackName: 'retail-app-usw2'}))).Stacks?.[0]?.StackId
    await west.send(new DeleteStackCommand({StackName: 'retail-app-usw2'}))
    expect((await west.send(new DescribeStacksCommand({StackName: 'retail-app-usw2'}))).Stacks?.[0]?.StackStatus).toBe(
      'DELETE_IN_PROGRESS',
    )
    sandbox.clock.advanceWorldSeconds(121)
    await expect(west.send(new DescribeStacksCommand({StackName: 'retail-app-usw2'}))).rejects.toMatchObject({
      message: 'Stack with id retail-app-usw2 does not exist',
    })
    expect((await west.send(new DescribeStacksCommand({StackName: id}))).Stacks?.[0]?.StackStatus).toBe(
      'DELETE_COMPLETE',
    )
    await west.send(new DeleteStackCommand({StackName: 'retail-app-usw2'}))
  })

  it('ends in DELETE_FAILED under the stack-delete-fails fault; RetainResources gets it through', async () => {
    sandbox = await startTestSandbox()
    const west = sandbox.cloudformation('us-west-2')
    await setFault(sandbox.home, {kind: 'stack-delete-fails', stack: 'retail-app-usw2'}, {now: sandbox.now})
    await west.send(new DeleteStackCommand({StackName: 'retail-app-usw2'}))
    sandbox.clock.advanceWorldSeconds(121)
    const failed = (await west.send(new DescribeStacksCommand({StackName: 'retail-app-usw2'}))).Stacks?.[0]
    expect(failed).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: 'The following resource(s) failed to delete: [AppBucket].',
    })
    const resources = await west.send(new DescribeStackResourcesCommand({StackName: 'retail-app-usw2'}))
    expect(resources.StackResources?.filter((r) => r.ResourceStatus === 'DELETE_FAILED')).toEqual([
      expect.objectContaining({
        LogicalResourceId: 'AppBucket',
        ResourceStatusReason: expect.stringContaining('not empty'),
      }),
    ])
    await expect(
      sandbox
        .cloudformation('us-east-1')
        .send(new DeleteStackCommand({StackName: 'retail-app-use1', RetainResources: ['AppBucket']})),
    ).rejects.toMatchObject({name: 'ValidationError'})
    await west.send(new DeleteStackCommand({StackName: 'retail-app-usw2', RetainResources: ['AppBucket']}))
    sandbox.clock.advanceWorldSeconds(121)
    await expect(west.send(new DescribeStacksCommand({StackName: 'retail-app-usw2'}))).rejects.toMatchObject({
      name: 'ValidationError',
    })
  })

  it('refuses to delete a stack that is mid-update', async () => {
    sandbox = await startTestSandbox()
    await mutateWorld(sandbox.home, (world) => {
      const stack = world.cloudformation.stacks.find((s) => s.name === 'retail-app-use1')
      if (stack) stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS'
    })
    await expect(
      sandbox.cloudformation('us-east-1').send(new DeleteStackCommand({StackName: 'retail-app-use1'})),
    ).rejects.toMatchObject({name: 'ValidationError', message: expect.stringContaining('UPDATE_ROLLBACK_IN_PROGRESS')})
  })
})

describe('STS', () => {
  it('returns the sandbox identity in any Region', async () => {
    sandbox = await startTestSandbox()
    for (const region of ['us-east-1', 'eu-west-1']) {
      const identity = await sandbox.sts(region).send(new GetCallerIdentityCommand({}))
      expect(identity).toMatchObject({
        Account: '111122223333',
        Arn: 'arn:aws:sts::111122223333:assumed-role/drctl-sandbox/operator',
        UserId: expect.stringContaining(':operator'),
      })
      expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    }
  })
})
