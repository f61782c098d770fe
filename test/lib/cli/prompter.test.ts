import {describe, expect, it} from 'vitest'

import {createPrompter} from '../../../src/lib/cli/prompter.js'

describe('prompter without a terminal', () => {
  const prompter = createPrompter({yes: false, interactive: false})

  it('fails at once with exit 4 and names --yes instead of waiting for input', async () => {
    await expect(prompter.confirm('Proceed?')).rejects.toMatchObject({
      code: 'DRCTL_CONFIRMATION_REQUIRED',
      exit: 4,
      hints: ['re-run with --yes to confirm non-interactively'],
    })
  })

  it('refuses a typed confirmation, naming the flags that replace it', async () => {
    await expect(
      prompter.typed('This loses data.', 'us-west-2', {yesSuffices: false, yesFlagHint: '--yes --allow-data-loss'}),
    ).rejects.toMatchObject({exit: 4, hints: ['re-run with --yes --allow-data-loss to confirm non-interactively']})
  })

  it('cannot pick from a list', async () => {
    await expect(prompter.select('Template', [{name: 'a', value: 'a'}])).rejects.toMatchObject({exit: 4})
  })
})

describe('prompter with --yes', () => {
  const prompter = createPrompter({yes: true, interactive: false})

  it('confirms without asking', async () => {
    await expect(prompter.confirm('Proceed?')).resolves.toBe(true)
    await expect(prompter.typed('Delete?', 'retail')).resolves.toBeUndefined()
  })

  it('still requires the typed answer when --yes alone does not suffice', async () => {
    await expect(prompter.typed('Loses data', 'us-west-2', {yesSuffices: false})).rejects.toMatchObject({exit: 4})
  })
})
