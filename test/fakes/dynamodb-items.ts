import type {Condition, Item, ItemValue, KeyAttribute, WriteResult} from '../../src/lib/aws/ports.js'
import {type AttributeValue, Expressions, type StoredItem} from '../../src/lib/sandbox/services/dynamodb/expressions.js'

const toStored = (item: Item): StoredItem =>
  Object.fromEntries(
    Object.entries(item).map(([name, value]): [string, AttributeValue] => [
      name,
      typeof value === 'string' ? {S: value} : typeof value === 'number' ? {N: String(value)} : {BOOL: value},
    ]),
  )

const fromStored = (item: StoredItem): Item =>
  Object.fromEntries(
    Object.entries(item).map(([name, value]): [string, ItemValue] => [
      name,
      'S' in value ? String(value.S) : 'N' in value ? Number(value.N) : Boolean((value as {BOOL: boolean}).BOOL),
    ]),
  )

interface FakeTable {
  partitionKey: KeyAttribute
  sortKey?: KeyAttribute
  items: Map<string, StoredItem>
}

/**
 * DynamoDB items in memory, one table per Region and name (no replication: a test that needs it writes both), with
 * the sandbox's expression evaluator, so conditions behave as DynamoDB evaluates them.
 */
export class FakeItemTables {
  readonly tables = new Map<string, FakeTable>()
  /** Calls made, `Region Operation`: tests assert where writes went. */
  readonly calls: string[] = []
  /** Fails the next call of an operation (a throttled or unreachable table). */
  failNext: {operation: string; error: Error} | undefined

  create(region: string, name: string, partitionKey: KeyAttribute, sortKey?: KeyAttribute): void {
    this.tables.set(`${region}/${name}`, {partitionKey, sortKey, items: new Map()})
  }

  port(region: string) {
    return {
      putItem: async (table: string, item: Item, condition?: Condition): Promise<WriteResult> => {
        const stored = this.table(region, table, 'PutItem')
        const key = this.keyOf(stored, item)
        return this.write(stored, key, condition, undefined, () => toStored(item))
      },
      updateItem: async (table: string, key: Item, update: Condition, condition?: Condition) => {
        const stored = this.table(region, table, 'UpdateItem')
        const placeholders = {names: {...update.names}, values: toStored({...update.values})}
        return this.write(stored, this.keyOf(stored, key), condition, placeholders, (old, expressions) =>
          expressions.update(update.expression)(old ?? toStored(key)),
        )
      },
      deleteItem: async (table: string, key: Item, condition?: Condition) => {
        const stored = this.table(region, table, 'DeleteItem')
        return this.write(stored, this.keyOf(stored, key), condition, undefined, () => undefined)
      },
      getItem: async (table: string, key: Item) => {
        const stored = this.table(region, table, 'GetItem')
        const item = stored.items.get(this.keyOf(stored, key))
        return item ? fromStored(item) : undefined
      },
      query: async (table: string, keyCondition: Condition) => {
        const stored = this.table(region, table, 'Query')
        const expressions = new Expressions({
          names: {...keyCondition.names},
          values: toStored({...keyCondition.values}),
        })
        const test = expressions.condition(keyCondition.expression, 'KeyConditionExpression')
        expressions.assertAllUsed()
        const sortName = stored.sortKey?.name ?? ''
        return [...stored.items.values()]
          .filter((item) => test(item))
          .map(fromStored)
          .sort((a, b) => (String(a[sortName]) < String(b[sortName]) ? -1 : 1))
      },
    }
  }

  private table(region: string, name: string, operation: string): FakeTable {
    this.calls.push(`${region} ${operation}`)
    if (this.failNext?.operation === operation) {
      const {error} = this.failNext
      this.failNext = undefined
      throw error
    }
    const table = this.tables.get(`${region}/${name}`)
    if (!table) throw new Error(`ResourceNotFoundException: table ${name} in ${region}`)
    return table
  }

  private keyOf(table: FakeTable, item: Item): string {
    return JSON.stringify([item[table.partitionKey.name], table.sortKey ? item[table.sortKey.name] : null])
  }

  private write(
    table: FakeTable,
    key: string,
    condition: Condition | undefined,
    extra: {names: Record<string, string>; values: StoredItem} | undefined,
    change: (old: StoredItem | undefined, expressions: Expressions) => StoredItem | undefined,
  ): WriteResult {
    const old = table.items.get(key)
    const expressions = new Expressions({
      names: {...extra?.names, ...condition?.names},
      values: {...extra?.values, ...toStored({...condition?.values})},
    })
    const test = condition ? expressions.condition(condition.expression) : () => true
    const next = change(old, expressions)
    expressions.assertAllUsed()
    if (!test(old)) return old ? {written: false, current: fromStored(old)} : {written: false}
    if (next) table.items.set(key, next)
    else table.items.delete(key)
    return {written: true}
  }
}
