import {DescribeTableCommand} from '@aws-sdk/client-dynamodb'
import {ListExperimentTemplatesCommand} from '@aws-sdk/client-fis'
import {DescribeGlobalClustersCommand} from '@aws-sdk/client-rds'
import {ListRoutingControlsCommand} from '@aws-sdk/client-route53-recovery-cluster'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {afterEach, describe, expect, it} from 'vitest'

import {
  clearFaults,
  describeWorld,
  type FaultInput,
  readCallLog,
  SandboxError,
  setFault,
} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

const listStates = (client: ReturnType<TestSandbox['arcData']>) => client.send(new ListRoutingControlsCommand({}))

describe('region-outage', () => {
  it('refuses every call to the Region (logged, nothing served) while other Regions answer', async () => {
    sandbox = await startTestSandbox()
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'}, {now: sandbox.now})
    const started = (await readCallLog(sandbox.home)).length
    await expect(sandbox.rds('us-east-1').send(new DescribeGlobalClustersCommand({}))).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    )
    await expect(sandbox.sts('us-east-1').send(new GetCallerIdentityCommand({}))).rejects.toThrow()
    expect((await sandbox.rds('us-west-2').send(new DescribeGlobalClustersCommand({}))).GlobalClusters).toHaveLength(2)
    expect(
      (await sandbox.dynamodb('us-west-2').send(new DescribeTableCommand({TableName: 'carts'}))).Table,
    ).toBeDefined()
    await expect(listStates(sandbox.arcData(1))).rejects.toMatchObject({code: 'ECONNRESET'})
    expect((await listStates(sandbox.arcData(2))).RoutingControls).toHaveLength(2)

    const calls = (await readCallLog(sandbox.home)).slice(started)
    const east = calls.filter((entry) => entry.region === 'us-east-1')
    expect(east.length).toBeGreaterThanOrEqual(2)
    expect(east.every((entry) => entry.status === 0 && entry.fault === 'region-outage')).toBe(true)
    expect(calls.filter((entry) => entry.region === 'us-west-2').every((entry) => entry.status === 200)).toBe(true)

    await clearFaults(sandbox.home, undefined, {now: sandbox.now})
    expect((await sandbox.rds('us-east-1').send(new DescribeGlobalClustersCommand({}))).GlobalClusters).toHaveLength(2)
    expect((await listStates(sandbox.arcData(1))).RoutingControls).toHaveLength(2)
  })

  it('can hang instead: calls to the Region never get an answer', async () => {
    sandbox = await startTestSandbox({requestTimeoutMs: 300})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2', mode: 'hang'}, {now: sandbox.now})
    const started = Date.now()
    await expect(
      sandbox.dynamodb('us-west-2').send(new DescribeTableCommand({TableName: 'carts'})),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    await expect(listStates(sandbox.arcData(2))).rejects.toMatchObject({name: 'TimeoutError'})
    expect(
      (await sandbox.dynamodb('us-east-1').send(new DescribeTableCommand({TableName: 'carts'}))).Table,
    ).toBeDefined()
    const hung = (await readCallLog(sandbox.home)).filter((entry) => entry.region === 'us-west-2')
    expect(hung.every((entry) => entry.status === 0 && entry.errorCode === 'NoAnswer')).toBe(true)
  })
})

