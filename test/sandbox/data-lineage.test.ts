import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {clusterCut, detachData, lineageOf, recordFailoverLoss} from '../../src/lib/sandbox/data/lineage.js'
import {appendLog, entriesOf, lostEntries} from '../../src/lib/sandbox/data/log.js'
import {positional} from '../../src/lib/sandbox/data/parameters.js'
import {applyFault} from '../../src/lib/sandbox/faults.js'
import {buildWorld} from '../../src/lib/sandbox/scenario.js'
import type {ClusterRecord, GlobalClusterRecord, World} from '../../src/lib/sandbox/world.js'

// The replication model on a clock the test states: no database engine, only logs and cuts.
const T0 = Date.UTC(2024, 4, 1, 12)
const seconds = (s: number) => T0 + s * 1000

let home: string
let world: World
let global: GlobalClusterRecord
let primary: ClusterRecord
let secondary: ClusterRecord

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'drctl-data-'))
  world = buildWorld('two-region', 1, T0)
  global = world.rds.globalClusters.find((candidate) => candidate.id === 'orders-global') as GlobalClusterRecord
  primary = world.rds.clusters.find((cluster) => cluster.id === 'orders-use1') as ClusterRecord
  secondary = world.rds.clusters.find((cluster) => cluster.id === 'orders-usw2') as ClusterRecord
  applyFault(world, {kind: 'lag', globalCluster: 'orders-global', region: 'us-west-2', ms: 5000}, T0)
})
afterEach(() => rmSync(home, {recursive: true, force: true}))

const sqlOf = async (cut: Parameters<typeof entriesOf>[1]) => (await entriesOf(home, cut)).map((entry) => entry.sql)

async function write(sql: string, at: number) {
  await appendLog(home, lineageOf(world, primary).key, primary.arn, at, [{sql}])
}

describe('sandbox data lineage', () => {
  it('shows a secondary only what was committed before its lag; the writer everything', async () => {
    await write('a', seconds(0))
    await write('b', seconds(10))
    expect(await sqlOf(clusterCut(world, secondary, seconds(12)))).toEqual(['a'])
    expect(await sqlOf(clusterCut(world, secondary, seconds(16)))).toEqual(['a', 'b'])
    expect(await sqlOf(clusterCut(world, primary, seconds(10)))).toEqual(['a', 'b'])
  })

  it('commits in log order even when a clock runs behind', async () => {
    await write('a', seconds(10))
    await write('b', seconds(9))
    const entries = await entriesOf(home, clusterCut(world, primary, seconds(10)))
    expect(entries.map((entry) => [entry.seq, entry.at])).toEqual([
      [1, seconds(10)],
      [2, seconds(10)],
    ])
  })

  it('drops exactly the old primary’s writes after the cut-off minus the lag; its old volume keeps them', async () => {
    await write('a', seconds(0))
    await write('b', seconds(10))
    await write('c', seconds(14))
    const oldVolume = recordFailoverLoss(
      global,
      {
        kind: 'failover',
        fromArn: primary.arn,
        toArn: secondary.arn,
        startedAt: seconds(20),
        phaseAt: seconds(38),
        completesAt: seconds(110),
        dataLossMs: 5000,
        dataCutOff: seconds(12),
      },
      seconds(110),
    )
    for (const member of global.members) member.isWriter = member.clusterArn === secondary.arn
    expect(await sqlOf(clusterCut(world, secondary, seconds(200)))).toEqual(['a'])
    expect(
      (await lostEntries(home, lineageOf(world, secondary).key, global.data?.losses ?? [])).map((e) => e.sql),
    ).toEqual(['b', 'c'])
    expect(await sqlOf(oldVolume)).toEqual(['a', 'b', 'c'])
  })

  it('gives a detached cluster what had replicated to it, then a log of its own', async () => {
    await write('a', seconds(0))
    await write('b', seconds(10))
    detachData(world, secondary, seconds(12))
    await write('c', seconds(13))
    await appendLog(home, lineageOf(world, secondary).key, secondary.arn, seconds(14), [{sql: 'd'}])
    expect(await sqlOf(clusterCut(world, secondary, seconds(100)))).toEqual(['a', 'd'])
    expect(await sqlOf(clusterCut(world, primary, seconds(100)))).toEqual(['a', 'b', 'c'])
  })
})

describe('Data API parameters', () => {
  it('numbers named parameters outside quotes and comments, with casts for type hints', () => {
    const {text, values} = positional('SELECT \':skip\', "a:b", x::text, :id, :at -- :no\n, :id', [
      {name: 'id', value: {longValue: 7}},
      {name: 'at', value: {stringValue: '2024-05-01 12:00:00'}, typeHint: 'TIMESTAMP'},
    ])
    expect(text).toBe('SELECT \':skip\', "a:b", x::text, $1, $2::timestamp -- :no\n, $1')
    expect(values).toEqual([7, '2024-05-01 12:00:00'])
    expect(() => positional('SELECT :missing')).toThrow('No value specified for parameter: missing')
  })
})
