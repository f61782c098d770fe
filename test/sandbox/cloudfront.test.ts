import {
  CloudFrontClient,
  type DistributionConfig,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront'
import {afterEach, describe, expect, it} from 'vitest'

import {clearFaults, describeWorld, mutateWorld, readCallLog, setFault} from '../../src/lib/sandbox/index.js'
import {seedDistribution} from '../../src/lib/sandbox/services/cloudfront/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'
import {API_USE1, API_USW2, seedTraffic} from './traffic-world.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

async function seeded() {
  sandbox = await startTestSandbox()
  const {distributionId} = await seedTraffic(sandbox)
  const cloudfront = sandbox.client((config) => new CloudFrontClient(config), 'us-east-1')
  const read = () => cloudfront.send(new GetDistributionConfigCommand({Id: distributionId}))
  const update = (config: DistributionConfig, ifMatch: string | undefined) =>
    cloudfront.send(new UpdateDistributionCommand({Id: distributionId, IfMatch: ifMatch, DistributionConfig: config}))
  return {id: distributionId, cloudfront, read, update}
}

/** The configuration read, with the primary origin pointed at `domain`. */
function repointed(config: DistributionConfig | undefined, domain: string): DistributionConfig {
  const copy = structuredClone(config) as DistributionConfig
  const origin = copy.Origins?.Items?.find((candidate) => candidate.Id === 'api-use1')
  if (!origin) throw new Error('no origin api-use1')
  origin.DomainName = domain
  return copy
}

describe('CloudFront distributions', () => {
  it('answers a seeded distribution and its configuration with one ETag; lists it', async () => {
    const {id, cloudfront, read} = await seeded()
    expect(id).toMatch(/^E[A-Z0-9]{13}$/)
    const {Distribution, ETag} = await cloudfront.send(new GetDistributionCommand({Id: id}))
    expect(ETag).toMatch(/^E[A-Z0-9]{13}$/)
    expect(Distribution).toMatchObject({
      Id: id,
      ARN: `arn:aws:cloudfront::111122223333:distribution/${id}`,
      Status: 'Deployed',
      DomainName: expect.stringMatching(/^d[a-z0-9]{13}\.cloudfront\.net$/),
      DistributionConfig: {
        Comment: 'orders API',
        Enabled: true,
        Origins: {
          Quantity: 2,
          Items: [
            expect.objectContaining({Id: 'api-use1', DomainName: API_USE1, OriginPath: '/prod'}),
            expect.objectContaining({Id: 'api-usw2', DomainName: API_USW2}),
          ],
        },
        OriginGroups: {
          Quantity: 1,
          Items: [
            expect.objectContaining({
              Id: 'api',
              Members: {Quantity: 2, Items: [{OriginId: 'api-use1'}, {OriginId: 'api-usw2'}]},
              FailoverCriteria: {StatusCodes: {Quantity: 4, Items: [500, 502, 503, 504]}},
            }),
          ],
        },
        DefaultCacheBehavior: expect.objectContaining({TargetOriginId: 'api'}),
      },
    })
    expect(Distribution?.LastModifiedTime).toBeInstanceOf(Date)
    const config = await read()
    expect(config.ETag).toBe(ETag)
    expect(config.DistributionConfig).toEqual(Distribution?.DistributionConfig)
    const list = await cloudfront.send(new ListDistributionsCommand({}))
    expect(list.DistributionList).toMatchObject({Quantity: 1, IsTruncated: false})
    expect(list.DistributionList?.Items?.[0]).toMatchObject({
      Id: id,
      ETag,
      Status: 'Deployed',
      Comment: 'orders API',
      Origins: {Quantity: 2},
    })
    await expect(cloudfront.send(new GetDistributionCommand({Id: 'ENOSUCHDISTRIB'}))).rejects.toMatchObject({
      name: 'NoSuchDistribution',
      $metadata: {httpStatusCode: 404},
    })
  })

  it('updates with If-Match the current ETag: the config is replaced, InProgress, then Deployed once deployed', async () => {
    const {id, cloudfront, read, update} = await seeded()
    const before = await read()
    const changed = repointed(before.DistributionConfig, API_USW2)
    changed.Comment = 'orders API, moved'
    // The new configuration replaces the old one: what it leaves out is gone.
    changed.OriginGroups = {Quantity: 0}
    changed.DefaultCacheBehavior = {...changed.DefaultCacheBehavior, TargetOriginId: 'api-use1'} as never
    const updated = await update(changed, before.ETag)
    expect(updated.ETag).not.toBe(before.ETag)
    expect(updated.Distribution).toMatchObject({Status: 'InProgress'})
    const after = await read()
    expect(after.ETag).toBe(updated.ETag)
    expect(after.DistributionConfig?.Origins?.Items?.[0]?.DomainName).toBe(API_USW2)
    expect(after.DistributionConfig?.Comment).toBe('orders API, moved')
    expect(after.DistributionConfig?.OriginGroups).toEqual({Quantity: 0})

    sandbox.clock.advanceWorldSeconds(299)
    expect((await cloudfront.send(new GetDistributionCommand({Id: id}))).Distribution?.Status).toBe('InProgress')
    sandbox.clock.advanceWorldSeconds(2)
    expect((await cloudfront.send(new GetDistributionCommand({Id: id}))).Distribution?.Status).toBe('Deployed')
    // Unchanged, the configuration read goes back as it came.
    const again = await read()
    await update(again.DistributionConfig as DistributionConfig, again.ETag)
  })

  it('keeps the ETag rule: a stale ETag is PreconditionFailed, none is InvalidIfMatchVersion; nothing changes', async () => {
    const {read, update} = await seeded()
    const first = await read()
    await update(repointed(first.DistributionConfig, API_USW2), first.ETag)
    await expect(
      update(repointed(first.DistributionConfig, 'elsewhere.example.com'), first.ETag),
    ).rejects.toMatchObject({name: 'PreconditionFailed', $metadata: {httpStatusCode: 412}})
    await expect(update(repointed(first.DistributionConfig, 'elsewhere.example.com'), undefined)).rejects.toMatchObject(
      {
        name: 'InvalidIfMatchVersion',
        $metadata: {httpStatusCode: 400},
      },
    )
    expect((await read()).DistributionConfig?.Origins?.Items?.[0]?.DomainName).toBe(API_USW2)
  })

  it('refuses configurations CloudFront refuses: lists whose Quantity disagrees, unknown origins, a new CallerReference', async () => {
    const {read, update} = await seeded()
    const {DistributionConfig: config, ETag} = await read()
    const inconsistent = structuredClone(config) as DistributionConfig
    inconsistent.Origins = {...inconsistent.Origins, Quantity: 3} as never
    await expect(update(inconsistent, ETag)).rejects.toMatchObject({name: 'InconsistentQuantities'})

    const unknownTarget = structuredClone(config) as DistributionConfig
    unknownTarget.DefaultCacheBehavior = {...unknownTarget.DefaultCacheBehavior, TargetOriginId: 'nope'} as never
    await expect(update(unknownTarget, ETag)).rejects.toMatchObject({name: 'NoSuchOrigin'})

    const groupOfOne = structuredClone(config) as DistributionConfig
    const group = groupOfOne.OriginGroups?.Items?.[0]
    if (group) group.Members = {Quantity: 1, Items: [{OriginId: 'api-use1'}]}
    await expect(update(groupOfOne, ETag)).rejects.toMatchObject({name: 'InvalidArgument'})

    await expect(update({...(config as DistributionConfig), CallerReference: 'another'}, ETag)).rejects.toMatchObject({
      name: 'IllegalUpdate',
    })
    expect((await read()).ETag).toBe(ETag)
  })

  it('under the distribution-stuck fault an update stays InProgress until the fault is cleared', async () => {
    const {id, cloudfront, read, update} = await seeded()
    await setFault(sandbox.home, {kind: 'distribution-stuck', distributionId: id}, {now: sandbox.now})
    const first = await read()
    await update(repointed(first.DistributionConfig, API_USW2), first.ETag)
    sandbox.clock.advanceWorldSeconds(3600)
    expect((await cloudfront.send(new GetDistributionCommand({Id: id}))).Distribution?.Status).toBe('InProgress')
    expect((await describeWorld(sandbox.home, {now: sandbox.now})).faults.map((fault) => fault.description)).toEqual([
      `distribution-stuck ${id} (stays InProgress)`,
    ])
    await clearFaults(sandbox.home, 'distribution-stuck', {now: sandbox.now})
    expect((await cloudfront.send(new GetDistributionCommand({Id: id}))).Distribution?.Status).toBe('Deployed')
    await expect(
      setFault(sandbox.home, {kind: 'distribution-stuck', distributionId: 'E0NOPE'}, {now: sandbox.now}),
    ).rejects.toMatchObject({code: 'bad-fault', hint: `distributions: ${id}`})
  })

  it('has its control plane in us-east-1, whatever Region a call is signed for; control-plane-outage takes it down alone', async () => {
    const {id} = await seeded()
    const elsewhere = sandbox.client((config) => new CloudFrontClient(config), 'ap-southeast-2')
    expect((await elsewhere.send(new GetDistributionCommand({Id: id}))).Distribution?.Id).toBe(id)
    expect((await readCallLog(sandbox.home)).at(-1)).toMatchObject({region: 'us-east-1', service: 'cloudfront'})
    await setFault(sandbox.home, {kind: 'control-plane-outage', service: 'cloudfront'}, {now: sandbox.now})
    await expect(elsewhere.send(new GetDistributionCommand({Id: id}))).rejects.toMatchObject({code: 'ECONNRESET'})
  })
})

describe('seedDistribution', () => {
  it('refuses an origin group that names an origin the distribution does not have', async () => {
    sandbox = await startTestSandbox()
    await expect(
      mutateWorld(sandbox.home, (world) =>
        seedDistribution(
          world,
          {
            comment: 'broken',
            origins: [{id: 'a', domainName: API_USE1}],
            originGroups: [{id: 'g', members: ['a', 'b']}],
          },
          sandbox.now(),
        ),
      ),
    ).rejects.toThrow(/distribution E[A-Z0-9]{13}: One or more of your origins or origin groups do not exist/)
  })
})
