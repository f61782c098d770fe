/**
 * drctl's own Route 53, CloudFront and Global Accelerator adapters (AwsSession) against the sandbox: the
 * route53-record, cloudfront-origin and global-accelerator-dial steps driven as the engine drives them (check → run →
 * wait → verify), on a fast world whose clock moves only when a step sleeps.
 */
import {afterEach, describe, expect, it} from 'vitest'

import type {StepConfig} from '../../src/lib/config/steps.js'
import type {StepContext} from '../../src/lib/runbook/types.js'
import {appStep} from '../../src/lib/runbooks/app-steps/kinds.js'
import type {StepMove} from '../../src/lib/runbooks/app-steps/move.js'
import {clearFaults, readCallLog, readWorld, setFault} from '../../src/lib/sandbox/index.js'
import {testConfig} from '../fakes/topology.js'
import {driveStep, stepMove} from '../lib/runbooks/step-context.js'
import {drctlSession, startTestSandbox, type TestSandbox, worldClock} from '../helpers/sandbox.js'
import {API_USW2, seedTraffic, type TrafficWorld, WRITER_USE1, WRITER_USW2} from './traffic-world.js'

const TIME_SCALE = 0.01
const REGIONS = ['us-east-1', 'us-west-2']

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

const move = stepMove()

async function start(options: {readOnly?: boolean} = {}) {
  sandbox = await startTestSandbox({timeScale: TIME_SCALE})
  const traffic = await seedTraffic(sandbox)
  const session = drctlSession(sandbox, {
    connectTimeoutMs: 2000,
    arcEndpointTimeoutMs: 2000,
    readOnly: options.readOnly ?? false,
    clock: worldClock(sandbox, TIME_SCALE),
  })
  const progress: string[] = []
  const recorded = new Map<string, unknown>()
  const ctx: StepContext = {
    runId: 'sandbox-run',
    aws: session,
    clock: worldClock(sandbox, TIME_SCALE),
    signal: new AbortController().signal,
    progress: (message) => progress.push(message),
    record: (key, value) => recorded.set(key, value),
    recorded: (key) => recorded.get(key) as never,
    followUp: () => {},
    approvals: async () => [],
  }
  return {traffic, ctx, progress}
}

function stepOf(yaml: string): StepConfig {
  const [step] = testConfig(`steps:\n${yaml}`).steps
  if (!step) throw new Error('no step')
  return step
}

const dnsStep = (traffic: TrafficWorld) =>
  stepOf(`  - id: writer-dns
    kind: route53-record
    hostedZoneId: /hostedzone/${traffic.zoneId}
    name: db.example.com
    type: CNAME
    regions:
      us-east-1: {value: ${WRITER_USE1}}
      us-west-2: {value: ${WRITER_USW2}}
`)

const weightedStep = (traffic: TrafficWorld) =>
  stepOf(`  - id: api-weights
    kind: route53-record
    hostedZoneId: ${traffic.zoneId}
    name: api.example.com
    type: CNAME
    routing: weighted
    regions:
      us-east-1: {setIdentifier: use1}
      us-west-2: {setIdentifier: usw2}
`)

const originStep = (traffic: TrafficWorld, timeout = '') =>
  stepOf(`  - id: api-origin
    kind: cloudfront-origin
    distributionId: ${traffic.distributionId}
    originGroupId: api${timeout}
    regions:
      us-east-1: {domain: abc123.execute-api.us-east-1.amazonaws.com}
      us-west-2: {domain: ${API_USW2}}
`)

const dialStep = (traffic: TrafficWorld) =>
  stepOf(`  - id: dials
    kind: global-accelerator-dial
    acceleratorArn: ${traffic.accelerator.arn}
    regions:
      us-east-1: {endpointGroupArn: ${traffic.accelerator.endpointGroupArns['us-east-1']}}
      us-west-2: {endpointGroupArn: ${traffic.accelerator.endpointGroupArns['us-west-2']}}
`)

const mutating = async () =>
  (await readCallLog(sandbox.home)).filter((call) => call.mutating).map((call) => `${call.operation} ${call.region}`)

