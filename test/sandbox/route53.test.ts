import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53'
import {afterEach, describe, expect, it} from 'vitest'

import {clearFaults, mutateWorld, readCallLog, SandboxError, setFault} from '../../src/lib/sandbox/index.js'
import {seedHostedZone} from '../../src/lib/sandbox/services/route53/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'
import {API_USE1, API_USW2, seedTraffic, WRITER_USE1, WRITER_USW2} from './traffic-world.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

async function seeded(region = 'us-east-1') {
  sandbox = await startTestSandbox()
  const {zoneId} = await seedTraffic(sandbox)
  const route53 = sandbox.client((config) => new Route53Client(config), region)
  return {zoneId, route53}
}

const upsert = (set: ResourceRecordSet): Change => ({Action: 'UPSERT', ResourceRecordSet: set})

async function records(route53: Route53Client, zoneId: string, name: string, type?: string) {
  const page = await route53.send(
    new ListResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      StartRecordName: name,
      StartRecordType: type as ResourceRecordSet['Type'],
    }),
  )
  return (page.ResourceRecordSets ?? []).filter((set) => set.Name === name && (!type || set.Type === type))
}

describe('Route 53 hosted zones', () => {
  it('describes a seeded zone and lists it, by id and by name; an unknown zone is NoSuchHostedZone', async () => {
    const {zoneId, route53} = await seeded()
    expect(zoneId).toMatch(/^Z0[A-Z0-9]{19}$/)
    const zone = await route53.send(new GetHostedZoneCommand({Id: `/hostedzone/${zoneId}`}))
    expect(zone.HostedZone).toMatchObject({
      Id: `/hostedzone/${zoneId}`,
      Name: 'example.com.',
      Config: {PrivateZone: false},
      ResourceRecordSetCount: 6,
    })
    expect(zone.DelegationSet?.NameServers).toHaveLength(4)
    expect((await route53.send(new ListHostedZonesCommand({}))).HostedZones?.map((z) => z.Id)).toEqual([
      `/hostedzone/${zoneId}`,
    ])
    const byName = await route53.send(new ListHostedZonesByNameCommand({DNSName: 'example.com'}))
    expect(byName.HostedZones?.[0]?.Name).toBe('example.com.')
    await expect(route53.send(new GetHostedZoneCommand({Id: 'Z0NOSUCHZONE'}))).rejects.toMatchObject({
      name: 'NoSuchHostedZone',
      message: 'No hosted zone found with ID: Z0NOSUCHZONE',
      $metadata: {httpStatusCode: 404},
    })
  })

  it('lists record sets in DNS order from a start name and type, page by page, weighted sets by identifier', async () => {
    const {zoneId, route53} = await seeded()
    const all = await route53.send(new ListResourceRecordSetsCommand({HostedZoneId: zoneId}))
    expect(all.ResourceRecordSets?.map((set) => `${set.Name} ${set.Type} ${set.SetIdentifier ?? ''}`.trim())).toEqual([
      'example.com. NS',
      'example.com. SOA',
      'api.example.com. CNAME use1',
      'api.example.com. CNAME usw2',
      'db.example.com. CNAME',
      'www.example.com. A',
    ])
    expect(all.IsTruncated).toBe(false)

    const first = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: 'API.example.com',
        StartRecordType: 'CNAME',
        MaxItems: 1,
      }),
    )
    expect(first.ResourceRecordSets).toEqual([
      {
        Name: 'api.example.com.',
        Type: 'CNAME',
        SetIdentifier: 'use1',
        Weight: 100,
        TTL: 300,
        ResourceRecords: [{Value: API_USE1}],
      },
    ])
    expect(first).toMatchObject({
      IsTruncated: true,
      NextRecordName: 'api.example.com.',
      NextRecordType: 'CNAME',
      NextRecordIdentifier: 'usw2',
      MaxItems: 1,
    })
    const second = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
        StartRecordIdentifier: first.NextRecordIdentifier,
        MaxItems: 1,
      }),
    )
    expect(second.ResourceRecordSets?.[0]).toMatchObject({SetIdentifier: 'usw2', Weight: 0})

    expect(await records(route53, zoneId, 'www.example.com.', 'A')).toEqual([
      {
        Name: 'www.example.com.',
        Type: 'A',
        AliasTarget: {HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net.', EvaluateTargetHealth: false},
      },
    ])
    await expect(
      route53.send(new ListResourceRecordSetsCommand({HostedZoneId: zoneId, StartRecordType: 'A'})),
    ).rejects.toMatchObject({name: 'InvalidInput'})
  })
})

