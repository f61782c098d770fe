import {afterAll, describe, expect, it} from 'vitest'

import type {RecordSet} from '../../../src/lib/aws/ports.js'
import type {Clock} from '../../../src/lib/core/clock.js'
import type {StepConfig} from '../../../src/lib/config/steps.js'
import {startRun} from '../../../src/lib/runbook/engine.js'
import type {Step} from '../../../src/lib/runbook/types.js'
import {appStep, FAILED_CONTROL_PLANE_DEADLINE_MS} from '../../../src/lib/runbooks/app-steps/kinds.js'
import {FakeAws} from '../../fakes/aws.js'
import {twoRegionState} from '../../fakes/state.js'
import {testConfig} from '../../fakes/topology.js'
import {tempHome} from '../../helpers/cli.js'
import {driveStep, engineContext, stepContext, stepMove, stepsPlan} from './step-context.js'

const ZONE = 'Z0123456789ABC'
const REGIONS = ['us-east-1', 'us-west-2']

const stepOf = (yaml: string): StepConfig => {
  const [step] = testConfig(`steps:\n${yaml}`).steps
  if (!step) throw new Error('no step')
  return step
}

const simple = stepOf(`  - id: writer-dns
    kind: route53-record
    hostedZoneId: /hostedzone/${ZONE}
    name: db.example.com
    type: CNAME
    regions:
      us-east-1: {value: orders-use1.cluster-abc.us-east-1.rds.amazonaws.com}
      us-west-2: {value: orders-usw2.cluster-def.us-west-2.rds.amazonaws.com}
`)

const weighted = stepOf(`  - id: api-weights
    kind: route53-record
    hostedZoneId: ${ZONE}
    name: api.example.com
    type: CNAME
    routing: weighted
    regions:
      us-east-1: {setIdentifier: use1}
      us-west-2: {setIdentifier: usw2}
`)

const weightedRecord = (setIdentifier: string, weight: number, value: string): RecordSet => ({
  name: 'api.example.com.',
  type: 'CNAME',
  setIdentifier,
  weight,
  ttl: 300,
  values: [value],
  healthCheckId: `hc-${setIdentifier}`,
})

function fakeWith(records: RecordSet[]): FakeAws {
  const aws = new FakeAws(twoRegionState())
  aws.state.hostedZones = {
    [ZONE]: [...records, {name: 'other.example.com.', type: 'CNAME', ttl: 60, values: ['elsewhere.example.com']}],
  }
  return aws
}

const zone = (aws: FakeAws) => aws.state.hostedZones?.[ZONE] ?? []

