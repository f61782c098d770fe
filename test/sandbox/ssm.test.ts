import {readFileSync, writeFileSync} from 'node:fs'

import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm'
import {afterEach, describe, expect, it} from 'vitest'

import {
  clearFaults,
  describeWorld,
  readCallLog,
  readWorld,
  sandboxPaths,
  setFault,
} from '../../src/lib/sandbox/index.js'
import {drctlSession, startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox
afterEach(async () => sandbox?.close())

const ssm = (region: string) => sandbox.client((config) => new SSMClient(config), region)
const put = (region: string, input: PutParameterCommandInput) => ssm(region).send(new PutParameterCommand(input))
const get = (region: string, Name: string, WithDecryption?: boolean) =>
  ssm(region)
    .send(new GetParameterCommand({Name, WithDecryption}))
    .then((out) => out.Parameter)

describe('SSM PutParameter and GetParameter', () => {
  it('creates a parameter (Type required), then overwrites it only when told to, one version more each time', async () => {
    sandbox = await startTestSandbox()
    await expect(put('us-east-1', {Name: '/retail/dr/active', Value: 'us-east-1'})).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'A parameter type is required when you create a parameter.',
    })
    expect(await put('us-east-1', {Name: '/retail/dr/active', Value: 'us-east-1', Type: 'String'})).toMatchObject({
      Version: 1,
      Tier: 'Standard',
    })
    expect(await get('us-east-1', '/retail/dr/active')).toEqual({
      Name: '/retail/dr/active',
      Type: 'String',
      Value: 'us-east-1',
      Version: 1,
      LastModifiedDate: new Date(sandbox.now()),
      ARN: 'arn:aws:ssm:us-east-1:111122223333:parameter/retail/dr/active',
      DataType: 'text',
    })

    await expect(
      put('us-east-1', {Name: '/retail/dr/active', Value: 'us-west-2', Type: 'String'}),
    ).rejects.toMatchObject({
      name: 'ParameterAlreadyExists',
      $metadata: {httpStatusCode: 400},
    })
    expect((await get('us-east-1', '/retail/dr/active'))?.Value).toBe('us-east-1')
    sandbox.clock.advanceMs(1000)
    expect(await put('us-east-1', {Name: '/retail/dr/active', Value: 'us-west-2', Overwrite: true})).toMatchObject({
      Version: 2,
    })
    expect(await put('us-east-1', {Name: '/retail/dr/active', Value: 'us-west-2', Overwrite: true})).toMatchObject({
      Version: 3,
    })
    expect(await get('us-east-1', '/retail/dr/active')).toMatchObject({
      Type: 'String',
      Value: 'us-west-2',
      Version: 3,
      LastModifiedDate: new Date(sandbox.now()),
    })
    // A version selector names the current version or none.
    expect((await get('us-east-1', '/retail/dr/active:3'))?.Selector).toBe(':3')
    await expect(get('us-east-1', '/retail/dr/active:1')).rejects.toMatchObject({name: 'ParameterVersionNotFound'})
    expect((await get('us-east-1', 'arn:aws:ssm:us-east-1:111122223333:parameter/retail/dr/active'))?.Value).toBe(
      'us-west-2',
    )
  })

  it('keeps parameters per Region, and answers ParameterNotFound elsewhere', async () => {
    sandbox = await startTestSandbox()
    await put('us-east-1', {Name: 'flag', Value: 'on', Type: 'String'})
    await expect(get('us-west-2', 'flag')).rejects.toMatchObject({
      name: 'ParameterNotFound',
      $fault: 'client',
      $metadata: {httpStatusCode: 400},
    })
    await expect(get('us-west-2', 'arn:aws:ssm:us-east-1:111122223333:parameter/flag')).rejects.toMatchObject({
      name: 'ParameterNotFound',
    })
    await put('us-west-2', {Name: 'flag', Value: 'off', Type: 'String'})
    expect((await get('us-east-1', 'flag'))?.Value).toBe('on')
    expect((await get('us-west-2', 'flag'))?.Value).toBe('off')
    const view = await describeWorld(sandbox.home, {now: sandbox.now})
    expect(view.ssm.regions['us-west-2']?.parameters).toEqual([
      {name: 'flag', type: 'String', version: 1, lastModified: new Date(sandbox.now()).toISOString()},
    ])
  })

  it('stores StringList and SecureString values; a SecureString reads back only with decryption', async () => {
    sandbox = await startTestSandbox()
    await put('us-west-2', {Name: '/retail/regions', Value: 'us-east-1,us-west-2', Type: 'StringList'})
    expect(await get('us-west-2', '/retail/regions')).toMatchObject({Type: 'StringList', Value: 'us-east-1,us-west-2'})
    await put('us-west-2', {Name: '/retail/db/password', Value: 'hunter2', Type: 'SecureString'})
    const hidden = await get('us-west-2', '/retail/db/password')
    expect(hidden?.Type).toBe('SecureString')
    expect(hidden?.Value).not.toContain('hunter2')
    expect((await get('us-west-2', '/retail/db/password', true))?.Value).toBe('hunter2')
    await expect(put('us-west-2', {Name: '/retail/x', Value: 'v', Type: 'Secret' as 'String'})).rejects.toMatchObject({
      name: 'ValidationException',
    })
    await expect(put('us-west-2', {Name: 'a/b', Value: 'v', Type: 'String'})).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter name must be a fully qualified name.',
    })
    await expect(put('us-west-2', {Name: '/aws/reserved', Value: 'v', Type: 'String'})).rejects.toMatchObject({
      name: 'ValidationException',
    })
    await expect(
      put('us-west-2', {Name: '/retail/big', Value: 'x'.repeat(4097), Type: 'String'}),
    ).rejects.toMatchObject({name: 'ValidationException'})
  })

  it('deletes a parameter; deleting or reading it again is ParameterNotFound', async () => {
    sandbox = await startTestSandbox()
    await put('us-east-1', {Name: '/retail/flag', Value: 'on', Type: 'String'})
    await ssm('us-east-1').send(new DeleteParameterCommand({Name: '/retail/flag'}))
    await expect(get('us-east-1', '/retail/flag')).rejects.toMatchObject({name: 'ParameterNotFound'})
    await expect(ssm('us-east-1').send(new DeleteParameterCommand({Name: '/retail/flag'}))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    })
    // Created afresh, it starts again at version 1.
    expect(await put('us-east-1', {Name: '/retail/flag', Value: 'off', Type: 'String'})).toMatchObject({Version: 1})
    const log = await readCallLog(sandbox.home)
    expect(log.map((entry) => [entry.service, entry.operation, entry.mutating, entry.status])).toEqual([
      ['ssm', 'PutParameter', true, 200],
      ['ssm', 'DeleteParameter', true, 200],
      ['ssm', 'GetParameter', false, 400],
      ['ssm', 'DeleteParameter', true, 400],
      ['ssm', 'PutParameter', true, 200],
    ])
  })
})

