import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {
  readCallLog,
  readWorld,
  resetSandbox,
  SANDBOX_CREDENTIALS,
  sandboxPaths,
  startInProcessSandbox,
  startSandboxServer,
} from '../../src/lib/sandbox/index.js'
import {repoRoot, waitUntil} from '../helpers/cli.js'
import {scenarioClusterArn} from '../helpers/sandbox.js'

let home: string
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'drctl-sandbox-persist-'))
})
afterEach(() => rmSync(home, {recursive: true, force: true}))

const rds = (endpoint: string, region: string) =>
  new RDSClient({region, endpoint, credentials: SANDBOX_CREDENTIALS, maxAttempts: 1})

/** Runs TypeScript in a second Node process (through tsx), with the sandbox module at hand as `sandbox`. */
function child(script: string): {
  output: Promise<string>
  stdout: () => string
  kill: () => void
  stdin: NodeJS.WritableStream
} {
  const source = `const sandbox = await import(${JSON.stringify(join(repoRoot, 'src/lib/sandbox/index.ts'))});\n${script}`
  const process_ = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    cwd: repoRoot,
    env: {...process.env, DRCTL_HOME: home},
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  process_.stdout.on('data', (chunk) => (stdout += String(chunk)))
  process_.stderr.on('data', (chunk) => (stderr += String(chunk)))
  const output = new Promise<string>((resolvePromise, reject) =>
    process_.on('close', (code) =>
      code === 0 ? resolvePromise(stdout) : reject(new Error(`child exited ${code}: ${stderr}`)),
    ),
  )
  return {output, stdout: () => stdout, kill: () => process_.kill(), stdin: process_.stdin}
}

describe('persistence across processes', () => {
  it('a switchover started through another process completes in this one, from the saved timestamps', async () => {
    await resetSandbox({home, timeScale: 0.01})
    const other = child(`
      const server = await sandbox.startSandboxServer({home: process.env.DRCTL_HOME})
      console.log(server.endpoint)
      process.stdin.on('end', async () => { await server.close(); process.exit(0) })
      process.stdin.resume()
    `)
    const endpoint = await waitUntil('the other process to listen', () => {
      const printed = other.stdout().trim()
      return printed.startsWith('http') && printed
    })
    const target = scenarioClusterArn('us-west-2', 'orders-usw2')
    const remote = rds(endpoint, 'us-east-1')
    await remote.send(
      new SwitchoverGlobalClusterCommand({GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: target}),
    )
    remote.destroy()
    other.stdin.end()
    await other.output

    const here = await startSandboxServer({home})
    const local = rds(here.endpoint, 'us-west-2')
    try {
      const first = (await local.send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: 'orders-global'})))
        .GlobalClusters?.[0]
      expect(first?.FailoverState?.ToDbClusterArn).toBe(target)
      const done = await waitUntil('the switchover to complete', async () => {
        const global = (await local.send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: 'orders-global'})))
          .GlobalClusters?.[0]
        return global?.Status === 'available' && global
      })
      expect(done?.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn).toBe(target)
    } finally {
      local.destroy()
      await here.close()
    }
  }, 30_000)

  it('concurrent changes from two processes all land in one valid world', async () => {
    await resetSandbox({home})
    const writes = 25
    const other = child(`
      for (let n = 0; n < ${writes}; n++) {
        await sandbox.mutateWorld(process.env.DRCTL_HOME, (world) => {
          world.history.push({at: Date.now(), event: 'child', summary: 'from the other process ' + n})
        })
      }
    `)
    let childDone = false
    void other.output.then(
      () => (childDone = true),
      () => (childDone = true),
    )
    const server = await startSandboxServer({home})
    const client = rds(server.endpoint, 'us-east-1')
    let created = 0
    try {
      // Keep writing for as long as the other process does, so that the two really overlap.
      while (!childDone || created < writes) {
        await Promise.all(
          Array.from({length: 5}, () =>
            client.send(
              new CreateDBClusterSnapshotCommand({
                DBClusterIdentifier: 'orders-use1',
                DBClusterSnapshotIdentifier: `concurrent-${created++}`,
              }),
            ),
          ),
        )
      }
      await other.output
    } finally {
      client.destroy()
      await server.close()
    }
    const world = await readWorld(home)
    expect(world?.rds.snapshots.filter((snapshot) => snapshot.id.startsWith('concurrent-'))).toHaveLength(created)
    expect(world?.history.filter((entry) => entry.event === 'child')).toHaveLength(writes)
    expect((await readCallLog(home)).filter((entry) => entry.operation === 'CreateDBClusterSnapshot')).toHaveLength(
      created,
    )
  }, 30_000)

  it('a running server applies faults switched on by another process while it runs', async () => {
    await resetSandbox({home})
    const server = await startSandboxServer({home, externalArcUrls: true})
    try {
      expect(server.arcEndpoints().map((endpoint) => endpoint.mode)).toEqual(['up', 'up', 'up', 'up', 'up'])
      const urls = server.arcEndpoints().map((endpoint) => endpoint.url)
      const other = child(`await sandbox.setFault(process.env.DRCTL_HOME, {kind: 'arc-endpoints-down', count: 2})`)
      await other.output
      const modes = await waitUntil('the fault to reach the server', () => {
        const current = server.arcEndpoints().map((endpoint) => endpoint.mode)
        return current[1] === 'refuse' && current
      })
      expect(modes).toEqual(['refuse', 'refuse', 'up', 'up', 'up'])
      const refused = await fetch(server.arcEndpoints()[0]?.url as string).then(
        () => 'answered',
        (error: Error & {cause?: {code?: string}}) => error.cause?.code,
      )
      // Reset, not refused: a down endpoint keeps its port, so no other process's listener can take it and answer.
      expect(refused).toBe('ECONNRESET')
      expect(server.arcEndpoints().map((endpoint) => endpoint.url)).toEqual(urls)
    } finally {
      await server.close()
    }
  }, 30_000)

  // A process killed between taking the lock and writing its owner file leaves the file empty: `kill(0, 0)` would say
  // "alive" (it signals the caller's own process group), so such a lock blocked every write until it was 30 s old.
  it.each([
    ['whose process died', '2147483646 dead-process'],
    ['with an owner file its killed process left empty', ''],
  ])('recovers a lock %s, for a write', async (_case, owner) => {
    await resetSandbox({home})
    const lock = sandboxPaths(home).lock
    mkdirSync(lock)
    writeFileSync(join(lock, 'owner'), owner)
    const takenBefore = new Date(Date.now() - 3000)
    utimesSync(lock, takenBefore, takenBefore)
    const server = await startSandboxServer({home})
    const client = rds(server.endpoint, 'us-east-1')
    try {
      const snapshot = await client.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: 'orders-use1',
          DBClusterSnapshotIdentifier: 'after-a-dead-lock',
        }),
      )
      expect(snapshot.DBClusterSnapshot?.DBClusterSnapshotIdentifier).toBe('after-a-dead-lock')
    } finally {
      client.destroy()
      await server.close()
    }
  })
})

