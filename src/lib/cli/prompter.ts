import {DrctlError} from '../core/errors.js'

/** Every question drctl asks goes through this port; library code receives it, tests pass a scripted fake. */
export interface Prompter {
  /** A yes/no question; `--yes` answers yes. */
  confirm(message: string): Promise<boolean>
  /**
   * The operator must type `expected` exactly (data loss, deletion). `--yes` satisfies it only when the caller
   * allows it (e.g. together with an explicit --allow-data-loss).
   */
  typed(message: string, expected: string, options?: {yesSuffices?: boolean; yesFlagHint?: string}): Promise<void>
  /** Pick one of several; only possible interactively. */
  select<T extends string>(message: string, choices: {name: string; value: T; description?: string}[]): Promise<T>
}

export interface PrompterOptions {
  yes: boolean
  /** A terminal to ask on: stdin and stderr are TTYs and --json is off. */
  interactive: boolean
  /** The flags that replace the prompt, for the "confirmation required" hint. */
  yesHint?: string
}

export function interactiveTerminal(json: boolean): boolean {
  return !json && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY)
}

/**
 * Prompts on stderr (stdout stays clean for --json and pipes). Without a terminal it never waits: it fails at once
 * with exit 4 and says which flag to pass (inquirer would otherwise wait forever on a closed stdin).
 */
export function createPrompter(options: PrompterOptions): Prompter {
  const required = (what: string, flag = options.yesHint ?? '--yes') =>
    new DrctlError('DRCTL_CONFIRMATION_REQUIRED', `${what} needs confirmation, and there is no terminal to ask on`, {
      hints: [`re-run with ${flag} to confirm non-interactively`],
    })
  const ask = async <T>(question: Record<string, unknown>): Promise<T> => {
    try {
      // inquirer loads on first use: most runs never ask anything.
      const {default: inquirer} = await import('inquirer')
      const prompt = inquirer.createPromptModule({output: process.stderr})
      const answers = (await prompt([{name: 'answer', ...question}] as never)) as {answer: T}
      return answers.answer
    } catch (error) {
      if ((error as Error).name === 'ExitPromptError') {
        throw new DrctlError('DRCTL_INTERRUPTED', 'interrupted at the prompt; nothing was changed')
      }
      throw error
    }
  }

  return {
    async confirm(message) {
      if (options.yes) return true
      if (!options.interactive) throw required('this change')
      return ask<boolean>({type: 'confirm', message, default: false})
    },
    async typed(message, expected, typedOptions = {}) {
      if (options.yes && typedOptions.yesSuffices !== false) return
      if (!options.interactive) throw required('this change', typedOptions.yesFlagHint)
      const answer = await ask<string>({type: 'input', message: `${message}\n  Type ${expected} to confirm:`})
      if (answer.trim() !== expected) {
        throw new DrctlError(
          'DRCTL_CONFIRMATION_DECLINED',
          `confirmation did not match "${expected}"; nothing was changed`,
        )
      }
    },
    async select(message, choices) {
      if (!options.interactive) {
        throw new DrctlError('DRCTL_CONFIRMATION_REQUIRED', `${message}: there is no terminal to choose on`, {
          hints: ['name the choice on the command line'],
        })
      }
      return ask({type: 'select', message, choices})
    },
  }
}