describe('route53-record step (simple)', () => {
  it('UPSERTs the target Region’s value, waits until INSYNC, reads it back; a second run changes nothing', async () => {
    const aws = fakeWith([
      {
        name: 'db.example.com.',
        type: 'CNAME',
        ttl: 300,
        values: ['orders-use1.cluster-abc.us-east-1.rds.amazonaws.com'],
        healthCheckId: 'hc-db',
      },
    ])
    const step = appStep({step: simple, move: stepMove()}, REGIONS)
    const ctx = stepContext(aws)
    expect(await driveStep(step, ctx)).toMatchObject({state: 'pending'})
    expect(zone(aws).find((record) => record.name === 'db.example.com')).toEqual({
      name: 'db.example.com',
      type: 'CNAME',
      ttl: 60,
      values: ['orders-usw2.cluster-def.us-west-2.rds.amazonaws.com'],
      healthCheckId: 'hc-db',
    })
    expect(aws.calls.map((call) => `${call.operation} ${call.region}`)).toEqual([
      'ListResourceRecordSets us-east-1',
      'ListResourceRecordSets us-east-1',
      'ChangeResourceRecordSets us-east-1',
      'GetChange us-east-1',
      'GetChange us-east-1',
      'ListResourceRecordSets us-east-1',
    ])
    const writes = aws.mutatingCalls().length
    const again = appStep({step: simple, move: stepMove()}, REGIONS)
    expect(await again.check(stepContext(aws))).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(writes)
  })

  it('creates the record when it is absent, and points an alias at the target', async () => {
    const alias = stepOf(`  - id: www
    kind: route53-record
    hostedZoneId: ${ZONE}
    name: www.example.com
    type: A
    regions:
      us-east-1: {alias: {dnsName: api-use1.elb.amazonaws.com, hostedZoneId: Z35SXDOTRQ7X7K}}
      us-west-2: {alias: {dnsName: api-usw2.elb.amazonaws.com, hostedZoneId: Z1H1FL5HABSF5, evaluateTargetHealth: true}}
`)
    const aws = fakeWith([])
    await driveStep(appStep({step: alias, move: stepMove()}, REGIONS), stepContext(aws))
    expect(zone(aws).find((record) => record.name === 'www.example.com')).toEqual({
      name: 'www.example.com',
      type: 'A',
      values: [],
      alias: {dnsName: 'api-usw2.elb.amazonaws.com', hostedZoneId: 'Z1H1FL5HABSF5', evaluateTargetHealth: true},
    })
  })

  it('a value that differs only in case or the trailing dot is already set', async () => {
    const aws = fakeWith([
      {
        name: 'DB.example.com.',
        type: 'CNAME',
        ttl: 60,
        values: ['Orders-USW2.cluster-def.us-west-2.rds.amazonaws.com.'],
      },
    ])
    expect(await appStep({step: simple, move: stepMove()}, REGIONS).check(stepContext(aws))).toMatchObject({
      state: 'done',
    })
  })

  it('lists its one call, in us-east-1 whatever the move, for --dry-run', () => {
    expect(appStep({step: simple, move: stepMove({to: 'us-east-1', from: ['us-west-2']})}, REGIONS).describe()).toEqual(
      [
        {
          service: 'Route 53',
          operation: 'ChangeResourceRecordSets',
          region: 'us-east-1',
          detail: `UPSERT db.example.com CNAME → orders-use1.cluster-abc.us-east-1.rds.amazonaws.com, zone ${ZONE}`,
        },
      ],
    )
  })

  it('a hosted zone that does not exist fails the check, naming the step, before any change', async () => {
    const aws = new FakeAws(twoRegionState())
    await expect(appStep({step: simple, move: stepMove()}, REGIONS).check(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: `step writer-dns: Route 53 hosted zone ${ZONE} does not exist`,
    })
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('fails verification when the record reads back otherwise (changed by someone else meanwhile)', async () => {
    const aws = fakeWith([])
    const step = appStep({step: simple, move: stepMove()}, REGIONS)
    const ctx = stepContext(aws)
    await step.run(ctx)
    const record = zone(aws).find((candidate) => candidate.name === 'db.example.com')
    if (record) record.values = ['somewhere-else.example.com']
    await expect(step.verify(ctx)).rejects.toMatchObject({
      code: 'DRCTL_VERIFY_FAILED',
      message: expect.stringContaining('orders-usw2.cluster-def.us-west-2.rds.amazonaws.com'),
    })
  })
})

describe('route53-record step (weighted)', () => {
  it('sets weight 100 on the target’s record and 0 on the others in one batch, keeping values, TTL and health checks', async () => {
    const aws = fakeWith([
      weightedRecord('use1', 100, 'api-use1.example.com'),
      weightedRecord('usw2', 0, 'api-usw2.example.com'),
    ])
    const step = appStep({step: weighted, move: stepMove()}, REGIONS)
    const ctx = stepContext(aws)
    expect(await driveStep(step, ctx)).toMatchObject({
      state: 'pending',
      note: 'to set: use1 weight 0 api-use1.example.com; usw2 weight 100 api-usw2.example.com',
    })
    expect(aws.mutatingCalls()).toHaveLength(1)
    expect(zone(aws).filter((record) => record.name.startsWith('api'))).toEqual([
      {...weightedRecord('use1', 0, 'api-use1.example.com'), name: 'api.example.com'},
      {...weightedRecord('usw2', 100, 'api-usw2.example.com'), name: 'api.example.com'},
    ])
    expect(await appStep({step: weighted, move: stepMove()}, REGIONS).check(stepContext(aws))).toMatchObject({
      state: 'done',
    })
    expect(aws.mutatingCalls()).toHaveLength(1)
  })

  it('describes the whole batch with each record’s Region', () => {
    expect(appStep({step: weighted, move: stepMove()}, REGIONS).describe()).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        detail: `UPSERT api.example.com CNAME weights use1 (us-east-1) 0, usw2 (us-west-2) 100 in one batch, zone ${ZONE}`,
      }),
    ])
  })

  it('a Region’s record that does not exist, with no value in drctl.yaml, fails naming its set identifier', async () => {
    const aws = fakeWith([weightedRecord('use1', 100, 'api-use1.example.com')])
    await expect(appStep({step: weighted, move: stepMove()}, REGIONS).check(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_NOT_FOUND',
      message: expect.stringContaining('no record with set identifier usw2 (the record of us-west-2)'),
    })
  })

  it('resumes after each call: after the change it only waits for INSYNC; after INSYNC it is done', async () => {
    const aws = fakeWith([
      weightedRecord('use1', 100, 'api-use1.example.com'),
      weightedRecord('usw2', 0, 'api-usw2.example.com'),
    ])
    aws.settlesAfterReads = 2
    const records: Record<string, unknown> = {}
    const first = stepContext(aws, records)
    const recording = {...first, record: (key: string, value: unknown) => (records[key] = value)}
    await appStep({step: weighted, move: stepMove()}, REGIONS).run(recording)
    // The process died here. The resumed run rebuilds the step and reads the journaled change id.
    const resumed = appStep({step: weighted, move: stepMove()}, REGIONS)
    const ctx = stepContext(aws, records)
    expect(await resumed.check(ctx)).toMatchObject({state: 'in-progress'})
    await resumed.wait!(ctx)
    expect(await resumed.check(ctx)).toMatchObject({state: 'done'})
    expect(aws.mutatingCalls()).toHaveLength(1)
  })
})