describe('SSM GetParameters and GetParametersByPath', () => {
  it('reads a batch, naming the missing ones; reads one level of a path or all of it, in pages', async () => {
    sandbox = await startTestSandbox()
    for (const name of ['/retail/a', '/retail/b', '/retail/deep/c', '/other/d']) {
      await put('us-east-1', {Name: name, Value: name.toUpperCase(), Type: 'String'})
    }
    const batch = await ssm('us-east-1').send(new GetParametersCommand({Names: ['/retail/a', '/retail/nope']}))
    expect(batch.Parameters?.map((parameter) => parameter.Value)).toEqual(['/RETAIL/A'])
    expect(batch.InvalidParameters).toEqual(['/retail/nope'])

    const byPath = (Path: string, Recursive?: boolean, MaxResults?: number, NextToken?: string) =>
      ssm('us-east-1').send(new GetParametersByPathCommand({Path, Recursive, MaxResults, NextToken}))
    expect((await byPath('/retail')).Parameters?.map((parameter) => parameter.Name)).toEqual(['/retail/a', '/retail/b'])
    const first = await byPath('/retail/', true, 2)
    expect(first.Parameters?.map((parameter) => parameter.Name)).toEqual(['/retail/a', '/retail/b'])
    const second = await byPath('/retail/', true, 2, first.NextToken)
    expect(second.Parameters?.map((parameter) => parameter.Name)).toEqual(['/retail/deep/c'])
    expect(second.NextToken).toBeUndefined()
    await expect(byPath('retail')).rejects.toMatchObject({name: 'ValidationException'})
  })
})

