import {spawn, spawnSync} from 'node:child_process'

import {binRun, type CliResult, cliEnv} from './cli.js'

/** util-linux `script` gives the CLI a real terminal, so that its prompts can be answered (Linux only). */
export const terminalAvailable =
  process.platform === 'linux' && spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

/**
 * `drctl <args>` against the sandbox on a pseudo-terminal: when `prompt` appears, types `answer` and Enter.
 * stdout and stderr arrive merged (as on a terminal); the exit status is drctl's own. With `columns`, the terminal
 * reports that width (40 rows), as a real one does.
 */
export function drctlOnTerminal(
  home: string,
  args: string[],
  options: {prompt: string | RegExp; answer: string; env?: NodeJS.ProcessEnv; columns?: number},
): Promise<CliResult> {
  const command = [process.execPath, binRun, ...args].map(quote).join(' ')
  const sized = options.columns ? `stty cols ${options.columns} rows 40; ${command}` : command
  const prompted = (text: string) =>
    typeof options.prompt === 'string' ? text.includes(options.prompt) : options.prompt.test(text)
  const child = spawn('script', ['-qec', sized, '/dev/null'], {
    cwd: home,
    env: cliEnv(home, {DRCTL_SANDBOX: '1', TERM: 'dumb', ...options.env}),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let answered = false
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk)
    if (!answered && prompted(stdout)) {
      answered = true
      child.stdin.write(`${options.answer}\r`)
    }
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({status, stdout, stderr: ''})
    }),
  )
}