describe('Route 53 changes', () => {
  it('UPSERTs a record: the change is PENDING, then INSYNC once it has propagated; the record reads back', async () => {
    const {zoneId, route53} = await seeded()
    const {ChangeInfo} = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Comment: 'move writes to us-west-2',
          Changes: [upsert({Name: 'db.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: WRITER_USW2}]})],
        },
      }),
    )
    expect(ChangeInfo).toMatchObject({Id: expect.stringMatching(/^\/change\/C0[A-Z0-9]{19}$/), Status: 'PENDING'})
    expect(ChangeInfo?.SubmittedAt).toBeInstanceOf(Date)
    expect(await records(route53, zoneId, 'db.example.com.', 'CNAME')).toEqual([
      {Name: 'db.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: WRITER_USW2}]},
    ])
    const change = () => route53.send(new GetChangeCommand({Id: ChangeInfo?.Id}))
    expect((await change()).ChangeInfo).toMatchObject({Status: 'PENDING', Comment: 'move writes to us-west-2'})
    sandbox.clock.advanceWorldSeconds(41)
    expect((await change()).ChangeInfo?.Status).toBe('INSYNC')
    await expect(route53.send(new GetChangeCommand({Id: 'C0NOSUCHCHANGE'}))).rejects.toMatchObject({
      name: 'NoSuchChange',
      $metadata: {httpStatusCode: 404},
    })
    expect((await readCallLog(sandbox.home)).filter((call) => call.mutating).map((call) => call.operation)).toEqual([
      'ChangeResourceRecordSets',
    ])
  })

  it('sets weights of weighted records in one batch, each set by its identifier', async () => {
    const {zoneId, route53} = await seeded()
    const weighted = (setIdentifier: string, weight: number, value: string): ResourceRecordSet => ({
      Name: 'api.example.com',
      Type: 'CNAME',
      SetIdentifier: setIdentifier,
      Weight: weight,
      TTL: 300,
      ResourceRecords: [{Value: value}],
    })
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {Changes: [upsert(weighted('usw2', 100, API_USW2)), upsert(weighted('use1', 0, API_USE1))]},
      }),
    )
    expect(
      (await records(route53, zoneId, 'api.example.com.', 'CNAME')).map((set) => [set.SetIdentifier, set.Weight]),
    ).toEqual([
      ['use1', 0],
      ['usw2', 100],
    ])
  })

  it('refuses a batch as a whole with InvalidChangeBatch, naming every problem; nothing is applied', async () => {
    const {zoneId, route53} = await seeded()
    const batch = (changes: Change[]) =>
      route53.send(new ChangeResourceRecordSetsCommand({HostedZoneId: zoneId, ChangeBatch: {Changes: changes}}))
    await expect(
      batch([
        upsert({Name: 'db.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: WRITER_USW2}]}),
        {
          Action: 'CREATE',
          ResourceRecordSet: {Name: 'db.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: 'x'}]},
        },
      ]),
    ).rejects.toMatchObject({
      name: 'InvalidChangeBatch',
      message:
        "[The request contains an invalid set of changes for a resource record set 'CNAME db.example.com.', Tried to create resource record set [name='db.example.com.', type='CNAME'] but it already exists]",
    })
    await expect(
      batch([
        {
          Action: 'DELETE',
          ResourceRecordSet: {Name: 'db.example.com', Type: 'CNAME', TTL: 300, ResourceRecords: [{Value: WRITER_USE1}]},
        },
        {
          Action: 'DELETE',
          ResourceRecordSet: {Name: 'gone.example.com', Type: 'A', TTL: 300, ResourceRecords: [{Value: '192.0.2.1'}]},
        },
        upsert({Name: 'ip.example.com', Type: 'A', TTL: 300, ResourceRecords: [{Value: 'not-an-ip'}]}),
        upsert({Name: 'elsewhere.example.org', Type: 'A', TTL: 300, ResourceRecords: [{Value: '192.0.2.1'}]}),
      ]),
    ).rejects.toMatchObject({
      name: 'InvalidChangeBatch',
      message: expect.stringMatching(
        /^\[Tried to delete resource record set \[name='db.example.com.', type='CNAME'\] but the values provided do not match the current values, Tried to delete resource record set \[name='gone.example.com.', type='A'\] but it was not found, Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address .*, RRSet with DNS name elsewhere.example.org. is not permitted in zone example.com.\]$/,
      ),
      $metadata: {httpStatusCode: 400},
    })
    // A CNAME beside other records of its name, and an A record where a CNAME is.
    await expect(
      batch([upsert({Name: 'example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: 'x.example.net'}]})]),
    ).rejects.toMatchObject({message: expect.stringContaining('is not permitted at apex in zone example.com.')})
    await expect(
      batch([upsert({Name: 'db.example.com', Type: 'A', TTL: 60, ResourceRecords: [{Value: '192.0.2.1'}]})]),
    ).rejects.toMatchObject({message: expect.stringContaining('conflicting RRSet of type CNAME')})
    // A simple record where weighted ones are, and an alias to CloudFront that evaluates target health.
    await expect(
      batch([upsert({Name: 'api.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: API_USE1}]})]),
    ).rejects.toMatchObject({name: 'InvalidChangeBatch'})
    await expect(
      batch([
        upsert({
          Name: 'cdn.example.com',
          Type: 'A',
          AliasTarget: {HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net', EvaluateTargetHealth: true},
        }),
      ]),
    ).rejects.toMatchObject({name: 'InvalidChangeBatch'})
    expect(await records(route53, zoneId, 'db.example.com.', 'CNAME')).toEqual([
      {Name: 'db.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: WRITER_USE1}]},
    ])
    expect((await readCallLog(sandbox.home)).filter((call) => call.status === 200 && call.mutating)).toEqual([])
  })

  it('replaces a record with DELETE then CREATE in one batch, and adds an alias to a record of the zone', async () => {
    const {zoneId, route53} = await seeded()
    const current: ResourceRecordSet = {
      Name: 'db.example.com.',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{Value: WRITER_USE1}],
    }
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {Action: 'DELETE', ResourceRecordSet: current},
            {Action: 'CREATE', ResourceRecordSet: {...current, ResourceRecords: [{Value: WRITER_USW2}]}},
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'shop.example.com',
                Type: 'A',
                AliasTarget: {HostedZoneId: zoneId, DNSName: 'www.example.com', EvaluateTargetHealth: false},
              },
            },
          ],
        },
      }),
    )
    expect((await records(route53, zoneId, 'db.example.com.'))[0]?.ResourceRecords).toEqual([{Value: WRITER_USW2}])
    await expect(
      route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              upsert({
                Name: 'broken.example.com',
                Type: 'A',
                AliasTarget: {HostedZoneId: zoneId, DNSName: 'nothing.example.com', EvaluateTargetHealth: false},
              }),
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({message: expect.stringContaining('but that target was not found')})
  })

  it('refuses malformed changes with InvalidInput: a weight without a set identifier, values and an alias', async () => {
    const {zoneId, route53} = await seeded()
    const one = (set: ResourceRecordSet) =>
      route53.send(new ChangeResourceRecordSetsCommand({HostedZoneId: zoneId, ChangeBatch: {Changes: [upsert(set)]}}))
    await expect(
      one({Name: 'w.example.com', Type: 'CNAME', Weight: 10, TTL: 60, ResourceRecords: [{Value: 'x'}]}),
    ).rejects.toMatchObject({
      name: 'InvalidInput',
      message:
        "Invalid request: Missing field 'SetIdentifier' in Change with [Action=UPSERT, Name=w.example.com, Type=CNAME]",
    })
    await expect(
      one({
        Name: 'w.example.com',
        Type: 'A',
        TTL: 60,
        ResourceRecords: [{Value: '192.0.2.1'}],
        AliasTarget: {HostedZoneId: zoneId, DNSName: 'www.example.com', EvaluateTargetHealth: false},
      }),
    ).rejects.toMatchObject({name: 'InvalidInput', message: expect.stringContaining('but found more than one')})
    await expect(
      one({Name: 'w.example.com', Type: 'CNAME', SetIdentifier: 'a', TTL: 60, ResourceRecords: [{Value: 'x'}]}),
    ).rejects.toMatchObject({name: 'InvalidInput', message: expect.stringContaining('but found none')})
    await expect(
      route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: 'Z0NOSUCHZONE',
          ChangeBatch: {
            Changes: [upsert({Name: 'x.example.com', Type: 'A', TTL: 1, ResourceRecords: [{Value: '192.0.2.1'}]})],
          },
        }),
      ),
    ).rejects.toMatchObject({name: 'NoSuchHostedZone'})
  })

  it('under the zone-busy fault, a change while an earlier one is PENDING is PriorRequestNotComplete', async () => {
    const {zoneId, route53} = await seeded()
    await setFault(sandbox.home, {kind: 'zone-busy', hostedZoneId: `/hostedzone/${zoneId}`}, {now: sandbox.now})
    const change = (value: string) =>
      route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [upsert({Name: 'db.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{Value: value}]})],
          },
        }),
      )
    await change(WRITER_USW2)
    await expect(change(WRITER_USE1)).rejects.toMatchObject({
      name: 'PriorRequestNotComplete',
      $metadata: {httpStatusCode: 400},
    })
    sandbox.clock.advanceWorldSeconds(41)
    await change(WRITER_USE1)
    await expect(setFault(sandbox.home, {kind: 'zone-busy', hostedZoneId: 'Z0NOPE'})).rejects.toMatchObject({
      code: 'bad-fault',
      hint: `hosted zones: ${zoneId}`,
    })
  })
})

