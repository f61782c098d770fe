import {describe, expect, it} from 'vitest'

import {readIdentity, verifyAccount} from '../../../src/lib/topology/identity.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {ACCOUNT, testConfig} from '../../fakes/topology.js'

describe('readIdentity', () => {
  it('asks STS in the first Region of the topology, read-only, and carries the pinned account', async () => {
    const aws = new FakeAws(twoRegionState())
    expect(await readIdentity(testConfig(), aws)).toEqual({
      account: ACCOUNT,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ops/me`,
      userId: 'AROA:me',
      region: 'us-east-1',
      pinnedAccount: ACCOUNT,
    })
    expect(aws.calls).toEqual([expect.objectContaining({service: 'STS', region: 'us-east-1', mutating: false})])
  })

  it('asks in the Region given', async () => {
    const aws = new FakeAws(twoRegionState())
    expect((await readIdentity(testConfig(), aws, 'us-west-2')).region).toBe('us-west-2')
    expect(aws.calls.map((call) => call.region)).toEqual(['us-west-2'])
  })
})

describe('verifyAccount', () => {
  const identity = {account: '999999999999', arn: 'arn:aws:sts::999999999999:assumed-role/ops/me', userId: 'AROA:me'}

  it('passes when nothing is pinned or the account matches', () => {
    expect(() => verifyAccount(undefined, identity)).not.toThrow()
    expect(() => verifyAccount('999999999999', identity)).not.toThrow()
  })

  it('refuses credentials of another account (exit 3)', () => {
    expect(() => verifyAccount(ACCOUNT, identity)).toThrow(
      expect.objectContaining({code: 'DRCTL_ACCOUNT_MISMATCH', exit: 3}),
    )
  })
})