describe('SSM and the sandbox', () => {
  it('suffers Region outages and throttling as every regional service does', async () => {
    sandbox = await startTestSandbox()
    await put('us-west-2', {Name: 'flag', Value: 'on', Type: 'String'})
    await setFault(sandbox.home, {kind: 'region-outage', region: 'us-west-2'}, {now: sandbox.now})
    await expect(get('us-west-2', 'flag')).rejects.toThrow(/socket hang up|ECONNRESET/)
    await expect(get('us-east-1', 'flag')).rejects.toMatchObject({name: 'ParameterNotFound'})
    await clearFaults(sandbox.home, undefined, {now: sandbox.now})

    await setFault(sandbox.home, {kind: 'throttle', rate: 1}, {now: sandbox.now})
    await expect(get('us-west-2', 'flag')).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: {httpStatusCode: 400},
    })
    await clearFaults(sandbox.home, undefined, {now: sandbox.now})
    expect((await get('us-west-2', 'flag'))?.Value).toBe('on')
    const outage = (await readCallLog(sandbox.home)).find((entry) => entry.fault === 'region-outage')
    expect(outage).toMatchObject({service: 'ssm', region: 'us-west-2', operation: 'GetParameter', status: 0})
  })

  it('loads a world saved before SSM existed with no parameters, not as corrupt, and keeps what is put', async () => {
    sandbox = await startTestSandbox()
    const path = sandboxPaths(sandbox.home).world
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
    delete saved.ssm
    writeFileSync(path, JSON.stringify(saved))
    expect((await readWorld(sandbox.home))?.ssm).toEqual({parameters: []})
    await expect(get('us-east-1', 'flag')).rejects.toMatchObject({name: 'ParameterNotFound'})
    await put('us-east-1', {Name: 'flag', Value: 'on', Type: 'String'})
    expect(JSON.parse(readFileSync(path, 'utf8')).ssm.parameters).toHaveLength(1)

    writeFileSync(path, JSON.stringify({...saved, ssm: 'nonsense'}))
    await expect(readWorld(sandbox.home)).rejects.toMatchObject({code: 'corrupt-world'})
  })

  it('serves drctl’s own SSM adapter through a session pointed at the sandbox, as --sandbox makes it', async () => {
    sandbox = await startTestSandbox()
    const session = drctlSession(sandbox, {connectTimeoutMs: 2000, callTimeoutMs: 2000, arcEndpointTimeoutMs: 2000})
    const port = session.ssm('us-west-2')
    expect(await port.getParameter('/retail/dr/active')).toBeUndefined()
    expect(await port.putParameter({name: '/retail/dr/active', value: 'us-west-2', type: 'String'})).toMatchObject({
      version: 1,
      requestId: expect.any(String),
    })
    expect(await port.putParameter({name: '/retail/dr/active', value: 'us-east-1', type: 'String'})).toMatchObject({
      version: 2,
    })
    expect(await port.getParameter('/retail/dr/active')).toEqual({
      name: '/retail/dr/active',
      value: 'us-east-1',
      type: 'String',
      version: 2,
    })
  })
})