describe('Route 53 failover records and private zones', () => {
  it('keeps one PRIMARY and one SECONDARY per name and type; a private zone names its VPC', async () => {
    const {zoneId, route53} = await seeded()
    const failover = (setIdentifier: string, role: 'PRIMARY' | 'SECONDARY', value: string): ResourceRecordSet => ({
      Name: 'writer.example.com',
      Type: 'CNAME',
      SetIdentifier: setIdentifier,
      Failover: role,
      TTL: 30,
      HealthCheckId: `hc-${setIdentifier}`,
      ResourceRecords: [{Value: value}],
    })
    const batch = (changes: Change[]) =>
      route53.send(new ChangeResourceRecordSetsCommand({HostedZoneId: zoneId, ChangeBatch: {Changes: changes}}))
    await batch([upsert(failover('use1', 'PRIMARY', WRITER_USE1)), upsert(failover('usw2', 'SECONDARY', WRITER_USW2))])
    expect(
      (await records(route53, zoneId, 'writer.example.com.')).map((set) => [set.SetIdentifier, set.Failover]),
    ).toEqual([
      ['use1', 'PRIMARY'],
      ['usw2', 'SECONDARY'],
    ])
    await expect(batch([upsert(failover('other', 'PRIMARY', API_USE1))])).rejects.toMatchObject({
      name: 'InvalidChangeBatch',
      message: expect.stringContaining('cannot have a second PRIMARY failover record'),
    })

    const privateZone = await mutateWorld(sandbox.home, (world) =>
      seedHostedZone(world, {name: 'internal.example', vpc: {id: 'vpc-0abc', region: 'us-west-2'}}),
    )
    const described = await route53.send(new GetHostedZoneCommand({Id: privateZone.id}))
    expect(described.HostedZone?.Config?.PrivateZone).toBe(true)
    expect(described.VPCs).toEqual([{VPCRegion: 'us-west-2', VPCId: 'vpc-0abc'}])
    expect(described.DelegationSet).toBeUndefined()
  })
})