describe('route53-record step: failures', () => {
  it('tries the change again while Route 53 still processes a prior one (PriorRequestNotComplete)', async () => {
    const aws = fakeWith([])
    aws.fail('Route 53', 'us-east-1', {
      kind: 'throttling',
      code: 'PriorRequestNotComplete',
      operation: 'ChangeResourceRecordSets',
      times: 2,
    })
    const progress: string[] = []
    const ctx = {...stepContext(aws), progress: (message: string) => progress.push(message)}
    await appStep({step: simple, move: stepMove()}, REGIONS).run(ctx)
    expect(aws.mutatingCalls()).toHaveLength(3)
    expect(progress.slice(0, 2)).toEqual([
      expect.stringContaining('PriorRequestNotComplete: trying again'),
      expect.stringContaining('PriorRequestNotComplete: trying again'),
    ])
  })

  it('gives up on a zone that stays busy, with Route 53’s error', async () => {
    const aws = fakeWith([])
    aws.fail('Route 53', 'us-east-1', {
      kind: 'throttling',
      code: 'PriorRequestNotComplete',
      operation: 'ChangeResourceRecordSets',
    })
    await expect(appStep({step: simple, move: stepMove()}, REGIONS).run(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_THROTTLED',
      awsCode: 'PriorRequestNotComplete',
    })
    expect(aws.mutatingCalls()).toHaveLength(6)
  })

  it('does not retry a refusal', async () => {
    const aws = fakeWith([])
    aws.fail('Route 53', 'us-east-1', {kind: 'access', operation: 'ChangeResourceRecordSets'})
    await expect(appStep({step: simple, move: stepMove()}, REGIONS).run(stepContext(aws))).rejects.toMatchObject({
      code: 'DRCTL_AWS_ACCESS_DENIED',
    })
    expect(aws.mutatingCalls()).toHaveLength(1)
  })

  it('a change that never gets INSYNC times out (resumable)', async () => {
    const aws = fakeWith([])
    aws.settlesAfterReads = Number.POSITIVE_INFINITY
    const step = appStep({step: {...simple, timeoutMs: 60_000}, move: stepMove()}, REGIONS)
    const records: Record<string, unknown> = {}
    const ctx = {...stepContext(aws, records), record: (key: string, value: unknown) => (records[key] = value)}
    await step.run(ctx)
    await expect(step.wait!(stepContext(aws, records))).rejects.toMatchObject({
      code: 'DRCTL_TIMEOUT',
      message: expect.stringContaining('INSYNC'),
    })
  })
})