describe('a corrupt world', () => {
  it('is reported with a hint to reset, and left exactly as it was', async () => {
    await resetSandbox({home})
    const path = sandboxPaths(home).world
    const damaged = `${readFileSync(path, 'utf8').slice(0, 500)}\n`
    writeFileSync(path, damaged)
    await expect(startInProcessSandbox({home})).rejects.toMatchObject({
      name: 'SandboxError',
      code: 'corrupt-world',
      hint: expect.stringContaining('drctl sandbox reset'),
    })

    const server = await startSandboxServer({home})
    const client = rds(server.endpoint, 'us-east-1')
    try {
      await expect(client.send(new DescribeGlobalClustersCommand({}))).rejects.toMatchObject({
        name: 'InternalFailure',
        $metadata: {httpStatusCode: 500},
      })
    } finally {
      client.destroy()
      await server.close()
    }
    expect(readFileSync(path, 'utf8')).toBe(damaged)

    writeFileSync(path, JSON.stringify({version: 99}))
    await expect(startInProcessSandbox({home})).rejects.toMatchObject({code: 'corrupt-world'})
    await resetSandbox({home})
    const sandbox = await startInProcessSandbox({home})
    await sandbox.close()
  })
})

describe('a world saved by an older drctl', () => {
  it('still loads when its records carry fields this drctl no longer writes (a cluster’s endpointHash)', async () => {
    await resetSandbox({home})
    const path = sandboxPaths(home).world
    const world = JSON.parse(readFileSync(path, 'utf8')) as {rds: {clusters: Record<string, unknown>[]}}
    for (const cluster of world.rds.clusters) cluster.endpointHash = 'abcdef012345'
    writeFileSync(path, JSON.stringify(world))
    const sandbox = await startInProcessSandbox({home})
    const client = rds(sandbox.endpoint, 'us-east-1')
    try {
      const out = await client.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'orders-use1'}))
      expect(out.DBClusters?.[0]?.Endpoint).toMatch(/^orders-use1\.cluster-/)
    } finally {
      client.destroy()
      await sandbox.close()
    }
  })
})

describe('startInProcessSandbox', () => {
  it('creates the default world and its drctl.yaml on first use, and maps canonical ARC URLs', async () => {
    const sandbox = await startInProcessSandbox({home})
    try {
      expect(sandbox.timeScale).toBe(0.1)
      expect(sandbox.configPath).toBe(sandboxPaths(home).config)
      expect(readFileSync(sandbox.configPath, 'utf8')).toContain('Generated by `drctl sandbox reset`')
      expect((await readWorld(home))?.scenario).toBe('two-region')
      expect(sandbox.arcEndpointUrl('https://arc5.ap-southeast-2.sandbox.drctl.invalid/v1')).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/v1$/,
      )
      const client = rds(sandbox.endpoint, 'us-east-1')
      expect((await client.send(new DescribeGlobalClustersCommand({}))).GlobalClusters).toHaveLength(2)
      client.destroy()
    } finally {
      await sandbox.close()
    }
  })

  it('writes the scenario’s drctl.yaml again when it is missing, keeping the world', async () => {
    await resetSandbox({home, scenario: 'three-region'})
    const before = readFileSync(sandboxPaths(home).world, 'utf8')
    rmSync(sandboxPaths(home).config)
    const sandbox = await startInProcessSandbox({home})
    await sandbox.close()
    expect(readFileSync(sandboxPaths(home).config, 'utf8')).toContain('(scenario three-region)')
    expect(readFileSync(sandboxPaths(home).world, 'utf8')).toBe(before)
  })
})