describe('Route 53 control plane', () => {
  it('serves a call signed for any Region as us-east-1, where its control plane is: that Region’s outage takes it down', async () => {
    const {zoneId, route53} = await seeded('eu-west-1')
    await route53.send(new GetHostedZoneCommand({Id: zoneId}))
    expect((await readCallLog(sandbox.home)).at(-1)).toMatchObject({region: 'us-east-1', service: 'route53'})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    await expect(route53.send(new GetHostedZoneCommand({Id: zoneId}))).rejects.toMatchObject({code: 'ECONNRESET'})
    await clearFaults(sandbox.home, 'region-outage', {now: sandbox.now})

    await setFault(sandbox.home, {kind: 'control-plane-outage', service: 'route53'}, {now: sandbox.now})
    await expect(route53.send(new GetHostedZoneCommand({Id: zoneId}))).rejects.toMatchObject({code: 'ECONNRESET'})
    expect((await readCallLog(sandbox.home)).at(-1)).toMatchObject({status: 0, fault: 'control-plane-outage'})
    await clearFaults(sandbox.home, 'control-plane-outage', {now: sandbox.now})
    expect((await route53.send(new GetHostedZoneCommand({Id: zoneId}))).HostedZone?.Name).toBe('example.com.')
  })
})

describe('seedHostedZone', () => {
  it('refuses records Route 53 would refuse, and a second zone with the same id', async () => {
    sandbox = await startTestSandbox()
    await expect(
      mutateWorld(sandbox.home, (world) =>
        seedHostedZone(world, {
          name: 'example.net',
          records: [{name: 'a.example.net', type: 'A', values: ['999.1.1.1']}],
        }),
      ),
    ).rejects.toThrow(SandboxError)
    await mutateWorld(sandbox.home, (world) => {
      const zone = seedHostedZone(world, {name: 'internal.example', vpc: {id: 'vpc-0abc', region: 'us-east-1'}})
      expect(() => seedHostedZone(world, {name: 'other.example', id: zone.id})).toThrow(/already has a hosted zone/)
      expect(world.route53.hostedZones).toHaveLength(1)
    })
  })
})
