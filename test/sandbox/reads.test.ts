import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {DescribeGlobalClustersCommand, SwitchoverGlobalClusterCommand} from '@aws-sdk/client-rds'
import {afterEach, describe, expect, it} from 'vitest'

import {readWorld, sandboxPaths} from '../../src/lib/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

let sandbox: TestSandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

const writerOf = async (sandbox: TestSandbox) => {
  const {GlobalClusters} = await sandbox
    .rds('us-east-1')
    .send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: 'orders-global'}))
  return GlobalClusters?.[0]?.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn
}

describe('sandbox reads', () => {
  it('answer while another process holds the world lock', async () => {
    sandbox = await startTestSandbox()
    const lock = sandboxPaths(sandbox.home).lock
    mkdirSync(lock)
    // A live holder (this very process), so the lock is not stale: a write would wait for it.
    writeFileSync(join(lock, 'owner'), `${process.pid} held-by-the-test`)
    try {
      expect(await writerOf(sandbox)).toContain(':cluster:orders-use1')
    } finally {
      rmSync(lock, {recursive: true, force: true})
    }
  })

  it('see what came due since the last write, as the next write will', async () => {
    sandbox = await startTestSandbox()
    const target = (await readWorld(sandbox.home))!.rds.clusters.find((cluster) => cluster.id === 'orders-usw2')!.arn
    await sandbox.rds('us-east-1').send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'orders-global',
        TargetDbClusterIdentifier: target,
      }),
    )
    sandbox.clock.advanceWorldSeconds(600)
    expect(await writerOf(sandbox)).toBe(target)
    // The read saved nothing: the file still has the switchover pending until a write brings it up to date.
    const saved = (await readWorld(sandbox.home))!.rds.globalClusters.find((global) => global.id === 'orders-global')
    expect(saved?.members.find((member) => member.isWriter)?.clusterArn).not.toBe(target)
  })
})
