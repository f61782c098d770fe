import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/load.js'
import {resetSandbox} from '../../src/lib/sandbox/index.js'

const homes: string[] = []
const home = () => {
  const dir = mkdtempSync(join(tmpdir(), 'drctl-scale-'))
  homes.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of homes.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('the scale scenario', () => {
  it('builds N global clusters with a member in each of R Regions, and a drctl.yaml naming them all', async () => {
    const result = await resetSandbox({
      home: home(),
      scenario: 'scale',
      size: {globalClusters: 12, regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']},
    })
    expect(result.regions).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'])
    expect(result.world.rds.clusters.map((cluster) => cluster.id)).toContain('orders-012-apse2')
    const globals = result.world.rds.globalClusters
    expect(globals.map((global) => global.id).slice(0, 2)).toEqual(['orders-001-global', 'orders-002-global'])
    expect(globals).toHaveLength(12)
    expect(globals.every((global) => global.members.length === 4)).toBe(true)
    const config = parseConfig(readFileSync(result.configPath, 'utf8'))
    expect(config.aurora.globalClusters).toHaveLength(12)
    expect(config.regions).toEqual(result.regions)
  })

  it('refuses a size outside its bounds, or a size for a fixed scenario', async () => {
    await expect(resetSandbox({home: home(), scenario: 'scale', size: {globalClusters: 501}})).rejects.toThrow(
      '--global-clusters must be a whole number from 1 to 500, not 501',
    )
    await expect(resetSandbox({home: home(), scenario: 'scale', size: {regions: ['us-east-1']}})).rejects.toThrow(
      '--regions must name 2 to 5 distinct Regions',
    )
    await expect(resetSandbox({home: home(), scenario: 'two-region', size: {globalClusters: 3}})).rejects.toThrow(
      'the two-region scenario has a fixed size',
    )
  })
})
