import {ApiError} from '../errors.js'

/**
 * XML as the AWS XML protocols use it (awsQuery answers, restXml requests and answers): elements and text, no mixed
 * content. Rendering takes plain values; parsing gives an `XmlInput` to read members from.
 */

// ---- Rendering -----------------------------------------------------------------------------------------------------

/** A list in XML: each item wrapped in `<member>` (or the model's member name). */
export class XmlList {
  constructor(
    readonly member: string,
    readonly items: XmlValue[],
  ) {}
}

/** Elements kept as they were received (a CloudFront configuration), written back as they are. */
export class XmlElements {
  constructor(readonly elements: XmlElement[]) {}
}

export type XmlValue =
  string | number | boolean | Date | undefined | null | XmlList | XmlElements | {[name: string]: XmlValue}

export function xmlList(member: string, items: XmlValue[]): XmlList {
  return new XmlList(member, items)
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&${{'&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos'}[char]};`)
}

/** Serializes `value` as the content of an element; `undefined`/`null` members are omitted. */
function xmlContent(value: XmlValue): string {
  if (value === undefined || value === null) return ''
  if (value instanceof XmlList) return value.items.map((item) => xmlElement(value.member, item)).join('')
  if (value instanceof XmlElements) return value.elements.map(elementXml).join('')
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([name, member]) => xmlElement(name, member))
      .join('')
  }
  return escapeXml(String(value))
}

function elementXml(element: XmlElement): string {
  const content = element.children.length > 0 ? element.children.map(elementXml).join('') : escapeXml(element.text)
  return `<${element.name}>${content}</${element.name}>`
}

export function xmlElement(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return ''
  return `<${name}>${xmlContent(value)}</${name}>`
}

/** A whole document: `<root xmlns="namespace">content</root>` after the XML declaration. */
export function xmlDocument(root: string, namespace: string, content: XmlValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${xmlContent(content)}</${root}>`
}

/** The error document of the XML protocols (awsQuery, restXml). */
export function xmlErrorDocument(error: ApiError, namespace: string, requestId: string): string {
  return xmlDocument('ErrorResponse', namespace, {
    Error: {Type: error.type, Code: error.code, Message: error.message},
    RequestId: requestId,
  })
}

// ---- Parsing -------------------------------------------------------------------------------------------------------

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

const ENTITIES: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)))
    return ENTITIES[entity] ?? whole
  })
}

/** One token: a comment, the declaration, CDATA, a closing tag, an opening (or empty) tag, or text. */
const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/y
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

/** Parses a document into its root element; throws `XmlSyntaxError` on anything that is not well formed. */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  const tokens = new RegExp(TOKEN.source, 'y')
  while (tokens.lastIndex < text.length) {
    const at = tokens.lastIndex
    const token = tokens.exec(text)
    if (!token) throw new XmlSyntaxError(`unexpected markup at offset ${at}`)
    // Comments and the XML declaration match no group and are skipped; a DOCTYPE matches nothing and is refused.
    const [, cdata, closing, opening, attributes = '', selfClosing, chars] = token
    const current = stack.at(-1)
    if (cdata !== undefined || chars !== undefined) {
      const content = cdata ?? unescapeXml(chars as string)
      if (current) current.text += content
      else if (content.trim() !== '') throw new XmlSyntaxError('text outside the root element')
    } else if (closing !== undefined) {
      if (current?.name !== closing) throw new XmlSyntaxError(`</${closing}> does not close <${current?.name ?? ''}>`)
      stack.pop()
    } else if (opening !== undefined) {
      if (!current && root) throw new XmlSyntaxError('more than one root element')
      const element: XmlElement = {name: opening, attributes: {}, children: [], text: ''}
      for (const [, name, double, single] of attributes.matchAll(ATTRIBUTE)) {
        element.attributes[name as string] = unescapeXml(double ?? single ?? '')
      }
      if (current) current.children.push(element)
      else root = element
      if (!selfClosing) stack.push(element)
    }
  }
  if (!root || stack.length > 0) throw new XmlSyntaxError('the document is incomplete')
  return root
}

export class XmlSyntaxError extends Error {}

/**
 * Reads the members of a parsed XML structure, as the operations of restXml services need them: a missing member
 * is `undefined`, a required one that is missing is the service's `invalid` error.
 */
export class XmlInput {
  constructor(
    readonly element: XmlElement,
    private readonly invalid: (message: string) => ApiError = (message) => new ApiError('InvalidInput', message),
  ) {}

  get name(): string {
    return this.element.name
  }

  child(name: string): XmlInput | undefined {
    const found = this.element.children.find((child) => child.name === name)
    return found && new XmlInput(found, this.invalid)
  }

  string(name: string): string | undefined {
    return this.child(name)?.element.text
  }

  required(name: string): string {
    const value = this.string(name)
    if (value === undefined || value === '') throw this.invalid(`${name} is required`)
    return value
  }

  integer(name: string): number | undefined {
    const value = this.string(name)
    if (value === undefined) return undefined
    if (!/^-?\d+$/.test(value.trim())) throw this.invalid(`${name} must be an integer, not ${value}`)
    return Number(value)
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name)?.trim()
    if (value === undefined) return undefined
    if (value === 'true' || value === 'false') return value === 'true'
    throw this.invalid(`${name} must be true or false, not ${value}`)
  }

  /** The items of a wrapped list (`<Changes><Change>…</Change></Changes>`), whatever the member name. */
  list(name: string): XmlInput[] {
    return (this.child(name)?.element.children ?? []).map((child) => new XmlInput(child, this.invalid))
  }

  /** The text of each item of a wrapped list of strings. */
  strings(name: string): string[] {
    return this.list(name).map((item) => item.element.text)
  }
}
