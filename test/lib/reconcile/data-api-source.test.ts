import {describe, expect, it} from 'vitest'

import type {DataApiTarget, RdsDataPort, SqlParameter} from '../../../src/lib/aws/ports.js'
import {DataApiRowSource} from '../../../src/lib/reconcile/data-api-source.js'

const target: DataApiTarget = {clusterArn: 'arn:aws:rds:us-west-2:123456789012:cluster:c', secretArn: 's'}

function recording() {
  const statements: {sql: string; parameters?: SqlParameter[]}[] = []
  const port: RdsDataPort = {
    region: 'us-west-2',
    query: async (_target, sql, parameters) => {
      statements.push({sql, parameters})
      return {columns: ['a', 'b'], rows: [[1, null]]}
    },
  }
  return {statements, source: new DataApiRowSource(port, target)}
}

describe('Data API row source', () => {
  it('pages by keyset on the whole key, within the window, values as parameters', async () => {
    const {statements, source} = recording()
    const table = {name: 'sales.lines', key: ['a', 'b'], updatedAt: 'changed'}
    expect(await source.page(table, undefined, 500)).toEqual([{a: 1, b: null}])
    await source.page(table, [1, 'x'], 500, '2026-12-06T08:00:00.000Z')
    expect(statements).toEqual([
      {sql: 'SELECT * FROM sales.lines ORDER BY a, b LIMIT 500', parameters: []},
      {
        sql: 'SELECT * FROM sales.lines WHERE (a, b) > (:after0, :after1) AND (changed >= :since OR changed IS NULL) ORDER BY a, b LIMIT 500',
        parameters: [
          {name: 'after0', value: 1},
          {name: 'after1', value: 'x'},
          {name: 'since', value: '2026-12-06 08:00:00.000', typeHint: 'TIMESTAMP'},
        ],
      },
    ])
  })

  it('looks rows up by a list of keys, and asks nothing for no keys', async () => {
    const {statements, source} = recording()
    const table = {name: 'lines', key: ['a', 'b']}
    expect(await source.lookup(table, [])).toEqual([])
    await source.lookup(table, [
      [1, 'x'],
      [2, 'y'],
    ])
    expect(statements).toEqual([
      {
        sql: 'SELECT * FROM lines WHERE (a, b) IN ((:k0_0, :k0_1), (:k1_0, :k1_1))',
        parameters: [
          {name: 'k0_0', value: 1},
          {name: 'k0_1', value: 'x'},
          {name: 'k1_0', value: 2},
          {name: 'k1_1', value: 'y'},
        ],
      },
    ])
  })
})
