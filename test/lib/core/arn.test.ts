import {describe, expect, it} from 'vitest'

import {regionOfArn, resourceIdOfArn} from '../../../src/lib/core/arn.js'

describe('ARNs', () => {
  it.each([
    ['arn:aws:rds:us-east-1:111122223333:cluster:orders-use1', 'orders-use1'],
    ['arn:aws:rds::111122223333:global-cluster:orders-global', 'orders-global'],
    ['arn:aws:route53-recovery-control::111122223333:controlpanel/p1/routingcontrol/east', 'east'],
    ['orders-use1', 'orders-use1'],
  ])('the resource id of %s is %s', (arn, id) => {
    expect(resourceIdOfArn(arn)).toBe(id)
  })

  it('reads the Region of a regional ARN', () => {
    expect(regionOfArn('arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2')).toBe('us-west-2')
  })
})