describe('arc-endpoints-down', () => {
  it('with four of five endpoints refused, the fifth still answers', async () => {
    sandbox = await startTestSandbox()
    await setFault(sandbox.home, {kind: 'arc-endpoints-down', count: 4}, {now: sandbox.now})
    expect(sandbox.server.arcEndpoints().map((endpoint) => endpoint.mode)).toEqual([
      'refuse',
      'refuse',
      'refuse',
      'refuse',
      'up',
    ])
    for (const index of [1, 2, 3, 4]) {
      await expect(listStates(sandbox.arcData(index))).rejects.toMatchObject({code: 'ECONNRESET'})
    }
    expect((await listStates(sandbox.arcData(5))).RoutingControls).toHaveLength(2)
    await clearFaults(sandbox.home, 'arc-endpoints-down', {now: sandbox.now})
    for (const index of [1, 2, 3, 4, 5])
      expect((await listStates(sandbox.arcData(index))).RoutingControls).toHaveLength(2)
  })

  it('with four of five endpoints hanging, the fifth still answers', async () => {
    sandbox = await startTestSandbox({requestTimeoutMs: 300})
    await setFault(
      sandbox.home,
      {kind: 'arc-endpoints-down', regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'], mode: 'hang'},
      {now: sandbox.now},
    )
    await Promise.all(
      [1, 2, 3, 5].map((index) =>
        expect(listStates(sandbox.arcData(index))).rejects.toMatchObject({name: 'TimeoutError'}),
      ),
    )
    expect((await listStates(sandbox.arcData(4))).RoutingControls).toHaveLength(2)
  })
})

describe('throttle and latency', () => {
  it('answers with each service’s own throttling error', async () => {
    sandbox = await startTestSandbox()
    await setFault(sandbox.home, {kind: 'throttle', rate: 1}, {now: sandbox.now})
    await expect(sandbox.rds('us-east-1').send(new DescribeGlobalClustersCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
      $metadata: {httpStatusCode: 400},
    })
    await expect(
      sandbox.dynamodb('us-east-1').send(new DescribeTableCommand({TableName: 'carts'})),
    ).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: {httpStatusCode: 400},
    })
    await expect(sandbox.fis('us-east-1').send(new ListExperimentTemplatesCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: {httpStatusCode: 429},
    })
    await expect(listStates(sandbox.arcData(1))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: {httpStatusCode: 429},
    })
  })

  it('throttles the given fraction, which the SDK’s retries absorb', async () => {
    const draws = [0.1, 0.9]
    let draw = 0
    sandbox = await startTestSandbox({random: () => draws[draw++ % draws.length] as number, maxAttempts: 3})
    await setFault(sandbox.home, {kind: 'throttle', rate: 0.5}, {now: sandbox.now})
    const sts = sandbox.sts('us-east-1')
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111122223333')
    const calls = (await readCallLog(sandbox.home)).filter((entry) => entry.service === 'sts')
    expect(calls.map((entry) => [entry.status, entry.errorCode, entry.attempt])).toEqual([
      [400, 'Throttling', 1],
      [200, undefined, 2],
    ])
  })

  it('adds latency to every answer', async () => {
    sandbox = await startTestSandbox()
    await setFault(sandbox.home, {kind: 'latency', ms: 150}, {now: sandbox.now})
    const started = Date.now()
    await sandbox.sts('us-west-2').send(new GetCallerIdentityCommand({}))
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    const [entry] = (await readCallLog(sandbox.home)).slice(-1)
    expect(entry?.durationMs).toBeGreaterThanOrEqual(150)
  })
})

describe('fault validation', () => {
  it('rejects bad fault arguments with a SandboxError and a hint', async () => {
    sandbox = await startTestSandbox()
    const bad: FaultInput[] = [
      {kind: 'region-outage', region: 'us-east'},
      {kind: 'region-outage', region: 'sa-east-1'},
      {kind: 'arc-endpoints-down', count: 6},
      {kind: 'arc-endpoints-down', regions: ['eu-central-1']},
      {kind: 'throttle', rate: 1.5},
      {kind: 'throttle', rate: Number.NaN},
      {kind: 'latency', ms: -1},
      {kind: 'lag', globalCluster: 'nope', region: 'us-west-2', ms: 100},
      {kind: 'lag', globalCluster: 'orders-global', region: 'eu-west-1', ms: 100},
      {kind: 'stack-delete-fails', stack: 'nope'},
    ]
    for (const fault of bad) {
      await expect(setFault(sandbox.home, fault)).rejects.toMatchObject({name: 'SandboxError', code: 'bad-fault'})
    }
    await expect(clearFaults(sandbox.home, 'gremlins')).rejects.toBeInstanceOf(SandboxError)
    expect((await describeWorld(sandbox.home)).faults).toEqual([])
  })

  it('keeps one fault per kind and target, and clears by kind', async () => {
    sandbox = await startTestSandbox()
    await setFault(sandbox.home, {kind: 'throttle', rate: 0.2})
    await setFault(sandbox.home, {kind: 'throttle', rate: 0.4})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-east-1'})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2', mode: 'hang'})
    const {faults} = await setFault(sandbox.home, {
      kind: 'lag',
      globalCluster: 'ORDERS-GLOBAL',
      region: 'us-west-2',
      ms: 900,
    })
    expect(faults.map((fault) => fault.description)).toEqual([
      'throttle 0.4',
      'region-outage us-east-1 (refuse)',
      'region-outage us-west-2 (hang)',
      'lag orders-global us-west-2 900ms',
    ])
    const {cleared, faults: left} = await clearFaults(sandbox.home, 'region-outage')
    expect(cleared).toHaveLength(2)
    expect(left.map((fault) => fault.kind)).toEqual(['throttle', 'lag'])
  })
})
