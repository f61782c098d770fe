import {ApiError} from '../../errors.js'

/**
 * DynamoDB condition, key condition, projection and update expressions, for the forms a lock and a journal use:
 * comparisons (`=`, `<>`, `<`, `<=`, `>`, `>=`), `BETWEEN`, `attribute_exists`, `attribute_not_exists`,
 * `begins_with`, `AND`, `OR`, `NOT`, parentheses; `SET path = operand [+|- operand], …` and `REMOVE path, …`. Paths
 * are top-level attributes. As in DynamoDB, a placeholder used but not defined, or defined but not used, is a
 * ValidationException.
 */

export type AttributeValue = {S: string} | {N: string} | {BOOL: boolean} | {NULL: true} | Record<string, unknown>
export type StoredItem = Record<string, AttributeValue>

export interface Placeholders {
  names: Record<string, string>
  values: Record<string, AttributeValue>
}

const invalid = (message: string) => new ApiError('ValidationException', message)

type Token = {kind: 'name' | 'value' | 'word' | 'op' | 'paren' | 'comma'; text: string}

function tokenize(expression: string, what: string): Token[] {
  const tokens: Token[] = []
  const pattern = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(<>|<=|>=|=|<|>|\+|-)|([()])|(,))/y
  let index = 0
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break
    pattern.lastIndex = index
    const match = pattern.exec(expression)
    if (!match) {
      throw invalid(
        `Invalid ${what}: Syntax error; token: "${expression.slice(index, index + 1)}", near: "${expression}"`,
      )
    }
    index = pattern.lastIndex
    const [, name, value, word, op, paren, comma] = match
    if (name) tokens.push({kind: 'name', text: name})
    else if (value) tokens.push({kind: 'value', text: value})
    else if (word) tokens.push({kind: 'word', text: word})
    else if (op) tokens.push({kind: 'op', text: op})
    else if (paren) tokens.push({kind: 'paren', text: paren})
    else if (comma) tokens.push({kind: 'comma', text: comma})
  }
  return tokens
}

type Operand = {path: string} | {value: AttributeValue}
type Condition =
  | {kind: 'and' | 'or'; left: Condition; right: Condition}
  | {kind: 'not'; operand: Condition}
  | {kind: 'compare'; op: string; left: Operand; right: Operand}
  | {kind: 'exists'; path: string; exists: boolean}
  | {kind: 'begins'; left: Operand; right: Operand}
  | {kind: 'between'; operand: Operand; low: Operand; high: Operand}

/** Reads tokens, resolving placeholders and remembering which were used. */
class Parser {
  private position = 0

  constructor(
    private readonly tokens: Token[],
    private readonly placeholders: Placeholders,
    private readonly used: Set<string>,
    private readonly what: string,
  ) {}

  done(): boolean {
    return this.position >= this.tokens.length
  }

  peek(): Token | undefined {
    return this.tokens[this.position]
  }

  next(): Token {
    const token = this.tokens[this.position++]
    if (!token) throw invalid(`Invalid ${this.what}: Syntax error; token: <EOF>`)
    return token
  }

  expect(text: string): void {
    const token = this.next()
    if (token.text !== text) throw invalid(`Invalid ${this.what}: Syntax error; token: "${token.text}"`)
  }

  isWord(text: string): boolean {
    const token = this.peek()
    return token?.kind === 'word' && token.text.toUpperCase() === text
  }

  path(): string {
    const token = this.next()
    if (token.kind === 'word') return token.text
    if (token.kind !== 'name') throw invalid(`Invalid ${this.what}: Syntax error; token: "${token.text}"`)
    const name = this.placeholders.names[token.text]
    if (name === undefined) {
      throw invalid(
        `Invalid ${this.what}: An expression attribute name used in the document path is not defined; attribute name: ${token.text}`,
      )
    }
    this.used.add(token.text)
    return name
  }

  operand(): Operand {
    const token = this.peek()
    if (token?.kind !== 'value') return {path: this.path()}
    this.next()
    const value = this.placeholders.values[token.text]
    if (value === undefined) {
      throw invalid(
        `Invalid ${this.what}: An expression attribute value used in expression is not defined; attribute value: ${token.text}`,
      )
    }
    this.used.add(token.text)
    return {value}
  }

  condition(): Condition {
    let left = this.conjunction()
    while (this.isWord('OR')) {
      this.next()
      left = {kind: 'or', left, right: this.conjunction()}
    }
    return left
  }

  private conjunction(): Condition {
    let left = this.negation()
    while (this.isWord('AND')) {
      this.next()
      left = {kind: 'and', left, right: this.negation()}
    }
    return left
  }

