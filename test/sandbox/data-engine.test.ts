import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {freshEngine} from '../../src/lib/sandbox/data/databases.js'

describe('sandbox data engine', () => {
  const home = mkdtempSync(join(tmpdir(), 'drctl-engine-'))
  const saved = join(home, 'sandbox', 'pglite-initdb.tar')
  afterAll(() => rmSync(home, {recursive: true, force: true}))

  it('keeps the initialized data directory under the sandbox home, and later engines start from it', async () => {
    const first = await freshEngine(home)
    await first.close()
    const made = statSync(saved).mtimeMs
    const second = await freshEngine(home)
    expect((await second.query<{answer: number}>('SELECT 41 + 1 AS answer')).rows).toEqual([{answer: 42}])
    await second.close()
    expect(statSync(saved).mtimeMs).toBe(made)
  })

  it('makes the data directory again when the saved one does not load', async () => {
    writeFileSync(saved, 'not a data directory')
    const engine = await freshEngine(home)
    expect((await engine.query<{answer: number}>('SELECT 1 AS answer')).rows).toEqual([{answer: 1}])
    await engine.close()
    expect(readFileSync(saved).length).toBeGreaterThan(1_000_000)
  })
})
