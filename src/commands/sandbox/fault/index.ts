import {type Command, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {closest} from '../../../lib/config/suggest.js'
import {DrctlError} from '../../../lib/core/errors.js'
import {quote} from '../../../lib/core/quote.js'
import {symbols} from '../../../lib/cli/style.js'
import {activeFaultsText} from '../../../lib/cli/render-sandbox.js'
import {describeWorld, type DescribedFault, FAULT_KINDS} from '../../../lib/sandbox/index.js'

/** --mode of the faults that cut something off: `summary` says what refusing does there. */
export function outageModeFlag(summary = 'refuse: drop connections at once; hang: never answer.') {
  return Flags.string({summary, options: ['refuse', 'hang'], default: 'refuse'})
}

/** Base of `drctl sandbox fault …`: prints what changed and what is active now. */
export abstract class FaultCommand<T extends typeof Command> extends BaseCommand<T> {
  /** The outage mode given with --mode (outageModeFlag). */
  protected outageMode(mode: string | undefined): 'refuse' | 'hang' {
    return mode === 'hang' ? 'hang' : 'refuse'
  }

  protected report(change: string, faults: DescribedFault[]): {faults: DescribedFault[]} {
    this.out(`${this.style.green(symbols.ok)} ${change}`)
    this.out(activeFaultsText(faults))
    return {faults}
  }

  /**
   * `value` if it is one of `known`, else a usage error naming the closest (a typo) and every candidate; `what` names
   * one of them and all of them (`a CloudFront distribution`, `CloudFront distributions`).
   */
  protected oneOf(label: string, value: string, known: readonly string[], what: {one: string; all: string}): string {
    if (known.includes(value)) return value
    const suggestion = closest(value, known)
    throw new DrctlError(
      'DRCTL_USAGE',
      `${label} ${quote(value)} is not ${what.one}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      {hints: [known.length > 0 ? `${what.all}: ${known.join(', ')}` : `the sandbox world has no ${what.all}`]},
    )
  }
}

export default class SandboxFault extends BaseCommand<typeof SandboxFault> {
  static override summary = 'List the faults switched on in the sandbox.'
  static override description = `Faults make the sandbox misbehave the way AWS does on a bad day, so that failover, routing and chaos runbooks can be rehearsed. They persist in the world until cleared, and every process using the sandbox (including \`drctl sandbox serve\`) applies them.

Kinds: ${FAULT_KINDS.join(', ')}. Switch one on with \`drctl sandbox fault KIND …\`, clear with \`drctl sandbox fault clear [KIND]\`.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> region-outage us-east-1',
    '<%= config.bin %> <%= command.id %> clear',
  ]

  async run() {
    const view = await describeWorld(this.sandboxHome())
    this.out(activeFaultsText(view.faults))
    return {faults: view.faults, kinds: FAULT_KINDS}
  }
}
