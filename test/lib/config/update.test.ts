import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {updateConfigFile} from '../../../src/lib/config/update.js'

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