  private negation(): Condition {
    if (this.isWord('NOT')) {
      this.next()
      return {kind: 'not', operand: this.negation()}
    }
    return this.primary()
  }

  private primary(): Condition {
    const token = this.peek()
    if (token?.text === '(') {
      this.next()
      const inner = this.condition()
      this.expect(')')
      return inner
    }
    const word = token?.kind === 'word' ? token.text : ''
    if (word === 'attribute_exists' || word === 'attribute_not_exists') {
      this.next()
      this.expect('(')
      const path = this.path()
      this.expect(')')
      return {kind: 'exists', path, exists: word === 'attribute_exists'}
    }
    if (word === 'begins_with') {
      this.next()
      this.expect('(')
      const left = this.operand()
      this.expect(',')
      const right = this.operand()
      this.expect(')')
      return {kind: 'begins', left, right}
    }
    const left = this.operand()
    if (this.isWord('BETWEEN')) {
      this.next()
      const low = this.operand()
      if (!this.isWord('AND'))
        throw invalid(`Invalid ${this.what}: Syntax error; token: "${this.peek()?.text ?? '<EOF>'}"`)
      this.next()
      return {kind: 'between', operand: left, low, high: this.operand()}
    }
    const op = this.next()
    if (op.kind !== 'op' || op.text === '+' || op.text === '-') {
      throw invalid(`Invalid ${this.what}: Syntax error; token: "${op.text}"`)
    }
    return {kind: 'compare', op: op.text, left, right: this.operand()}
  }
}

function resolve(item: StoredItem | undefined, operand: Operand): AttributeValue | undefined {
  return 'value' in operand ? operand.value : item?.[operand.path]
}

function scalar(value: AttributeValue): {type: string; value: string | number | boolean} | undefined {
  if ('S' in value && typeof value.S === 'string') return {type: 'S', value: value.S}
  if ('N' in value && typeof value.N === 'string') return {type: 'N', value: Number(value.N)}
  if ('BOOL' in value && typeof value.BOOL === 'boolean') return {type: 'BOOL', value: value.BOOL}
  return undefined
}

function compare(op: string, left: AttributeValue | undefined, right: AttributeValue | undefined): boolean {
  const a = left && scalar(left)
  const b = right && scalar(right)
  // A missing attribute, or values of different types, compare false (`<>` true when both exist).
  if (!a || !b) return false
  if (a.type !== b.type) return op === '<>'
  switch (op) {
    case '=':
      return a.value === b.value
    case '<>':
      return a.value !== b.value
    case '<':
      return a.value < b.value
    case '<=':
      return a.value <= b.value
    case '>':
      return a.value > b.value
    default:
      return a.value >= b.value
  }
}

function evaluate(condition: Condition, item: StoredItem | undefined): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item)
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item)
    case 'not':
      return !evaluate(condition.operand, item)
    case 'exists':
      return (item?.[condition.path] !== undefined) === condition.exists
    case 'begins': {
      const a = resolve(item, condition.left)
      const b = resolve(item, condition.right)
      return !!a && !!b && 'S' in a && 'S' in b && String(a.S).startsWith(String(b.S))
    }
    case 'between': {
      const value = resolve(item, condition.operand)
      return compare('>=', value, resolve(item, condition.low)) && compare('<=', value, resolve(item, condition.high))
    }
    default:
      return compare(condition.op, resolve(item, condition.left), resolve(item, condition.right))
  }
}

/** A Query's key condition: the partition's value, and the test on the sort key, if the condition has one. */
export interface KeyCondition {
  partition: AttributeValue
  sort?: (item: StoredItem) => boolean
}

/** An UpdateExpression as a change to an item (a copy is returned), with the attributes it sets or removes. */
export type ItemChange = ((item: StoredItem) => StoredItem) & {paths: string[]}

const SORT_KEY_OPERATORS = new Set(['=', '<', '<=', '>', '>='])

/** The expressions of one request, parsed against its placeholders. */
export class Expressions {
  private readonly used = new Set<string>()

  constructor(private readonly placeholders: Placeholders) {}

  /** A condition (ConditionExpression, FilterExpression, KeyConditionExpression) as a test on an item. */
  condition(expression: string, what = 'ConditionExpression'): (item: StoredItem | undefined) => boolean {
    const condition = this.parse(expression, what)
    return (item) => evaluate(condition, item)
  }

