import {Args, type Command, Flags, type Interfaces} from '@oclif/core'

import {isRegionName, suggestRegion} from '../config/regions.js'
import {closest} from '../config/suggest.js'
import {formatDuration, parseDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import {quote} from '../core/quote.js'

/**
 * A duration flag's value in milliseconds (`30s`, `5m`, `1500ms`); anything else is a usage error that shows the
 * form. `positive` also refuses zero; `max` refuses more than a ceiling of LIMITS, naming it.
 */
export function durationFlag(
  flag: string,
  text: string,
  example: string,
  options: {positive?: boolean; max?: number} = {},
): number {
  const ms = parseDuration(text)
  if (ms === undefined || !Number.isFinite(ms) || (options.positive && ms <= 0)) {
    throw new DrctlError('DRCTL_USAGE', `${flag} ${quote(text)} is not a duration (try ${example})`)
  }
  if (options.max !== undefined && ms > options.max) throw aboveCeiling(flag, text, formatDuration(options.max))
  return ms
}

/** A value beyond the ceiling drctl sets for it (config/limits.ts): refused, the ceiling named. */
function aboveCeiling(flag: string, text: string, ceiling: string): DrctlError {
  return new DrctlError('DRCTL_USAGE', `${flag} ${quote(text)} is more than ${ceiling}, the most drctl accepts`, {
    hints: [`the ceilings keep a relaxed gate or a long wait from switching a safety off (README, "Limits")`],
  })
}

/** `text` as a Region name, or a usage error (exit 2) that names `label` and the closest AWS Region. */
export function parseRegion(label: string, text: string): string {
  if (isRegionName(text)) return text
  const suggestion = suggestRegion(text)
  throw new DrctlError(
    'DRCTL_USAGE',
    `${label} ${quote(text)} is not an AWS Region name${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    {hints: ['AWS Region names look like us-east-1, eu-west-2 or ap-southeast-2']},
  )
}

/** A time scale (`0.01`, `1`): a number, or a usage error; the sandbox judges its range. */
export const timeScaleFlag = Flags.custom<number>({
  helpValue: 'X',
  parse: async (input, _command, flag) => {
    const scale = Number(input)
    if (input.trim() === '' || !Number.isFinite(scale)) {
      throw new DrctlError('DRCTL_USAGE', `--${flag.name} ${quote(input)} is not a number`, {
        hints: ['e.g. --time-scale 0.1'],
      })
    }
    return scale
  },
})

/** Every flag that takes a Region: a mistyped one is a usage error before anything runs. */
export const regionFlag = Flags.custom<string>({
  helpValue: 'REGION',
  parse: async (input, _command, flag) => parseRegion(`--${flag.name}`, input),
})

/** A comma-separated list of Regions, each checked as by regionFlag; an empty item is a mistake, not nothing. */
export const regionListFlag = Flags.custom<string>({
  helpValue: 'REGION,...',
  parse: async (input, _command, flag) => {
    const regions = input.split(',').map((region) => region.trim())
    if (regions.includes('')) throw new DrctlError('DRCTL_USAGE', `--${flag.name} ${quote(input)} has an empty item`)
    return regions.map((region) => parseRegion(`--${flag.name}`, region)).join(',')
  },
})

/** A comma-separated list of some of `choices` (a mistyped one gets a "did you mean"); an empty item is a mistake. */
export function choiceListFlag<T extends string>(choices: readonly T[]) {
  return Flags.custom<T[]>({
    helpValue: choices.join(','),
    parse: async (input, _command, flag) => {
      const items = input.split(',').map((item) => item.trim())
      if (items.includes('')) throw new DrctlError('DRCTL_USAGE', `--${flag.name} ${quote(input)} has an empty item`)
      for (const item of items) {
        if ((choices as readonly string[]).includes(item)) continue
        const suggestion = closest(item, choices)
        throw new DrctlError(
          'DRCTL_USAGE',
          `--${flag.name} ${quote(item)} is not one of ${choices.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
        )
      }
      return [...new Set(items)] as T[]
    },
  })
}

/** Every argument that is a Region, checked as by regionFlag. */
export const regionArg = Args.custom<string>({
  parse: async (input, _command, arg) => parseRegion(arg.name.toUpperCase(), input),
})

/** What checking a value needs of a flag or an argument definition. */
interface ValueDefinition {
  type?: string
  options?: readonly string[]
  parse?: (input: string, ...rest: unknown[]) => Promise<unknown>
}

/**
 * Every flag and argument that takes a value refuses an empty or blank one, before its own parser sees it: an unset
 * shell variable (`--to "$REGION"`) must never read as the flag left out. Values with options are checked here too
 * (instead of by oclif), so that the message quotes what was typed.
 */
function refusingBlank<T extends object>(definitions: T | undefined, label: (name: string) => string): T {
  return Object.fromEntries(
    Object.entries((definitions ?? {}) as Record<string, ValueDefinition>).map(([name, definition]) => {
      if (definition.type === 'boolean') return [name, definition]
      const {options, parse, ...rest} = definition
      const refusing = async (input: string, ...more: unknown[]) => {
        if (input.trim() === '') {
          throw new DrctlError('DRCTL_USAGE', `${label(name)} must not be empty (got ${quote(input)})`, {
            hints: [`an unset shell variable reads as nothing: set it, or leave ${label(name)} out`],
          })
        }
        if (options && !options.includes(input)) {
          throw new DrctlError('DRCTL_USAGE', `${label(name)} ${quote(input)} is not one of ${options.join(', ')}`, {
            hints: ['see --help for the flags and examples'],
          })
        }
        return parse ? parse(input, ...more) : input
      }
      return [name, {...rest, parse: refusing}]
    }),
  ) as T
}

type ParsedValues = Record<string, unknown>

/** The parser input of `command`, its values checked by refusingBlank (the base command parses with it). */
export function refusingBlankValues<T extends typeof Command>(
  command: T,
): Interfaces.Input<ParsedValues, ParsedValues, ParsedValues> {
  const flag = (name: string) => `--${name}`
  return {
    flags: refusingBlank(command.flags, flag),
    baseFlags: refusingBlank(command.baseFlags, flag),
    args: refusingBlank(command.args, (name) => name.toUpperCase()),
    enableJsonFlag: command.enableJsonFlag,
    strict: command.strict,
  }
}
