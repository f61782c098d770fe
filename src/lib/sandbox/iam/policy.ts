/**
 * A subset of IAM's identity-policy evaluation, enough to prove a generated policy complete and minimal: an explicit
 * Deny wins, otherwise an Allow is needed; `*`/`?` wildcards in actions (case-insensitive) and resource ARNs; the
 * String* condition operators.
 */
export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action: string | string[]
  Resource: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}

export interface PolicyDocument {
  Version: string
  Statement: PolicyStatement | PolicyStatement[]
}

/** One call as IAM sees it: the action, every resource it touches, and the request's condition keys. */
export interface IamRequest {
  action: string
  resources: string[]
  context: Record<string, string>
}

export type IamDecision = {allowed: true} | {allowed: false; resource: string; explicitDeny: boolean}

/**
 * The documents of a policy file: one document, a list of them, or `drctl iam policy --json`'s result
 * (`{policies: [{role, document}]}`, bare or in its envelope's `result`).
 */
export function policyDocuments(parsed: unknown): PolicyDocument[] {
  const listed = isRecord(parsed) ? (isRecord(parsed.result) ? parsed.result : parsed).policies : undefined
  const candidates = Array.isArray(parsed)
    ? parsed
    : Array.isArray(listed)
      ? listed.map((entry: unknown) => (isRecord(entry) && 'document' in entry ? entry.document : entry))
      : [parsed]
  return candidates.map((candidate, index) => {
    if (!isRecord(candidate) || !('Statement' in candidate)) {
      throw new Error(`policy document ${index + 1} has no Statement`)
    }
    return candidate as unknown as PolicyDocument
  })
}

export function evaluate(documents: PolicyDocument[], request: IamRequest): IamDecision {
  const statements = documents.flatMap((document) => asList(document.Statement))
  const applying = (resource: string) =>
    statements.filter(
      (statement) =>
        asList(statement.Action).some((pattern) => wildcardMatch(pattern, request.action, true)) &&
        asList(statement.Resource).some((pattern) => wildcardMatch(pattern, resource, false)) &&
        conditionsHold(statement.Condition, request.context),
    )
  // A call with no resource of its own is evaluated against `*`, which only a `*` resource covers.
  for (const resource of request.resources.length > 0 ? request.resources : ['*']) {
    const matching = applying(resource)
    if (matching.some((statement) => statement.Effect === 'Deny')) return {allowed: false, resource, explicitDeny: true}
    if (!matching.some((statement) => statement.Effect === 'Allow')) {
      return {allowed: false, resource, explicitDeny: false}
    }
  }
  return {allowed: true}
}

export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((character) =>
      character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('')
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value)
}

type StringTest = (pattern: string, value: string) => boolean

const positiveOperators: Record<string, StringTest> = {
  StringEquals: (pattern, value) => pattern === value,
  StringEqualsIgnoreCase: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(),
  StringLike: (pattern, value) => wildcardMatch(pattern, value, false),
}
const negatedOperators: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
}

/** Every operator must hold; an operator this evaluator does not know never holds (it fails closed for Allows). */
function conditionsHold(condition: PolicyStatement['Condition'], context: Record<string, string>): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, patterns]) => {
      // Condition keys are case-insensitive.
      const found = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1]
      const negated = negatedOperators[operator]
      const test = positiveOperators[negated ?? operator]
      if (!test) return false
      // A key absent from the request fails a positive test and passes a negated one, as in IAM.
      if (found === undefined) return negated !== undefined
      const matched = asList(patterns).some((pattern) => test(pattern, found))
      return negated ? !matched : matched
    }),
  )
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