  /**
   * A KeyConditionExpression, held to what Query accepts: the partition key equal to a value, and at most one
   * condition on the sort key (a comparison other than `<>`, `BETWEEN` or `begins_with`), joined by AND.
   */
  keyCondition(expression: string, keys: {partition: string; sort?: string}): KeyCondition {
    const what = 'KeyConditionExpression'
    const parts: Condition[] = []
    const flatten = (condition: Condition): void => {
      if (condition.kind === 'and') {
        flatten(condition.left)
        flatten(condition.right)
      } else if (condition.kind === 'or' || condition.kind === 'not') {
        throw invalid(`Invalid operator used in ${what}: ${condition.kind.toUpperCase()}`)
      } else parts.push(condition)
    }
    flatten(this.parse(expression, what))
    const pathOf = (condition: Condition): string | undefined => {
      const operand =
        condition.kind === 'compare' || condition.kind === 'begins'
          ? condition.left
          : condition.kind === 'between'
            ? condition.operand
            : undefined
      return operand && 'path' in operand ? operand.path : undefined
    }
    const partition = parts.find((part) => pathOf(part) === keys.partition)
    if (!partition || partition.kind !== 'compare' || partition.op !== '=' || !('value' in partition.right)) {
      throw invalid(`Query condition missed key schema element: ${keys.partition}`)
    }
    const rest = parts.filter((part) => part !== partition)
    if (rest.length > 1) throw invalid(`Conditions can be of length 1 or 2 only`)
    const sort = rest[0]
    if (sort) {
      const path = pathOf(sort)
      if (path === undefined || path !== keys.sort) {
        throw invalid(`Query key condition not supported`)
      }
      if (sort.kind === 'compare' && !SORT_KEY_OPERATORS.has(sort.op)) {
        throw invalid(`Unsupported operator on KeyConditionExpression: operator: ${sort.op}`)
      }
    }
    return {partition: partition.right.value, ...(sort ? {sort: (item: StoredItem) => evaluate(sort, item)} : {})}
  }

  /** A ProjectionExpression: the attribute names it keeps. */
  projection(expression: string): string[] {
    const what = 'ProjectionExpression'
    const parser = new Parser(tokenize(expression, what), this.placeholders, this.used, what)
    const paths: string[] = [parser.path()]
    while (!parser.done()) {
      parser.expect(',')
      paths.push(parser.path())
    }
    return paths
  }

  /** An UpdateExpression as a change to an item (a copy is returned). */
  update(expression: string): ItemChange {
    const what = 'UpdateExpression'
    const parser = new Parser(tokenize(expression, what), this.placeholders, this.used, what)
    const changes: ((item: StoredItem) => void)[] = []
    const paths: string[] = []
    while (!parser.done()) {
      const clause = parser.next()
      const action = clause.text.toUpperCase()
      if (clause.kind !== 'word' || (action !== 'SET' && action !== 'REMOVE')) {
        throw invalid(`Invalid ${what}: Syntax error; token: "${clause.text}"`)
      }
      for (;;) {
        const path = parser.path()
        paths.push(path)
        if (action === 'REMOVE') {
          changes.push((item) => delete item[path])
        } else {
          parser.expect('=')
          const first = parser.operand()
          const sign = parser.peek()?.text === '+' || parser.peek()?.text === '-' ? parser.next().text : undefined
          const second = sign ? parser.operand() : undefined
          changes.push((item) => {
            const value = resolve(item, first)
            if (!value)
              throw invalid(
                `Invalid ${what}: The provided expression refers to an attribute that does not exist in the item`,
              )
            if (!sign || !second) {
              item[path] = value
              return
            }
            const a = scalar(value)
            const b = scalar(resolve(item, second) ?? {NULL: true})
            if (a?.type !== 'N' || b?.type !== 'N') {
              throw invalid(`Invalid ${what}: Incorrect operand type for operator or function; operator: ${sign}`)
            }
            item[path] = {
              N: String(sign === '+' ? Number(a.value) + Number(b.value) : Number(a.value) - Number(b.value)),
            }
          })
        }
        if (parser.peek()?.kind !== 'comma') break
        parser.next()
      }
    }
    const apply = (item: StoredItem) => {
      const changed = structuredClone(item)
      for (const change of changes) change(changed)
      return changed
    }
    return Object.assign(apply, {paths})
  }

  private parse(expression: string, what: string): Condition {
    const parser = new Parser(tokenize(expression, what), this.placeholders, this.used, what)
    const condition = parser.condition()
    if (!parser.done()) throw invalid(`Invalid ${what}: Syntax error; token: "${parser.peek()?.text}"`)
    return condition
  }

  /** Refuses placeholders defined but never used, as DynamoDB does; call after parsing every expression. */
  assertAllUsed(): void {
    const unusedNames = Object.keys(this.placeholders.names).filter((name) => !this.used.has(name))
    if (unusedNames.length > 0) {
      throw invalid(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      )
    }
    const unusedValues = Object.keys(this.placeholders.values).filter((value) => !this.used.has(value))
    if (unusedValues.length > 0) {
      throw invalid(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      )
    }
  }
}
