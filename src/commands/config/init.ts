import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {symbols} from '../../lib/cli/style.js'
import {resolveConfigPath} from '../../lib/config/load.js'
import {EXAMPLE_CONFIG, writeExampleConfig} from '../../lib/config/example.js'
import {DrctlError} from '../../lib/core/errors.js'

export default class ConfigInit extends BaseCommand<typeof ConfigInit> {
  static override summary = 'Write an annotated drctl.yaml to start from.'
  static override description = `Writes an example topology file, every section present and every key explained, to --config, $DRCTL_CONFIG or ./drctl.yaml. Its account, ARNs, names and Regions are placeholders: replace them with your own, let \`drctl routing endpoints --save\` fill the ARC endpoints and safety rules from the control plane, then check the file with \`drctl config validate\`. An existing file is never overwritten without --force. Makes no AWS call.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --config prod/drctl.yaml',
    '<%= config.bin %> <%= command.id %> --force',
    '<%= config.bin %> <%= command.id %> --print > staging.yaml',
  ]
  static override flags = {
    force: Flags.boolean({summary: 'Replace the file if it exists.'}),
    print: Flags.boolean({summary: 'Write the example to stdout instead of a file.', exclusive: ['force']}),
  }

  async run() {
    if (this.flags.sandbox) {
      throw new DrctlError('DRCTL_USAGE', 'the sandbox keeps its own drctl.yaml; config init writes yours', {
        hints: ['drctl config show --sandbox prints the sandbox topology'],
      })
    }
    if (this.flags.print) {
      this.out(EXAMPLE_CONFIG.trimEnd())
      return {example: EXAMPLE_CONFIG}
    }
    const path = resolveConfigPath(this.flags.config)
    const {overwritten} = await writeExampleConfig(path, {force: this.flags.force})
    this.out(
      `${this.style.green(symbols.ok)} ${overwritten ? 'replaced' : 'wrote'} ${path}: an annotated example topology`,
    )
    const next = [
      'replace the placeholder account, ARNs, names and Regions with your own',
      'drctl routing endpoints --save   (ARC endpoints, routing controls and safety rules from the control plane)',
      'drctl config validate            (every problem listed by path)',
      'drctl status                     (the live posture)',
    ]
    this.out(next.map((step, index) => `  ${index + 1}. ${step}`).join('\n'))
    return {path, written: true, overwritten, next}
  }
}
