import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'

import {isMap, parseDocument} from 'yaml'
import type {z} from 'zod'

import {DrctlError} from '../core/errors.js'
import {quote} from '../core/quote.js'
import {unknownRegionConcern} from './regions.js'
import {configSchema, crossCheck, type DrctlConfig, KEY_MESSAGE_SEPARATOR} from './schema.js'

export interface LoadedConfig {
  path: string
  config: DrctlConfig
  /** Concerns that do not stop drctl, such as a Region it does not know (perhaps newer than drctl). */
  warnings: string[]
}

export interface ConfigProblem {
  path: string
  message: string
}

const DEFAULT_CONFIG_FILE = 'drctl.yaml'

/** `--config`, else `$DRCTL_CONFIG`, else `./drctl.yaml` (design.md §3). */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.DRCTL_CONFIG ?? DEFAULT_CONFIG_FILE)
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new DrctlError('DRCTL_CONFIG_NOT_FOUND', `config file not found: ${path}`, {
        hints: [
          'pass --config PATH or set DRCTL_CONFIG; `drctl config init` writes an annotated drctl.yaml to start from',
          'to rehearse without AWS, add --sandbox',
        ],
      })
    }
    throw new DrctlError('DRCTL_CONFIG_UNREADABLE', `cannot read config file ${path}: ${code ?? String(error)}`, {
      hints: ['check that the path is a readable file'],
    })
  }
  const config = parseConfig(text, path)
  return {path, config, warnings: configWarnings(config).map((warning) => `${path}: ${warning}`)}
}

/** Every Region of the file that is well-shaped but not one drctl knows, by path. */
export function configWarnings(config: DrctlConfig): string[] {
  const regions: [string, string][] = [
    ...config.regions.map((region, index): [string, string] => [`regions[${index}]`, region]),
    ...(config.arc?.endpoints ?? []).map((endpoint, index): [string, string] => [
      `arc.endpoints[${index}].region`,
      endpoint.region,
    ]),
  ]
  return regions.flatMap(([path, region]) => {
    const concern = unknownRegionConcern(region)
    return concern ? [`${path}: ${concern}`] : []
  })
}

/** Parses and validates drctl.yaml text; every problem is reported at once, by path. */
export function parseConfig(text: string, source = DEFAULT_CONFIG_FILE): DrctlConfig {
  const document = parseDocument(text, {uniqueKeys: true})
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const position = error.linePos?.[0]
      return {
        path: position ? `line ${position.line}, column ${position.col}` : '(yaml)',
        message: (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, ''),
      }
    })
    throw invalid(source, problems, 'is not valid YAML')
  }
  if (text.trim() === '') throw invalid(source, [{path: '(root)', message: 'the file is empty'}])
  if (!isMap(document.contents)) {
    throw invalid(source, [
      {path: '(root)', message: 'expected a mapping of settings (`drctl config init --print` shows one)'},
    ])
  }
  const raw: unknown = document.toJS()
  const parsed = configSchema.safeParse(raw, {error: describeIssue})
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap(toProblems)),
    ...crossCheck(raw).map((problem) => ({path: formatPath(problem.path), message: problem.message})),
  ]
  const unique = problems.filter(
    (problem, index) => problems.findIndex((p) => p.path === problem.path && p.message === problem.message) === index,
  )
  if (!parsed.success || unique.length > 0) throw invalid(source, unique)
  return parsed.data
}

function invalid(source: string, problems: ConfigProblem[], what = 'is invalid'): DrctlError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
  const first = problems[0]
  return new DrctlError(
    'DRCTL_CONFIG_INVALID',
    `${source} ${what} (${count})${problems.length === 1 && first ? `: ${first.path}: ${first.message}` : ''}`,
    {
      hints: [
        'fix the listed problems; `drctl config validate` re-checks the file; `drctl config init --print` shows an annotated example',
      ],
      details: {problems},
    },
  )
}

function toProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const messages = issue.message.split(KEY_MESSAGE_SEPARATOR)
    return issue.keys.map((key, index) => ({
      path: formatPath([...issue.path, key]),
      message: messages[index] ?? 'unknown key',
    }))
  }
  return [{path: formatPath(issue.path) || '(root)', message: issue.message}]
}

/** `aurora.replicas[0].region`; a key that is not a plain word (a huge one, one with blanks) is quoted. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`
      const key = /^[\w-]{1,64}$/.test(String(part)) ? String(part) : quote(String(part))
      return index === 0 ? key : `.${key}`
    })
    .join('')
}

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`)

/** Wording for zod's generic issues (schema-specific messages take precedence). */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required'
      return `expected ${article(issue.expected)}, got ${describeValue(issue.input)}`
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}, got ${describeValue(issue.input)}`
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`
        : issue.origin === 'string'
          ? 'must not be empty'
          : `must be at least ${String(issue.minimum)}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`
    default:
      return undefined
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return quote(value)
  return `${typeof value} ${String(value)}`
}
