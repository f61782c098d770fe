import {oneLine} from './errors.js'

/** How much of a value an error shows: enough to recognize it, never enough to flood a terminal or a log. */
const QUOTED_CHARACTERS = 160

/** The most an error line may hold, whatever it quotes: the last resort of the error renderer. */
export const ERROR_LINE_CHARACTERS = 1000

/** The first `count` UTF-16 units of `text`, without cutting a character in two. */
function head(text: string, count: number): string {
  const cut = text.slice(0, count)
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut
}

/**
 * A value someone typed or wrote, as an error shows it: in double quotes, on one line (line breaks and control
 * characters escaped), and a long one cut with its length, e.g. `"us-east-1aaaa…" (102400 characters)`.
 */
export function quote(value: unknown): string {
  const text = String(value)
  if (text.length <= QUOTED_CHARACTERS) return JSON.stringify(text)
  return `${JSON.stringify(`${head(text, QUOTED_CHARACTERS)}…`)} (${text.length} characters)`
}

/** A message as one line of at most ERROR_LINE_CHARACTERS (plus its length, when cut). */
export function clipLine(message: string): string {
  if (message.length <= ERROR_LINE_CHARACTERS && !message.includes('\n')) return message
  const line = oneLine(message)
  if (line.length <= ERROR_LINE_CHARACTERS) return line
  return `${head(line, ERROR_LINE_CHARACTERS)}… (${line.length} characters)`
}
