import {appendFileSync, copyFileSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {mutateWorld, readCallLog, readWorld} from '../../src/lib/sandbox/index.js'
import {API_USE1, API_USW2, seedTrafficWorld, WRITER_USE1, WRITER_USW2} from '../sandbox/traffic-world.js'
import {drctl, json, useSandbox} from '../helpers/e2e.js'

/** The sandbox's drctl.yaml with a DNS record, weighted records, a CloudFront origin and traffic dials to move. */
async function configWithTrafficSteps(home: string): Promise<string> {
  const traffic = await mutateWorld(home, (world) => seedTrafficWorld(world, Date.now()))
  const path = join(home, 'with-traffic.yaml')
  copyFileSync(join(home, 'sandbox', 'drctl.yaml'), path)
  appendFileSync(
    path,
    `steps:
  - id: writer-dns
    kind: route53-record
    hostedZoneId: ${traffic.zoneId}
    name: db.example.com
    type: CNAME
    regions:
      us-east-1: {value: ${WRITER_USE1}}
      us-west-2: {value: ${WRITER_USW2}}
  - id: api-weights
    kind: route53-record
    hostedZoneId: ${traffic.zoneId}
    name: api.example.com
    type: CNAME
    routing: weighted
    regions:
      us-east-1: {setIdentifier: use1}
      us-west-2: {setIdentifier: usw2}
  - id: api-origin
    kind: cloudfront-origin
    distributionId: ${traffic.distributionId}
    originGroupId: api
    regions:
      us-east-1: {domain: ${API_USE1}, originPath: /prod}
      us-west-2: {domain: ${API_USW2}, originPath: /prod}
  - id: dials
    kind: global-accelerator-dial
    acceleratorArn: ${traffic.accelerator.arn}
    regions:
      us-east-1: {endpointGroupArn: ${traffic.accelerator.endpointGroupArns['us-east-1']}}
      us-west-2: {endpointGroupArn: ${traffic.accelerator.endpointGroupArns['us-west-2']}}
`,
  )
  return path
}

/** Where the world's traffic points now: the writer record, the weights, the primary origin, the dials. */
async function pointing(home: string) {
  const world = await readWorld(home)
  const records = world?.route53.hostedZones[0]?.records ?? []
  const origins = world?.cloudfront.distributions[0]?.config.find((element) => element.name === 'Origins')
  const primary = origins?.children
    .find((element) => element.name === 'Items')
    ?.children[0]?.children.find((element) => element.name === 'DomainName')?.text
  return {
    writer: records.find((record) => record.name === 'db.example.com.')?.values,
    weights: records.filter((record) => record.weight !== undefined).map((r) => `${r.setIdentifier} ${r.weight}`),
    primary,
    dials: world?.globalaccelerator.accelerators[0]?.listeners[0]?.endpointGroups.map(
      (group) => `${group.region} ${group.trafficDialPercentage}`,
    ),
  }
}

describe('traffic steps in a planned failover (built CLI, sandbox)', () => {
  const sandbox = useSandbox()
  let config: string
  beforeAll(async () => {
    config = await configWithTrafficSteps(sandbox.home)
  })

  it('a dry run lists the steps’ calls in their control-plane Regions and makes no mutating call', async () => {
    const before = (await readCallLog(sandbox.home)).length
    const dry = drctl(sandbox.home, ['failover', '-c', config, '--planned', '--to', 'us-west-2', '--dry-run', '--json'])
    expect(dry.status, dry.stderr).toBe(0)
    const planned = JSON.stringify(json(dry).result)
    expect(planned).toContain('ChangeResourceRecordSets')
    expect(planned).toContain('UpdateDistribution')
    expect(planned).toContain('UpdateEndpointGroup')
    const calls = (await readCallLog(sandbox.home)).slice(before)
    expect(calls.filter((call) => call.mutating)).toEqual([])
    expect(calls.some((call) => call.service === 'route53' && call.region === 'us-east-1')).toBe(true)
  })

  it('moves every step to the target Region and back, each write in its control plane’s Region', async () => {
    const before = (await readCallLog(sandbox.home)).length
    const there = drctl(sandbox.home, ['failover', '-c', config, '--planned', '--to', 'us-west-2', '--yes', '--json'])
    expect(there.status, there.stderr).toBe(0)
    expect(await pointing(sandbox.home)).toEqual({
      writer: [WRITER_USW2],
      weights: ['use1 0', 'usw2 100'],
      primary: API_USW2,
      dials: ['us-east-1 0', 'us-west-2 100'],
    })
    const writes = (await readCallLog(sandbox.home))
      .slice(before)
      .filter((call) => call.mutating && ['route53', 'cloudfront', 'globalaccelerator'].includes(call.service))
    expect(writes.map((call) => `${call.operation} ${call.region} ${call.status}`)).toEqual([
      'ChangeResourceRecordSets us-east-1 200',
      'ChangeResourceRecordSets us-east-1 200',
      'UpdateDistribution us-east-1 200',
      'UpdateEndpointGroup us-west-2 200',
      'UpdateEndpointGroup us-west-2 200',
    ])

    const status = drctl(sandbox.home, ['status', '-c', config, '--json'])
    expect(JSON.stringify(json(status).result)).toContain('api-origin')

    const back = drctl(sandbox.home, ['failover', '-c', config, '--planned', '--to', 'us-east-1', '--yes', '--json'])
    expect(back.status, back.stderr).toBe(0)
    expect(await pointing(sandbox.home)).toEqual({
      writer: [WRITER_USE1],
      weights: ['use1 100', 'usw2 0'],
      primary: API_USE1,
      dials: ['us-east-1 100', 'us-west-2 0'],
    })
  }, 120_000)
})

describe('traffic steps in an unplanned failover with us-east-1 down (built CLI, sandbox)', () => {
  const sandbox = useSandbox()

  it('defers the steps whose control plane is in us-east-1 as follow-ups; the dials (us-west-2) move', async () => {
    const config = await configWithTrafficSteps(sandbox.home)
    expect(drctl(sandbox.home, ['sandbox', 'fault', 'region-outage', 'us-east-1']).status).toBe(0)
    const before = (await readCallLog(sandbox.home)).length
    const run = drctl(sandbox.home, [
      'failover',
      '-c',
      config,
      '--unplanned',
      '--to',
      'us-west-2',
      '--yes',
      '--allow-data-loss',
      '--json',
    ])
    const result = json(run)
    expect(run.status, run.stderr).toBe(0)
    const statuses = Object.fromEntries(
      (result.result.steps as {id: string; status: string}[]).map((step) => [step.id, step.status]),
    )
    expect(statuses).toMatchObject({
      'step.writer-dns': 'deferred',
      'step.api-weights': 'deferred',
      'step.api-origin': 'deferred',
      'step.dials': 'done',
    })
    const report = readFileSync(result.result.reportPath, 'utf8')
    expect(report).toMatch(/step writer-dns \(route53-record\) was not done: its control plane is in us-east-1/)
    expect(report).toMatch(/step api-origin \(cloudfront-origin\) was not done: its control plane is in us-east-1/)
    expect(await pointing(sandbox.home)).toMatchObject({
      writer: [WRITER_USE1],
      primary: API_USE1,
      dials: ['us-east-1 0', 'us-west-2 100'],
    })
    const answered = (await readCallLog(sandbox.home))
      .slice(before)
      .filter((call) => call.region === 'us-east-1' && call.status !== 0)
    expect(answered).toEqual([])
  }, 120_000)
})
