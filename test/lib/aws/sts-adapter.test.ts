import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {StsAdapter} from '../../../src/lib/aws/sts.js'
import {awsError, callerFor} from './harness.js'

const stsMock = mockClient(STSClient)
afterEach(() => stsMock.reset())

const sts = () => new StsAdapter('eu-west-1', new STSClient({region: 'eu-west-1'}), callerFor('STS', 'eu-west-1'))

describe('STS adapter', () => {
  it('asks GetCallerIdentity with no parameters and maps the identity', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({
      Account: '111122223333',
      Arn: 'arn:aws:sts::111122223333:assumed-role/ops/me',
      UserId: 'AROA:me',
    })
    await expect(sts().getCallerIdentity()).resolves.toEqual({
      account: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/ops/me',
      userId: 'AROA:me',
    })
    expect(stsMock).toHaveReceivedCommandExactlyOnceWith(GetCallerIdentityCommand, {})
  })

  it.each([
    ['ExpiredToken', 'The security token included in the request is expired', 403],
    ['InvalidClientTokenId', 'The security token included in the request is invalid', 403],
  ])('reads %s as access denied, with a hint naming the IAM action and Region', async (name, message, status) => {
    stsMock.on(GetCallerIdentityCommand).rejects(awsError(name, message, status))
    await expect(sts().getCallerIdentity()).rejects.toMatchObject({
      kind: 'access-denied',
      code: 'DRCTL_AWS_ACCESS_DENIED',
      exit: 5,
      awsCode: name,
      hints: [expect.stringContaining('sts:GetCallerIdentity in eu-west-1')],
    })
  })
})
