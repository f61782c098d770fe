import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import type {AwsCallRecord} from '../../../src/lib/aws/invoke.js'
import {Route53Adapter} from '../../../src/lib/aws/route53.js'
import {awsError, type CallerOptions, callerFor} from './harness.js'

const route53Mock = mockClient(Route53Client)
afterEach(() => route53Mock.reset())

const route53 = (options: CallerOptions = {}) =>
  new Route53Adapter((sdk) => new sdk.Route53Client({region: 'us-east-1'}), callerFor('Route 53', 'us-east-1', options))

const weighted = (id: string, weight: number, value: string) => ({
  Name: 'api.example.com.',
  Type: 'CNAME' as const,
  SetIdentifier: id,
  Weight: weight,
  TTL: 60,
  ResourceRecords: [{Value: value}],
  HealthCheckId: `hc-${id}`,
})

describe('Route 53 adapter', () => {
  it('lists the record sets of one name and type, starting there, whatever follows in the zone', async () => {
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        weighted('use1', 100, 'api-use1.example.com'),
        weighted('usw2', 0, 'api-usw2.example.com'),
        {Name: 'api.example.com.', Type: 'TXT', TTL: 300, ResourceRecords: [{Value: '"v=1"'}]},
      ],
      IsTruncated: true,
      NextRecordName: 'b.example.com.',
      NextRecordType: 'A',
      MaxItems: 300,
    })
    const records = await route53().listRecordSets('/hostedzone/Z0123', 'API.example.com', 'CNAME')
    expect(records).toEqual([
      {
        name: 'api.example.com.',
        type: 'CNAME',
        setIdentifier: 'use1',
        weight: 100,
        ttl: 60,
        values: ['api-use1.example.com'],
        healthCheckId: 'hc-use1',
      },
      expect.objectContaining({setIdentifier: 'usw2', weight: 0}),
    ])
    // The /hostedzone/ prefix is dropped; the listing ends at the first record of another name or type.
    expect(route53Mock).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 1)
    expect(route53Mock).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'Z0123',
      StartRecordName: 'API.example.com',
      StartRecordType: 'CNAME',
    })
  })

  it('follows the pages while they hold only the wanted record sets', async () => {
    route53Mock
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        ResourceRecordSets: [weighted('use1', 0, 'a')],
        IsTruncated: true,
        NextRecordName: 'api.example.com.',
        NextRecordType: 'CNAME',
        NextRecordIdentifier: 'usw2',
        MaxItems: 1,
      })
      .resolvesOnce({ResourceRecordSets: [weighted('usw2', 100, 'b')], IsTruncated: false, MaxItems: 1})
    const records = await route53().listRecordSets('Z0123', 'api.example.com', 'CNAME')
    expect(records?.map((record) => record.setIdentifier)).toEqual(['use1', 'usw2'])
    expect(route53Mock).toHaveReceivedNthCommandWith(ListResourceRecordSetsCommand, 2, {
      StartRecordName: 'api.example.com.',
      StartRecordType: 'CNAME',
      StartRecordIdentifier: 'usw2',
    })
  })

  it('reads a hosted zone that does not exist as absent', async () => {
    route53Mock
      .on(ListResourceRecordSetsCommand)
      .rejects(awsError('NoSuchHostedZone', 'No hosted zone found with ID: Z0123', 404))
    expect(await route53().listRecordSets('Z0123', 'api.example.com', 'CNAME')).toBeUndefined()
  })

  it('UPSERTs every record set in one batch, values or alias, keeping health checks, and returns the bare change id', async () => {
    route53Mock.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: {Id: '/change/C2682N5HXP0BZ4', Status: 'PENDING', SubmittedAt: new Date()},
      $metadata: {requestId: 'req-1'},
    })
    const records: AwsCallRecord[] = []
    const result = await route53({records}).upsertRecordSets(
      'Z0123',
      [
        {
          name: 'api.example.com',
          type: 'CNAME',
          setIdentifier: 'use1',
          weight: 0,
          ttl: 60,
          values: ['api-use1.example.com'],
          healthCheckId: 'hc-1',
        },
        {
          name: 'www.example.com',
          type: 'A',
          values: [],
          alias: {
            dnsName: 'd1.cloudfront.net',
            hostedZoneId: '/hostedzone/Z2FDTNDATAQYW2',
            evaluateTargetHealth: false,
          },
        },
      ],
      'drctl run r-1',
    )
    expect(result).toEqual({requestId: 'req-1', changeId: 'C2682N5HXP0BZ4', status: 'PENDING'})
    expect(route53Mock).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: 'Z0123',
      ChangeBatch: {
        Comment: 'drctl run r-1',
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'api.example.com',
              Type: 'CNAME',
              SetIdentifier: 'use1',
              Weight: 0,
              HealthCheckId: 'hc-1',
              TTL: 60,
              ResourceRecords: [{Value: 'api-use1.example.com'}],
            },
          },
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'www.example.com',
              Type: 'A',
              SetIdentifier: undefined,
              Weight: undefined,
              HealthCheckId: undefined,
              AliasTarget: {
                DNSName: 'd1.cloudfront.net',
                HostedZoneId: 'Z2FDTNDATAQYW2',
                EvaluateTargetHealth: false,
              },
            },
          },
        ],
      },
    })
    expect(records).toEqual([
      expect.objectContaining({service: 'Route 53', operation: 'ChangeResourceRecordSets', mutating: true}),
    ])
  })

  it('reads a change status, and an unknown change as absent', async () => {
    route53Mock
      .on(GetChangeCommand)
      .resolvesOnce({ChangeInfo: {Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date()}})
      .rejectsOnce(awsError('NoSuchChange', 'A change with the specified change ID does not exist.', 404))
    expect(await route53().getChange('/change/C1')).toBe('INSYNC')
    expect(route53Mock).toHaveReceivedCommandWith(GetChangeCommand, {Id: 'C1'})
    expect(await route53().getChange('C2')).toBeUndefined()
  })

  it('reports PriorRequestNotComplete as throttling, so it is retried', async () => {
    route53Mock
      .on(ChangeResourceRecordSetsCommand)
      .rejects(
        awsError(
          'PriorRequestNotComplete',
          'The request was rejected because Route 53 was still processing a prior request.',
          400,
        ),
      )
    await expect(route53().upsertRecordSets('Z0123', [], 'x')).rejects.toMatchObject({
      kind: 'throttling',
      code: 'DRCTL_AWS_THROTTLED',
      awsCode: 'PriorRequestNotComplete',
    })
  })

  it('refuses the change in a read-only (dry) run without sending it', async () => {
    await expect(route53({readOnly: true}).upsertRecordSets('Z0123', [], 'x')).rejects.toThrow(/read-only/)
    expect(route53Mock).not.toHaveReceivedCommand(ChangeResourceRecordSetsCommand)
  })
})