describe('application steps through drctl’s adapters against the sandbox', () => {
  it('route53-record: UPSERTs the writer CNAME, waits until INSYNC, reads it back; run again it is done', async () => {
    const {traffic, ctx, progress} = await start()
    const step = appStep({step: dnsStep(traffic), move}, REGIONS)
    const began = sandbox.now()
    expect(await driveStep(step, ctx)).toMatchObject({state: 'pending'})
    // GetChange was polled until INSYNC, 40 world seconds after the change.
    expect(sandbox.now() - began).toBeGreaterThanOrEqual(40_000 * TIME_SCALE)
    expect(progress.filter((message) => / PENDING$/.test(message)).length).toBeGreaterThan(0)
    const zone = (await readWorld(sandbox.home))?.route53.hostedZones[0]
    expect(zone?.records.find((record) => record.name === 'db.example.com.')).toEqual({
      name: 'db.example.com.',
      type: 'CNAME',
      ttl: 60,
      values: [WRITER_USW2],
    })
    expect(await appStep({step: dnsStep(traffic), move}, REGIONS).check(ctx)).toMatchObject({state: 'done'})
    expect(await mutating()).toEqual(['ChangeResourceRecordSets us-east-1'])
  })

  it('route53-record (weighted): weight 100 on the target’s set, 0 on the other, in one batch', async () => {
    const {traffic, ctx} = await start()
    await driveStep(appStep({step: weightedStep(traffic), move}, REGIONS), ctx)
    const zone = (await readWorld(sandbox.home))?.route53.hostedZones[0]
    expect(
      zone?.records
        .filter((record) => record.name === 'api.example.com.')
        .map((record) => [record.setIdentifier, record.weight]),
    ).toEqual([
      ['use1', 0],
      ['usw2', 100],
    ])
    expect(await mutating()).toEqual(['ChangeResourceRecordSets us-east-1'])
  })

  it('route53-record retries PriorRequestNotComplete while the zone is busy, until the earlier change is INSYNC', async () => {
    const {traffic, ctx, progress} = await start()
    await driveStep(appStep({step: weightedStep(traffic), move}, REGIONS), ctx)
    await setFault(sandbox.home, {kind: 'zone-busy', hostedZoneId: traffic.zoneId}, {now: sandbox.now})
    // The weights change is INSYNC: change them back, then move the writer record while that change is PENDING.
    const back: StepMove = {...move, to: 'us-east-1', from: ['us-west-2']}
    const weightsBack = appStep({step: weightedStep(traffic), move: back}, REGIONS)
    expect(await weightsBack.check(ctx)).toMatchObject({state: 'pending'})
    await weightsBack.run(ctx)
    await driveStep(appStep({step: dnsStep(traffic), move}, REGIONS), ctx)
    expect(progress.some((message) => message.startsWith('PriorRequestNotComplete: trying again'))).toBe(true)
    const calls = (await readCallLog(sandbox.home)).filter((call) => call.operation === 'ChangeResourceRecordSets')
    expect(calls.map((call) => call.errorCode ?? call.status)).toContain('PriorRequestNotComplete')
    expect(calls.at(-1)?.status).toBe(200)
  })

  it('cloudfront-origin: repoints the origin group’s primary with If-Match, waits until Deployed, reads it back', async () => {
    const {traffic, ctx} = await start()
    const step = appStep({step: originStep(traffic), move}, REGIONS)
    const began = sandbox.now()
    expect(await driveStep(step, ctx)).toMatchObject({state: 'pending'})
    expect(sandbox.now() - began).toBeGreaterThanOrEqual(300_000 * TIME_SCALE)
    const distribution = (await readWorld(sandbox.home))?.cloudfront.distributions[0]
    const origin = distribution?.config
      .find((element) => element.name === 'Origins')
      ?.children.find((element) => element.name === 'Items')
      ?.children[0]?.children.find((element) => element.name === 'DomainName')
    expect(origin?.text).toBe(API_USW2)
    expect(await appStep({step: originStep(traffic), move}, REGIONS).check(ctx)).toMatchObject({state: 'done'})
    expect(await mutating()).toEqual(['UpdateDistribution us-east-1'])
  })

  it('cloudfront-origin: a distribution stuck InProgress times the wait out (resumable); done once it deploys', async () => {
    const {traffic, ctx} = await start()
    await setFault(
      sandbox.home,
      {kind: 'distribution-stuck', distributionId: traffic.distributionId},
      {now: sandbox.now},
    )
    const step = appStep({step: originStep(traffic, '\n    timeoutMs: 1800000'), move}, REGIONS)
    await expect(driveStep(step, ctx)).rejects.toMatchObject({code: 'DRCTL_TIMEOUT'})
    const resumed = appStep({step: originStep(traffic), move}, REGIONS)
    expect(await resumed.check(ctx)).toMatchObject({state: 'in-progress'})
    await clearFaults(sandbox.home, 'distribution-stuck', {now: sandbox.now})
    expect(await resumed.check(ctx)).toMatchObject({state: 'done'})
    expect(await mutating()).toEqual(['UpdateDistribution us-east-1'])
  })

  it('global-accelerator-dial: the target raised to 100 before the other is lowered to 0, then DEPLOYED', async () => {
    const {traffic, ctx} = await start()
    await driveStep(appStep({step: dialStep(traffic), move}, REGIONS), ctx)
    const groups = (await readWorld(sandbox.home))?.globalaccelerator.accelerators[0]?.listeners[0]?.endpointGroups
    expect(groups?.map((group) => [group.region, group.trafficDialPercentage, group.endpoints.length])).toEqual([
      ['us-east-1', 0, 1],
      ['us-west-2', 100, 1],
    ])
    const updates = (await readCallLog(sandbox.home)).filter((call) => call.operation === 'UpdateEndpointGroup')
    expect(updates.map((call) => call.region)).toEqual(['us-west-2', 'us-west-2'])
    expect(await appStep({step: dialStep(traffic), move}, REGIONS).check(ctx)).toMatchObject({state: 'done'})
  })

  it('a dry run (read-only session) checks every step and changes nothing', async () => {
    const {traffic, ctx} = await start({readOnly: true})
    for (const step of [dnsStep(traffic), weightedStep(traffic), originStep(traffic), dialStep(traffic)]) {
      expect(await appStep({step, move}, REGIONS).check(ctx)).toMatchObject({state: 'pending'})
    }
    expect(await mutating()).toEqual([])
  })

  it('a control plane that is down fails the check; the other services still answer', async () => {
    const {traffic, ctx} = await start()
    await setFault(sandbox.home, {kind: 'control-plane-outage', service: 'route53'}, {now: sandbox.now})
    await expect(appStep({step: dnsStep(traffic), move}, REGIONS).check(ctx)).rejects.toMatchObject({
      kind: 'network',
    })
    expect(await appStep({step: originStep(traffic), move}, REGIONS).check(ctx)).toMatchObject({state: 'pending'})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2'}, {now: sandbox.now})
    await expect(appStep({step: dialStep(traffic), move}, REGIONS).check(ctx)).rejects.toMatchObject({
      kind: 'network',
    })
  })

  it('a resource that does not exist fails the check, naming the step', async () => {
    const {traffic, ctx} = await start()
    const missingZone = stepOf(`  - id: gone
    kind: route53-record
    hostedZoneId: Z0NOSUCHZONE
    name: db.example.com
    type: CNAME
    regions:
      us-east-1: {value: a.example.com}
      us-west-2: {value: b.example.com}
`)
    await expect(appStep({step: missingZone, move}, REGIONS).check(ctx)).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: 'step gone: Route 53 hosted zone Z0NOSUCHZONE does not exist',
    })
    const missingGroup = stepOf(`  - id: gone-origin
    kind: cloudfront-origin
    distributionId: ${traffic.distributionId}
    originGroupId: nope
    regions:
      us-east-1: {domain: a.example.com}
      us-west-2: {domain: b.example.com}
`)
    await expect(appStep({step: missingGroup, move}, REGIONS).check(ctx)).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
    })
    const missingDistribution = stepOf(`  - id: gone-distribution
    kind: cloudfront-origin
    distributionId: E0NOSUCHDISTRO
    originId: api-use1
    regions:
      us-east-1: {domain: a.example.com}
      us-west-2: {domain: b.example.com}
`)
    await expect(appStep({step: missingDistribution, move}, REGIONS).check(ctx)).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
    })
  })
})
