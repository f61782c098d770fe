import {type Hook, toConfiguredId} from '@oclif/core'

import {closest} from '../config/suggest.js'
import {quote} from '../core/quote.js'
import {DrctlError} from '../core/errors.js'
import {errorEnvelope, errorText} from './error-output.js'
import {colorEnabled, createStyle} from './style.js'

/**
 * oclif's `command_not_found` hook: a mistyped command is a usage error (exit 2) that names the closest command or
 * topic, with or without a terminal. It never prompts: a guess must not run a command that changes AWS.
 */
const commandNotFound: Hook.CommandNotFound = async function ({config, id, argv = []}) {
  const known = [
    ...config.commands.filter((command) => !command.hidden).flatMap((command) => [command.id, ...command.aliases]),
    ...config.topics.filter((topic) => !topic.hidden).map((topic) => topic.name),
  ]
  // oclif hands over every word before the first flag as the id ("routing sett us-west-2 on"): the command is some
  // of its first words. The longest known prefix was typed right; the word after it is the mistake.
  const words = id.split(':')
  const typedRight = words.findLastIndex((_, index) => known.includes(words.slice(0, index + 1).join(':'))) + 1
  const {typed, suggestion} = suggestCommand(words, known) ?? {typed: words.slice(0, typedRight + 1)}
  const failure = new DrctlError(
    'DRCTL_USAGE',
    `${quote(typed.join(' '))} is not a ${config.bin} command${suggestion ? ` (did you mean ${toConfiguredId(suggestion, config)}?)` : ''}`,
    {hints: [`${[config.bin, ...words.slice(0, typedRight)].join(' ')} --help lists the commands`]},
  )
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(errorEnvelope(failure, []), null, 2)}\n`)
  else process.stderr.write(errorText(failure, createStyle(colorEnabled(process.stderr))))
  this.exit(failure.exit)
}

/** The closest command or topic to the first words typed, trying the most words first (the most specific guess). */
function suggestCommand(words: string[], known: string[]): {typed: string[]; suggestion: string} | undefined {
  const deepest = Math.max(...known.map((candidate) => candidate.split(':').length))
  for (let depth = Math.min(words.length, deepest); depth > 0; depth--) {
    const typed = words.slice(0, depth)
    const sameDepth = known.filter((candidate) => candidate.split(':').length === depth)
    const suggestion = closest(
      typed.join(':'),
      sameDepth.filter((candidate) => candidate !== typed.join(':')),
    )
    if (suggestion) return {typed, suggestion}
  }
  return undefined
}

export default commandNotFound
