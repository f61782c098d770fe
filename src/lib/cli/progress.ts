import type {Options as OraOptions, Ora} from 'ora'

import {formatDuration} from '../core/clock.js'
import type {ProgressEvent, ProgressListener} from '../core/events.js'
import {createStyle, type Style, symbols} from './style.js'

export type ProgressMode = 'spinner' | 'plain' | 'silent'

/** ora on a terminal, timestamped lines otherwise, nothing with --json. Always stderr. */
export function progressMode(json: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  if (json) return 'silent'
  // A terminal that reports no width (some pseudo-terminals) cannot redraw a spinner line safely.
  return stream.isTTY && (stream.columns ?? 0) > 0 && process.env.TERM !== 'dumb' && !process.env.CI
    ? 'spinner'
    : 'plain'
}

/** `ora` itself, imported by the caller only when a terminal will show it (it costs start-up time). */
export type SpinnerFactory = (options: OraOptions) => Ora

export interface ProgressRenderer {
  listener: ProgressListener
  /** Stops any spinner (before printing a prompt, a plan or the final output). */
  pause(): void
  stop(): void
}

export function createProgressRenderer(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
  style: Style = createStyle(false),
  spinnerFactory?: SpinnerFactory,
): ProgressRenderer {
  if (mode === 'silent') return {listener: () => {}, pause: () => {}, stop: () => {}}
  if (mode === 'plain' || !spinnerFactory) return plainRenderer(stream, style)
  return spinnerRenderer(stream, style, spinnerFactory)
}

function plainRenderer(stream: NodeJS.WriteStream, style: Style): ProgressRenderer {
  const started = new Map<string, {title: string; at: number}>()
  const write = (text: string) => stream.write(`${style.dim(new Date().toISOString().slice(11, 19))} ${text}\n`)
  return {
    listener(event: ProgressEvent) {
      switch (event.type) {
        case 'task-start':
          started.set(event.id, {title: event.title, at: Date.now()})
          write(`${symbols.arrow} ${event.title}`)
          break
        case 'task-update':
          write(`  ${started.get(event.id)?.title ?? event.id}: ${event.message}`)
          break
        case 'task-end':
          write(endLine(event, started.get(event.id), style))
          started.delete(event.id)
          break
        case 'info':
          write(`${symbols.info} ${event.message}`)
          break
        case 'warning':
          write(style.yellow(`${symbols.warn} ${event.message}`))
          break
      }
    },
    pause: () => {},
    stop: () => {},
  }
}

function spinnerRenderer(stream: NodeJS.WriteStream, style: Style, ora: SpinnerFactory): ProgressRenderer {
  const active = new Map<string, {title: string; at: number; message?: string}>()
  let spinner: Ora | undefined
  let ticker: NodeJS.Timeout | undefined
  const text = () =>
    [...active.values()]
      .map(
        (task) =>
          `${task.title}${task.message ? ` ${style.dim(`— ${task.message}`)}` : ''} ${style.dim(formatDuration(Date.now() - task.at))}`,
      )
      .join('\n  ')
  const refresh = () => {
    if (active.size === 0) {
      spinner?.stop()
      spinner = undefined
      clearInterval(ticker)
      ticker = undefined
      return
    }
    spinner ??= ora({stream, text: text()}).start()
    spinner.text = text()
    ticker ??= setInterval(() => spinner && (spinner.text = text()), 1000).unref()
  }
  const persist = (line: string) => {
    spinner?.stop()
    spinner = undefined
    stream.write(`${line}\n`)
    refresh()
  }
  return {
    listener(event: ProgressEvent) {
      switch (event.type) {
        case 'task-start':
          active.set(event.id, {title: event.title, at: Date.now()})
          refresh()
          break
        case 'task-update': {
          const task = active.get(event.id)
          if (task) task.message = event.message
          refresh()
          break
        }
        case 'task-end': {
          const task = active.get(event.id)
          active.delete(event.id)
          persist(endLine(event, task, style))
          break
        }
        case 'info':
          persist(`${symbols.info} ${event.message}`)
          break
        case 'warning':
          persist(style.yellow(`${symbols.warn} ${event.message}`))
          break
      }
    },
    pause() {
      spinner?.stop()
      spinner = undefined
    },
    stop() {
      spinner?.stop()
      spinner = undefined
      clearInterval(ticker)
      active.clear()
    },
  }
}

function endLine(
  event: Extract<ProgressEvent, {type: 'task-end'}>,
  task: {title: string; at: number} | undefined,
  style: Style,
): string {
  const title = task?.title ?? event.id
  const elapsed = task ? ` ${style.dim(formatDuration(Date.now() - task.at))}` : ''
  const detail = event.message ? ` — ${event.message}` : ''
  if (event.status === 'done') return `${style.green(symbols.ok)} ${title}${detail}${elapsed}`
  if (event.status === 'deferred')
    return `${style.yellow(`${symbols.warn} ${title} (deferred: a follow-up in the report)`)}${detail}`
  if (event.status === 'skipped') return `${style.dim(`${symbols.bullet} ${title} (skipped)`)}${detail}`
  return `${style.red(symbols.fail)} ${title}${detail}${elapsed}`
}
