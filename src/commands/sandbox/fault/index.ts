import type {Command, Interfaces} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../../lib/cli/base-command.js'
import {symbols} from '../../../lib/cli/style.js'
import {DrctlError, type ErrorCode} from '../../../lib/core/errors.js'
import {describeWorld, type DescribedFault, FAULT_KINDS, isSandboxError} from '../../../lib/sandbox/index.js'

/**
 * The sandbox commands share this base: errors the simulator raises on purpose (a corrupt world, a bad fault)
 * become drctl errors with their hint. It lives in a command module because oclif treats every file under
 * src/commands as a command.
 */
export abstract class SandboxCommand<T extends typeof Command> extends BaseCommand<T> {
  protected override async catch(error: Interfaces.CommandError): Promise<void> {
    if (!isSandboxError(error)) return super.catch(error)
    const code: ErrorCode = error.code === 'corrupt-world' ? 'DRCTL_SANDBOX_CORRUPT' : 'DRCTL_USAGE'
    return super.catch(new DrctlError(code, error.message, {hints: error.hint ? [error.hint] : [], cause: error}))
  }
}

export function activeFaultsText(faults: DescribedFault[]): string {
  if (faults.length === 0) return 'No faults are active.'
  return `Active faults:\n${faults.map((fault) => `  ${symbols.bullet} ${fault.description}`).join('\n')}`
}

/** Base of `drctl sandbox fault …`: prints what changed and what is active now. */
export abstract class FaultCommand<T extends typeof Command> extends SandboxCommand<T> {
  protected report(change: string, faults: DescribedFault[]): {faults: DescribedFault[]} {
    this.out(`${this.style.green(symbols.ok)} ${change}`)
    this.out(activeFaultsText(faults))
    return {faults}
  }
}

export default class SandboxFault extends SandboxCommand<typeof SandboxFault> {
  static override summary = 'List the faults switched on in the sandbox.'
  static override description = `Faults make the sandbox misbehave the way AWS does on a bad day, so that failover, routing and chaos runbooks can be rehearsed. They persist in the world until cleared, and every process using the sandbox (including \`drctl sandbox serve\`) applies them.

Kinds: ${FAULT_KINDS.join(', ')}. Switch one on with \`drctl sandbox fault KIND …\`, clear with \`drctl sandbox fault clear [KIND]\`.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> region-outage us-east-1',
    '<%= config.bin %> <%= command.id %> clear',
  ]

  async run() {
    const view = await describeWorld(this.home())
    this.out(activeFaultsText(view.faults))
    return {faults: view.faults, kinds: FAULT_KINDS}
  }
}
