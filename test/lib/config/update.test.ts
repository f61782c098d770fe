import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {cacheArcSettings, updateConfigFile} from '../../../src/lib/config/update.js'

const original = `# the retail topology
version: 1
name: retail
regions: [us-east-1, us-west-2] # primary first
aurora:
  globalClusters: [orders-global]
`

function configFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'drctl-config-')), 'drctl.yaml')
  writeFileSync(path, original)
  return path
}

describe('updateConfigFile', () => {
  it('applies the edit, keeps comments and layout, writes short lists on one line, and returns the config', async () => {
    const path = configFile()
    const config = await updateConfigFile(path, (set) => {
      set(['aurora', 'globalClusters', 0], 'orders-global-2')
      set(['dynamodb', 'tables'], ['carts'])
    })
    expect(config.aurora.globalClusters).toEqual(['orders-global-2'])
    expect(config.dynamodb.tables).toEqual(['carts'])
    const text = readFileSync(path, 'utf8')
    expect(text).toContain('# the retail topology\n')
    expect(text).toMatch(/^regions: \[ ?us-east-1, us-west-2 ?\] # primary first$/m)
    expect(text).toMatch(/^ {2}tables: \[ ?carts ?\]$/m)
    expect(existsSync(`${path}.drctl-tmp`)).toBe(false)
  })

  it('leaves the file untouched when the edit would make it invalid', async () => {
    const path = configFile()
    await expect(updateConfigFile(path, (set) => set(['regions'], ['not a region']))).rejects.toMatchObject({
      code: 'DRCTL_CONFIG_INVALID',
    })
    expect(readFileSync(path, 'utf8')).toBe(original)
    expect(existsSync(`${path}.drctl-tmp`)).toBe(false)
  })
})

describe('cacheArcSettings', () => {
  const panel = 'arn:aws:route53-recovery-control::111122223333:controlpanel/p1'
  const east = `${panel}/routingcontrol/east`
  const west = [`${panel}/routingcontrol/west-a`, `${panel}/routingcontrol/west-b`]
  const rule = {
    arn: `${panel}/safetyrule/r1`,
    name: 'at-least-one-on',
    type: 'ASSERTION' as const,
    assertedControls: [east, ...west],
    ruleConfig: {type: 'ATLEAST' as const, threshold: 1, inverted: false},
  }
  const arcSection = (path: string) => parse(readFileSync(path, 'utf8')).arc

  it('writes the endpoints, the panel, routing controls per Region (one ARN as a string) and the safety rules', async () => {
    const path = configFile()
    writeFileSync(
      path,
      `${original}arc:\n  clusterArn: arn:aws:route53-recovery-control::111122223333:cluster/c1\n  routingControls: {}\n`,
    )
    await cacheArcSettings(path, {
      endpoints: [{region: 'us-east-1', url: 'https://e1.example/v1'}],
      controlPanelArn: panel,
      routingControls: {'us-east-1': [east], 'us-west-2': west},
      safetyRules: [rule],
    })
    expect(arcSection(path)).toEqual({
      clusterArn: 'arn:aws:route53-recovery-control::111122223333:cluster/c1',
      routingControls: {'us-east-1': east, 'us-west-2': west},
      endpoints: [{region: 'us-east-1', url: 'https://e1.example/v1'}],
      controlPanelArn: panel,
      safetyRules: [rule],
    })
    expect(readFileSync(path, 'utf8')).toContain('# the retail topology\n')

    await cacheArcSettings(path, {endpoints: [], routingControls: {}})
    expect(arcSection(path)).toMatchObject({endpoints: [], controlPanelArn: panel, safetyRules: [rule]})
  })
})
