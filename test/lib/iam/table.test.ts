import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {COMMAND_IDS} from '../../../src/lib/iam/needs.js'
import {iamActionsTable, withIamActionsTable} from '../../../src/lib/iam/table.js'
import {repoRoot} from '../../helpers/cli.js'

describe('the README table of IAM actions', () => {
  it('has a row for every command iam policy knows, with the actions its declarations grant', () => {
    const table = iamActionsTable()
    for (const command of COMMAND_IDS) expect(table).toContain(`| \`${command}\` |`)
    expect(table).toMatch(/\| `chaos stop` \| operator \| [^|]*`fis:GetExperiment`[^|]*\| `fis:StopExperiment` \|/)
  })

  it('is in the README as generated (npm run readme writes it)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    expect(withIamActionsTable(readme)).toBe(readme)
  })

  it('refuses a README without its markers', () => {
    expect(() => withIamActionsTable('# drctl\n')).toThrow(/lacks the markers/)
  })
})
