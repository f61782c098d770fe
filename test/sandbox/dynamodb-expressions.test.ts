import {describe, expect, it} from 'vitest'

import {Expressions, type StoredItem} from '../../src/lib/sandbox/services/dynamodb/expressions.js'

const lock: StoredItem = {pk: {S: 'lock#retail'}, version: {N: '7'}, beat: {N: '2'}, released: {BOOL: false}}

const test = (expression: string, values: Record<string, unknown>, item: StoredItem | undefined, names = {}) => {
  const expressions = new Expressions({names, values: values as never})
  const condition = expressions.condition(expression)
  expressions.assertAllUsed()
  return condition(item)
}

describe('sandbox DynamoDB expressions', () => {
  it('evaluates a lock acquisition: absent item, or the version seen and its beat unchanged', () => {
    const names = {'#pk': 'pk', '#v': 'version', '#b': 'beat'}
    const takeover = 'attribute_not_exists(#pk) OR (#v = :v AND #b = :b)'
    expect(test(takeover, {':v': {N: '7'}, ':b': {N: '2'}}, undefined, names)).toBe(true)
    expect(test(takeover, {':v': {N: '7'}, ':b': {N: '2'}}, lock, names)).toBe(true)
    expect(test(takeover, {':v': {N: '7'}, ':b': {N: '3'}}, lock, names)).toBe(false)
    expect(test(takeover, {':v': {N: '6'}, ':b': {N: '2'}}, lock, names)).toBe(false)
  })

  it('compares numbers as numbers, strings as strings, and a missing attribute or another type as false', () => {
    expect(test('version < :n', {':n': {N: '10'}}, lock)).toBe(true)
    expect(test('version >= :n', {':n': {N: '10'}}, lock)).toBe(false)
    expect(test('pk <= :s', {':s': {S: 'lock#z'}}, lock)).toBe(true)
    expect(test('missing = :s', {':s': {S: 'x'}}, lock)).toBe(false)
    expect(test('version = :s', {':s': {S: '7'}}, lock)).toBe(false)
    expect(test('NOT released = :t AND begins_with(pk, :p)', {':t': {BOOL: true}, ':p': {S: 'lock#'}}, lock)).toBe(true)
  })

  it('refuses placeholders used but not defined, or defined but not used, as DynamoDB does', () => {
    expect(() => test('#v = :v', {':v': {N: '1'}}, lock)).toThrow(
      /attribute name used in the document path is not defined/,
    )
    expect(() => test('version = :v', {}, lock)).toThrow(
      /attribute value used in expression is not defined; attribute value: :v/,
    )
    expect(() => test('version = :v', {':v': {N: '1'}, ':w': {N: '2'}}, lock)).toThrow(
      /ExpressionAttributeValues unused in expressions: keys: \{:w\}/,
    )
    expect(() => test('version = = :v', {':v': {N: '1'}}, lock)).toThrow(/Syntax error/)
  })

  it('applies SET with arithmetic and REMOVE', () => {
    const expressions = new Expressions({names: {'#b': 'beat'}, values: {':one': {N: '1'}, ':who': {S: 'bo'}}})
    const change = expressions.update('SET #b = #b + :one, owner = :who REMOVE released')
    expressions.assertAllUsed()
    expect(change(lock)).toEqual({pk: {S: 'lock#retail'}, version: {N: '7'}, beat: {N: '3'}, owner: {S: 'bo'}})
    expect(lock.beat).toEqual({N: '2'})
  })
})