const {home, cleanup} = tempHome('drctl-route53-step-')
afterAll(cleanup)

/** The deadline's sleep passes at once; every other sleep hangs until aborted (a control plane that does not answer). */
const deadlinePasses: Clock = {
  scale: 1,
  now: () => Date.parse('2026-12-03T03:00:00Z'),
  sleep: (ms, signal) =>
    ms === FAILED_CONTROL_PLANE_DEADLINE_MS
      ? Promise.resolve()
      : new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), {once: true})),
}

function runPlan(aws: FakeAws, items: Step[]) {
  const plan = {...stepsPlan('unplanned', items), excludedRegions: ['us-east-1']}
  const identity = {
    topology: 'r53',
    topologyKey: `test:r53:${Math.random()}`,
    configPath: '/x',
    sandbox: true,
    flags: {},
  }
  return startRun(plan, identity, {...engineContext(home, aws), clock: deadlinePasses})
}

describe('route53-record step in an unplanned failover away from us-east-1 (its control plane)', () => {
  const unplanned = stepMove({failedRegions: ['us-east-1']})
  const parameter = stepOf(`  - id: writer-flag
    kind: ssm-parameter
    name: /retail/writer
    value: "{{target}}"
`)

  it('gets the short deadline; past it, it is deferred and the run goes on with a follow-up', async () => {
    const aws = fakeWith([])
    aws.fail('Route 53', 'us-east-1', {kind: 'network'})
    const dns = appStep({step: simple, move: unplanned}, REGIONS)
    expect(dns.deadline).toMatchObject({ms: FAILED_CONTROL_PLANE_DEADLINE_MS, onMiss: 'defer'})
    const outcome = await runPlan(aws, [dns, appStep({step: parameter, move: unplanned}, REGIONS)])
    expect(outcome.outcome).toBe('completed')
    expect(outcome.steps.map((step) => `${step.id} ${step.status}`)).toEqual([
      'step.writer-dns deferred',
      'step.writer-flag done',
    ])
    expect(aws.state.parameters?.['us-west-2']?.['/retail/writer']?.value).toBe('us-west-2')
    expect(aws.mutatingCalls().filter((call) => call.service === 'Route 53')).toEqual([])
  })

  it('a required one stops the run instead (resumable)', async () => {
    const aws = fakeWith([])
    aws.fail('Route 53', 'us-east-1', {kind: 'network'})
    const dns = appStep({step: {...simple, required: true}, move: unplanned}, REGIONS)
    expect(dns.deadline).toMatchObject({onMiss: 'stop'})
    await expect(runPlan(aws, [dns])).rejects.toMatchObject({code: 'DRCTL_TIMEOUT'})
  })

  it('has no deadline in a planned move, nor when the failed Region is not its control plane', () => {
    expect(appStep({step: simple, move: stepMove()}, REGIONS).deadline).toBeUndefined()
    expect(
      appStep(
        {step: simple, move: stepMove({to: 'us-east-1', from: ['us-west-2'], failedRegions: ['us-west-2']})},
        REGIONS,
      ).deadline,
    ).toBeUndefined()
  })
})
